#include "vmsim/models/cpu/traffic_gen.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/payload.h"
#include "vmsim/models/core/translation_fault.h"
#include "vmsim/models/mmu/mmu.h"

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

ParamSchema TrafficGen::parameters() {
  ParamSchema schema;
  declare_parameters(schema);
  schema.optional<bool>("self_check", true,
                        "Compare every load with a shadow copy of this CPU's stores to the memory object; a mismatch "
                        "fails the run (assumes no other CPU writes the same memory)");
  schema.optional<std::string>("kernel", "", "The kernel its processes run under (empty: none, one process)");
  schema.optional<unsigned>("outstanding", 1,
                            "Accesses in flight at once: 1 is loosely timed (blocking), more approximately timed");
  declare_latency_distribution(schema, "latency_histogram", "latency_ns", sc_core::sc_time(500, sc_core::SC_NS));
  return schema;
}

ParamSchema TrafficGen::workload_parameters() {
  using Kind = Phase::Kind;
  using Access = AccessPattern::Kind;
  ParamSchema process;
  process.required<std::string>("name", "Name of the process, for statistics and messages");
  process.choice("privilege", Privilege::user, {{"user", Privilege::user}, {"supervisor", Privilege::supervisor}},
                 "Privilege its accesses carry");

  ParamSchema& region =
      process.list("regions", "Memory the process maps with mmap at start (needs a kernel)").declare_members();
  region.required<std::string>("name", "Name that phases use for the region");
  region.optional<std::string>("device", "", "A device whose register page the region maps (empty: memory)");
  region.derived<Bytes>("size", "4KiB for a device, else must be given", "Size of the region");
  region.optional<std::string>("prot", "rw", "Permissions: letters r, w, x");
  region.optional<std::string>("shared", "", "Name of a shared-memory object to map (empty: private)");

  process.optional<std::uint64_t>("repeat", 1, "Times the list of phases runs");
  process.optional<std::uint64_t>("steps", 0, "With phases that name a next: phase visits before the process ends");
  process.optional<bool>("phase_stats", false, "Keep statistics per phase");

  ParamSchema& phase = process.list("phases", "Phases, run in order").declare_members();
  phase.optional<std::string>("name", "", "Name of the phase, for a state machine's next and statistics");
  phase.scope("next", "State machine: the phases that may follow, with weights (e.g. {a: 1, b: 3})")
      .declare_members()
      .required<double>("<phase>", "Weight of the transition");
  phase.choice(
      "syscall", Kind::access,
      {{"none", Kind::access}, {"mprotect", Kind::mprotect}, {"munmap", Kind::munmap}, {"wait_pin", Kind::wait_pin}},
      "none: an access phase; mprotect or munmap of region; wait_pin: sleep until pin of the GPIO region "
      "is at level");
  phase.optional<std::string>("region", "", "Region the phase works on (instead of base)");
  phase.optional<std::string>("prot", "r", "New permissions").when("syscall: mprotect");
  phase.optional<unsigned>("pin", 0, "Pin to wait for").when("syscall: wait_pin");
  phase.optional<bool>("level", true, "Level to wait for").when("syscall: wait_pin");
  phase
      .choice("pattern", PatternChoice{Kind::access, Access::linear},
              {{"linear", {Kind::access, Access::linear}},
               {"strided", {Kind::access, Access::strided}},
               {"random", {Kind::access, Access::random}},
               {"hot_cold", {Kind::access, Access::hot_cold}},
               {"zipf", {Kind::access, Access::zipf}},
               {"pointer_chase", {Kind::pointer_chase, Access::random}},
               {"idle", {Kind::idle, Access::linear}}},
              "linear: base, base+stride, ... wrapping within size; strided: several such streams; random: uniform; "
              "hot_cold: hot_probability of accesses in hot_fraction of the range; zipf: element k with weight "
              "1/k^skew; pointer_chase: stores a random cycle of pointers, then loads follow it; idle: time passes")
      .when("syscall: none");
  phase.required<sc_core::sc_time>("time", "How long an idle phase lasts").when("pattern: idle");
  phase.optional<unsigned>("streams", 1, "Number of interleaved streams").when("pattern: strided");
  phase.optional<double>("hot_fraction", 0.1, "Share of the range that is hot").when("pattern: hot_cold");
  phase.optional<double>("hot_probability", 0.9, "Share of accesses to the hot part").when("pattern: hot_cold");
  phase.optional<double>("skew", 1.0, "Exponent of the rank weights").when("pattern: zipf");
  constexpr const char* accessing = "syscall: none, pattern other than idle";
  phase.optional<Bytes>("offset", Bytes{0}, "Start of the range within the region")
      .when(fmt::format("region given, {}", accessing));
  phase.required<Address>("base", "Lowest address of the range the phase accesses")
      .when(fmt::format("no region, {}", accessing));
  phase
      .derived<Bytes>("size", "rest of the region after offset; required without region",
                      "Size of the range the phase accesses")
      .when(accessing);
  phase.optional<Bytes>("access_size", Bytes{8}, "Bytes per access (a power of two)").when(accessing);
  phase.derived<Bytes>("stride", "access_size", "Distance between linear accesses").when(accessing);
  phase.optional<std::uint64_t>("count", 0, "Number of accesses in the phase (or give a duration)").when(accessing);
  phase.optional<sc_core::sc_time>("duration", sc_core::SC_ZERO_TIME, "How long the phase runs (instead of a count)")
      .when(accessing);
  phase.optional<double>("read_fraction", 0.5, "Share of accesses that are loads").when(accessing);
  phase.optional<double>("fetch_fraction", 0.0, "Share of accesses that are instruction fetches").when(accessing);
  phase.optional<std::uint64_t>("think_cycles", 0, "CPU cycles between two accesses").when(accessing);
  phase.derived<std::uint64_t>("value", "random data", "What stores write (little-endian)").when(accessing);

  ParamSchema& trace =
      process.scope("trace", "A recorded trace to replay instead of phases").when("no phases").declare_members();
  trace.required<std::string>(
      "file", "Trace file (lackey or plain, possibly gzipped), relative to this configuration's folder");
  trace.choice("format", TraceReader::Format::lackey,
               {{"lackey", TraceReader::Format::lackey}, {"plain", TraceReader::Format::plain}}, "Trace format");
  trace.optional<bool>("fetches", true, "Replay instruction fetches (false: drop them)");
  trace.optional<std::uint64_t>("skip", 0, "Accesses to skip at the start");
  trace.optional<std::uint64_t>("limit", 0, "Accesses to replay at most (0: all)");
  trace.choice("unmapped", UnmappedAddress::map,
               {{"map", UnmappedAddress::map}, {"segfault", UnmappedAddress::segfault}},
               "With a kernel, an address in no region: map: demand-paged anonymous memory; segfault");
  return process;
}

