#include <gtest/gtest.h>

#include <set>

#include "test_bench.h"
#include "vmsim/models/cpu/access_pattern.h"

namespace vmsim::test {
namespace {

TEST(AccessPattern, LinearWrapsWhenTheNextAccessWouldNotFit) {
  AccessPattern pattern({AccessPattern::Kind::linear, 0x100, 32, 12, 8}, 1);
  std::vector<std::uint64_t> addresses;
  for (int i = 0; i < 7; ++i) addresses.push_back(pattern.next());
  EXPECT_EQ(addresses, (std::vector<std::uint64_t>{0x100, 0x10c, 0x118, 0x100, 0x10c, 0x118, 0x100}));
}

TEST(AccessPattern, RandomIsAlignedInRangeUniformAndSeeded) {
  const AccessPattern::Spec spec{AccessPattern::Kind::random, 0x4000, 64 * 16, 0, 16};
  AccessPattern a(spec, 7);
  AccessPattern b(spec, 7);
  AccessPattern c(spec, 8);
  std::vector<unsigned> histogram(64);
  bool differs = false;
  const int draws = 64'000;
  for (int i = 0; i < draws; ++i) {
    const std::uint64_t address = a.next();
    ASSERT_EQ(address, b.next());
    differs |= address != c.next();
    ASSERT_GE(address, 0x4000u);
    ASSERT_LT(address, 0x4000u + 1024);
    ASSERT_EQ(address % 16, 0u);
    ++histogram[(address - 0x4000) / 16];
  }
  EXPECT_TRUE(differs);
  // Chi-square with 63 degrees of freedom: above 110 happens with probability below 0.02%.
  double chi_square = 0;
  for (unsigned count : histogram) chi_square += (count - 1000.0) * (count - 1000.0) / 1000.0;
  EXPECT_LT(chi_square, 110.0);
}

const std::string one_cpu = R"(
platform: {quantum: 1us, seed: 3}
components:
  bus:  {type: router, hop_latency: 1ns}
  dram: {type: dram, base: 0x80000000, size: 1GiB, read_latency: 50ns, write_latency: 40ns}
  cpu0: {type: traffic_gen, frequency: 2GHz}
workload:
  cpu0:
    - name: p
      phases:
        - {pattern: linear, base: 0x80000000, size: 4KiB, count: 1000, read_fraction: 0.5, think_cycles: 4}
)";

TEST(TrafficGen, CountsAndTimingFollowFromTheConfiguration) {
  const auto stats = run_platform(one_cpu, {"components.cpu0.latency_histogram={buckets: 50, max: 500ns}"});
  const double reads = find_stat(stats, "system.cpu0.reads");
  const double writes = find_stat(stats, "system.cpu0.writes");
  EXPECT_EQ(reads + writes, 1000);
  EXPECT_GT(reads, 400);  // read_fraction 0.5 over 1000 draws
  EXPECT_GT(writes, 400);
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 1000);
  EXPECT_EQ(find_stat(stats, "system.dram.reads"), reads);
  EXPECT_EQ(find_stat(stats, "system.dram.writes"), writes);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), reads);
  EXPECT_EQ(find_stat(stats, "system.cpu0.bytes_read"), 8 * reads);
  // Each access: 1 ns hop + 50 ns read or 40 ns write, then 4 cycles at 2 GHz of think time.
  const double expected_ns = reads * 53 + writes * 43;
  EXPECT_DOUBLE_EQ(find_stat(stats, "sim_seconds"), expected_ns * 1e-9);
  EXPECT_DOUBLE_EQ(find_stat(stats, "system.cpu0.latency_ns::mean"), (reads * 51 + writes * 41) / 1000);
  EXPECT_EQ(find_stat(stats, "system.cpu0.latency_ns::50-60"), reads);
  EXPECT_EQ(find_stat(stats, "system.cpu0.latency_ns::40-50"), writes);
}

