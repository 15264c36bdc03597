#include "vmsim/models/core/params.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>

#include <fmt/format.h>

namespace vmsim {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

struct Params::Reads {
  std::set<std::string, std::less<>> keys;
  std::map<std::string, Params, std::less<>> scopes;
};

Params::Params(ConfigDocument& document, YAML::Node node, YAML::Node resolved, std::string path,
               const ParamSchema& schema)
    : document_(&document),
      node_(std::move(node)),
      resolved_(std::move(resolved)),
      path_(std::move(path)),
      schemas_{&schema},
      reads_(std::make_shared<Reads>()) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) document.fail(node_, path_, "expected a map of parameters");
}

const ParamDeclaration& Params::declaration(std::string_view key, ParamDeclaration::Shape shape) const {
  for (const ParamSchema* schema : schemas_)
    if (const ParamDeclaration* found = schema->find(key); found != nullptr && found->shape == shape) return *found;
  static constexpr const char* shapes[] = {"value", "map", "list", "list of strings"};
  throw std::logic_error(
      fmt::format("{}: '{}' is read as a {} but not declared as one", path_, key, shapes[static_cast<int>(shape)]));
}

YAML::Node Params::scalar(std::string_view key) {
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node child = lookup(key);
  if (!child) return child;
  if (!child.IsScalar()) fail(key, "expected a single value, not a list or map");
  return child;
}

YAML::Node Params::lookup(std::string_view key) const {
  // Through a const node: yaml-cpp's non-const operator[] would add the key to the map.
  // A missing key yields a valid Undefined node, never yaml-cpp's invalid one, which throws on reset.
  const YAML::Node& map = node_;
  if (map.IsMap())
    if (YAML::Node found = map[std::string(key)]; found.IsDefined()) return found;
  return YAML::Node(YAML::NodeType::Undefined);
}

void Params::resolve(std::string_view key, const std::string& text) {
  reads_->keys.emplace(key);
  resolved_[std::string(key)] = text;
  document_->note_read(resolved_, std::string(key));
}

const std::any& Params::choose(std::string_view key, const std::string& name,
                               const ParamDeclaration& declaration) const {
  for (const auto& choice : declaration.choices)
    if (choice.name == name) return choice.value;
  fail(key, fmt::format("'{}' is not one of {}", name, declaration.type));
}

Params Params::scope(std::string_view key) {
  const ParamDeclaration& declared = declaration(key, ParamDeclaration::Shape::scope);
  const std::string name(key);
  reads_->keys.insert(name);
  if (const auto known = reads_->scopes.find(name); known != reads_->scopes.end()) return known->second;
  YAML::Node child = lookup(key);
  if (!child || child.IsNull()) child.reset(YAML::Node(YAML::NodeType::Map));
  resolved_[name] = YAML::Node(YAML::NodeType::Map);
  return reads_->scopes
      .emplace(name, Params(*document_, child, resolved_[name], join_path(path_, key), *declared.members))
      .first->second;
}

std::vector<Params> Params::list(std::string_view key) {
  const ParamDeclaration& declared = declaration(key, ParamDeclaration::Shape::list);
  const std::string name(key);
  std::vector<Params> elements;
  reads_->keys.insert(name);
  const YAML::Node child = lookup(key);
  if (!child || child.IsNull()) return elements;
  if (!child.IsSequence()) fail(key, "expected a list");
  YAML::Node resolved_list(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < child.size(); ++i) {
    resolved_list.push_back(YAML::Node(YAML::NodeType::Map));
    elements.emplace_back(*document_, child[i], resolved_list[i], join_path(path_, fmt::format("{}.{}", name, i)),
                          *declared.members);
  }
  resolved_[name] = resolved_list;
  return elements;
}

std::vector<std::string> Params::strings(std::string_view key) {
  declaration(key, ParamDeclaration::Shape::strings);
  const std::string name(key);
  std::vector<std::string> values;
  reads_->keys.insert(name);
  const YAML::Node child = lookup(key);
  if (!child || child.IsNull()) return values;
  if (!child.IsSequence()) fail(key, "expected a list of strings");
  YAML::Node resolved_list(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < child.size(); ++i) {
    if (!child[i].IsScalar())
      document_->fail(child[i], join_path(path_, fmt::format("{}.{}", name, i)), "expected a string");
    values.push_back(child[i].Scalar());
    resolved_list.push_back(values.back());
  }
  resolved_[name] = resolved_list;
  return values;
}

std::vector<std::string> Params::keys() const {
  std::vector<std::string> names;
  if (!node_.IsMap()) return names;
  for (const auto& entry : node_) {
    const std::string& name = entry.first.Scalar();
    if (std::find(names.begin(), names.end(), name) != names.end())
      document_->fail(entry.first, join_path(path_, name), "appears twice");
    names.push_back(name);
  }
  return names;
}

bool Params::contains(std::string_view key) const { return lookup(key).IsDefined(); }

std::string Params::resolve_path(std::string_view file, const std::vector<std::string>& alternatives) const {
  const std::filesystem::path folder =
      std::filesystem::absolute(std::filesystem::path(document_->origin())).parent_path();
  std::filesystem::path found = (folder / file).lexically_normal();
  for (auto it = alternatives.begin(); !std::filesystem::exists(found) && it != alternatives.end(); ++it)
    if (std::filesystem::exists(folder / *it)) found = (folder / *it).lexically_normal();
  document_->record_path(file, found.string());
  return found.string();
}

std::string Params::locate(std::string_view key) const {
  const YAML::Node child = lookup(key);
  return document_->locate(child ? child : node_, join_path(path_, key));
}

void Params::reject_unknown() const {
  if (!node_.IsMap()) return;
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : node_) {
    const std::string& key = entry.first.Scalar();
    const std::string key_path = join_path(path_, key);
    if (!seen.insert(key).second) document_->fail(entry.first, key_path, "appears twice");
    if (reads_->keys.count(key) != 0) continue;
    std::string suggestion;
    std::size_t best = 3;  // suggest only names within two edits
    for (const auto& known : reads_->keys) {
      const std::size_t distance = edit_distance(key, known);
      if (distance < best) {
        best = distance;
        suggestion = fmt::format(" (did you mean '{}'?)", known);
      }
    }
    document_->fail(entry.first, key_path, fmt::format("unknown parameter{}", suggestion));
  }
  for (const auto& [name, nested] : reads_->scopes) nested.reject_unknown();
}

void Params::fail(std::string_view key, std::string_view message) const {
  const YAML::Node child = lookup(key);
  document_->fail(child ? child : node_, join_path(path_, key), message);
}

void Params::fail(std::string_view message) const { document_->fail(node_, path_, message); }

}  // namespace vmsim
