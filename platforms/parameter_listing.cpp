#include "vmsim/platforms/parameter_listing.h"

#include <fmt/format.h>

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
    sections.push_back(
        {"platform", "simulation-wide settings (section platform:)", list_parameters(members_of(root, "platform"))});
    sections.push_back({"component", "keys of every component, whatever its type (section components.<name>:)",
                        list_parameters(System::component_parameters())});
  } else if (registry.find(type) == nullptr) {
    throw ConfigError(fmt::format("unknown component type '{}' (known: {})", type, fmt::join(registry.types(), ", ")));
  }
  for (const std::string& name : registry.types()) {
    if (!type.empty() && name != type) continue;
    const ModelRegistry::Entry& entry = *registry.find(name);
    ParameterSection section{fmt::format("type: {}", name), entry.description, list_parameters(entry.parameters)};
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

}  // namespace vmsim
