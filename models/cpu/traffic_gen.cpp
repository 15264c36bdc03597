#include "models/cpu/traffic_gen.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "firmware/kernel_model.h"
#include "models/core/payload.h"
#include "models/core/translation_fault.h"
#include "models/mmu/mmu.h"

namespace vmsim {
namespace {

constexpr std::size_t no_region = ~std::size_t{0};

bool parse_protection(std::string_view letters, std::uint8_t& protection) {
  protection = 0;
  for (const char letter : letters) {
    if (letter == 'r') protection |= prot_read;
    else if (letter == 'w') protection |= prot_write;
    else if (letter == 'x') protection |= prot_exec;
    else return false;
  }
  return protection != 0;
}

}  // namespace

TrafficGen::ProcessStats::ProcessStats(StatGroup& parent, const std::string& name)
    : group(parent, name),
      loads(group, "loads", "Loads completed"),
      stores(group, "stores", "Stores completed"),
      fetches(group, "fetches", "Instruction fetches completed"),
      faults(group, "faults", "Accesses that trapped to the kernel"),
      latency(group, "avg_latency_ns", "Mean latency of its accesses, in ns"),
      phases(group, "phases") {}

TrafficGen::PhaseStats::PhaseStats(StatGroup& parent, const std::string& name)
    : group(parent, name),
      visits(group, "visits", "Times the phase ran"),
      accesses(group, "accesses", "Accesses completed in the phase"),
      latency(group, "avg_latency_ns", "Mean latency of its accesses, in ns") {}

TrafficGen::KernelEntry::KernelEntry(TrafficGen& cpu, tlm_utils::tlm_quantumkeeper* quantum)
    : lock_(cpu.kernel_->lock()), kernel_(cpu.kernel_->kernel()) {
  if (lock_.trylock() == 0) return;
  if (quantum != nullptr) quantum->sync();  // waiting is time passing on this CPU's timeline
  lock_.lock();
}

TrafficGen::KernelEntry::~KernelEntry() { lock_.unlock(); }

TrafficGen::TrafficGen(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  frequency_ = params.get<Frequency>("frequency", Frequency{2'000'000'000}, "Clock that think times count in");
  self_check_ = params.get<bool>("self_check", true,
                                 "Compare every load with a shadow copy of this CPU's stores to the memory object; "
                                 "a mismatch fails the run (assumes no other CPU writes the same memory)");
  connect(initiator, params, "port", "bus", "Component the generator's accesses go to (the bus, or its MMU)");
  kernel_name_ = params.get<std::string>("kernel", "", "The kernel its processes run under (empty: none, one process)");
  kernel_where_ = params.locate("kernel");
  time_slice_ = params.get<sc_core::sc_time>("time_slice", sc_core::sc_time(100, sc_core::SC_US),
                                             "Time each process runs before the next one's turn (with a kernel)");
  const auto outstanding = params.get<unsigned>(
      "outstanding", 1, "Accesses in flight at once: 1 is loosely timed (blocking), more approximately timed");
  latency_ = latency_distribution(params, "latency_histogram", stats(), "latency_ns", "Latency of each access, in ns",
                                  sc_core::sc_time(500, sc_core::SC_NS));
  seed_ = context.seed;
  if (!params.listing()) {
    if (outstanding == 0 || outstanding > 256) params.fail("outstanding", "must be from 1 to 256");
    if (outstanding > 1 && !kernel_name_.empty())
      params.fail("outstanding", "accesses in flight under a kernel are not modelled; use 1");
    if (time_slice_ == sc_core::SC_ZERO_TIME) params.fail("time_slice", "must be above zero");
  }
  if (context.workload != nullptr) {
    if (context.workload->size() > 1 && kernel_name_.empty() && !params.listing())
      context.workload->at(1).fail("a CPU without a kernel runs one process; time-slicing several needs the kernel");
    for (Params& process : *context.workload) read_process(process);
  }

  for (unsigned i = 0; i < std::max(outstanding, 1u); ++i) {
    auto slot = std::make_unique<Slot>();
    slot->trans.set_dmi_allowed(false);
    slot->trans.set_extension(new AccessExtension);
    slot->trans.set_extension(new TranslationFault);
    slots_.push_back(std::move(slot));
  }
  initiator.register_nb_transport_bw(this, &TrafficGen::nb_transport_bw);
  context.run.count_accesses(accesses_);
  if (!processes_.empty() && !params.listing()) {
    context.run.initiator_started();
    SC_THREAD(run_workload);
    if (outstanding > 1) SC_THREAD(collect_responses);
    if (!kernel_name_.empty()) SC_THREAD(serve_faults);
  }
}

void TrafficGen::resolve(const Lookup& find) {
  if (kernel_name_.empty()) return;
  const std::string path = fmt::format("components.{}.kernel", basename());
  kernel_ = dynamic_cast<KernelModel*>(&find(kernel_name_, kernel_where_, path));
  if (kernel_ == nullptr) throw ConfigError(fmt::format("{}: {}: '{}' is not a kernel", kernel_where_, path, kernel_name_));
  const InitiatorBinding& port = initiator_bindings().front();
  const auto* mmu = dynamic_cast<const Mmu*>(&find(port.peer, port.where, fmt::format("components.{}.port", basename())));
  if (mmu == nullptr)
    throw ConfigError(fmt::format("{}: components.{}.port: under a kernel a CPU's port must be its MMU, not '{}'",
                                  port.where, basename(), port.peer));
  cpu_ = kernel_->attach(*mmu);
}

void TrafficGen::read_process(Params& params) {
  Process process;
  process.name = params.require<std::string>("name", "Name of the process, for statistics and messages");
  process.privilege = params.choose("privilege", "user", {"user", "supervisor"}, "Privilege its accesses carry") == 0
                          ? Privilege::user
                          : Privilege::supervisor;
  for (Params& entry : params.list("regions", "Memory the process maps with mmap at start (needs a kernel)")) {
    Region region;
    region.name = entry.require<std::string>("name", "Name that phases use for the region");
    region.device = entry.get<std::string>("device", "", "A device whose register page the region maps (empty: memory)");
    region.size = entry.get<Bytes>("size", Bytes{region.device.empty() ? 0u : 4096u},
                                   "Size of the region (a device's: one page)")
                      .value;
    const auto letters = entry.get<std::string>("prot", "rw", "Permissions: letters r, w, x");
    region.shared = entry.get<std::string>("shared", "", "Name of a shared-memory object to map (empty: private)");
    entry.reject_unknown();
    if (entry.listing()) continue;
    if (kernel_name_.empty()) entry.fail("regions need a kernel (set kernel: on the CPU)");
    if (!parse_protection(letters, region.protection)) entry.fail("prot", "use the letters r, w and x");
    if (region.size == 0) entry.fail("size", "must not be zero");
    if (!region.device.empty() && !region.shared.empty()) entry.fail("shared", "a device region cannot be shared memory");
    process.regions.push_back(region);
  }
  process.repeat = params.get<std::uint64_t>("repeat", 1, "Times the list of phases runs");
  process.steps = params.get<std::uint64_t>("steps", 0,
                                            "With phases that name a next: phase visits before the process ends");
  const bool phase_stats = params.get<bool>("phase_stats", false, "Keep statistics per phase");
  for (Params& phase : params.list("phases", "Phases, run in order")) {
    process.phases.push_back(read_phase(phase, process));
    phase.reject_unknown();
  }
  if (params.contains("trace") || params.listing()) {
    Params trace = params.scope("trace", "A recorded trace to replay instead of phases");
    process.trace = std::make_unique<Trace>();
    process.trace->file = params.listing() ? "" : params.resolve_path(trace.require<std::string>(
                                                      "file", "Trace file (lackey or plain, possibly gzipped), "
                                                              "relative to this configuration's folder"));
    process.trace->format = trace.choose("format", "lackey", {"lackey", "plain"}, "Trace format") == 0
                                ? TraceReader::Format::lackey
                                : TraceReader::Format::plain;
    process.trace->fetches = trace.get<bool>("fetches", true, "Replay instruction fetches (false: drop them)");
    process.trace->skip = trace.get<std::uint64_t>("skip", 0, "Accesses to skip at the start");
    process.trace->limit = trace.get<std::uint64_t>("limit", 0, "Accesses to replay at most (0: all)");
    process.trace->map_unmapped =
        trace.choose("unmapped", "map", {"map", "segfault"},
                     "With a kernel, an address in no region: map: demand-paged anonymous memory; segfault") == 0;
    trace.reject_unknown();
  }
  params.reject_unknown();
  if (params.listing()) return;
  if (process.trace && !process.phases.empty()) params.fail("trace", "a process replays a trace or runs phases, not both");
  if (!process.trace && process.phases.empty()) params.fail("phases", "a process needs phases or a trace");
  if (process.trace) {
    try {
      process.trace->reader = std::make_unique<TraceReader>(process.trace->file, process.trace->format);
    } catch (const std::runtime_error& e) {
      params.fail("trace", e.what());
    }
  }
  process.stats = std::make_unique<ProcessStats>(process_stats_, process.name);
  // A state machine: each `next` names other phases, with weights.
  bool machine = false;
  for (std::size_t i = 0; i < process.phases.size(); ++i) {
    Phase& phase = process.phases[i];
    if (phase.name.empty()) phase.name = fmt::format("phase{}", i);
    for (const auto& [target, weight] : phase.next_names) {
      const auto found = std::find_if(process.phases.begin(), process.phases.end(),
                                      [&, &name = target](const Phase& p) { return p.name == name; });
      if (found == process.phases.end()) params.fail("phases", fmt::format("phase {} names no phase '{}' next", phase.name, target));
      phase.next.emplace_back(static_cast<std::size_t>(found - process.phases.begin()), weight);
      machine = true;
    }
    if (phase_stats) process.phase_stats.push_back(std::make_unique<PhaseStats>(process.stats->phases, phase.name));
  }
  if (machine && process.steps == 0) params.fail("steps", "a state machine of phases needs steps: how many phase visits");
  if (!machine && process.steps != 0) params.fail("steps", "steps applies to phases that name their next");
  if (process.repeat == 0) params.fail("repeat", "must be at least 1");
  processes_.push_back(std::move(process));

  Process& added = processes_.back();
  if (!self_check_ || added.trace) return;  // a trace's loads return whatever the program's stores left
  if (kernel_name_.empty()) {
    // Physical (or boot-mapped) ranges: one shadow over all of them, so overlapping phases check
    // each other's stores.
    std::uint64_t low = ~std::uint64_t{0};
    std::uint64_t high = 0;
    for (const Phase& phase : added.phases) {
      low = std::min(low, phase.pattern.base);
      high = std::max(high, phase.pattern.base + phase.pattern.size);
    }
    shadow_base_ = low;
    shadows_.push_back(std::make_unique<SparseStore>(high - low));
    shadow_ = shadows_.back().get();
    return;
  }
  for (Region& region : added.regions) {
    if (!region.device.empty()) continue;  // device registers are not memory: no shadow
    if (!region.shared.empty()) {
      // One copy for every process on every CPU that maps the object: each sees the others' stores.
      region.shadow = &run().shared<SparseStore>("traffic_gen/shadow/" + region.shared, region.size);
      continue;
    }
    shadows_.push_back(std::make_unique<SparseStore>(region.size));
    region.shadow = shadows_.back().get();
  }
}

std::size_t TrafficGen::find_region(Params& params, const Process& process, std::string_view key) {
  const auto name = params.get<std::string>(key, "", "Region the phase works on (instead of base)");
  if (name.empty() || params.listing()) return no_region;
  for (std::size_t i = 0; i < process.regions.size(); ++i)
    if (process.regions[i].name == name) return i;
  params.fail(key, fmt::format("the process has no region '{}'", name));
}

TrafficGen::Phase TrafficGen::read_phase(Params& params, Process& process) {
  Phase phase;
  phase.name = params.get<std::string>("name", "", "Name of the phase, for a state machine's next and statistics");
  Params next = params.scope("next", "State machine: the phases that may follow, with weights (e.g. {a: 1, b: 3})");
  for (const std::string& target : next.keys()) {
    const auto weight = next.require<double>(target, "Weight of the transition");
    if (!(weight > 0)) next.fail(target, "a weight is above zero");
    phase.next_names.emplace_back(target, weight);
  }
  next.reject_unknown();
  const std::size_t syscall =
      params.choose("syscall", "none", {"none", "mprotect", "munmap", "wait_pin"},
                    "none: an access phase; mprotect or munmap of region; wait_pin: sleep until pin of the GPIO "
                    "region is at level");
  if (syscall != 0) {
    static constexpr Phase::Kind kinds[] = {Phase::Kind::access, Phase::Kind::mprotect, Phase::Kind::munmap,
                                            Phase::Kind::wait_pin};
    phase.kind = kinds[syscall];
    phase.region = find_region(params, process, "region");
    const auto letters = params.get<std::string>("prot", "r", "New permissions, for mprotect");
    phase.pin = params.get<unsigned>("pin", 0, "Pin to wait for, for wait_pin");
    phase.level = params.get<bool>("level", true, "Level to wait for, for wait_pin");
    if (params.listing()) return phase;
    if (phase.region == no_region) params.fail("region", "a system call phase names its region");
    if (phase.kind == Phase::Kind::mprotect && !parse_protection(letters, phase.protection))
      params.fail("prot", "use the letters r, w and x");
    if (phase.kind == Phase::Kind::wait_pin && process.regions[phase.region].device.empty())
      params.fail("region", "wait_pin needs a device region");
    return phase;
  }
  AccessPattern::Spec& pattern = phase.pattern;
  const std::size_t kind = params.choose(
      "pattern", "linear", {"linear", "strided", "random", "hot_cold", "zipf", "pointer_chase", "idle"},
      "linear: base, base+stride, ... wrapping within size; strided: several such streams; random: uniform; "
      "hot_cold: hot_probability of accesses in hot_fraction of the range; zipf: element k with weight 1/k^skew; "
      "pointer_chase: stores a random cycle of pointers, then loads follow it; idle: time passes");
  if (kind == 6) {
    phase.kind = Phase::Kind::idle;
    phase.think_time = params.require<sc_core::sc_time>("time", "How long an idle phase lasts");
    return phase;
  }
  static constexpr AccessPattern::Kind kinds[] = {AccessPattern::Kind::linear, AccessPattern::Kind::strided,
                                                  AccessPattern::Kind::random, AccessPattern::Kind::hot_cold,
                                                  AccessPattern::Kind::zipf,   AccessPattern::Kind::random};
  pattern.kind = kinds[kind];
  if (kind == 5) phase.kind = Phase::Kind::pointer_chase;
  pattern.streams = params.get<unsigned>("streams", 1, "strided: number of interleaved streams");
  pattern.hot_fraction = params.get<double>("hot_fraction", 0.1, "hot_cold: share of the range that is hot");
  pattern.hot_probability = params.get<double>("hot_probability", 0.9, "hot_cold: share of accesses to the hot part");
  pattern.skew = params.get<double>("skew", 1.0, "zipf: exponent of the rank weights");
  phase.region = find_region(params, process, "region");
  const bool in_region = phase.region != no_region;
  const std::uint64_t region_size = in_region ? process.regions[phase.region].size : 0;
  if (in_region) {
    pattern.base = params.get<Bytes>("offset", Bytes{0}, "Start of the range within the region").value;
    pattern.size = params.get<Bytes>("size", Bytes{region_size - pattern.base}, "Size of the range").value;
  } else {
    pattern.base = params.require<Address>("base", "Lowest address of the range the phase accesses").value;
    pattern.size = params.require<Bytes>("size", "Size of the range the phase accesses").value;
  }
  pattern.access_size = params.get<Bytes>("access_size", Bytes{8}, "Bytes per access (a power of two)").value;
  pattern.stride = params.get<Bytes>("stride", Bytes{pattern.access_size}, "Distance between linear accesses").value;
  phase.count = params.get<std::uint64_t>("count", 0, "Number of accesses in the phase (or give a duration)");
  phase.duration = params.get<sc_core::sc_time>("duration", sc_core::SC_ZERO_TIME,
                                                "How long the phase runs (instead of a count)");
  const auto read_fraction = params.get<double>("read_fraction", 0.5, "Share of accesses that are loads");
  const auto fetch_fraction = params.get<double>("fetch_fraction", 0.0, "Share of accesses that are instruction fetches");
  const auto think_cycles = params.get<std::uint64_t>("think_cycles", 0, "CPU cycles between two accesses");
  if (params.contains("value") || params.listing())
    phase.value = params.get<std::uint64_t>("value", 0, "What stores write (little-endian), instead of random data");
  if (params.listing()) return phase;

  const std::uint64_t access_size = pattern.access_size;
  if (access_size == 0 || (access_size & (access_size - 1)) != 0 || access_size > max_access_size)
    params.fail("access_size", fmt::format("must be a power of two from 1 to {}", max_access_size));
  if (pattern.size < access_size) params.fail("size", "must hold at least one access");
  if (pattern.base + (pattern.size - 1) < pattern.base) params.fail("size", "the range wraps past 2^64");
  if (in_region && pattern.base + pattern.size > region_size) params.fail("size", "the range leaves the region");
  if (!in_region && !kernel_name_.empty()) params.fail("base", "under a kernel a phase names its region");
  if (pattern.stride == 0 && pattern.kind == AccessPattern::Kind::linear) params.fail("stride", "must not be zero");
  if (!(read_fraction >= 0.0 && read_fraction <= 1.0)) params.fail("read_fraction", "must be between 0 and 1");
  if (!(fetch_fraction >= 0.0 && read_fraction + fetch_fraction <= 1.0))
    params.fail("fetch_fraction", "read_fraction and fetch_fraction add up to at most 1");
  if ((phase.count == 0) == (phase.duration == sc_core::SC_ZERO_TIME))
    params.fail("count", "a phase has either a count or a duration");
  if (pattern.kind == AccessPattern::Kind::strided && (pattern.streams == 0 || pattern.size / pattern.streams < access_size))
    params.fail("streams", "each stream needs room for an access");
  if (pattern.kind == AccessPattern::Kind::hot_cold &&
      !(pattern.hot_fraction > 0 && pattern.hot_fraction <= 1 && pattern.hot_probability >= 0 && pattern.hot_probability <= 1))
    params.fail("hot_fraction", "hot_fraction is in (0, 1] and hot_probability in [0, 1]");
  if (pattern.kind == AccessPattern::Kind::zipf && !(pattern.skew > 0)) params.fail("skew", "must be above zero");
  if (phase.kind == Phase::Kind::pointer_chase) {
    if (access_size < 8) params.fail("access_size", "a pointer chase loads 8-byte pointers at least");
    if (pattern.size / access_size > (1u << 22)) params.fail("size", "a pointer chase covers at most 4Mi elements");
    if (read_fraction != 0.5 || fetch_fraction != 0) params.fail("read_fraction", "a pointer chase only loads");
  }
  phase.all_reads = read_fraction == 1.0;
  const double threshold = std::ldexp(read_fraction, 64);
  if (!phase.all_reads) phase.read_threshold = static_cast<std::uint64_t>(threshold);
  const double fetches = std::ldexp(read_fraction + fetch_fraction, 64);
  phase.fetch_threshold = fetches >= 0x1p64 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(fetches);
  phase.think_time = frequency_.cycles(think_cycles);
  return phase;
}

void TrafficGen::run_workload() {
  run().wait_for_boot();
  tlm_utils::tlm_quantumkeeper quantum;
  quantum.reset();
  for (Process& process : processes_) {
    process.random = Random(Random::derive(seed_, fmt::format("{}/{}/data", name(), process.name)));
    process.phase_random = Random(Random::derive(seed_, fmt::format("{}/{}/phases", name(), process.name)));
  }
  sc_core::sc_time local;
  if (kernel_ != nullptr && !start_processes(quantum)) return;
  // Round robin over the live processes, one time slice each; a process sleeping in wait_pin is
  // passed over until its pin is ready, and the CPU sleeps in the kernel when every process does.
  for (std::size_t current = 0;; current = (current + 1) % processes_.size()) {
    if (std::none_of(processes_.begin(), processes_.end(), [](const Process& p) { return p.alive; })) break;
    Process& process = processes_[current];
    if (!process.alive) continue;
    if (process.io_wait) {
      // When every process waits, the CPU idles until a page comes back.
      if (std::all_of(processes_.begin(), processes_.end(),
                      [](const Process& p) { return !p.alive || p.io_wait || p.sleeping; })) {
        quantum.sync();
        sc_core::wait(io_done_);
      }
      continue;
    }
    if (process.sleeping) {
      const bool everyone_sleeps = std::all_of(processes_.begin(), processes_.end(),
                                               [](const Process& p) { return !p.alive || p.sleeping; });
      const Phase& phase = process.phases[process.phase];
      const std::string& device = process.regions[phase.region].device;
      bool ready = false;
      {
        KernelEntry kernel(*this, &quantum);
        local = quantum.get_local_time();
        ready = everyone_sleeps ? kernel->wait_pin(process.pid, device, phase.pin, phase.level, local)
                                : kernel->pin_at(process.pid, device, phase.pin, phase.level, local).value_or(false);
        quantum.set(local);
      }
      if (!ready && everyone_sleeps) {
        run().fail(fmt::format("{}: {}: wait_pin cannot sleep: {} has no interrupt line to the kernel", name(),
                               process.name, device));
        return;
      }
      if (!ready) continue;
      process.sleeping = false;
      finish_phase(process);
    }
    if (kernel_ != nullptr) {
      KernelEntry kernel(*this, &quantum);
      local = quantum.get_local_time();
      kernel->switch_to(cpu_, process.pid, local);
      quantum.set(local);
    }
    if (!run_slice(process, quantum)) return;
  }
  quantum.sync();
  while (in_flight_ != 0) sc_core::wait(slot_freed_);
  if (!run().failed()) run().initiator_finished();
}

bool TrafficGen::start_processes(tlm_utils::tlm_quantumkeeper& quantum) {
  KernelEntry kernel_entry(*this, &quantum);
  Kernel& kernel = *kernel_entry.operator->();
  sc_core::sc_time local = quantum.get_local_time();
  for (Process& process : processes_) {
    const auto pid = kernel.create_process(process.name, local);
    if (!pid) {
      run().fail(fmt::format("{}: the kernel could not create process {}", name(), process.name));
      return false;
    }
    process.pid = *pid;
    if (process.trace && process.trace->map_unmapped && !kernel.mmap_catch_all(process.pid, local)) {
      run().fail(fmt::format("{}: {}: the kernel could not map the trace's address space", name(), process.name));
      return false;
    }
    for (Region& region : process.regions) {
      const std::uint8_t protection = region.protection;
      const auto address = region.device.empty()
                               ? kernel.mmap(process.pid, region.size, protection, region.shared, local)
                               : kernel.mmap_device(process.pid, region.device, protection, local);
      if (!address) {
        run().fail(fmt::format("{}: {}: mmap of region {} {}", name(), process.name, region.name,
                               region.device.empty() ? "failed" : "refused: the process may not map " + region.device));
        return false;
      }
      region.address = *address;
    }
  }
  quantum.set(local);
  return true;
}

bool TrafficGen::run_slice(Process& process, tlm_utils::tlm_quantumkeeper& quantum) {
  const sc_core::sc_time slice_end = sc_core::sc_time_stamp() + quantum.get_local_time() + time_slice_;
  const bool blocking = slots_.size() == 1;
  const bool alone = std::count_if(processes_.begin(), processes_.end(), [](const Process& p) { return p.alive; }) == 1;
  const auto now = [&quantum] { return sc_core::sc_time_stamp() + quantum.get_local_time(); };
  while (process.alive) {
    if (process.pending) {
      const Phase* phase = process.trace ? nullptr : &process.phases[process.phase];
      // The shadow of the memory the access touches: another process's phase may have run since.
      if (phase == nullptr) {
        shadow_ = nullptr;
      } else if (phase->region != no_region) {
        shadow_ = process.regions[phase->region].shadow;
        shadow_base_ = process.regions[phase->region].address;
      }
      if (!resume(process, phase, quantum)) return false;
      if (process.io_wait) break;
      continue;
    }
    if (process.trace) {
      if (!replay(process, quantum)) return false;
      if (process.io_wait) break;
      if (!alone && now() >= slice_end) break;
      continue;
    }
    if (process.phase == process.phases.size() && --process.repeat > 0) process.phase = 0;
    if (process.phase == process.phases.size()) {
      if (kernel_ != nullptr) {
        KernelEntry kernel(*this, &quantum);
        sc_core::sc_time local = quantum.get_local_time();
        kernel->exit(process.pid, local);
        quantum.set(local);
      }
      process.alive = false;
      break;
    }
    const Phase& phase = process.phases[process.phase];
    if (!process.pattern && process.done == 0 && process.chase_written == 0) {
      process.phase_started = now();
      if (!process.phase_stats.empty()) ++process.phase_stats[process.phase]->visits;
    }
    if (phase.kind == Phase::Kind::idle) {
      quantum.inc(phase.think_time);
      if (quantum.need_sync()) quantum.sync();
      finish_phase(process);
      continue;
    }
    if (phase.kind == Phase::Kind::wait_pin) {
      std::optional<bool> ready;
      {
        KernelEntry kernel(*this, &quantum);
        sc_core::sc_time local = quantum.get_local_time();
        ready = kernel->pin_at(process.pid, process.regions[phase.region].device, phase.pin, phase.level, local);
        quantum.set(local);
      }
      if (!ready) {
        run().fail(fmt::format("{}: {}: wait_pin on a device that is no GPIO", name(), process.name));
        return false;
      }
      if (*ready) {
        finish_phase(process);
        continue;
      }
      process.sleeping = true;
      break;
    }
    if (phase.kind == Phase::Kind::mprotect || phase.kind == Phase::Kind::munmap) {
      if (!system_call(process, phase, quantum)) return false;
      finish_phase(process);
      continue;
    }
    const bool ended = phase.count != 0 ? process.done == phase.count : now() >= process.phase_started + phase.duration;
    if (ended) {
      finish_phase(process);
      continue;
    }
    if (!process.pattern) {
      AccessPattern::Spec spec = phase.pattern;
      if (phase.region != no_region) {
        const Region& region = process.regions[phase.region];
        spec.base += region.address;
        shadow_ = region.shadow;
        shadow_base_ = region.address;
      }
      process.pattern.emplace(
          spec, Random::derive(seed_, fmt::format("{}/{}/phase{}", name(), process.name, process.phase)));
    } else if (phase.region != no_region) {
      shadow_ = process.regions[phase.region].shadow;
      shadow_base_ = process.regions[phase.region].address;
    }
    if (phase.kind == Phase::Kind::pointer_chase) {
      if (!chase(process, phase, quantum)) return false;
      if (process.io_wait) break;
    } else {
      const std::uint64_t draw = phase.all_reads ? 0 : process.random.next();
      const AccessKind kind = draw < phase.read_threshold || phase.all_reads ? AccessKind::load
                              : draw < phase.fetch_threshold                 ? AccessKind::fetch
                                                                             : AccessKind::store;
      if (blocking) {
        if (!blocking_access(process, process.pattern->next(), kind, phase.pattern.access_size, phase.value, quantum,
                             Process::Pending::Source::phase))
          return false;
        if (process.io_wait) break;
        if (process.alive) ++process.done;
        quantum.inc(phase.think_time);
        if (quantum.need_sync()) quantum.sync();
      } else {
        if (!issue(process, process.pattern->next(), kind, phase.pattern.access_size)) return false;
        ++process.done;
        if (phase.think_time != sc_core::SC_ZERO_TIME) sc_core::wait(phase.think_time);
      }
    }
    if (!alone && now() >= slice_end) break;
  }
  return true;
}

bool TrafficGen::resume(Process& process, const Phase* phase, tlm_utils::tlm_quantumkeeper& quantum) {
  const Process::Pending pending = *process.pending;
  process.pending.reset();
  if (!blocking_access(process, pending.address, pending.kind, pending.length, pending.value, quantum, pending.source))
    return false;
  if (!process.alive || process.io_wait) return true;
  switch (pending.source) {
    case Process::Pending::Source::phase:
      ++process.done;
      quantum.inc(phase->think_time);
      if (quantum.need_sync()) quantum.sync();
      return true;
    case Process::Pending::Source::chase_load: return follow_chase(process, *phase);
    case Process::Pending::Source::chase_store:
    case Process::Pending::Source::trace: return true;
  }
  return true;
}

void TrafficGen::serve_faults() {
  while (true) {
    while (queued_faults_.empty()) sc_core::wait(fault_queued_);
    const QueuedFault fault = queued_faults_.front();
    queued_faults_.pop_front();
    Kernel::FaultOutcome outcome = Kernel::FaultOutcome::retry;
    std::string reason;
    {
      KernelEntry kernel(*this, nullptr);
      sc_core::sc_time delay;
      outcome = kernel->page_fault(fault.process->pid, fault.address, fault.kind, fault.cause, delay);
      if (outcome == Kernel::FaultOutcome::killed) reason = kernel->kill_reason(fault.process->pid);
      sc_core::wait(delay);  // the handler's own time, the process still waiting
    }
    if (outcome == Kernel::FaultOutcome::killed) {
      fault.process->pending.reset();
      kill(*fault.process, reason);
    }
    fault.process->io_wait = false;
    io_done_.notify(sc_core::SC_ZERO_TIME);
  }
}

void TrafficGen::finish_phase(Process& process) {
  process.done = 0;
  process.pattern.reset();
  process.chase_next.clear();
  process.chase_written = 0;
  const Phase& phase = process.phases[process.phase];
  if (process.steps == 0) {
    ++process.phase;
    return;
  }
  // A state machine: the next phase by weight, until the visits run out.
  if (++process.visits >= process.steps || phase.next.empty()) {
    process.phase = process.phases.size();
    process.repeat = 1;
    return;
  }
  double total = 0;
  for (const auto& [target, weight] : phase.next) total += weight;
  double draw = process.phase_random.unit() * total;
  process.phase = phase.next.back().first;
  for (const auto& [target, weight] : phase.next) {
    if (draw < weight) {
      process.phase = target;
      break;
    }
    draw -= weight;
  }
}

bool TrafficGen::chase(Process& process, const Phase& phase, tlm_utils::tlm_quantumkeeper& quantum) {
  const std::uint64_t size = phase.pattern.access_size;
  const std::uint64_t elements = phase.pattern.size / size;
  const std::uint64_t base = phase.pattern.base + (phase.region != no_region ? process.regions[phase.region].address : 0);
  if (process.chase_written == 0 && process.chase_next.empty()) {
    // Sattolo's shuffle: one cycle through every element, so the chase visits them all in turn.
    Random random(Random::derive(seed_, fmt::format("{}/{}/chain{}", name(), process.name, process.phase)));
    process.chase_next.resize(elements);
    for (std::uint64_t i = 0; i < elements; ++i) process.chase_next[i] = static_cast<std::uint32_t>(i);
    for (std::uint64_t i = elements - 1; i > 0; --i) std::swap(process.chase_next[i], process.chase_next[random.below(i)]);
  }
  if (process.chase_written < elements) {
    const std::uint64_t element = process.chase_written++;
    const std::uint64_t pointer = base + process.chase_next[element] * size;
    if (process.chase_written == elements) {
      process.chase_next = {};
      process.chase_at = base;
    }
    return blocking_access(process, base + element * size, AccessKind::store, size, pointer, quantum,
                           Process::Pending::Source::chase_store);
  }
  // The next address is what this load returns: the latency of every load is exposed.
  if (!blocking_access(process, process.chase_at, AccessKind::load, size, std::nullopt, quantum,
                       Process::Pending::Source::chase_load))
    return false;
  if (!process.alive || process.io_wait) return true;
  return follow_chase(process, phase);
}

bool TrafficGen::follow_chase(Process& process, const Phase& phase) {
  const std::uint64_t size = phase.pattern.access_size;
  const std::uint64_t elements = phase.pattern.size / size;
  const std::uint64_t base = phase.pattern.base + (phase.region != no_region ? process.regions[phase.region].address : 0);
  ++process.done;
  std::uint64_t next = 0;
  std::memcpy(&next, slots_.front()->data.data(), sizeof next);
  if (next < base || next >= base + elements * size || (next - base) % size != 0) {
    run().fail(fmt::format("{}: {}: the pointer chase read {:#x}, outside its chain", name(), process.name, next));
    return false;
  }
  process.chase_at = next;
  return true;
}

bool TrafficGen::replay(Process& process, tlm_utils::tlm_quantumkeeper& quantum) {
  Trace& trace = *process.trace;
  TraceAccess access;
  try {
    while (true) {
      if ((trace.limit != 0 && trace.replayed == trace.limit) || !trace.reader->next(access)) {
        if (kernel_ != nullptr) {
          KernelEntry kernel(*this, &quantum);
          sc_core::sc_time local = quantum.get_local_time();
          kernel->exit(process.pid, local);
          quantum.set(local);
        }
        process.alive = false;
        return true;
      }
      if (trace.skip > 0) {
        --trace.skip;
        continue;
      }
      if (access.kind == AccessKind::fetch && !trace.fetches) continue;
      break;
    }
  } catch (const std::runtime_error& e) {
    run().fail(fmt::format("{}: {}: {}", name(), process.name, e.what()));
    return false;
  }
  if (access.size > max_access_size) {
    run().fail(fmt::format("{}: {}: an access of {} bytes is larger than {}", name(), process.name, access.size,
                           max_access_size));
    return false;
  }
  ++trace.replayed;
  shadow_ = nullptr;
  if (access.gap_cycles != 0) quantum.inc(frequency_.cycles(access.gap_cycles));
  return blocking_access(process, access.address, access.kind, access.size, std::nullopt, quantum,
                         Process::Pending::Source::trace);
}

bool TrafficGen::blocking_access(Process& process, std::uint64_t address, AccessKind kind, std::uint64_t length,
                                 const std::optional<std::uint64_t>& value, tlm_utils::tlm_quantumkeeper& quantum,
                                 Process::Pending::Source source) {
  Slot& slot = *slots_.front();
  prepare(slot, process, address, kind, length, value);
  // Issued at the generator's local time, ahead of the kernel's by up to a quantum; a fault traps
  // to the kernel on the same timeline and, once the page is mapped, the access is issued again.
  while (true) {
    sc_core::sc_time local = quantum.get_local_time();
    const sc_core::sc_time issued = sc_core::sc_time_stamp() + local;
    slot.trans.set_address(address);
    slot.trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    auto* fault = slot.trans.get_extension<TranslationFault>();
    fault->cause = FaultCause::none;
    initiator->b_transport(slot.trans, local);  // a target may also wait() inside
    if (fault->cause != FaultCause::none && kernel_ != nullptr) {
      ++faults_;
      ++process.stats->faults;
      quantum.set(local);
      KernelEntry kernel(*this, &quantum);
      local = quantum.get_local_time();
      const bool others = std::any_of(processes_.begin(), processes_.end(), [&](const Process& p) {
        return &p != &process && p.alive && !p.io_wait && !p.sleeping;
      });
      if (others && kernel->swapped(process.pid, fault->address, local)) {
        // The disk will take a while: this process waits for its page, the others run meanwhile.
        quantum.set(local);
        process.io_wait = true;
        ++io_waits_;
        process.pending = Process::Pending{source, address, kind, length, value};
        queued_faults_.push_back(QueuedFault{&process, fault->address, fault->kind, fault->cause});
        fault_queued_.notify(sc_core::SC_ZERO_TIME);
        return true;
      }
      const auto outcome = kernel->page_fault(process.pid, fault->address, fault->kind, fault->cause, local);
      quantum.set(local);
      if (outcome == Kernel::FaultOutcome::killed) {
        kill(process, kernel->kill_reason(process.pid));
        return true;
      }
      // No sync before the retry: the shadow already holds a store's data, and no other CPU may
      // load it before the memory does.
      continue;
    }
    if (!complete(slot, process, sc_core::sc_time_stamp() + local - issued)) return false;
    if (kernel_ != nullptr && kernel_->kernel().wants_touches()) KernelEntry(*this, &quantum)->touched(process.pid, address);
    quantum.set(local);
    return true;
  }
}

bool TrafficGen::system_call(Process& process, const Phase& phase, tlm_utils::tlm_quantumkeeper& quantum) {
  KernelEntry kernel(*this, &quantum);
  Region& region = process.regions[phase.region];
  const bool mprotect = phase.kind == Phase::Kind::mprotect;
  sc_core::sc_time local = quantum.get_local_time();
  const bool done = mprotect ? kernel->mprotect(process.pid, region.address, phase.protection, local)
                             : kernel->munmap(process.pid, region.address, local);
  quantum.set(local);
  if (!done)
    run().fail(fmt::format("{}: {}: {} of region {} failed", name(), process.name, mprotect ? "mprotect" : "munmap",
                           region.name));
  return done;
}

void TrafficGen::kill(Process& process, const std::string& reason) {
  process.alive = false;
  ++killed_;
  fmt::print(stderr, "vmsim: {}: process {} killed: {}\n", name(), process.name, reason);
}

void TrafficGen::prepare(Slot& slot, Process& process, std::uint64_t address, AccessKind kind, std::uint64_t length,
                         const std::optional<std::uint64_t>& value) {
  const bool is_read = kind != AccessKind::store;
  slot.process = &process;
  if (is_read) {
    if (shadow_) std::memcpy(slot.expected.data(), shadow_->at(address - shadow_base_), length);
  } else {
    for (std::uint64_t offset = 0; offset < length; offset += 8) {
      const std::uint64_t word = value ? (offset == 0 ? *value : 0) : process.random.next();
      std::memcpy(slot.data.data() + offset, &word, std::min<std::uint64_t>(8, length - offset));
    }
    if (shadow_) shadow_->write(address - shadow_base_, slot.data.data(), length);
  }
  tlm::tlm_generic_payload& trans = slot.trans;
  prepare_payload(trans, is_read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, address, slot.data.data(),
                  static_cast<unsigned>(length));
  auto* access = trans.get_extension<AccessExtension>();
  access->kind = kind;
  access->privilege = process.privilege;
  access->process = process.pid;
  trans.get_extension<TranslationFault>()->cause = FaultCause::none;
}

bool TrafficGen::complete(Slot& slot, Process& process, const sc_core::sc_time& latency) {
  const tlm::tlm_generic_payload& trans = slot.trans;
  const bool is_read = trans.is_read();
  const AccessKind kind = trans.get_extension<AccessExtension>()->kind;
  const std::uint64_t address = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  if (!trans.is_response_ok()) {
    const char* what = is_read ? "load" : "store";
    const auto* fault = trans.get_extension<TranslationFault>();
    if (fault->cause != FaultCause::none)
      run().fail(fmt::format("{}: page fault ({}) on a {} at {:#x}, and no kernel to handle it", name(),
                             to_string(fault->cause), what, fault->address));
    else
      run().fail(fmt::format("{}: {} of {} bytes at {:#x} failed: {}", name(), what, length, address,
                             trans.get_response_string()));
    return false;
  }
  ++accesses_;
  transfers_.record(is_read, length);
  latency_->sample(to_ns(latency));
  if (!process.phase_stats.empty()) {
    PhaseStats& phase = *process.phase_stats[process.phase];
    ++phase.accesses;
    phase.latency.sample(to_ns(latency));
  }
  ProcessStats& stats = *process.stats;
  ++(kind == AccessKind::fetch ? stats.fetches : kind == AccessKind::store ? stats.stores : stats.loads);
  if (kind == AccessKind::fetch) ++fetches_;
  stats.latency.sample(to_ns(latency));
  if (!is_read || !shadow_) return true;
  ++checked_reads_;
  if (std::memcmp(slot.expected.data(), slot.data.data(), length) == 0) return true;
  std::uint64_t got = 0;
  std::uint64_t want = 0;
  std::memcpy(&got, slot.data.data(), std::min<std::uint64_t>(8, length));
  std::memcpy(&want, slot.expected.data(), std::min<std::uint64_t>(8, length));
  run().fail(fmt::format("{}: self-check failed: load of {} bytes at {:#x} returned {:#x}, last stored {:#x}", name(),
                         length, address, got, want));
  return false;
}

bool TrafficGen::issue(Process& process, std::uint64_t address, AccessKind kind, std::uint64_t length) {
  while (in_flight_ == slots_.size()) sc_core::wait(slot_freed_);
  if (run().failed()) return false;
  Slot& slot = **std::find_if(slots_.begin(), slots_.end(), [](const auto& s) { return !s->busy; });
  prepare(slot, process, address, kind, length);
  slot.busy = true;
  ++in_flight_;
  slot.issued = sc_core::sc_time_stamp();
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  awaiting_end_request_ = true;
  const tlm::tlm_sync_enum status = initiator->nb_transport_fw(slot.trans, phase, delay);
  if (status == tlm::TLM_COMPLETED || (status == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP)) {
    awaiting_end_request_ = false;
    responses_.notify(slot.trans, delay);
  } else if (status == tlm::TLM_UPDATED) {
    awaiting_end_request_ = false;
    sc_core::wait(delay);
  }
  // The base protocol allows one request phase at a time.
  while (awaiting_end_request_) sc_core::wait(end_request_);
  return !run().failed();
}

tlm::tlm_sync_enum TrafficGen::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                               sc_core::sc_time& delay) {
  // A response implies the end of the request.
  awaiting_end_request_ = false;
  end_request_.notify(delay);
  if (phase == tlm::BEGIN_RESP) {
    responses_.notify(trans, delay);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;
}

void TrafficGen::collect_responses() {
  while (true) {
    sc_core::wait(responses_.get_event());
    while (tlm::tlm_generic_payload* trans = responses_.get_next_transaction()) {
      Slot& slot = slot_of(*trans);
      const bool ok = complete(slot, *slot.process, sc_core::sc_time_stamp() - slot.issued);
      slot.busy = false;
      --in_flight_;
      slot_freed_.notify();
      if (!ok) return;
    }
  }
}

TrafficGen::Slot& TrafficGen::slot_of(const tlm::tlm_generic_payload& trans) {
  for (auto& slot : slots_)
    if (&slot->trans == &trans) return *slot;
  SC_REPORT_FATAL("vmsim/traffic_gen", "a response for a transaction this generator did not issue");
  return *slots_.front();
}

}  // namespace vmsim
