// The component types a configuration may name. A model becomes available to platforms by being
// added here with a factory; the platform code itself knows no model.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/core/component.h"

namespace vmsim {

class ModelRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Component>(const sc_core::sc_module_name&, ComponentContext&)>;
  struct Entry {
    std::string description;
    Factory create;
  };

  template <typename Model>
  void add(const std::string& type, std::string description) {
    add(type, std::move(description), [](const sc_core::sc_module_name& name, ComponentContext& context) {
      return std::make_unique<Model>(name, context);
    });
  }
  void add(const std::string& type, std::string description, Factory factory);

  const Entry* find(const std::string& type) const;
  std::vector<std::string> types() const;

 private:
  std::map<std::string, Entry> entries_;
};

}  // namespace vmsim
