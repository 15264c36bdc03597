// The speed benchmark's engine: runs one fixed scenario, once, in this process (SystemC elaborates
// once per process), either through vmsim or through a bare TLM-2.0 chain (an initiator with a
// tlm_quantumkeeper, two pass-through hops and a memory target) replaying the same address stream.
// It prints one line of figures; bench/run.sh interleaves the two engines, runs them under
// callgrind and makes the table.
//
//   vmsim_bench SCENARIO vmsim|bare [--accesses N]
//   vmsim_bench --list
//
// Only the measured part is timed and, under `valgrind --tool=callgrind --instr-atstart=no`,
// instrumented: for vmsim, the simulation from the end of the boot (page tables built, kernel
// booted) to the last access; for the bare chain, its loop over the stream, built beforehand; for
// the start-up scenario, the boot itself.
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#include <fmt/format.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "vmsim/models/core/payload.h"
#include "vmsim/models/cpu/access_pattern.h"
#include "vmsim/models/cpu/trace_reader.h"
#include "vmsim/models/memory/sparse_store.h"
#include "vmsim/platforms/builtin_models.h"
#include "vmsim/platforms/results.h"
#include "vmsim/platforms/system.h"

namespace {

using Clock = std::chrono::steady_clock;
using vmsim::AccessPattern;

// One access of the bare chain's stream.
struct Access {
  std::uint64_t address;
  std::uint32_t length;
  bool read;
};
using Stream = std::vector<Access>;

// The bare chain's memory: every address lands in it, modulo its size (a trace's addresses are
// virtual and far apart).
constexpr std::uint64_t bare_memory_size = std::uint64_t{1} << 30;
constexpr std::uint64_t max_access_size = 4096;  // as a trace's access may be

// The traffic generator's draw of a phase's addresses, as vmsim seeds it (`system.<cpu>/<process>/
// phase<n>`), so that both engines access the same addresses.
void add_phase(Stream& stream, AccessPattern::Spec spec, const std::string& stream_name, std::uint64_t count,
               double read_fraction) {
  AccessPattern pattern(spec, vmsim::Random::derive(1, stream_name));
  vmsim::Random kinds(2);
  for (std::uint64_t i = 0; i < count; ++i)
    stream.push_back({pattern.next(), static_cast<std::uint32_t>(spec.access_size), kinds.unit() < read_fraction});
}

AccessPattern::Spec spec(AccessPattern::Kind kind, std::uint64_t size, std::uint64_t stride = 8) {
  AccessPattern::Spec s;
  s.kind = kind;
  s.size = size;
  s.access_size = 8;
  s.stride = stride;
  return s;
}

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t accesses;  // default count
  // The configuration: a file of configs/ (run from the project folder) or YAML text, and --set
  // assignments for a count of accesses.
  std::string file;
  std::function<std::string(std::uint64_t)> yaml;
  std::function<std::vector<std::string>(std::uint64_t)> sets;
  // The same addresses for the bare chain; none for a scenario that measures start-up.
  std::function<Stream(std::uint64_t)> stream;
  bool startup = false;
};

std::string physical_platform(std::uint64_t count, const std::string& dram, bool self_check) {
  return fmt::format(R"(
platform: {{quantum: 1us, seed: 1}}
components:
  bus:  {{type: router, hop_latency: 1ns}}
  dram: {{type: dram, base: 0x80000000, {}}}
  cpu0: {{type: traffic_gen, frequency: 2GHz, port: bus, self_check: {}}}
workload:
  cpu0:
    - name: p
      phases: [{{pattern: random, base: 0x80000000, size: 1GiB, count: {}, read_fraction: 0.7}}]
)",
                     dram, self_check, count);
}

Stream physical_stream(std::uint64_t count) {
  Stream stream;
  add_phase(stream, spec(AccessPattern::Kind::random, 1 << 30), "system.cpu0/p/phase0", count, 0.7);
  return stream;
}

// configs/translated.yaml (L1 and L2 TLBs, a 16-entry walk cache) with 1 GiB of 4 KiB pages mapped.
std::vector<std::string> translated(std::uint64_t count, const std::string& pattern, const std::string& size) {
  return {"components.boot.mappings.0.size=1GiB", "components.cpu0.self_check=false",
          fmt::format("workload.cpu0.0.phases=[{{pattern: {}, base: 0x40000000, size: {}, count: {}, "
                      "read_fraction: 0.7}}]",
                      pattern, size, count)};
}

