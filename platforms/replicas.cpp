#include "vmsim/platforms/replicas.h"

#include <map>

#include <fmt/format.h>

#include "vmsim/models/core/units.h"
#include "vmsim/platforms/system.h"

namespace vmsim {

void expand_replicas(ConfigDocument& config) {
  YAML::Node root = config.root();
  const YAML::Node components = root["components"];
  if (!components.IsMap()) return;

  std::map<std::string, std::uint64_t> counts;
  for (const auto& entry : components) {
    if (!entry.second.IsMap()) continue;
    const std::string name = entry.first.Scalar();
    // The copies, not the group, are what runs: the group's resolved values are not kept.
    Params group(config, entry.second, YAML::Node(YAML::NodeType::Map), fmt::format("components.{}", name),
                 System::component_parameters());
    if (!group.contains("count")) continue;
    counts[name] = group.get<std::uint64_t>("count");
    if (counts[name] == 0 || counts[name] > 1024) group.fail("count", "must be from 1 to 1024");
  }
  if (counts.empty()) return;

  YAML::Node expanded(YAML::NodeType::Map);
  for (const auto& entry : components) {
    const std::string name = entry.first.Scalar();
    const auto group = counts.find(name);
    const std::uint64_t copies = group == counts.end() ? 1 : group->second;
    for (std::uint64_t i = 0; i < copies; ++i) {
      const std::string copy_name = group == counts.end() ? name : fmt::format("{}{}", name, i);
      if (expanded[copy_name] || (group != counts.end() && components[copy_name]))
        config.fail(entry.first, fmt::format("components.{}", name), fmt::format("'{}' is taken", copy_name));
      // A component that is not replicated keeps its node, and so the file positions that errors name.
      YAML::Node copy = group == counts.end() ? entry.second : YAML::Clone(entry.second);
      if (copy.IsMap()) {
        copy.remove("count");
        for (auto field : copy) {
          if (!field.second.IsScalar() || field.first.Scalar() == "type") continue;
          const std::string path = fmt::format("components.{}.{}", name, field.first.Scalar());
          const auto target = counts.find(field.second.Scalar());
          if (target != counts.end()) {
            if (target->second != copies)
              config.fail(entry.second[field.first.Scalar()], path,
                          fmt::format("'{}' has count {}, so a component with count {} cannot name it",
                                      target->first, target->second, copies));
            field.second = fmt::format("{}{}", target->first, i);
          }
        }
        if (group != counts.end() && copy["base"] && i > 0) {
          const std::string path = fmt::format("components.{}.base", name);
          if (!copy["size"]) config.fail(entry.second["base"], path, "a replicated component with a base needs its size");
          std::uint64_t base = 0;
          std::uint64_t offset = 0;
          try {
            base = parse_uint(copy["base"].Scalar());
            offset = parse_bytes(copy["size"].Scalar()).value;
          } catch (const std::invalid_argument& e) {
            config.fail(entry.second["base"], path, e.what());
          }
          // A copy past the end of the address space would wrap round to its start, unseen.
          if (__builtin_mul_overflow(offset, i, &offset) || __builtin_add_overflow(base, offset, &base))
            config.fail(entry.second["base"], path,
                        fmt::format("'{}' would start beyond the 64-bit address space", copy_name));
          copy["base"] = format_address(Address{base});
        }
      }
      expanded[copy_name] = copy;
      if (group != counts.end())
        config.copy_overrides(fmt::format("components.{}", name), fmt::format("components.{}", copy_name));
    }
  }
  root["components"] = expanded;

  YAML::Node workload = root["workload"];
  if (!workload.IsMap()) return;
  for (const auto& [name, count] : counts) {
    const YAML::Node shared = workload[name];
    if (!shared) continue;
    for (std::uint64_t i = 0; i < count; ++i) {
      const std::string replica = fmt::format("{}{}", name, i);
      if (workload[replica]) continue;
      workload[replica] = YAML::Clone(shared);
      config.copy_overrides(fmt::format("workload.{}", name), fmt::format("workload.{}", replica));
    }
    workload.remove(name);
  }
}

}  // namespace vmsim
