// A whole platform built from a configuration: the components it names, created through the model
// registry, their sockets bound as the configuration says, and the statistics of the run.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>

#include "models/core/component.h"
#include "models/core/registry.h"

namespace vmsim {

// The `platform` section of a configuration.
struct PlatformSettings {
  sc_core::sc_time quantum;
  std::uint64_t seed = 0;
  static void declare(ParamSchema& schema);
  static PlatformSettings read(Params& params);
};

class System final : public sc_core::sc_module {
 public:
  // What a configuration holds besides the models' own parameters: the platform section, the
  // parameters every component has, and the sections keyed by component name.
  static const ParamSchema& parameters();
  // The parameters every component has (`type`, `count`), which its model's extend.
  static const ParamSchema& component_parameters();

  // Builds and binds everything; throws ConfigError naming the file, line and key of a mistake.
  // Models write files of their own (waveforms) into `output_directory`, which must exist by the
  // end of elaboration.
  System(const sc_core::sc_module_name& name, ConfigDocument& config, const ModelRegistry& registry,
         const std::string& output_directory);

  // Simulates until every initiator has finished. Returns false if the run failed: a model reported
  // a failure, or SystemC refused to simulate; failure() says why. A failed run is an outcome, not
  // an exception: a throw after SystemC's coroutines have run also misleads AddressSanitizer.
  [[nodiscard]] bool run();
  const std::string& failure() const { return run_.failure(); }
  // For a tool that drives the run and waits for its boot (the benchmark).
  RunControl& run_control() { return run_; }
  // Every statistic, with the derived rates beside the counters they come from.
  std::vector<StatEntry> statistics() const;

 private:
  Component& find(const std::string& name, const std::string& where, const std::string& path);
  void bind();

  StatGroup root_stats_;
  StatGroup stats_;
  RunControl run_;
  std::vector<std::unique_ptr<Component>> components_;

  Value sim_seconds_{root_stats_, "sim_seconds", "Simulated time of the run, in seconds"};
  Counter sim_accesses_{root_stats_, "sim_accesses", "Accesses completed by all initiators"};
  Value host_seconds_{root_stats_, "host_seconds", "Host wall-clock time of the simulation, in seconds"};
  Value host_rate_{root_stats_, "host_accesses_per_second", "Accesses issued by all initiators per host second"};
  Value host_memory_{root_stats_, "host_peak_memory_bytes", "Peak resident memory of the host process"};
};

}  // namespace vmsim