TEST(TrafficGen, EveryPhaseRuns) {
  const auto stats = run_platform(one_cpu, {"workload.cpu0.0.phases.1={pattern: random, base: 0x80000000, "
                                            "size: 1MiB, count: 500, read_fraction: 1, access_size: 64}"});
  const double reads = find_stat(stats, "system.cpu0.reads");
  const double writes = find_stat(stats, "system.cpu0.writes");
  EXPECT_EQ(reads + writes, 1500);
  // The second phase only loads, 64 bytes at a time.
  EXPECT_EQ(find_stat(stats, "system.cpu0.bytes_read"), (reads - 500) * 8 + 500 * 64);
  EXPECT_EQ(find_stat(stats, "system.cpu0.bytes_written"), writes * 8);
}

TEST(TrafficGen, SelfCheckCatchesAnotherWriter) {
  // Two generators storing to the same 64 bytes: each soon loads a value the other stored.
  const std::string yaml = one_cpu + R"(
  cpu1:
    - name: q
      phases: [{pattern: random, base: 0x80000000, size: 64, count: 1000, read_fraction: 0.5}]
)";
  const std::string failure =
      run_failure(yaml, {"workload.cpu0.0.phases.0.size=64", "components.cpu1={type: traffic_gen}"});
  EXPECT_NE(failure.find(": self-check failed: load of 8 bytes at 0x8000"), std::string::npos) << failure;
}

TEST(TrafficGen, AccessToUnmappedMemoryFailsTheRun) {
  EXPECT_EQ(
      run_failure(one_cpu, {"workload.cpu0.0.phases.0.base=0x40000000", "workload.cpu0.0.phases.0.read_fraction=1"}),
      "at 0ns: system.cpu0: load of 8 bytes at 0x40000000 failed: TLM_ADDRESS_ERROR_RESPONSE");
}

TEST(TrafficGen, PhaseMistakesAreConfigurationErrors) {
  const auto error_of = [](const std::string& assignment) { return config_error(one_cpu, {assignment}); };
  EXPECT_EQ(error_of("workload.cpu0.0.phases.0.access_size=3"),
            "--set workload.cpu0.0.phases.0.access_size=3: workload.cpu0.0.phases.0.access_size: must be a power of "
            "two from 1 to 4096");
  EXPECT_EQ(error_of("workload.cpu0.0.phases.0.read_fraction=1.5"),
            "--set workload.cpu0.0.phases.0.read_fraction=1.5: workload.cpu0.0.phases.0.read_fraction: must be "
            "between 0 and 1");
  EXPECT_EQ(error_of("workload.cpu0.0.phases.0.pattern=zigzag"),
            "--set workload.cpu0.0.phases.0.pattern=zigzag: workload.cpu0.0.phases.0.pattern: 'zigzag' is not one of "
            "linear|strided|random|hot_cold|zipf|pointer_chase|idle");
  EXPECT_EQ(error_of("workload.cpu0.0.phases.0.cuont=1"),
            "--set workload.cpu0.0.phases.0.cuont=1: workload.cpu0.0.phases.0.cuont: unknown parameter (did you mean "
            "'count'?)");
}


std::vector<std::uint64_t> draw(AccessPattern pattern, int count) {
  std::vector<std::uint64_t> addresses;
  for (int i = 0; i < count; ++i) addresses.push_back(pattern.next());
  return addresses;
}

TEST(AccessPattern, StridedStreamsInterleaveEachInItsSlice) {
  AccessPattern::Spec spec{AccessPattern::Kind::strided, 0x100, 64, 8, 8};
  spec.streams = 2;
  EXPECT_EQ(draw(AccessPattern(spec, 1), 10),
            (std::vector<std::uint64_t>{0x100, 0x120, 0x108, 0x128, 0x110, 0x130, 0x118, 0x138, 0x100, 0x120}));
}