TrafficGen::TrafficGen(const sc_core::sc_module_name& name, ComponentContext& context) : Hart(name, context) {
  Params& params = context.params;
  self_check_ = params.get<bool>("self_check");
  kernel_name_ = params.get<std::string>("kernel");
  kernel_where_ = params.locate("kernel");
  if (params.contains("time_slice"))
    params.fail("time_slice", fmt::format("time slices are the kernel's now: set components.{}.time_slice instead",
                                          kernel_name_.empty() ? "KERNEL" : kernel_name_));
  const auto outstanding = params.get<unsigned>("outstanding");
  latency_ = latency_distribution(params, "latency_histogram", stats(), "latency_ns", "Latency of each access, in ns");
  seed_ = context.seed;
  if (outstanding == 0 || outstanding > 256) params.fail("outstanding", "must be from 1 to 256");
  if (outstanding > 1 && !kernel_name_.empty())
    params.fail("outstanding", "accesses in flight under a kernel are not modelled; use 1");
  if (!kernel_name_.empty() && !names_interrupt_controller())
    params.fail("interrupt_controller",
                "a CPU under a kernel takes its device interrupts from an interrupt controller "
                "(a plic component)");
  if (!kernel_name_.empty() && !names_timer())
    params.fail("timer",
                "a CPU under a kernel takes its time slices and inter-processor interrupts from a timer "
                "(a clint component)");
  if (context.workload != nullptr) {
    if (context.workload->size() > 1 && kernel_name_.empty())
      context.workload->at(1).fail("a CPU without a kernel runs one process; time-slicing several needs the kernel");
    for (Params& process : *context.workload) read_process(process);
  }

  for (unsigned i = 0; i < std::max(outstanding, 1u); ++i) {
    auto slot = std::make_unique<Slot>();
    slot->trans.set_dmi_allowed(false);
    slot->access = new AccessExtension;
    slot->fault = new TranslationFault;
    slot->trans.set_extension(slot->access);
    slot->trans.set_extension(slot->fault);
    if (outstanding > 1) slot->trans.set_mm(&slot_payloads_);
    slots_.push_back(std::move(slot));
  }
  context.run.count_accesses(accesses_);
  if (!contexts_.empty()) {
    context.run.initiator_started();
    SC_THREAD(run_workload);
    if (outstanding > 1) SC_THREAD(collect_responses);
  }
}

