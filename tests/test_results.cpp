// What a run reports: the derived rates beside their counters, and the terminal summary.
#include <gtest/gtest.h>

#include "vmsim/platforms/derived_stats.h"
#include "vmsim/platforms/summary.h"

namespace vmsim {
namespace {

std::vector<std::string> names(const std::vector<StatEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& entry : entries) out.push_back(entry.name);
  return out;
}

double number(const std::vector<StatEntry>& entries, const std::string& name) {
  for (const auto& entry : entries)
    if (entry.name == name) return std::get<double>(entry.value);
  ADD_FAILURE() << name;
  return 0;
}

TEST(DerivedStats, RatesFollowTheirCounters) {
  const std::vector<StatEntry> run = {
      {"sim_accesses", std::uint64_t{2000}, ""},
      {"system.mmu0.accesses", std::uint64_t{2000}, ""},
      {"system.mmu0.walker.walks", std::uint64_t{50}, ""},
      {"system.mmu0.dtlb.hits", std::uint64_t{300}, ""},
      {"system.mmu0.dtlb.misses", std::uint64_t{100}, ""},
      {"system.mmu0.itlb.hits", std::uint64_t{0}, ""},
      {"system.mmu0.itlb.misses", std::uint64_t{0}, ""},
      {"system.dram.row_hits", std::uint64_t{30}, ""},
      {"system.dram.row_misses", std::uint64_t{10}, ""},
      {"system.dram.row_conflicts", std::uint64_t{10}, ""},
      {"system.kernel.faults.minor", std::uint64_t{7}, ""},
      {"system.kernel.faults.major", std::uint64_t{3}, ""},
  };
  const auto derived = with_derived_stats(run);
  const std::vector<std::string> expected = {"sim_accesses",
                                             "system.mmu0.accesses",
                                             "system.mmu0.walker.walks",
                                             "system.mmu0.walker.walks_per_kilo_access",
                                             "system.mmu0.dtlb.hits",
                                             "system.mmu0.dtlb.misses",
                                             "system.mmu0.dtlb.hit_rate",
                                             "system.mmu0.dtlb.miss_rate",
                                             "system.mmu0.itlb.hits",
                                             "system.mmu0.itlb.misses",
                                             "system.mmu0.itlb.hit_rate",
                                             "system.mmu0.itlb.miss_rate",
                                             "system.dram.row_hits",
                                             "system.dram.row_misses",
                                             "system.dram.row_conflicts",
                                             "system.dram.row_hit_rate",
                                             "system.dram.row_conflict_rate",
                                             "system.kernel.faults.minor",
                                             "system.kernel.faults.major",
                                             "system.kernel.faults.per_kilo_access"};
  EXPECT_EQ(names(derived), expected);
  EXPECT_DOUBLE_EQ(number(derived, "system.mmu0.walker.walks_per_kilo_access"), 25.0);
  EXPECT_DOUBLE_EQ(number(derived, "system.mmu0.dtlb.hit_rate"), 0.75);
  EXPECT_DOUBLE_EQ(number(derived, "system.mmu0.dtlb.miss_rate"), 0.25);
  EXPECT_DOUBLE_EQ(number(derived, "system.dram.row_hit_rate"), 0.6);
  EXPECT_DOUBLE_EQ(number(derived, "system.dram.row_conflict_rate"), 0.2);
  EXPECT_DOUBLE_EQ(number(derived, "system.kernel.faults.per_kilo_access"), 5.0);
  // No look-ups, no rate.
  EXPECT_TRUE(std::holds_alternative<std::monostate>(derived[10].value));
}

TEST(Summary, GroupedByComponentWithReadableNumbers) {
  const std::vector<StatEntry> run = {
      {"sim_seconds", 0.0125, ""},
      {"sim_accesses", std::uint64_t{1234567}, ""},
      {"host_seconds", 2.5, ""},
      {"host_accesses_per_second", 493826.8, ""},
      {"system.dram.reads", std::uint64_t{1000}, ""},
      {"system.dram.avg_latency_ns", 45.25, ""},
      {"system.dram.latency_ns::mean", 45.25, ""},
      {"system.dram.row_hit_rate", 0.8125, ""},
      {"system.dram.bandwidth_bytes_per_second", 12.5e9, ""},
      {"system.cpu0.accesses", std::uint64_t{1234567}, ""},
      {"system.cpu0.latency_ns::mean", StatEntry::value_type{}, ""},
      {"system.cpu0.processes.a.loads", std::uint64_t{5}, ""},
  };
  EXPECT_EQ(format_summary(run, false),
            "dram\n"
            "  reads                          1,000   mean latency                 45.2 ns\n"
            "  row-hit rate                 81.25 %   bandwidth                 12.50 GB/s\n"
            "cpu0\n"
            "  accesses                   1,234,567\n"
            "run\n"
            "  simulated time             12.500 ms   accesses                   1,234,567\n"
            "  host time                    2.500 s   accesses / host second       493,827\n");
  const std::string coloured = format_summary(run, true);
  EXPECT_NE(coloured.find("\x1b["), std::string::npos);
}

}  // namespace
}  // namespace vmsim