const std::vector<Scenario>& scenarios() {
  using Kind = AccessPattern::Kind;
  static const std::vector<Scenario> all = {
      {"physical", "random 8-byte accesses over 1 GiB, fixed-latency DRAM, self-check off", 1'000'000, "",
       [](std::uint64_t n) {
         return physical_platform(n, "size: 1GiB, read_latency: 50ns, write_latency: 50ns", false);
       },
       nullptr, physical_stream},
      {"physical-checked", "the same with self-check on (its shadow's memory)", 1'000'000, "",
       [](std::uint64_t n) {
         return physical_platform(n, "size: 1GiB, read_latency: 50ns, write_latency: 50ns", true);
       },
       nullptr, physical_stream},
      {"tlb-friendly", "translated (Sv39), linear over 64 KiB: TLB hits", 1'000'000, "configs/translated.yaml", nullptr,
       [](std::uint64_t n) { return translated(n, "linear", "64KiB"); },
       [](std::uint64_t n) {
         Stream stream;
         add_phase(stream, spec(Kind::linear, 64 << 10), "system.cpu0/heap/phase0", n, 0.7);
         return stream;
       }},
      {"tlb-hostile", "translated (Sv39), random over 1 GiB of 4 KiB pages: walks through DRAM", 300'000,
       "configs/translated.yaml", nullptr, [](std::uint64_t n) { return translated(n, "random", "1GiB"); },
       [](std::uint64_t n) {
         Stream stream;
         add_phase(stream, spec(Kind::random, 1 << 30), "system.cpu0/heap/phase0", n, 0.7);
         return stream;
       }},
      {"trace", "lackey trace (hashjoin) under the kernel, detailed DDR4-2400", 300'000, "configs/trace-sort.yaml",
       nullptr,
       [](std::uint64_t n) {
         return std::vector<std::string>{"workload.cpu0.0.trace.file=traces/hashjoin.lackey.gz",
                                         fmt::format("workload.cpu0.0.trace.limit={}", n)};
       },
       [](std::uint64_t n) {
         Stream stream;
         vmsim::TraceReader reader("configs/traces/hashjoin.lackey.gz", vmsim::TraceReader::Format::lackey);
         vmsim::TraceAccess access;
         while (stream.size() < n && reader.next(access))
           stream.push_back(
               {access.address, static_cast<std::uint32_t>(access.size), access.kind != vmsim::AccessKind::store});
         return stream;
       }},
      {"swap", "configs/swap.yaml: three processes, clock policy, SSD (accesses split over its six phases)", 120'000,
       "configs/swap.yaml", nullptr,
       [](std::uint64_t n) {
         std::vector<std::string> sets;
         for (int process = 0; process < 3; ++process)
           for (int phase = 0; phase < 2; ++phase)
             sets.push_back(fmt::format("workload.cpu0.{}.phases.{}.count={}", process, phase, n / 6));
         return sets;
       },
       [](std::uint64_t n) {
         // Each process's phases over its own 2 MiB, as the kernel's frames would hold them.
         Stream stream;
         constexpr std::uint64_t region = 2 << 20;
         AccessPattern::Spec hot_cold = spec(Kind::hot_cold, region);
         AccessPattern::Spec zipf = spec(Kind::zipf, region);
         const std::pair<AccessPattern::Spec, double> phases[3][2] = {
             {{spec(Kind::random, region), 0.6}, {hot_cold, 0.5}},
             {{spec(Kind::linear, region, 64), 0.5}, {zipf, 0.5}},
             {{spec(Kind::random, region), 0.5}, {spec(Kind::random, region), 0.9}}};
         const char* names[] = {"a", "b", "c"};
         for (int process = 0; process < 3; ++process)
           for (int phase = 0; phase < 2; ++phase) {
             AccessPattern::Spec s = phases[process][phase].first;
             s.base = process * region;
             add_phase(stream, s, fmt::format("system.cpu0/{}/phase{}", names[process], phase), n / 6,
                       phases[process][phase].second);
           }
         return stream;
       }},
      {"ddr4-lt", "random 8-byte accesses over 1 GiB, detailed DDR4-2400, mode: lt", 300'000, "",
       [](std::uint64_t n) { return physical_platform(n, "timing: detailed, preset: DDR4-2400, mode: lt", false); },
       nullptr, physical_stream},
      {"ddr4-at", "the same with mode: at (one access outstanding)", 300'000, "",
       [](std::uint64_t n) { return physical_platform(n, "timing: detailed, preset: DDR4-2400, mode: at", false); },
       nullptr, physical_stream},
      {"startup", "boot of a platform with 4 GiB of 4 KiB pages mapped (page tables built)", 1,
       "configs/translated.yaml", nullptr,
       [](std::uint64_t n) {
         return std::vector<std::string>{
             "components.dram.size=8GiB",
             "components.boot.table_size=16MiB",
             "components.boot.mappings.0.size=4GiB",
             "components.boot.mappings.0.pa=0x81000000",
             "components.cpu0.self_check=false",
             fmt::format("workload.cpu0.0.phases=[{{pattern: linear, base: 0x40000000, size: 4KiB, count: {}}}]", n)};
       },
       nullptr, true},
  };
  return all;
}

