// sc_spawn() starts the run's watchers (periodic dumps, limits, progress) once the system is built.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "platforms/system.h"

#include <sys/resource.h>

#include <csignal>

#include <cctype>
#include <chrono>

#include <fmt/format.h>

#include <tlm_utils/tlm_quantumkeeper.h>
#include "platforms/derived_stats.h"
#include "platforms/replicas.h"

namespace vmsim {
namespace {

// Set by the SIGINT handler of a run on a terminal, read by its watcher.
volatile std::sig_atomic_t interrupted = 0;

}  // namespace

void PlatformSettings::declare(ParamSchema& schema) {
  schema.optional<sc_core::sc_time>(
      "quantum", sc_core::sc_time(1, sc_core::SC_US),
      "Global quantum of temporal decoupling: how far an initiator may run ahead of simulated time");
  schema.optional<std::uint64_t>("seed", 1, "Seed of every random stream in the run");
}

PlatformSettings PlatformSettings::read(Params& params) {
  PlatformSettings settings;
  settings.quantum = params.get<sc_core::sc_time>("quantum");
  settings.seed = params.get<std::uint64_t>("seed");
  if (settings.quantum == sc_core::SC_ZERO_TIME) params.fail("quantum", "must be above zero");
  return settings;
}

const ParamSchema& System::component_parameters() {
  static const ParamSchema schema = [] {
    ParamSchema component;
    component.required<std::string>("type", "Model of the component");
    component.optional<std::uint64_t>(
        "count", 1,
        "Copies of the component, 1 to 1024, named <name>0, <name>1, ...; values naming a replicated component "
        "name its copy of the same number, and a base moves up by size for each copy");
    return component;
  }();
  return schema;
}

const ParamSchema& System::parameters() {
  static const ParamSchema schema = [] {
    ParamSchema root;
    PlatformSettings::declare(root.scope("platform", "Simulation-wide settings").declare_members());
    root.scope("components", "The components of the platform, by name")
        .declare_members()
        .scope("<name>", "A component: these and the parameters of its type")
        .declare_members()
        .include(component_parameters());
    root.scope("workload", "What each CPU runs, by CPU name")
        .declare_members()
        .list("<name>", "The processes the CPU runs, with the parameters its type declares");
    return root;
  }();
  return schema;
}

System::System(const sc_core::sc_module_name& name, ConfigDocument& config, const ModelRegistry& registry,
               const std::string& output_directory, Timeline* timeline)
    : sc_core::sc_module(name), stats_(root_stats_, basename()) {
  run_.set_timeline(timeline);
  expand_replicas(config);
  Params root(config, config.root(), config.resolved(), "", parameters());
  Params platform = root.scope("platform");
  const PlatformSettings settings = PlatformSettings::read(platform);
  platform.reject_unknown();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(settings.quantum);

  Params components = root.scope("components");
  Params workload = root.scope("workload");
  const std::vector<std::string> names = components.keys();
  if (names.empty()) components.fail("a platform needs at least one component");
  for (const std::string& component_name : workload.keys())
    if (std::find(names.begin(), names.end(), component_name) == names.end())
      workload.fail(component_name, "no component of that name");

  for (const std::string& component_name : names) {
    const bool valid_name = std::all_of(component_name.begin(), component_name.end(), [](char c) {
      return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    });
    if (!valid_name || !std::islower(static_cast<unsigned char>(component_name.front())))
      components.fail(component_name, "a component name is lower-case letters, digits and _, starting with a letter");
    Params params = components.scope(component_name);
    const auto type = params.get<std::string>("type");
    const ModelRegistry::Entry* entry = registry.find(type);
    if (entry == nullptr)
      params.fail("type", fmt::format("unknown component type '{}' (known: {})", type, fmt::join(registry.types(), ", ")));
    params.also_declared_by(entry->parameters);
    std::vector<Params> processes;
    if (workload.contains(component_name)) {
      if (!entry->workload) workload.fail(component_name, fmt::format("a {} runs no workload", type));
      processes = workload.list(component_name);
      for (Params& process : processes) process.also_declared_by(*entry->workload);
    }
    ComponentContext context{params, stats_, run_, settings.seed, processes.empty() ? nullptr : &processes,
                             output_directory};
    try {
      components_.push_back(entry->create(component_name.c_str(), context));
    } catch (const std::runtime_error& e) {
      if (dynamic_cast<const ConfigError*>(&e) != nullptr) throw;
      params.fail(e.what());
    }
    params.reject_unknown();
  }
  components.reject_unknown();
  workload.reject_unknown();
  root.reject_unknown();
  bind();
}

Component& System::find(const std::string& name, const std::string& where, const std::string& path) {
  for (const auto& component : components_)
    if (name == component->basename()) return *component;
  throw ConfigError(fmt::format("{}: {}: no component named '{}'", where, path, name));
}

void System::bind() {
  for (const auto& component : components_) {
    for (const InitiatorBinding& binding : component->initiator_bindings()) {
      const std::string path = fmt::format("components.{}.{}", component->basename(), binding.port);
      Component& peer = find(binding.peer, binding.where, path);
      TargetSocket* socket = peer.target_socket();
      if (socket == nullptr)
        throw ConfigError(fmt::format("{}: {}: '{}' accepts no connections", binding.where, path, binding.peer));
      binding.bind(*socket);
    }
    for (const MappedTarget& mapped : component->mapped_targets()) {
      const std::string path = fmt::format("components.{}.bus", component->basename());
      auto* interconnect = dynamic_cast<Interconnect*>(&find(mapped.bus, mapped.where, path));
      if (interconnect == nullptr)
        throw ConfigError(fmt::format("{}: {}: '{}' is not an interconnect", mapped.where, path, mapped.bus));
      interconnect->attach(mapped);
    }
  }
  const Component::Lookup lookup = [this](const std::string& name, const std::string& where, const std::string& path) -> Component& {
    return find(name, where, path);
  };
  for (const auto& component : components_) component->resolve(lookup);
}

bool System::run(const RunLimits& limits) {
  // SystemC's notes (sc_stop() ends every run, a waveform file got its time unit) are noise on the
  // command line; its warnings and errors are not.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  if (limits.stats_interval != sc_core::SC_ZERO_TIME)
    sc_core::sc_spawn([this, interval = limits.stats_interval] { dump_intervals(interval); });
  if (limits.max_accesses != 0 || limits.progress) sc_core::sc_spawn([this, limits] { watch_accesses(limits); });
  // On a terminal, Ctrl-C ends the run as a limit does, with its statistics; a second one (the
  // handler resets itself) kills it as usual.
  struct sigaction previous {};
  if (limits.progress) {
    struct sigaction on_interrupt {};
    on_interrupt.sa_handler = [](int) { interrupted = 1; };
    on_interrupt.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &on_interrupt, &previous);
  }
  host_start_ = std::chrono::steady_clock::now();
  try {
    if (limits.max_time != sc_core::SC_ZERO_TIME)
      sc_core::sc_start(limits.max_time);
    else
      sc_core::sc_start();
  } catch (const sc_core::sc_report& report) {
    run_.fail(fmt::format("{}: {}", report.get_msg_type(), report.get_msg()));
  }
  const std::chrono::duration<double> host = std::chrono::steady_clock::now() - host_start_;
  if (limits.progress) {
    sigaction(SIGINT, &previous, nullptr);
    fmt::print(stderr, "\r\033[K");
  }
  if (!run_.failed() && run_.unfinished() && stopped_by_.empty()) {
    if (limits.max_time != sc_core::SC_ZERO_TIME && sc_core::sc_get_status() == sc_core::SC_PAUSED) {
      stopped_by_ = fmt::format("--max-time {}", format_time(limits.max_time));
    } else {
      const std::vector<std::string> work = run_.unfinished_work();
      run_.fail(fmt::format("the simulation ran out of events at {} with work left: {}",
                            format_time(sc_core::sc_time_stamp()),
                            work.empty() ? "an initiator had not finished" : fmt::format("{}", fmt::join(work, "; "))));
    }
  }
  if (run_.failed()) return false;
  update_run_statistics(host.count());
  return true;
}

