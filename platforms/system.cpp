#include "vmsim/platforms/system.h"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>

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
  schema.optional<std::string>(
      "gdb", "",
      "TCP port on 127.0.0.1 of a GDB server (remote serial protocol) for every hart a debugger can drive, each a "
      "thread; the harts wait at reset until a debugger connects. 0: a free port, written to gdb-port in the output "
      "folder. Empty: no server");
}

PlatformSettings PlatformSettings::read(Params& params) {
  PlatformSettings settings;
  settings.quantum = params.get<sc_core::sc_time>("quantum");
  settings.seed = params.get<std::uint64_t>("seed");
  settings.protocol_checks = params.get<bool>("protocol_checks");
  if (settings.quantum == sc_core::SC_ZERO_TIME) params.fail("quantum", "must be above zero");
  if (const auto gdb = params.get<std::string>("gdb"); !gdb.empty()) {
    if (gdb.size() > 5 || gdb.find_first_not_of("0123456789") != std::string::npos || std::stoul(gdb) > 65535)
      params.fail("gdb", fmt::format("'{}' is not a TCP port (0 to 65535; 0: a free one)", gdb));
    settings.gdb_port = static_cast<std::uint16_t>(std::stoul(gdb));
  }
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
    DeviceTreeSettings::declare(
        root.scope("device_tree", "The device tree handed to booting software; present: the platform has one")
            .declare_members());
    ConsoleSettings::declare(
        root.scope("console", "A scripted console: steps run against a UART's output").declare_members());
    return root;
  }();
  return schema;
}

System::System(const sc_core::sc_module_name& name, ConfigDocument& config, const ModelRegistry& registry,
               const std::string& output_directory, Timeline* timeline)
    : sc_core::sc_module(name), stats_(root_stats_, basename()), output_directory_(output_directory) {
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

  if (root.contains("device_tree")) {
    Params section = root.scope("device_tree");
    device_tree_settings_ = DeviceTreeSettings::read(section);
    section.reject_unknown();
  }
  if (root.contains("console")) {
    Params section = root.scope("console");
    console_settings_ = ConsoleSettings::read(section);
    section.reject_unknown();
  }

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
  if (settings.gdb_port) create_debugger(*settings.gdb_port, platform);
}

void System::create_debugger(std::uint16_t port, const Params& platform) {
  std::vector<DebugTarget*> harts;
  for (const auto& component : components_)
    if (auto* hart = dynamic_cast<DebugTarget*>(component.get())) harts.push_back(hart);
  if (harts.empty()) platform.fail("gdb", "no component of this platform is a hart a debugger can drive (an rv64)");
  std::sort(harts.begin(), harts.end(),
            [](const DebugTarget* a, const DebugTarget* b) { return a->hart_id() < b->hart_id(); });
  for (std::size_t i = 1; i < harts.size(); ++i)
    if (harts[i]->hart_id() == harts[i - 1]->hart_id())
      platform.fail("gdb", fmt::format("{} and {} are both hart {}; a debugger tells harts apart by their ids",
                                       harts[i - 1]->debug_name(), harts[i]->debug_name(), harts[i]->hart_id()));
  try {
    debugger_ = std::make_unique<gdb::Server>(port, std::move(harts), run_);
  } catch (const std::runtime_error& e) {
    platform.fail("gdb", e.what());
  }
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
  const Component::Lookup lookup = [this](const std::string& name, const std::string& where,
                                          const std::string& path) -> Component& { return find(name, where, path); };
  bind_components(
      components_, lookup, "components",
      [this](TargetSocket& target, const std::string& initiator) -> TargetSocket& { return link(target, initiator); },
      [this, &lookup] { describe_machine(lookup); });
  check_reached();
}

