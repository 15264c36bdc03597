// The component types a configuration may name. A model becomes available to platforms by being
// added here with a factory and the parameters it declares (a static `parameters()`, and for a CPU
// a static `workload_parameters()`: those of each process in its workload entry); the platform code
// itself knows no model.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API ModelRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Component>(const sc_core::sc_module_name&, ComponentContext&)>;
  struct Entry {
    std::string description;
    Factory create;
    ParamSchema parameters;
    std::optional<ParamSchema> workload;  // the parameters of one process, for a model that runs them
    std::string origin;                   // the plugin that added the type; empty for vmsim's own
  };

  template <typename Model>
  void add(const std::string& type, std::string description) {
    std::optional<ParamSchema> workload;
    if constexpr (runs_workload<Model>(0)) workload = Model::workload_parameters();
    add(type, Entry{std::move(description),
                    [](const sc_core::sc_module_name& name, ComponentContext& context) {
                      return std::make_unique<Model>(name, context);
                    },
                    Model::parameters(),
                    std::move(workload),
                    {}});
  }
  // Throws std::logic_error if `type` is registered already, naming where both come from.
  void add(const std::string& type, Entry entry);

  // Where the types added from now on come from: a plugin's file while it registers its types,
  // empty for vmsim's own.
  void set_origin(std::string origin);
  // The plugins loaded into this registry, in order.
  const std::vector<std::string>& plugins() const { return plugins_; }

  const Entry* find(const std::string& type) const;
  std::vector<std::string> types() const;

 private:
  template <typename Model>
  static constexpr auto runs_workload(int) -> decltype(Model::workload_parameters(), true) {
    return true;
  }
  template <typename Model>
  static constexpr bool runs_workload(...) {
    return false;
  }

  std::map<std::string, Entry> entries_;
  std::string origin_;
  std::vector<std::string> plugins_;  // the plugins whose types are here, in the order they came
};

}  // namespace vmsim
