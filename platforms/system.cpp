#include "vmsim/platforms/system.h"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include <fmt/format.h>

#include "vmsim/platforms/derived_stats.h"
#include "vmsim/platforms/replicas.h"

namespace vmsim {

void PlatformSettings::declare(ParamSchema& schema) {
  schema.optional<sc_core::sc_time>(
      "quantum", sc_core::sc_time(1, sc_core::SC_US),
      "Global quantum of temporal decoupling: how far an initiator may run ahead of simulated time");
  schema.optional<std::uint64_t>("seed", 1, "Seed of every random stream in the run");
  schema.optional<bool>("protocol_checks", false,
                        "Check every connection against the TLM-2.0 base protocol (a checker between each "
                        "initiator and its target; a violation fails the run)");
}

PlatformSettings PlatformSettings::read(Params& params) {
  PlatformSettings settings;
  settings.quantum = params.get<sc_core::sc_time>("quantum");
  settings.seed = params.get<std::uint64_t>("seed");
  settings.protocol_checks = params.get<bool>("protocol_checks");
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
    root.strings("plugins",
                 "Plugins: shared libraries of component types, relative to the configuration's folder (vmsim run "
                 "--plugin adds more)");
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
  const std::vector<std::string>& loaded = registry.plugins();
  for (const std::string& plugin : root.strings("plugins"))
    if (std::find(loaded.begin(), loaded.end(), plugin) == loaded.end())
      root.fail("plugins", fmt::format("{} is not loaded (load_plugins() loads a configuration's plugins before its "
                                       "platform is built)",
                                       plugin));
  Params platform = root.scope("platform");
  const PlatformSettings settings = PlatformSettings::read(platform);
  platform.reject_unknown();
  run_.set_quantum(settings.quantum);
  protocol_checks_ = settings.protocol_checks;

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
    declared_[component_name] = {type, params.locate("type")};
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

void System::check_connections() {
  // The ports naming each component, checked against what each port accepts.
  std::map<const Component*, std::vector<std::string>> users;
  std::map<const Component*, bool> exclusive;
  for (const auto& component : components_) {
    for (const InitiatorBinding& binding : component->initiator_bindings()) {
      const Connection& connection = *binding.connection;
      const std::string path = fmt::format("components.{}.{}", component->basename(), connection.port);
      const Component& peer = find(binding.peer, binding.where, path);
      const std::string& type = declared_.at(peer.basename()).type;
      const auto kind = std::find_if(connection.accepts.begin(), connection.accepts.end(),
                                     [&](const PeerKind& accepted) { return accepted.type == type; });
      if (kind == connection.accepts.end()) {
        std::vector<std::string> kinds;
        for (const PeerKind& accepted : connection.accepts) kinds.push_back(accepted.type);
        throw ConfigError(fmt::format("{}: {}: '{}' is of type {}; {} connects to one of type {}", binding.where, path,
                                      binding.peer, type, connection.port, fmt::join(kinds, " or ")));
      }
      std::vector<std::string>& named_by = users[&peer];
      if (!named_by.empty() && (kind->exclusive || exclusive[&peer]))
        throw ConfigError(
            fmt::format("{}: {}: '{}' is already connected to {}, and one of type {} serves one initiator",
                        binding.where, path, binding.peer, named_by.front(), type));
      named_by.push_back(path);
      exclusive[&peer] = kind->exclusive;
      connected_.insert(binding.peer);
    }
  }
}

void System::check_reached() {
  std::map<std::string, unsigned, std::less<>> attached;  // targets mapped on each interconnect
  for (const auto& component : components_)
    for (const MappedTarget& mapped : component->mapped_targets()) ++attached[mapped.bus];
  // A target that nobody reaches, or a bus with nothing on it, is a mistake (SystemC would report
  // the unbound socket).
  for (const auto& component : components_) {
    const Declared& declared = declared_.at(component->basename());
    const std::string path = fmt::format("components.{}", component->basename());
    if (dynamic_cast<const Interconnect*>(component.get()) != nullptr && attached[component->basename()] == 0)
      throw ConfigError(fmt::format("{}: {}: nothing is mapped on this {} (a component's bus: names it)",
                                    declared.where, path, declared.type));
    TargetSocket* socket = component->target_socket();
    const auto& mapped = component->mapped_targets();
    const bool on_a_bus =
        std::any_of(mapped.begin(), mapped.end(), [&](const MappedTarget& target) { return target.socket == socket; });
    if (socket != nullptr && !on_a_bus && connected_.count(component->basename()) == 0)
      throw ConfigError(
          fmt::format("{}: {}: nothing connects to this {} (no port names it)", declared.where, path, declared.type));
  }
}

void System::bind() {
  check_connections();
  bind_components(
      components_,
      [this](const std::string& name, const std::string& where, const std::string& path) -> Component& {
        return find(name, where, path);
      },
      "components",
      [this](TargetSocket& target, const std::string& initiator) -> TargetSocket& { return link(target, initiator); });
  check_reached();
}

TargetSocket& System::link(TargetSocket& target, const std::string& initiator) {
  if (!protocol_checks_) return target;
  const std::string path = fmt::format("{} -> {}", initiator, target.get_base_export().name());
  auto& checker = *checkers_.emplace_back(
      std::make_unique<ProtocolChecker>(sc_core::sc_gen_unique_name("protocol_checker"), path,
                                        [this](const std::string& violation) { run_.fail(violation); }));
  checker.initiator.bind(target);
  return checker.target;
}

TargetSocket& System::external_socket(const std::string& name) {
  for (const auto& component : components_)
    if (name == component->basename() && component->external_socket() != nullptr)
      return link(*component->external_socket(), fmt::format("the program's initiator at {}", name));
  throw ConfigError(fmt::format("{}: the platform has no external_port named '{}'", basename(), name));
}

bool System::run_together(const std::vector<System*>& platforms, const RunLimits& limits) {
  // SystemC's notes (sc_stop() ends every run, a waveform file got its time unit) are noise on the
  // command line; its warnings and errors are not.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  // One platform's last initiator ends the simulation once every other platform's has finished too.
  for (System* platform : platforms)
    platform->run_.when_finished([platforms] {
      if (std::all_of(platforms.begin(), platforms.end(), [](const System* p) { return p->run_.finished(); }))
        sc_core::sc_stop();
    });
  const auto start = std::chrono::steady_clock::now();
  for (System* platform : platforms) platform->host_start_ = start;
  try {
    if (!limits.any()) {
      sc_core::sc_start();
    } else {
      simulate_in_slices(platforms, limits);
    }
  } catch (const sc_core::sc_report& report) {
    // An exception a model's process let through (SystemC reports it): the process names the model,
    // and the platform it belongs to fails.
    const std::string process = report.get_process_name();
    const std::string message = fmt::format("{}: {}: {}", process, report.get_msg_type(), report.get_msg());
    System* owner = platforms.front();
    for (System* platform : platforms)
      if (process.rfind(std::string(platform->name()) + ".", 0) == 0) owner = platform;
    owner->run_.fail(message);
  }
  const std::chrono::duration<double> host = std::chrono::steady_clock::now() - start;
  if (limits.progress) fmt::print(stderr, "\r\033[K");
  std::string failed;
  for (const System* platform : platforms)
    if (platform->run_.failed() && failed.empty()) failed = platform->name();
  bool ok = true;
  for (System* platform : platforms) ok = platform->conclude(host.count(), failed) && ok;
  return ok;
}

bool System::conclude(double host_seconds, const std::string& failed_elsewhere) {
  if (!run_.failed() && !run_.stopped_early() && !failed_elsewhere.empty() && !run_.finished())
    run_.stop(
        fmt::format("stopped at {} by the failure of {}", format_time(sc_core::sc_time_stamp()), failed_elsewhere));
  if (!run_.failed() && !run_.stopped_early() && run_.unfinished()) {
    const std::vector<std::string> work = run_.unfinished_work();
    run_.fail(fmt::format("the simulation ran out of events with work left: {}",
                          work.empty() ? "an initiator had not finished" : fmt::format("{}", fmt::join(work, "; "))));
  }
  if (run_.failed()) return false;
  update_run_statistics(host_seconds);
  return true;
}

void System::simulate_in_slices(const std::vector<System*>& platforms, const RunLimits& limits) {
  // One quantum at a time (the shortest of the platforms'), looking at the limits between them: the run
  // stops where every initiator has synchronised, and a run that runs out of events still ends as one
  // run of sc_start() would.
  sc_core::sc_time quantum = sc_core::sc_max_time();
  for (const System* platform : platforms) quantum = std::min(quantum, platform->run_.quantum());
  const sc_core::sc_time end = limits.max_time != sc_core::SC_ZERO_TIME ? limits.max_time : sc_core::sc_max_time();
  sc_core::sc_time next_dump = limits.stats_interval != sc_core::SC_ZERO_TIME ? limits.stats_interval : end;
  const auto start = platforms.front()->host_start_;
  auto shown = start;
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // elaboration and the first delta cycles
  while (sc_core::sc_get_status() != sc_core::SC_STOPPED && sc_core::sc_pending_activity()) {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (now >= next_dump && next_dump < end) {
      const double host = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (System* platform : platforms) {
        platform->update_run_statistics(host);
        platform->intervals_.push_back(platform->statistics());
      }
      next_dump += limits.stats_interval;
    }
    if (std::string reason = stop_reason(platforms, limits); !reason.empty()) {
      for (System* platform : platforms) platform->run_.stop(reason);
      return;
    }
    if (limits.progress) show_progress(platforms, start, shown);
    // Up to the next event at least, but never past a dump or the end. A slice that ends before the
    // next event only moves time there; otherwise starving ends it at the last event, as the end of
    // one sc_start() would.
    const sc_core::sc_time next_event = sc_core::sc_time_to_pending_activity();
    const sc_core::sc_time slice = std::min({std::max(quantum, next_event), next_dump - now, end - now});
    sc_core::sc_start(slice, slice < next_event ? sc_core::SC_RUN_TO_TIME : sc_core::SC_EXIT_ON_STARVATION);
  }
}

std::string System::stop_reason(const std::vector<System*>& platforms, const RunLimits& limits) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (limits.max_time != sc_core::SC_ZERO_TIME && now >= limits.max_time)
    return fmt::format("stopped by --max-time {} at {}", format_time(limits.max_time), format_time(now));
  std::uint64_t accesses = 0;
  for (const System* platform : platforms) accesses += platform->run_.accesses();
  if (limits.max_accesses != 0 && accesses >= limits.max_accesses)
    return fmt::format("stopped by --max-accesses {} at {}", limits.max_accesses, format_time(now));
  if (limits.should_stop) return limits.should_stop();
  return "";
}

void System::show_progress(const std::vector<System*>& platforms, std::chrono::steady_clock::time_point start,
                           std::chrono::steady_clock::time_point& shown) {
  const auto now = std::chrono::steady_clock::now();
  if (now - shown < std::chrono::milliseconds(200)) return;
  shown = now;
  std::uint64_t accesses = 0;
  for (const System* platform : platforms) accesses += platform->run_.accesses();
  const double host = std::chrono::duration<double>(now - start).count();
  fmt::print(stderr, "\r\033[Ksimulated {}, {} accesses, {:.0f} accesses per host second",
             format_time(sc_core::sc_time_stamp()), accesses, static_cast<double>(accesses) / host);
  std::fflush(stderr);
}

void System::update_run_statistics(double host_seconds) {
  // This platform's end: the simulation may have gone on for another platform run alongside.
  const bool ended = run_.finished() && run_.finished_at() && !run_.stopped_early();
  sim_seconds_.set(to_seconds(ended ? *run_.finished_at() : sc_core::sc_time_stamp()));
  sim_accesses_ += run_.accesses() - sim_accesses_.value();
  host_seconds_.set(host_seconds);
  host_rate_.set(host_seconds > 0 ? static_cast<double>(run_.accesses()) / host_seconds : 0.0);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  host_memory_.set(static_cast<double>(usage.ru_maxrss) * 1024.0);
}

std::vector<StatEntry> System::statistics() const { return with_derived_stats(root_stats_.collect()); }

}  // namespace vmsim
