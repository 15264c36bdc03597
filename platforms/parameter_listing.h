// What `vmsim params` prints: every parameter a configuration can use, from the declarations alone
// (no model is constructed), grouped by where it goes in a configuration.
#pragma once

#include <string>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/param_schema.h"
#include "vmsim/models/core/registry.h"

namespace vmsim {

struct VMSIM_API ParameterSection {
  std::string heading;  // "platform", "component", "type: dram"
  std::string description;
  // Paths from the section's map: "dtlb.entries", "workload.<name>[].phases[].pattern".
  std::vector<ListedParam> parameters;
};

// The platform section, the keys every component has, then each component type with the
// processes of its workload entry; only that type's section if `type` is given (ConfigError for an
// unknown one).
VMSIM_API std::vector<ParameterSection> parameter_sections(const ModelRegistry& registry, const std::string& type = {});

// One line a parameter: path, type, default, description and when it applies.
VMSIM_API std::string format_parameter_listing(const std::vector<ParameterSection>& sections);

// The policies of each extension point (TLB replacement, swap victims), each with its description;
// their own parameters are listed with the map that names the policy, as applying when it is chosen.
VMSIM_API std::string format_policy_listing();

}  // namespace vmsim