std::uint64_t peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
}

// What one run prints: accesses, measured host seconds, peak resident memory of the process, and
// the simulated memory it touched (host memory backing the DRAM, or the bare chain's memory).
void report(const Scenario& scenario, const char* engine, std::uint64_t accesses, double seconds,
            std::uint64_t touched) {
  fmt::print("scenario={} engine={} accesses={} seconds={:.6f} peak_bytes={} touched_bytes={}\n", scenario.name, engine,
             accesses, seconds, peak_resident_bytes(), touched);
}

// Starts the measurement once the boot is over (for start-up: ends it there).
class BootWatch final : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(BootWatch);
  BootWatch(const sc_core::sc_module_name& name, vmsim::RunControl& run, bool startup)
      : sc_core::sc_module(name), run_(run), startup_(startup) {
    SC_THREAD(watch);
  }
  Clock::time_point booted;

 private:
  void watch() {
    run_.wait_for_boot();
    booted = Clock::now();
    if (startup_)
      CALLGRIND_STOP_INSTRUMENTATION;
    else
      CALLGRIND_START_INSTRUMENTATION;
  }
  vmsim::RunControl& run_;
  bool startup_;
};

int run_vmsim(const Scenario& scenario, std::uint64_t count) {
  vmsim::ConfigDocument config = scenario.file.empty() ? vmsim::ConfigDocument::from_string(scenario.yaml(count))
                                                       : vmsim::ConfigDocument::from_file(scenario.file);
  if (scenario.sets)
    for (const std::string& assignment : scenario.sets(count)) config.set(assignment);
  vmsim::ModelRegistry registry;
  vmsim::register_builtin_models(registry);
  const std::string out = fmt::format("/tmp/vmsim_bench.{}", ::getpid());
  vmsim::create_output_directory(out);
  vmsim::System system("system", config, registry, out);
  BootWatch watch("bench_boot_watch", system.run_control(), scenario.startup);
  const Clock::time_point start = Clock::now();
  if (scenario.startup) CALLGRIND_START_INSTRUMENTATION;
  const bool ok = system.run();
  const Clock::time_point end = Clock::now();
  if (!scenario.startup) CALLGRIND_STOP_INSTRUMENTATION;
  std::filesystem::remove_all(out);
  if (!ok) {
    fmt::print(stderr, "vmsim_bench: {}: {}\n", scenario.name, system.failure());
    return EXIT_FAILURE;
  }
  std::uint64_t accesses = 0;
  std::uint64_t touched = 0;
  for (const vmsim::StatEntry& entry : system.statistics()) {
    if (entry.name == "sim_accesses") accesses = std::get<std::uint64_t>(entry.value);
    if (entry.name == "system.dram.host_resident_bytes")
      touched = static_cast<std::uint64_t>(std::get<double>(entry.value));
  }
  const std::chrono::duration<double> seconds = scenario.startup ? watch.booted - start : end - watch.booted;
  report(scenario, "vmsim", accesses, seconds.count(), touched);
  return EXIT_SUCCESS;
}