TEST(AccessPattern, HotColdSendsItsShareToTheHotPart) {
  AccessPattern::Spec spec{AccessPattern::Kind::hot_cold, 0, 1000 * 8, 0, 8};
  spec.hot_fraction = 0.1;
  spec.hot_probability = 0.8;
  int hot = 0;
  const int draws = 100'000;
  for (const std::uint64_t address : draw(AccessPattern(spec, 3), draws)) {
    ASSERT_LT(address, 8000u);
    hot += address < 800 ? 1 : 0;
  }
  // Binomial(100000, 0.8): standard deviation 126; 700 is more than five of them.
  EXPECT_NEAR(hot, 80'000, 700);
}

TEST(AccessPattern, ZipfRanksFollowTheirWeights) {
  AccessPattern::Spec spec{AccessPattern::Kind::zipf, 0, 100 * 8, 0, 8};
  spec.skew = 1.0;
  std::vector<int> counts(100);
  const int draws = 100'000;
  for (const std::uint64_t address : draw(AccessPattern(spec, 4), draws)) counts.at(address / 8)++;
  // P(rank k) = 1 / (k * H_100), H_100 = 5.18738; rank 1: 19277 expected, standard deviation 125.
  double harmonic = 0;
  for (int k = 1; k <= 100; ++k) harmonic += 1.0 / k;
  for (int k : {1, 2, 10}) EXPECT_NEAR(counts[k - 1], draws / (k * harmonic), 700) << "rank " << k;
  EXPECT_GT(counts[99], 0);
}

const std::string fixed = R"(
components:
  bus:  {type: router, hop_latency: 0ns}
  dram: {type: dram, base: 0x80000000, size: 1GiB, read_latency: 50ns, write_latency: 40ns}
  cpu0: {type: traffic_gen, frequency: 1GHz}
)";

TEST(Workload, PointerChaseTimeIsTheSumOfItsLatencies) {
  const auto stats = run_platform(fixed + R"(
workload:
  cpu0: [{name: p, phases: [{pattern: pointer_chase, base: 0x80000000, size: 128, access_size: 8, count: 32}]}]
)");
  // 16 pointers stored (40 ns each), then 32 dependent loads (50 ns each), nothing overlapping.
  EXPECT_DOUBLE_EQ(find_stat(stats, "sim_seconds"), (16 * 40 + 32 * 50) * 1e-9);
  EXPECT_EQ(find_stat(stats, "system.cpu0.writes"), 16);
  EXPECT_EQ(find_stat(stats, "system.cpu0.reads"), 32);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), 32);
}

TEST(Workload, ADurationEndsThePhaseInTime) {
  const auto stats = run_platform(fixed + R"(
workload:
  cpu0: [{name: p, phases: [{pattern: linear, base: 0x80000000, size: 4KiB, duration: 1us, read_fraction: 1}]}]
)");
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 20);  // one every 50 ns
}

TEST(Workload, FetchesLoadsAndStoresMixByTheirFractions) {
  const auto stats = run_platform(fixed + R"(
workload:
  cpu0: [{name: p, phases: [{pattern: random, base: 0x80000000, size: 4KiB, count: 8000, read_fraction: 0.5,
                             fetch_fraction: 0.25}]}]
)");
  // Binomial(8000, 0.25): standard deviation 39; 200 is five of them.
  EXPECT_NEAR(find_stat(stats, "system.cpu0.fetches"), 2000, 200);
  EXPECT_NEAR(find_stat(stats, "system.cpu0.processes.p.stores"), 2000, 200);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.fetches") + find_stat(stats, "system.cpu0.processes.p.loads") +
                find_stat(stats, "system.cpu0.processes.p.stores"),
            8000);
}

TEST(Workload, PhasesAsAStateMachineFollowTheirWeights) {
  const auto stats = run_platform(fixed + R"(
workload:
  cpu0:
    - name: p
      steps: 4000
      phase_stats: true
      phases:
        - {name: a, pattern: random, base: 0x80000000, size: 4KiB, count: 1, next: {b: 1, c: 3}}
        - {name: b, pattern: random, base: 0x80000000, size: 4KiB, count: 1, next: {a: 1}}
        - {name: c, pattern: random, base: 0x80000000, size: 4KiB, count: 1, next: {a: 1}}
)");
  // a alternates with b or c: 2000 visits each way. b follows a with probability 1/4: binomial
  // (2000, 0.25), standard deviation 19.4, so 100 is more than five of them.
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.phases.a.visits"), 2000);
  const double b = find_stat(stats, "system.cpu0.processes.p.phases.b.visits");
  EXPECT_EQ(b + find_stat(stats, "system.cpu0.processes.p.phases.c.visits"), 2000);
  EXPECT_NEAR(b, 500, 100);
  EXPECT_EQ(find_stat(stats, "system.cpu0.processes.p.phases.b.accesses"), b);
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 4000);
}

}  // namespace
}  // namespace vmsim::test
