// What `vmsim params` prints: every parameter a configuration can use, from the declarations alone
// (no model is constructed), grouped by where it goes in a configuration.
#pragma once

#include <string>
#include <vector>

#include "vmsim/models/core/param_schema.h"
#include "vmsim/models/core/registry.h"

namespace vmsim {

struct ParameterSection {
  std::string heading;  // "platform", "component", "type: dram"
  std::string description;
  // Paths from the section's map: "dtlb.entries", "workload.<name>[].phases[].pattern".
  std::vector<ListedParam> parameters;
};

// The platform section, the keys every component has, then each component type with the
// processes of its workload entry; only that type's section if `type` is given (ConfigError for an
// unknown one).
std::vector<ParameterSection> parameter_sections(const ModelRegistry& registry, const std::string& type = {});

// One line a parameter: path, type, default, description and when it applies.
std::string format_parameter_listing(const std::vector<ParameterSection>& sections);

}  // namespace vmsim