// The bare chain.
class BareHop final : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<BareHop> target{"target"};
  tlm_utils::simple_initiator_socket<BareHop> initiator{"initiator"};
  explicit BareHop(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {
    target.register_b_transport(this, &BareHop::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    delay += sc_core::sc_time(1, sc_core::SC_NS);
    initiator->b_transport(trans, delay);
  }
};

class BareMemory final : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<BareMemory> target{"target"};
  explicit BareMemory(const sc_core::sc_module_name& name)
      : sc_core::sc_module(name), store_(bare_memory_size + max_access_size) {
    target.register_b_transport(this, &BareMemory::b_transport);
  }
  std::uint64_t resident_bytes() const { return store_.resident_bytes(); }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t offset = trans.get_address() & (bare_memory_size - 1);
    if (trans.is_read())
      store_.read(offset, trans.get_data_ptr(), trans.get_data_length());
    else
      store_.write(offset, trans.get_data_ptr(), trans.get_data_length());
    delay += sc_core::sc_time(50, sc_core::SC_NS);
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  vmsim::SparseStore store_;
};

class BareInitiator final : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<BareInitiator> initiator{"initiator"};
  SC_HAS_PROCESS(BareInitiator);
  BareInitiator(const sc_core::sc_module_name& name, const Stream& stream) : sc_core::sc_module(name), stream_(stream) {
    SC_THREAD(run);
  }
  std::uint64_t completed = 0;

 private:
  void run() {
    CALLGRIND_START_INSTRUMENTATION;
    quantum_.reset();
    for (const Access& access : stream_) {
      vmsim::prepare_payload(trans_, access.read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, access.address,
                             data_.data(), access.length);
      sc_core::sc_time local = quantum_.get_local_time();
      initiator->b_transport(trans_, local);
      quantum_.set(local);
      if (quantum_.need_sync()) quantum_.sync();
      completed += trans_.is_response_ok();
    }
    quantum_.sync();
    CALLGRIND_STOP_INSTRUMENTATION;
  }
  const Stream& stream_;
  tlm::tlm_generic_payload trans_;
  std::array<std::uint8_t, max_access_size> data_{};
  tlm_utils::tlm_quantumkeeper quantum_;
};

int run_bare(const Scenario& scenario, std::uint64_t count) {
  const Stream stream = scenario.stream(count);
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
  BareInitiator initiator("initiator", stream);
  BareHop first("hop0");
  BareHop second("hop1");
  BareMemory memory("memory");
  initiator.initiator.bind(first.target);
  first.initiator.bind(second.target);
  second.initiator.bind(memory.target);
  const Clock::time_point start = Clock::now();
  sc_core::sc_start();
  const std::chrono::duration<double> seconds = Clock::now() - start;
  report(scenario, "bare", initiator.completed, seconds.count(), memory.resident_bytes());
  return initiator.completed == stream.size() ? EXIT_SUCCESS : EXIT_FAILURE;
}

int usage() {
  fmt::print(stderr, "usage: vmsim_bench SCENARIO vmsim|bare [--accesses N]\n       vmsim_bench --list\n");
  return 2;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    for (const Scenario& scenario : scenarios())
      fmt::print("{} {} {}\n", scenario.name, scenario.accesses, scenario.description);
    return EXIT_SUCCESS;
  }
  if (args.size() != 2 && !(args.size() == 4 && args[2] == "--accesses")) return usage();
  const Scenario* scenario = nullptr;
  for (const Scenario& candidate : scenarios())
    if (candidate.name == args[0]) scenario = &candidate;
  if (scenario == nullptr) return usage();
  const std::uint64_t count = args.size() == 4 ? std::stoull(args[3]) : scenario->accesses;
  try {
    if (args[1] == "vmsim") return run_vmsim(*scenario, count);
    if (args[1] == "bare" && scenario->stream) return run_bare(*scenario, count);
    if (args[1] == "bare") return EXIT_SUCCESS;  // start-up has no bare counterpart
    return usage();
  } catch (const std::exception& e) {
    fmt::print(stderr, "vmsim_bench: {}: {}\n", scenario->name, e.what());
    return EXIT_FAILURE;
  }
}
