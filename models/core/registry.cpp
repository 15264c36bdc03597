#include "vmsim/models/core/registry.h"

#include <stdexcept>

namespace vmsim {

void ModelRegistry::add(const std::string& type, Entry entry) {
  if (!entries_.emplace(type, std::move(entry)).second)
    throw std::logic_error("component type registered twice: " + type);
}

const ModelRegistry::Entry* ModelRegistry::find(const std::string& type) const {
  const auto it = entries_.find(type);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> ModelRegistry::types() const {
  std::vector<std::string> names;
  for (const auto& entry : entries_) names.push_back(entry.first);
  return names;
}

}  // namespace vmsim
