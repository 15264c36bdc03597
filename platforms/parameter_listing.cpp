#include "vmsim/platforms/parameter_listing.h"

#include <fmt/format.h>

#include "vmsim/firmware/swap/registry.h"
#include "vmsim/models/mmu/replacement/registry.h"
#include "vmsim/platforms/system.h"

namespace vmsim {
namespace {

const ParamSchema& members_of(const ParamSchema& schema, std::string_view key) { return *schema.find(key)->members; }

std::string default_column(const ParamDeclaration& declaration) {
  switch (declaration.default_kind) {
    case ParamDeclaration::Default::required: return "(required)";
    case ParamDeclaration::Default::derived: return "(derived)";
    case ParamDeclaration::Default::value: break;
  }
  return declaration.default_text.empty() ? "\"\"" : declaration.default_text;
}

}  // namespace

std::vector<ParameterSection> parameter_sections(const ModelRegistry& registry, const std::string& type) {
  std::vector<ParameterSection> sections;
  if (type.empty()) {
    const ParamSchema& root = System::parameters();
    sections.push_back({"configuration",
                        "keys at the top of a configuration, besides its sections",
                        {ListedParam{"plugins", root.find("plugins"), ""}}});
    sections.push_back(
        {"platform", "simulation-wide settings (section platform:)", list_parameters(members_of(root, "platform"))});
    sections.push_back({"component", "keys of every component, whatever its type (section components.<name>:)",
                        list_parameters(System::component_parameters())});
    sections.push_back({"device_tree", "the device tree handed to booting software (section device_tree:)",
                        list_parameters(members_of(root, "device_tree"))});
    sections.push_back({"console", "a scripted console driving a UART (section console:; vmsim run --console-script)",
                        list_parameters(members_of(root, "console"))});
  } else if (registry.find(type) == nullptr) {
    throw ConfigError(fmt::format("unknown component type '{}' (known: {})", type, fmt::join(registry.types(), ", ")));
  }
  for (const std::string& name : registry.types()) {
    if (!type.empty() && name != type) continue;
    const ModelRegistry::Entry& entry = *registry.find(name);
    const std::string description =
        entry.origin.empty() ? entry.description : fmt::format("{} (plugin {})", entry.description, entry.origin);
    ParameterSection section{fmt::format("type: {}", name), description, list_parameters(entry.parameters)};
    if (entry.workload) {
      std::vector<ListedParam> processes = list_parameters(*entry.workload, "workload.<name>[]");
      section.parameters.insert(section.parameters.end(), processes.begin(), processes.end());
    }
    sections.push_back(std::move(section));
  }
  return sections;
}

std::string format_parameter_listing(const std::vector<ParameterSection>& sections) {
  std::string text;
  for (const ParameterSection& section : sections) {
    text += fmt::format("{}: {}\n", section.heading, section.description);
    for (const ListedParam& listed : section.parameters) {
      const ParamDeclaration& declaration = *listed.declaration;
      std::string description = declaration.description;
      if (declaration.default_kind == ParamDeclaration::Default::derived)
        description += fmt::format(" (default: {})", declaration.default_text);
      if (!listed.applies.empty()) description += fmt::format(" [applies: {}]", listed.applies);
      text += fmt::format("  {:<28} {:<16} {:<10} {}\n", listed.path, declaration.type, default_column(declaration),
                          description);
    }
    text += "\n";
  }
  return text;
}

namespace {

template <typename Registry>
std::string format_policies(std::string_view title, const Registry& registry) {
  std::string text = fmt::format("{}:\n", title);
  for (const auto& policy : registry.policies()) text += fmt::format("  {:<10} {}\n", policy.name, policy.description);
  return text + "\n";
}

}  // namespace

std::string format_policy_listing() {
  return format_policies("tlb replacement policies (policy: of an mmu's dtlb, itlb, l2tlb and walk_cache)",
                         tlb_replacements()) +
         format_policies("swap victim policies (swap.policy: of a kernel)", swap_policies());
}

}  // namespace vmsim