void TrafficGen::resolve(const Lookup& find) {
  if (kernel_name_.empty()) return;
  const auto path = [this](std::string_view key) { return fmt::format("components.{}.{}", basename(), key); };
  Component& kernel = find(kernel_name_, kernel_where_, path("kernel"));
  handler_ = dynamic_cast<TrapHandler*>(&kernel);
  if (handler_ == nullptr)
    throw ConfigError(fmt::format("{}: {}: '{}' is not a kernel", kernel_where_, path("kernel"), kernel_name_));
  probe_ = dynamic_cast<AccessProbe*>(&kernel);
  const InitiatorBinding& port_binding = initiator_bindings().front();
  const auto* mmu = dynamic_cast<const Mmu*>(&find(port_binding.peer, port_binding.where, path("port")));
  if (mmu == nullptr)
    throw ConfigError(fmt::format("{}: {}: under a kernel a CPU's port must be its MMU, not '{}'", port_binding.where,
                                  path("port"), port_binding.peer));
  // A process's regions must fit the user half of the virtual address space its MMU's format has.
  const std::uint64_t user_half = std::uint64_t{1} << (mmu->format().va_bits - 1);
  for (std::size_t p = 0; p < contexts_.size(); ++p) {
    std::uint64_t total = 0;
    for (std::size_t r = 0; r < contexts_[p].regions.size(); ++r) {
      const Region& region = contexts_[p].regions[r];
      total += std::min(region.size, user_half);
      if (total >= user_half)
        throw ConfigError(
            fmt::format("{}: workload.{}.{}.regions.{}.size: the regions of {} exceed the {} bytes of "
                        "user address space that {} gives",
                        region.where, basename(), p, r, contexts_[p].name, user_half, mmu->format().name));
    }
  }
  find_interrupt_sources(find);
  HartDescription description;
  description.name = basename();
  description.mmu_registers = mmu->mapped_targets().front().base;
  description.mmu_format = mmu->format().name;
  const auto registers = [](const Component* device) {
    return device == nullptr || device->mapped_targets().empty() ? 0 : device->mapped_targets().front().base;
  };
  description.timer = registers(timer());
  description.timebase_frequency = time_source() != nullptr ? time_source()->ticks_per_second() : 0;
  description.interrupt_controller = registers(interrupt_controller());
  hart_ = handler_->attach_hart(description);
  connect_interrupts(find, hart_);
}

