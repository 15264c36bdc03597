#include "vmsim/models/core/registry.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace vmsim {

namespace {

std::string describe_origin(const std::string& origin) {
  return origin.empty() ? "vmsim's own models" : "plugin " + origin;
}

}  // namespace

void ModelRegistry::add(const std::string& type, Entry entry) {
  entry.origin = origin_;
  if (const auto known = entries_.find(type); known != entries_.end())
    throw std::logic_error(fmt::format("component type '{}' is registered twice: by {} and by {}", type,
                                       describe_origin(known->second.origin), describe_origin(origin_)));
  entries_.emplace(type, std::move(entry));
}

void ModelRegistry::set_origin(std::string origin) {
  if (!origin.empty() && std::find(plugins_.begin(), plugins_.end(), origin) == plugins_.end())
    plugins_.push_back(origin);
  origin_ = std::move(origin);
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
