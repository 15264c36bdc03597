// vmsim's models in a SystemC platform of one's own, built from C++ rather than from a configuration
// file. Each model gets its parameters as C++ values, read through the parameters it declares exactly
// as a configuration's are: a key the model does not declare, a value of the wrong type or out of
// range is a ConfigError naming the model and the key. The models of a set share what a platform
// gives its components: a statistics tree, a run control (quantum, seed, boot and end of the run) and
// a folder for the files models write. The set owns the models; the sockets are the models' own
// (public members such as Mmu::target and Dram::target), bound by the program or by bind().
//
//   vmsim::ModelSet models;
//   auto& bus = models.add<vmsim::Router>("bus", {});
//   auto& dram = models.add<vmsim::Dram>("dram", {{"base", vmsim::Address{0x80000000}}, {"size", "64MiB"}});
//   auto& mmu = models.add<vmsim::Mmu>("mmu", {{"base", vmsim::Address{0x10000000}}, {"dtlb.entries", 16u}});
//   models.bind();                   // dram and mmu registers on bus, mmu's ports to bus
//   my_cpu.socket.bind(mmu.target);  // the program's own initiator
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/config_document.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/param_schema.h"

namespace vmsim {

class VMSIM_API ModelSet {
 public:
  // One parameter's value: of any type a parameter may have (an integer, bool, double, sc_time,
  // Frequency, Bytes, Address), or its text as a configuration writes it ("64MiB", "sv39").
  class VMSIM_API Value {
   public:
    template <typename T, typename = decltype(ParamTraits<T>::type)>
    Value(const T& value) : text_(ParamTraits<T>::format(value)) {}  // NOLINT: implicit by design
    Value(const char* text) : text_(text) {}                         // NOLINT
    Value(std::string text) : text_(std::move(text)) {}              // NOLINT
    const std::string& text() const { return text_; }

   private:
    std::string text_;
  };
  // Parameters by their path in the model's map: "dtlb.entries" is entries in the map dtlb.
  using Values = std::vector<std::pair<std::string, Value>>;

  struct Options {
    std::string name = "system";  // the statistics are named <name>.<model>.<statistic>
    std::uint64_t seed = 1;       // as platform.seed
    sc_core::sc_time quantum = sc_core::sc_time(1, sc_core::SC_US);  // as platform.quantum
    std::string output_directory = ".";  // where models write their files (waveforms, disk images)
  };

  ModelSet();
  explicit ModelSet(Options options);
  ~ModelSet();
  ModelSet(const ModelSet&) = delete;
  ModelSet& operator=(const ModelSet&) = delete;

  // Constructs the model `name` (its SystemC name: a child of the module being constructed, if any)
  // from `values`; throws ConfigError for a value it refuses or a key it does not read.
  template <typename Model>
  Model& add(const std::string& name, const Values& values) {
    Params params = parameters(name, values, Model::parameters());
    ComponentContext context = this->context(params);
    auto model = std::make_unique<Model>(name.c_str(), context);
    Model& added = *model;
    adopt(std::move(model), params);
    return added;
  }

  // Binds what the models' parameters name within the set, as a platform does: each initiator port
  // to the model it names (`port: bus`), each register block or memory onto the interconnect its
  // `bus` names; then each model resolves the others it names (an interrupt controller) and checks
  // them. A name no model of the set has is a ConfigError naming the parameter. A program that binds
  // every socket itself does not call it.
  void bind();

  RunControl& run_control() { return run_; }
  StatGroup& statistics_group() { return stats_; }
  // Every statistic of the set's models, named <name>.<model>.<statistic>.
  std::vector<StatEntry> statistics() const { return root_stats_.collect(); }

 private:
  // The model's parameters, read through `schema`, which the set keeps (the Params refer to it).
  Params parameters(const std::string& name, const Values& values, ParamSchema schema);
  ComponentContext context(Params& params);
  void adopt(std::unique_ptr<Component> model, const Params& params);

  Options options_;
  ConfigDocument document_;
  StatGroup root_stats_;
  StatGroup stats_;
  RunControl run_;
  std::vector<std::unique_ptr<Component>> models_;
  std::deque<ParamSchema> schemas_;
};

}  // namespace vmsim
