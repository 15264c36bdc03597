#include "vmsim/models/core/param_schema.h"

#include <stdexcept>

#include <fmt/format.h>

namespace vmsim {

std::string ParamTraits<double>::format(double value) { return fmt::format("{}", value); }

ParamDeclaration& ParamSchema::add(std::string name, ParamDeclaration::Shape shape, std::string description) {
  for (const ParamDeclaration& existing : declarations_)
    if (existing.name == name) throw std::logic_error("parameter declared twice: " + name);
  ParamDeclaration& declaration = declarations_.emplace_back();
  declaration.name = std::move(name);
  declaration.shape = shape;
  declaration.description = std::move(description);
  return declaration;
}

ParamDeclaration& ParamSchema::scope(std::string name, std::string description) {
  ParamDeclaration& declaration = add(std::move(name), ParamDeclaration::Shape::scope, std::move(description));
  declaration.type = "map";
  declaration.default_text = "{}";
  declaration.members = std::make_shared<ParamSchema>();
  return declaration;
}

ParamDeclaration& ParamSchema::list(std::string name, std::string description) {
  ParamDeclaration& declaration = add(std::move(name), ParamDeclaration::Shape::list, std::move(description));
  declaration.type = "list";
  declaration.default_text = "[]";
  declaration.members = std::make_shared<ParamSchema>();
  return declaration;
}

ParamDeclaration& ParamSchema::strings(std::string name, std::string description) {
  ParamDeclaration& declaration = add(std::move(name), ParamDeclaration::Shape::strings, std::move(description));
  declaration.type = "list of strings";
  declaration.default_text = "[]";
  return declaration;
}

void ParamSchema::include(const ParamSchema& other) {
  for (const ParamDeclaration& declaration : other.declarations_) include(declaration);
}

ParamDeclaration& ParamSchema::include(const ParamDeclaration& declaration) {
  return add(declaration.name, declaration.shape, {}) = declaration;
}

const ParamDeclaration* ParamSchema::find(std::string_view key) const {
  const ParamDeclaration* placeholder = nullptr;
  for (const ParamDeclaration& declaration : declarations_) {
    if (declaration.name == key) return &declaration;
    if (declaration.is_placeholder()) placeholder = &declaration;
  }
  return placeholder;
}

std::string ParamSchema::joined_choices(const ParamDeclaration& declaration) {
  std::vector<std::string_view> names;
  for (const auto& choice : declaration.choices) names.push_back(choice.name);
  return fmt::format("{}", fmt::join(names, "|"));
}

namespace {

void list_into(std::vector<ListedParam>& listing, const ParamSchema& schema, const std::string& prefix,
               const std::string& inherited_condition) {
  for (const ParamDeclaration& declaration : schema.declarations()) {
    const std::string path = prefix.empty() ? declaration.name : fmt::format("{}.{}", prefix, declaration.name);
    const std::string& applies = declaration.applies.empty() ? inherited_condition : declaration.applies;
    listing.push_back({path, &declaration, applies});
    if (declaration.shape == ParamDeclaration::Shape::scope) list_into(listing, *declaration.members, path, applies);
    if (declaration.shape == ParamDeclaration::Shape::list)
      list_into(listing, *declaration.members, path + "[]", applies);
  }
}

}  // namespace

std::vector<ListedParam> list_parameters(const ParamSchema& schema, const std::string& prefix) {
  std::vector<ListedParam> listing;
  list_into(listing, schema, prefix, {});
  return listing;
}

}  // namespace vmsim
