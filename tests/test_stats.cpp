#include <gtest/gtest.h>

#include "vmsim/models/core/stats.h"

namespace vmsim {
namespace {

TEST(Stats, HierarchicalNamesAndFormats) {
  StatGroup root;
  StatGroup system(root, "system");
  StatGroup dram(system, "dram");
  Value seconds(root, "sim_seconds", "Simulated seconds");
  Counter reads(dram, "reads", "Reads served");
  Average latency(dram, "avg_latency_ns", "Mean latency");
  Average empty(dram, "empty", "No samples");
  Formula ratio(dram, "ratio", "Reads per second", [&] { return static_cast<double>(reads.value()) / seconds.value(); });
  ++reads;
  reads += 2;
  latency.sample(10);
  latency.sample(15);
  seconds.set(0.5);

  const auto entries = root.collect();
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[1].name, "system.dram.reads");
  EXPECT_EQ(format_stats_json(entries),
            "{\n  \"sim_seconds\": 0.5,\n  \"system.dram.reads\": 3,\n  \"system.dram.avg_latency_ns\": 12.5,\n"
            "  \"system.dram.empty\": null,\n  \"system.dram.ratio\": 6\n}\n");
  const std::string text = format_stats_text(entries);
  // Names padded to the longest (26 characters), values right-aligned in 20.
  EXPECT_NE(text.find("\nsystem.dram.reads" + std::string(29, ' ') + "3 # Reads served\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nsystem.dram.empty" + std::string(27, ' ') + "nan # No samples\n"), std::string::npos) << text;
}

TEST(Stats, DistributionBucketsAndMoments) {
  StatGroup root("x");
  Distribution latency(root, "lat", "Latency", 2, 0.0, 10.0);
  for (double v : {-1.0, 2.0, 4.0, 7.0, 12.0}) latency.sample(v);
  const auto entries = root.collect();
  std::vector<std::pair<std::string, double>> flat;
  for (const auto& e : entries)
    flat.emplace_back(e.name, std::holds_alternative<std::uint64_t>(e.value)
                                  ? static_cast<double>(std::get<std::uint64_t>(e.value))
                                  : std::get<double>(e.value));
  const std::vector<std::pair<std::string, double>> expected = {
      {"x.lat::samples", 5}, {"x.lat::mean", 4.8},      {"x.lat::stdev", std::sqrt(24.7)},
      {"x.lat::min", -1},    {"x.lat::max", 12},        {"x.lat::underflows", 1},
      {"x.lat::0-5", 2},     {"x.lat::5-10", 1},        {"x.lat::overflows", 1}};
  ASSERT_EQ(flat.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(flat[i].first, expected[i].first);
    EXPECT_DOUBLE_EQ(flat[i].second, expected[i].second) << expected[i].first;
  }
  // As gem5: each bucket's share of the samples, and the running total from the underflows up.
  const std::vector<std::pair<double, double>> shares = {{0.2, 0.2}, {0.4, 0.6}, {0.2, 0.8}, {0.2, 1.0}};
  for (std::size_t i = 0; i < shares.size(); ++i) {
    ASSERT_TRUE(entries[5 + i].shares) << entries[5 + i].name;
    EXPECT_DOUBLE_EQ(entries[5 + i].shares->pdf, shares[i].first) << entries[5 + i].name;
    EXPECT_DOUBLE_EQ(entries[5 + i].shares->cdf, shares[i].second) << entries[5 + i].name;
  }
  EXPECT_FALSE(entries[4].shares);
  const std::string text = format_stats_text(entries);
  EXPECT_NE(text.find("\nx.lat::0-5" + std::string(27, ' ') + "2     40.00%     60.00% # Samples in the bucket\n"),
            std::string::npos)
      << text;
  const std::string json = format_stats_json(entries);
  EXPECT_NE(json.find("  \"x.lat::0-5\": 2,\n  \"x.lat::0-5::pdf\": 0.4,\n  \"x.lat::0-5::cdf\": 0.6,\n"),
            std::string::npos)
      << json;
}

TEST(Stats, AnEmptyDistributionHasNoShares) {
  StatGroup root("x");
  Distribution latency(root, "lat", "Latency", 2, 0.0, 10.0);
  for (const auto& entry : root.collect()) EXPECT_FALSE(entry.shares) << entry.name;
}

}  // namespace
}  // namespace vmsim