void System::update_run_statistics(double host_seconds) {
  sim_seconds_.set(to_seconds(sc_core::sc_time_stamp()));
  sim_accesses_ += run_.accesses() - sim_accesses_.value();
  host_seconds_.set(host_seconds);
  host_rate_.set(host_seconds > 0 ? static_cast<double>(run_.accesses()) / host_seconds : 0.0);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  host_memory_.set(static_cast<double>(usage.ru_maxrss) * 1024.0);
}

// The watchers below stop once nothing else is left to happen, so that a run whose models have all
// gone quiet still ends (and reports its unfinished work) instead of being kept alive by them.
void System::dump_intervals(sc_core::sc_time interval) {
  while (true) {
    sc_core::wait(interval);
    update_run_statistics(std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start_).count());
    intervals_.push_back(statistics());
    if (!sc_core::sc_pending_activity()) return;
  }
}

void System::watch_accesses(const RunLimits& limits) {
  // The limit is checked at every quantum boundary (no initiator runs further ahead unsynchronised);
  // a progress line alone needs far fewer wake-ups.
  const sc_core::sc_time quantum = tlm_utils::tlm_quantumkeeper::get_global_quantum();
  const sc_core::sc_time period = limits.max_accesses != 0 ? quantum : 100 * quantum;
  auto shown = std::chrono::steady_clock::now();
  while (true) {
    sc_core::wait(period);
    const std::uint64_t accesses = run_.accesses();
    if (limits.max_accesses != 0 && accesses >= limits.max_accesses) {
      stopped_by_ = fmt::format("--max-accesses {}", limits.max_accesses);
      sc_core::sc_stop();
      return;
    }
    if (interrupted != 0) {
      stopped_by_ = "Ctrl-C";
      sc_core::sc_stop();
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (limits.progress && now - shown >= std::chrono::milliseconds(200)) {
      shown = now;
      const double host = std::chrono::duration<double>(now - host_start_).count();
      fmt::print(stderr, "\r\033[Ksimulated {}, {} accesses, {:.0f} accesses per host second",
                 format_time(sc_core::sc_time_stamp()), accesses, static_cast<double>(accesses) / host);
      std::fflush(stderr);
    }
    if (!sc_core::sc_pending_activity()) return;
  }
}

std::vector<StatEntry> System::statistics() const { return with_derived_stats(root_stats_.collect()); }

}  // namespace vmsim
