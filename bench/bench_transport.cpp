// Host cost of one transaction through the platform's hot path: test initiator -> router -> DRAM,
// and of the pieces on it. Run: build/bench/bench_transport (SystemC elaborates once per process,
// so the platform is built once and every benchmark drives it from outside a SystemC process).
#include <benchmark/benchmark.h>

#include "test_bench.h"
#include "vmsim/models/core/random.h"

namespace {

vmsim::test::TestBench& bench() {
  static vmsim::test::TestBench instance(R"(
components:
  bus:    {type: router}
  rom:    {type: dram, base: 0x0, size: 64KiB}
  gpio:   {type: dram, base: 0x10000000, size: 4KiB}
  dram:   {type: dram, base: 0x80000000, size: 4GiB}
  tester: {type: test_initiator}
)");
  static bool elaborated = (instance.elaborate(), true);
  (void)elaborated;
  return instance;
}

void RandomLoadThroughRouterToDram(benchmark::State& state) {
  auto& tester = *bench().tester;
  const std::uint64_t range = static_cast<std::uint64_t>(state.range(0));
  vmsim::Random random(1);
  std::uint64_t value = 0;
  for (auto _ : state) {
    tester.read64(0x80000000 + random.below(range / 8) * 8, value);
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(RandomLoadThroughRouterToDram)->Arg(64 << 10)->Arg(1 << 30);

void RandomDraw(benchmark::State& state) {
  vmsim::Random random(1);
  for (auto _ : state) benchmark::DoNotOptimize(random.below(1 << 27));
}
BENCHMARK(RandomDraw);

}  // namespace

int sc_main(int argc, char* argv[]) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
