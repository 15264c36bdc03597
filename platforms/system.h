// A whole platform built from a configuration: the components it names, created through the model
// registry, their sockets bound as the configuration says, and the statistics of the run.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/protocol_checker.h"
#include "vmsim/models/core/registry.h"
#include "vmsim/models/debug/gdb_server.h"
#include "vmsim/platforms/console_script.h"
#include "vmsim/platforms/device_tree_builder.h"

namespace vmsim {

// The `platform` section of a configuration.
struct VMSIM_API PlatformSettings {
  sc_core::sc_time quantum;
  std::uint64_t seed = 0;
  bool protocol_checks = false;           // a ProtocolChecker on every connection
  std::optional<std::uint16_t> gdb_port;  // a GDB server for the harts, on this port (0: any free one)
  static void declare(ParamSchema& schema);
  static PlatformSettings read(Params& params);
};

// How a run is watched and where it may end early. Nothing here changes what the models do: the
// same configuration gives the same statistics with any of these.
struct VMSIM_API RunLimits {
  sc_core::sc_time max_time = sc_core::SC_ZERO_TIME;  // end the run here (zero: no limit)
  std::uint64_t max_accesses = 0;                     // end it at the first quantum boundary with this many (0: none)
  sc_core::sc_time stats_interval = sc_core::SC_ZERO_TIME;  // dump statistics this often (zero: never)
  bool progress = false;                                    // a progress line on standard error, redrawn in place
  // Asked between quanta whether to stop now (a signal's flag, say): returns why, or "".
  std::function<std::string()> should_stop;

  bool any() const {
    return max_time != sc_core::SC_ZERO_TIME || max_accesses != 0 || stats_interval != sc_core::SC_ZERO_TIME ||
           progress || should_stop;
  }
};

class VMSIM_API System final : public sc_core::sc_module {
 public:
  // What a configuration holds besides the models' own parameters: the platform section, the
  // parameters every component has, and the sections keyed by component name.
  static const ParamSchema& parameters();
  // The parameters every component has (`type`, `count`), which its model's extend.
  static const ParamSchema& component_parameters();

  // Builds and binds everything; throws ConfigError naming the file, line and key of a mistake.
  // Models write files of their own (waveforms) into `output_directory`, which must exist by the
  // end of elaboration; so does the platform, its device tree (device-tree.dtb and .dts) if the
  // configuration has a `device_tree` section. Models record their events on `timeline`, if given.
  System(const sc_core::sc_module_name& name, ConfigDocument& config, const ModelRegistry& registry,
         const std::string& output_directory, Timeline* timeline = nullptr);

  // Simulates until every initiator has finished, or a limit (or a debugger's kill) stops it; with a
  // GDB server, the harts first wait for a debugger. Returns false if the run
  // failed: a model reported a failure, or SystemC refused to simulate; failure() says why. A failed
  // run is an outcome, not an exception: a throw after SystemC's coroutines have run also misleads
  // AddressSanitizer. A stopped run succeeds, with partial() set. SystemC has one simulation per
  // process, started once: a program with several platforms runs them with run_together().
  [[nodiscard]] bool run(const RunLimits& limits = {}) { return run_together({this}, limits); }
  // Simulates several platforms elaborated in one process, together: they share SystemC's one
  // simulated time, and the simulation ends when every initiator of every platform has finished
  // (or a limit, or the first failure, stops it: a failure of one stops all, and the others' results
  // are then partial). Each keeps its own statistics, quantum, seed and outcome. Returns true if
  // none failed.
  [[nodiscard]] static bool run_together(const std::vector<System*>& platforms, const RunLimits& limits = {});
  const std::string& failure() const { return run_.failure(); }
  // Whether it failed before the simulation started: a model could not create its file.
  bool failed_before_start() const { return run_.failed_before_start(); }
  // Why the run stopped before its end ("stopped by --max-time 1ms at 1ms"), or "": its statistics
  // are those so far.
  const std::string& partial() const { return run_.stop_reason(); }
  // The GDB server, if platform.gdb asks for one.
  const gdb::Server* debugger() const { return debugger_.get(); }
  // For a tool that drives the run and waits for its boot (the benchmark), for what the run's
  // software asked (RunControl::exit_status()), or for a program whose own initiator must finish
  // before the run ends (initiator_started(), initiator_finished()).
  RunControl& run_control() { return run_; }
  // The target socket of the external_port component `name`, for the program's own initiator to bind
  // to during elaboration (once: with protocol checks, each call puts a checker in front of it);
  // throws ConfigError if the platform has no external port of that name.
  TargetSocket& external_socket(const std::string& name);
  // The platform's device tree, or null if the configuration asks for none. Its blob is also
  // RunControl::device_tree_blob(), for the models that boot software.
  const DeviceTree* device_tree() const { return device_tree_.get(); }
  // Every statistic, with the derived rates beside the counters they come from.
  std::vector<StatEntry> statistics() const;
  // The statistics as they were at each multiple of RunLimits::stats_interval.
  const std::vector<std::vector<StatEntry>>& interval_statistics() const { return intervals_; }