void TrafficGen::read_process(Params& params) {
  Context process;
  process.name = params.get<std::string>("name");
  // Statistics and the kernel's messages name processes: two of one name would merge.
  if (std::any_of(contexts_.begin(), contexts_.end(), [&](const Context& other) { return other.name == process.name; }))
    params.fail("name", fmt::format("{} already runs a process named '{}'", basename(), process.name));
  process.privilege = params.get<Privilege>("privilege");
  for (Params& entry : params.list("regions")) {
    Region region;
    region.name = entry.get<std::string>("name");
    region.device = entry.get<std::string>("device");
    region.size = entry.get<Bytes>("size", Bytes{region.device.empty() ? 0u : 4096u}).value;
    region.where = entry.locate("size");
    const auto letters = entry.get<std::string>("prot");
    region.shared = entry.get<std::string>("shared");
    entry.reject_unknown();
    if (kernel_name_.empty()) entry.fail("regions need a kernel (set kernel: on the CPU)");
    if (!parse_protection(letters, region.protection)) entry.fail("prot", "use the letters r, w and x");
    if (region.size == 0) entry.fail("size", "must not be zero");
    if (!region.device.empty() && !region.shared.empty()) entry.fail("shared", "a device region cannot be shared memory");
    process.regions.push_back(region);
  }
  process.repeat = params.get<std::uint64_t>("repeat");
  process.steps = params.get<std::uint64_t>("steps");
  const bool phase_stats = params.get<bool>("phase_stats");
  for (Params& phase : params.list("phases")) {
    process.phases.push_back(read_phase(phase, process));
    phase.reject_unknown();
  }
  if (params.contains("trace")) {
    Params trace = params.scope("trace");
    process.trace = std::make_unique<Trace>();
    process.trace->file = params.resolve_path(trace.get<std::string>("file"));
    process.trace->format = trace.get<TraceReader::Format>("format");
    process.trace->fetches = trace.get<bool>("fetches");
    process.trace->skip = trace.get<std::uint64_t>("skip");
    process.trace->limit = trace.get<std::uint64_t>("limit");
    process.trace->map_unmapped = trace.get<UnmappedAddress>("unmapped") == UnmappedAddress::map;
    trace.reject_unknown();
  }
  params.reject_unknown();
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
  contexts_.push_back(std::move(process));

  Context& added = contexts_.back();
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
    physical_shadow_base_ = low;
    shadows_.push_back(std::make_unique<SparseStore>(high - low));
    physical_shadow_ = shadows_.back().get();
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

std::size_t TrafficGen::find_region(Params& params, const Context& process) {
  const auto name = params.get<std::string>("region");
  if (name.empty()) return no_region;
  for (std::size_t i = 0; i < process.regions.size(); ++i)
    if (process.regions[i].name == name) return i;
  params.fail("region", fmt::format("the process has no region '{}'", name));
}

TrafficGen::Phase TrafficGen::read_phase(Params& params, Context& process) {
  Phase phase;
  phase.name = params.get<std::string>("name");
  Params next = params.scope("next");
  for (const std::string& target : next.keys()) {
    const auto weight = next.get<double>(target);
    if (!(weight > 0)) next.fail(target, "a weight is above zero");
    phase.next_names.emplace_back(target, weight);
  }
  next.reject_unknown();
  phase.kind = params.get<Phase::Kind>("syscall");
  if (phase.kind != Phase::Kind::access) {
    phase.region = find_region(params, process);
    const auto letters = params.get<std::string>("prot");
    phase.pin = params.get<unsigned>("pin");
    phase.level = params.get<bool>("level");
    if (phase.region == no_region) params.fail("region", "a system call phase names its region");
    if (phase.kind == Phase::Kind::mprotect && !parse_protection(letters, phase.protection))
      params.fail("prot", "use the letters r, w and x");
    // As a file opened read-only caps its shared mappings (EACCES): the declared prot of a shared
    // region is the most its mapping may have.
    if (phase.kind == Phase::Kind::mprotect) {
      const Region& region = process.regions[phase.region];
      if (!region.shared.empty() && (phase.protection & ~region.protection) != 0)
        params.fail("prot", fmt::format("region {} maps shared object '{}'; mprotect cannot grant more than its prot",
                                        region.name, region.shared));
    }
    if (phase.kind == Phase::Kind::wait_pin && process.regions[phase.region].device.empty())
      params.fail("region", "wait_pin needs a device region");
    return phase;
  }
  AccessPattern::Spec& pattern = phase.pattern;
  const auto choice = params.get<PatternChoice>("pattern");
  phase.kind = choice.phase;
  if (phase.kind == Phase::Kind::idle) {
    phase.think_time = params.get<sc_core::sc_time>("time");
    return phase;
  }
  pattern.kind = choice.access;
  pattern.streams = params.get<unsigned>("streams");
  pattern.hot_fraction = params.get<double>("hot_fraction");
  pattern.hot_probability = params.get<double>("hot_probability");
  pattern.skew = params.get<double>("skew");
  phase.region = find_region(params, process);
  const bool in_region = phase.region != no_region;
  const std::uint64_t region_size = in_region ? process.regions[phase.region].size : 0;
  if (in_region) {
    pattern.base = params.get<Bytes>("offset").value;
    pattern.size = params.get<Bytes>("size", Bytes{region_size - pattern.base}).value;
  } else {
    pattern.base = params.get<Address>("base").value;
    pattern.size = params.require<Bytes>("size").value;
  }
  pattern.access_size = params.get<Bytes>("access_size").value;
  pattern.stride = params.get<Bytes>("stride", Bytes{pattern.access_size}).value;
  phase.count = params.get<std::uint64_t>("count");
  phase.duration = params.get<sc_core::sc_time>("duration");
  const auto read_fraction = params.get<double>("read_fraction");
  const auto fetch_fraction = params.get<double>("fetch_fraction");
  const auto think_cycles = params.get<std::uint64_t>("think_cycles");
  if (params.contains("value")) phase.value = params.require<std::uint64_t>("value");

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
  try {
    phase.think_time = frequency().cycles(think_cycles);
  } catch (const std::overflow_error& e) {
    params.fail("think_cycles", e.what());
  }
  return phase;
}

void TrafficGen::run_workload() {
  run().wait_for_boot();
  quantum().reset();
  for (Context& context : contexts_) {
    context.random = Random(Random::derive(seed_, fmt::format("{}/{}/data", stream_name(), context.name)));
    context.phase_random = Random(Random::derive(seed_, fmt::format("{}/{}/phases", stream_name(), context.name)));
  }
  probing_ = probe_ != nullptr && probe_->wants_accesses();
  TrapReturn answer{TrapReturn::Action::run, 0, 0, true, false};
  if (handler_ != nullptr) {
    // The hart's reset: it offers its contexts, and the kernel says which runs.
    for (unsigned index = 0; index < contexts_.size(); ++index) {
      Trap spawn;
      spawn.cause = TrapCause::system_call;
      spawn.call = SystemCall::spawn;
      spawn.args[0] = index;
      spawn.text = contexts_[index].name;
      const TrapReturn created = take_trap(spawn);
      if (!created.ok) {
        run().fail(fmt::format("{}: the kernel could not create process {}", name(), contexts_[index].name));
        return;
      }
      contexts_[index].pid = static_cast<unsigned>(created.value);
    }
    Trap reset;
    reset.cause = TrapCause::reset;
    answer = take_trap(reset);
  }
  Context* running = nullptr;
  bool halted = false;
  while (!run().failed()) {
    switch (answer.action) {
      case TrapReturn::Action::run: running = &contexts_.at(answer.context); [[fallthrough]];
      case TrapReturn::Action::resume:
      case TrapReturn::Action::retry: {
        const auto next = execute(*running);
        if (!next) return;
        answer = *next;
        break;
      }
      case TrapReturn::Action::halt:
        // Its processes are done, but it still takes interrupts for the others.
        if (!halted) {
          halted = true;
          quantum().sync();
          while (in_flight_ != 0) sc_core::wait(slot_freed_);
          if (!run().failed()) run().initiator_finished();
          if (handler_ == nullptr) return;
        }
        [[fallthrough]];
      case TrapReturn::Action::idle: answer = wait_for_interrupt(); break;
    }
  }
}

TrapReturn TrafficGen::take_trap(const Trap& trap) {
  sc_core::sc_time local = quantum().get_local_time();
  const TrapReturn answer = handler_->trap(hart_, trap, local);
  quantum().set(local);
  if (quantum().need_sync()) quantum().sync();
  return answer;
}

TrapReturn TrafficGen::take_interrupt() {
  ++interrupts_;
  Trap trap;
  trap.cause = TrapCause::interrupt;
  trap.pending = pending_interrupts();
  return take_trap(trap);
}

TrapReturn TrafficGen::wait_for_interrupt() {
  quantum().sync();
  while (pending_interrupts() == 0) sc_core::wait(interrupt_raised());
  return take_interrupt();
}

std::optional<TrapReturn> TrafficGen::execute(Context& context) {
  while (!run().failed()) {
    const Step& step = context.pending ? *context.pending : context.pending.emplace(next_step(context));
    TrapReturn answer{TrapReturn::Action::resume, 0, 0, true, false};
    if (step.kind == Step::Kind::access) {
      const auto outcome = access(context, step);
      if (!outcome) return std::nullopt;
      answer = *outcome;
      if (answer.ended) {
        ++killed_;
        context.finished = true;
        context.pending.reset();
        return answer;
      }
      if (answer.action != TrapReturn::Action::resume) return answer;  // the access runs again later
    } else if (step.kind == Step::Kind::system_call) {
      if (handler_ == nullptr) {
        context.finished = true;  // only a finished program calls the kernel without one: exit
        return TrapReturn{TrapReturn::Action::halt, 0, 0, true, true};
      }
      Trap trap;
      trap.cause = TrapCause::system_call;
      trap.call = step.call;
      trap.args = step.args;
      trap.text = step.text;
      answer = take_trap(trap);
      if (answer.ended) {
        if (step.call != SystemCall::exit) ++killed_;
        context.finished = true;
        context.pending.reset();
        return answer;
      }
    } else if (step.kind == Step::Kind::think) {
      quantum().inc(step.time);
    }
    const bool go_on = commit(context, step, answer);
    context.pending.reset();
    if (!go_on) return std::nullopt;
    // Every step, whatever its kind, keeps the hart within a quantum of the others: run ahead, its
    // memory accesses would hold DRAM banks in their future.
    if (quantum().need_sync()) quantum().sync();
    if (answer.action != TrapReturn::Action::resume) return answer;  // a system call that blocked
    if (pending_interrupts() != 0 && handler_ != nullptr) {
      const TrapReturn taken = take_interrupt();
      if (taken.action != TrapReturn::Action::resume) return taken;
    }
  }
  return std::nullopt;
}

std::optional<TrapReturn> TrafficGen::access(Context& context, const Step& step) {
  if (slots_.size() > 1) {
    if (!issue(context, step)) return std::nullopt;
    return TrapReturn{};
  }
  Slot& slot = *slots_.front();
  prepare(slot, context, step);
  // Issued at the generator's local time, ahead of simulated time by up to a quantum; a fault traps
  // on the same timeline and, once the page is mapped, the access is issued again.
  bool retried = false;
  while (true) {
    sc_core::sc_time local = quantum().get_local_time();
    const sc_core::sc_time issued = sc_core::sc_time_stamp() + local;
    slot.trans.set_address(step.address);
    slot.trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    TranslationFault* fault = slot.fault;
    fault->cause = FaultCause::none;
    initiator->b_transport(slot.trans, local);  // a target may also wait() inside
    quantum().set(local);
    if (fault->cause != FaultCause::none && handler_ != nullptr) {
      ++faults_;
      ++context.stats->faults;
      Trap trap;
      trap.cause = TrapCause::page_fault;
      trap.fault = fault->cause;
      trap.fault_address = fault->address;
      trap.kind = fault->kind;
      trap.access_address = step.address;
      trap.access_length = step.length;
      // No sync before the retry: the shadow already holds a store's data, and no other CPU may
      // load it before the memory does.
      const TrapReturn answer = take_trap(trap);
      retried = answer.action == TrapReturn::Action::retry;
      if (retried) continue;
      return answer;
    }
    if (!complete(slot, context, sc_core::sc_time_stamp() + quantum().get_local_time() - issued)) return std::nullopt;
    if (retried) handler_->retry_completed(hart_);
    if (probing_) probe_->accessed(hart_, step.address, step.length);
    return TrapReturn{};
  }
}

TrafficGen::Step TrafficGen::next_step(Context& context) {
  Step step;
  step.kind = Step::Kind::system_call;
  // A process maps its memory as it starts.
  if (handler_ != nullptr && context.trace && context.trace->map_unmapped && context.mapped == 0) {
    step.purpose = Step::Purpose::map_all;
    step.call = SystemCall::mmap_all;
    return step;
  }
  if (context.mapped < context.regions.size()) {
    const Region& region = context.regions[context.mapped];
    step.purpose = Step::Purpose::map_region;
    step.call = region.device.empty() ? SystemCall::mmap : SystemCall::mmap_device;
    step.args = {region.size, region.protection};
    step.text = region.device.empty() ? std::string_view(region.shared) : std::string_view(region.device);
    return step;
  }
  return context.trace ? next_trace_step(context) : next_phase_step(context);
}

TrafficGen::Step TrafficGen::next_phase_step(Context& context) {
  Step step;
  while (true) {
    if (context.phase == context.phases.size() && --context.repeat > 0) context.phase = 0;
    if (context.phase == context.phases.size()) {
      step.kind = Step::Kind::system_call;
      step.purpose = Step::Purpose::exit;
      step.call = SystemCall::exit;
      return step;
    }
    const Phase& phase = context.phases[context.phase];
    if (!context.phase_begun) {
      context.phase_begun = true;
      context.phase_started = now();
      if (!context.phase_stats.empty()) ++context.phase_stats[context.phase]->visits;
    }
    switch (phase.kind) {
      case Phase::Kind::idle:
        step.kind = Step::Kind::think;
        step.purpose = Step::Purpose::idle;
        step.time = phase.think_time;
        return step;
      case Phase::Kind::wait_pin:
      case Phase::Kind::mprotect:
      case Phase::Kind::munmap: {
        const Region& region = context.regions[phase.region];
        step.kind = Step::Kind::system_call;
        step.purpose = Step::Purpose::phase_call;
        if (phase.kind == Phase::Kind::wait_pin) {
          step.call = SystemCall::wait_pin;
          step.args = {phase.pin, phase.level ? 1u : 0u};
          step.text = region.device;
        } else {
          step.call = phase.kind == Phase::Kind::mprotect ? SystemCall::mprotect : SystemCall::munmap;
          step.args = {region.address, phase.protection};
        }
        return step;
      }
      case Phase::Kind::access:
      case Phase::Kind::pointer_chase: break;
    }
    const bool ended = phase.count != 0 ? context.done == phase.count : now() >= context.phase_started + phase.duration;
    if (ended) {
      finish_phase(context);
      continue;
    }
    step.kind = Step::Kind::access;
    step.length = phase.pattern.access_size;
    if (phase.region != no_region) {
      const Region& region = context.regions[phase.region];
      step.shadow = region.shadow;
      step.shadow_base = region.address;
    } else {
      step.shadow = physical_shadow_;
      step.shadow_base = physical_shadow_base_;
    }
    if (phase.kind == Phase::Kind::pointer_chase) {
      const std::uint64_t size = phase.pattern.access_size;
      const std::uint64_t elements = phase.pattern.size / size;
      const std::uint64_t base = chase_base(context, phase);
      if (context.chase_written == 0 && context.chase_next.empty()) {
        // Sattolo's shuffle: one cycle through every element, so the chase visits them all in turn.
        Random random(Random::derive(seed_, fmt::format("{}/{}/chain{}", stream_name(), context.name, context.phase)));
        context.chase_next.resize(elements);
        for (std::uint64_t i = 0; i < elements; ++i) context.chase_next[i] = static_cast<std::uint32_t>(i);
        for (std::uint64_t i = elements - 1; i > 0; --i)
          std::swap(context.chase_next[i], context.chase_next[random.below(i)]);
      }
      if (context.chase_written < elements) {
        const std::uint64_t element = context.chase_written++;
        step.purpose = Step::Purpose::chase_store;
        step.access = AccessKind::store;
        step.address = base + element * size;
        step.value = base + context.chase_next[element] * size;
        if (context.chase_written == elements) {
          context.chase_next = {};
          context.chase_at = base;
        }
        return step;
      }
      // The next address is what this load returns: the latency of every load is exposed.
      step.purpose = Step::Purpose::chase_load;
      step.access = AccessKind::load;
      step.address = context.chase_at;
      return step;
    }
    if (!context.pattern) {
      AccessPattern::Spec spec = phase.pattern;
      if (phase.region != no_region) spec.base += context.regions[phase.region].address;
      context.pattern.emplace(
          spec, Random::derive(seed_, fmt::format("{}/{}/phase{}", stream_name(), context.name, context.phase)));
    }
    const std::uint64_t draw = phase.all_reads ? 0 : context.random.next();
    step.purpose = Step::Purpose::phase_access;
    step.access = draw < phase.read_threshold || phase.all_reads ? AccessKind::load
                  : draw < phase.fetch_threshold                 ? AccessKind::fetch
                                                                 : AccessKind::store;
    step.address = context.pattern->next();
    step.value = phase.value;
    return step;
  }
}

TrafficGen::Step TrafficGen::next_trace_step(Context& context) {
  Trace& trace = *context.trace;
  Step step;
  step.kind = Step::Kind::system_call;
  step.purpose = Step::Purpose::exit;
  step.call = SystemCall::exit;
  TraceAccess access;
  try {
    while (true) {
      if ((trace.limit != 0 && trace.replayed == trace.limit) || !trace.reader->next(access)) return step;
      if (trace.skip > 0) {
        --trace.skip;
        continue;
      }
      if (access.kind == AccessKind::fetch && !trace.fetches) continue;
      break;
    }
  } catch (const std::runtime_error& e) {
    run().fail(fmt::format("{}: {}: {}", name(), context.name, e.what()));
    return step;
  }
  if (access.size > max_access_size) {
    run().fail(fmt::format("{}: {}: an access of {} bytes is larger than {}", name(), context.name, access.size,
                           max_access_size));
    return step;
  }
  ++trace.replayed;
  if (access.gap_cycles != 0) quantum().inc(frequency().cycles(access.gap_cycles));
  step.kind = Step::Kind::access;
  step.purpose = Step::Purpose::trace_access;
  step.access = access.kind;
  step.address = access.address;
  step.length = access.size;
  return step;
}

bool TrafficGen::commit(Context& context, const Step& step, const TrapReturn& answer) {
  switch (step.purpose) {
    case Step::Purpose::phase_access:
      ++context.done;
      if (slots_.size() > 1) {
        if (context.phases[context.phase].think_time != sc_core::SC_ZERO_TIME)
          sc_core::wait(context.phases[context.phase].think_time);
        return true;
      }
      quantum().inc(context.phases[context.phase].think_time);
      return true;
    case Step::Purpose::chase_load: return follow_chase(context);
    case Step::Purpose::chase_store:
    case Step::Purpose::trace_access: return true;
    case Step::Purpose::map_all:
    case Step::Purpose::map_region:
      if (!answer.ok) {
        if (step.purpose == Step::Purpose::map_all)
          run().fail(fmt::format("{}: {}: the kernel could not map the trace's address space", name(), context.name));
        else
          run().fail(fmt::format("{}: {}: mmap of region {} {}", name(), context.name,
                                 context.regions[context.mapped].name,
                                 context.regions[context.mapped].device.empty()
                                     ? "failed"
                                     : "refused: the process may not map " + context.regions[context.mapped].device));
        return false;
      }
      if (step.purpose == Step::Purpose::map_region) context.regions[context.mapped].address = answer.value;
      ++context.mapped;
      return true;
    case Step::Purpose::phase_call: {
      if (!answer.ok) {
        const Phase& phase = context.phases[context.phase];
        const Region& region = context.regions[phase.region];
        if (phase.kind == Phase::Kind::wait_pin)
          run().fail(fmt::format("{}: {}: wait_pin on {} cannot sleep: it is no GPIO, or has no interrupt line", name(),
                                 context.name, region.device));
        else
          run().fail(fmt::format("{}: {}: {} of region {} failed", name(), context.name,
                                 phase.kind == Phase::Kind::mprotect ? "mprotect" : "munmap", region.name));
        return false;
      }
      finish_phase(context);
      return true;
    }
    case Step::Purpose::idle: finish_phase(context); return true;
    case Step::Purpose::exit: return true;
  }
  return true;
}

void TrafficGen::finish_phase(Context& context) {
  context.done = 0;
  context.phase_begun = false;
  context.pattern.reset();
  context.chase_next.clear();
  context.chase_written = 0;
  const Phase& phase = context.phases[context.phase];
  if (context.steps == 0) {
    ++context.phase;
    return;
  }
  // A state machine: the next phase by weight, until the visits run out.
  if (++context.visits >= context.steps || phase.next.empty()) {
    context.phase = context.phases.size();
    context.repeat = 1;
    return;
  }
  double total = 0;
  for (const auto& [target, weight] : phase.next) total += weight;
  double draw = context.phase_random.unit() * total;
  context.phase = phase.next.back().first;
  for (const auto& [target, weight] : phase.next) {
    if (draw < weight) {
      context.phase = target;
      break;
    }
    draw -= weight;
  }
}

std::uint64_t TrafficGen::chase_base(const Context& context, const Phase& phase) const {
  return phase.pattern.base + (phase.region != no_region ? context.regions[phase.region].address : 0);
}

bool TrafficGen::follow_chase(Context& context) {
  const Phase& phase = context.phases[context.phase];
  const std::uint64_t size = phase.pattern.access_size;
  const std::uint64_t elements = phase.pattern.size / size;
  const std::uint64_t base = chase_base(context, phase);
  ++context.done;
  std::uint64_t next = 0;
  std::memcpy(&next, slots_.front()->data.data(), sizeof next);
  if (next < base || next >= base + elements * size || (next - base) % size != 0) {
    run().fail(fmt::format("{}: {}: the pointer chase read {:#x}, outside its chain", name(), context.name, next));
    return false;
  }
  context.chase_at = next;
  return true;
}

void TrafficGen::prepare(Slot& slot, Context& context, const Step& step) {
  const std::uint64_t address = step.address;
  const std::uint64_t length = step.length;
  const bool is_read = step.access != AccessKind::store;
  slot.context = &context;
  slot.checked = is_read && step.shadow != nullptr;
  if (is_read) {
    if (slot.checked) std::memcpy(slot.expected.data(), step.shadow->at(address - step.shadow_base), length);
  } else {
    for (std::uint64_t offset = 0; offset < length; offset += 8) {
      const std::uint64_t word = step.value ? (offset == 0 ? *step.value : 0) : context.random.next();
      std::memcpy(slot.data.data() + offset, &word, std::min<std::uint64_t>(8, length - offset));
    }
    if (step.shadow != nullptr) step.shadow->write(address - step.shadow_base, slot.data.data(), length);
  }
  tlm::tlm_generic_payload& trans = slot.trans;
  prepare_payload(trans, is_read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND, address, slot.data.data(),
                  static_cast<unsigned>(length));
  slot.access->kind = step.access;
  slot.access->privilege = context.privilege;
  slot.access->process = context.pid;
  slot.fault->cause = FaultCause::none;
}

bool TrafficGen::complete(Slot& slot, Context& context, const sc_core::sc_time& latency) {
  const tlm::tlm_generic_payload& trans = slot.trans;
  const bool is_read = trans.is_read();
  const AccessKind kind = slot.access->kind;
  const std::uint64_t address = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  if (!trans.is_response_ok()) {
    const char* what = is_read ? "load" : "store";
    const TranslationFault* fault = slot.fault;
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
  const double latency_ns = to_ns(latency);
  latency_->sample(latency_ns);
  if (!context.phase_stats.empty()) {
    PhaseStats& phase = *context.phase_stats[context.phase];
    ++phase.accesses;
    phase.latency.sample(latency_ns);
  }
  ProcessStats& stats = *context.stats;
  ++(kind == AccessKind::fetch ? stats.fetches : kind == AccessKind::store ? stats.stores : stats.loads);
  if (kind == AccessKind::fetch) ++fetches_;
  stats.latency.sample(latency_ns);
  if (!slot.checked) return true;
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

bool TrafficGen::issue(Context& context, const Step& step) {
  while (in_flight_ == slots_.size()) sc_core::wait(slot_freed_);
  if (run().failed()) return false;
  Slot& slot = **std::find_if(slots_.begin(), slots_.end(), [](const auto& s) { return !s->busy; });
  prepare(slot, context, step);
  slot.busy = true;
  ++in_flight_;
  slot.issued = sc_core::sc_time_stamp();
  slot.trans.acquire();
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
      const bool ok = complete(slot, *slot.context, sc_core::sc_time_stamp() - slot.issued);
      slot.trans.release();
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