void System::describe_machine(const Component::Lookup& lookup) {
  if (device_tree_settings_) {
    device_tree_ = build_device_tree(*device_tree_settings_, components_, lookup, [this](const Component& component) {
      return fmt::format("{}: components.{}", declared_.at(component.basename()).where, component.basename());
    });
    run_.set_device_tree_blob(device_tree_->blob());
  }
  if (!console_settings_) return;
  // The UART named, else the one the device tree gives software as its console, else the first.
  std::string uart = console_settings_->uart;
  if (uart.empty() && device_tree_settings_) uart = device_tree_settings_->stdout_uart;
  const Component* first = first_serial_port(components_);
  if (uart.empty() && first != nullptr) uart = first->basename();
  if (uart.empty())
    throw ConfigError(fmt::format("{}: console: the platform has no UART to drive", console_settings_->uart_where));
  auto* port = dynamic_cast<SerialPort*>(&lookup(uart, console_settings_->uart_where, "console.uart"));
  if (port == nullptr)
    throw ConfigError(fmt::format("{}: console.uart: '{}' is not a UART", console_settings_->uart_where, uart));
  try {
    console_ = std::make_unique<ConsoleScript>(console_settings_->steps, *port, uart, run_);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: console.uart: {}", console_settings_->uart_where, e.what()));
  }
}

void System::end_of_elaboration() {
  if (!device_tree_) return;
  const std::vector<std::uint8_t>& blob = run_.device_tree_blob();
  const std::filesystem::path folder(output_directory_);
  std::ofstream binary(folder / "device-tree.dtb", std::ios::binary);
  binary.write(reinterpret_cast<const char*>(blob.data()), static_cast<std::streamsize>(blob.size()));
  std::ofstream source(folder / "device-tree.dts");
  source << device_tree_->source();
  if (!binary || !source) run_.fail(fmt::format("cannot write the device tree into {}", output_directory_));
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
  bool debugged = false;
  for (System* platform : platforms) {
    platform->host_start_ = start;
    if (platform->debugger_) {
      platform->debugger_->start(platform->output_directory_ + "/gdb-port", limits.should_stop);
      debugged = true;
    }
  }
  try {
    if (!limits.any() && !debugged) {
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
  // What ended the simulation for every platform: the first failure, else software's request to end.
  std::string ended_by;
  for (const System* platform : platforms)
    if (platform->run_.failed() && ended_by.empty()) ended_by = fmt::format("the failure of {}", platform->name());
  for (const System* platform : platforms)
    if (platform->run_.exit_status() && ended_by.empty())
      ended_by = fmt::format("the end {}'s software asked for", platform->name());
  bool ok = true;
  for (System* platform : platforms) ok = platform->conclude(host.count(), ended_by) && ok;
  return ok;
}

bool System::conclude(double host_seconds, const std::string& ended_by) {
  if (!run_.failed() && !run_.stopped_early() && !run_.exit_status() && !ended_by.empty() && !run_.finished())
    run_.stop(fmt::format("stopped at {} by {}", format_time(sc_core::sc_time_stamp()), ended_by));
  if (console_) console_->check_finished();
  if (!run_.failed() && !run_.stopped_early() && !run_.exit_status() && run_.unfinished()) {
    const std::vector<std::string> work = run_.unfinished_work();
    run_.fail(fmt::format("the simulation ran out of events with work left: {}",
                          work.empty() ? "an initiator had not finished" : fmt::format("{}", fmt::join(work, "; "))));
  }
  run_.run_over();
  if (debugger_) debugger_->run_ended();
  if (run_.failed()) return false;
  update_run_statistics(host_seconds);
  return true;
}

void System::simulate_in_slices(const std::vector<System*>& platforms, const RunLimits& limits) {
  // One quantum at a time (the shortest of the platforms'), looking at the limits (and the GDB
  // servers, for a Ctrl-C or a debugger connecting) between them: the run stops where every initiator
  // has synchronised, and a run that runs out of events still ends as one
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
    for (System* platform : platforms)
      if (platform->debugger_ && !platform->debugger_->poll()) return;
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
  host_instruction_rate_.set(host_seconds > 0 ? static_cast<double>(run_.instructions()) / host_seconds : 0.0);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  host_memory_.set(static_cast<double>(usage.ru_maxrss) * 1024.0);
}

std::vector<StatEntry> System::statistics() const { return with_derived_stats(root_stats_.collect()); }

}  // namespace vmsim