 private:
  Component& find(const std::string& name, const std::string& where, const std::string& path);
  // Every connection against its port's declaration, before anything is bound.
  void check_connections();
  // Every target reached by some port or bus, every bus with something on it (after resolve(), so
  // that a model's own check of a reference comes first).
  void check_reached();
  void bind();
  // The GDB server on `port` for every component that is a hart a debugger can drive.
  void create_debugger(std::uint16_t port, const Params& platform);
  // The device tree and the console, once every component has resolved its references.
  void describe_machine(const Component::Lookup& lookup);
  void end_of_elaboration() override;
  // Brings the run's own statistics (simulated time, accesses, host figures) up to now.
  void update_run_statistics(double host_seconds);
  // Simulates a quantum at a time, dumping statistics and asking the limits (and the GDB servers, for
  // a Ctrl-C or a debugger connecting) between quanta.
  static void simulate_in_slices(const std::vector<System*>& platforms, const RunLimits& limits);
  static std::string stop_reason(const std::vector<System*>& platforms, const RunLimits& limits);
  static void show_progress(const std::vector<System*>& platforms, std::chrono::steady_clock::time_point start,
                            std::chrono::steady_clock::time_point& shown);
  // The outcome of this platform once the simulation has ended; `ended_by` says what ended it if
  // another platform did ("the failure of NAME").
  bool conclude(double host_seconds, const std::string& ended_by);
  // A checker between an initiator and `target` (platform.protocol_checks), or `target` itself.
  TargetSocket& link(TargetSocket& target, const std::string& initiator);

  std::vector<std::vector<StatEntry>> intervals_;
  std::chrono::steady_clock::time_point host_start_;
  StatGroup root_stats_;
  StatGroup stats_;
  RunControl run_;
  std::vector<std::unique_ptr<Component>> components_;
  // Each component's type and where the configuration declares it, by name, for the checks of
  // connections that bind() makes before binding.
  struct Declared {
    std::string type;
    std::string where;
  };
  std::map<std::string, Declared, std::less<>> declared_;
  std::set<std::string, std::less<>> connected_;  // components some initiator port names
  bool protocol_checks_ = false;
  std::vector<std::unique_ptr<ProtocolChecker>> checkers_;
  std::string output_directory_;
  std::unique_ptr<gdb::Server> debugger_;
  std::optional<DeviceTreeSettings> device_tree_settings_;
  std::unique_ptr<DeviceTree> device_tree_;
  std::optional<ConsoleSettings> console_settings_;
  std::unique_ptr<ConsoleScript> console_;

  Value sim_seconds_{root_stats_, "sim_seconds", "Simulated time of the run, in seconds"};
  Counter sim_accesses_{root_stats_, "sim_accesses", "Accesses completed by all initiators"};
  Value host_seconds_{root_stats_, "host_seconds", "Host wall-clock time of the simulation, in seconds"};
  Value host_rate_{root_stats_, "host_accesses_per_second", "Accesses issued by all initiators per host second"};
  Value host_instruction_rate_{root_stats_, "host_instructions_per_second",
                               "Instructions retired by all harts per host second"};
  Value host_memory_{root_stats_, "host_peak_memory_bytes", "Peak resident memory of the host process"};
};

}  // namespace vmsim
