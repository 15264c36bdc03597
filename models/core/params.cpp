#include "models/core/params.h"

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

std::string ParamTraits<double>::format(double value) { return fmt::format("{}", value); }

Params::Params(ConfigDocument& document, YAML::Node node, YAML::Node resolved, std::string path)
    : document_(&document),
      node_(std::move(node)),
      resolved_(std::move(resolved)),
      path_(std::move(path)),
      reads_(std::make_shared<Reads>()) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) document.fail(node_, path_, "expected a map of parameters");
}

Params::Params(ParamCatalog& catalog, std::string path)
    : catalog_(&catalog), catalog_prefix_(std::move(path)), reads_(std::make_shared<Reads>()) {}

void Params::declare(std::string_view key, const char* type, std::string default_value, std::string_view description,
                     bool required) {
  if (catalog_ != nullptr)
    catalog_->push_back(
        {join_path(catalog_prefix_, key), type, std::move(default_value), std::string(description), required});
  reads_->keys.emplace(key);
}

YAML::Node Params::scalar(std::string_view key) {
  if (listing() || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
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
  if (listing()) return;
  resolved_[std::string(key)] = text;
  document_->note_read(resolved_, std::string(key));
}

std::string Params::missing_message(const char* type) { return fmt::format("required {} parameter is missing", type); }

std::size_t Params::choose(std::string_view key, std::string_view default_choice,
                           std::initializer_list<std::string_view> choices, std::string_view description) {
  const std::string joined = fmt::format("{}", fmt::join(choices, "|"));
  declare(key, joined.c_str(), std::string(default_choice), description);
  const YAML::Node node = scalar(key);
  const std::string value = node ? node.Scalar() : std::string(default_choice);
  const auto it = std::find(choices.begin(), choices.end(), value);
  if (it == choices.end()) fail(key, fmt::format("'{}' is not one of {}", value, joined));
  resolve(key, value);
  return static_cast<std::size_t>(it - choices.begin());
}

Params Params::scope(std::string_view key, std::string_view description) {
  const std::string name(key);
  if (listing()) {
    declare(key, "map", "{}", description);
    return Params(*catalog_, join_path(catalog_prefix_, key));
  }
  reads_->keys.insert(name);
  if (const auto known = reads_->scopes.find(name); known != reads_->scopes.end()) return known->second;
  YAML::Node child = lookup(key);
  if (!child || child.IsNull()) child.reset(YAML::Node(YAML::NodeType::Map));
  resolved_[name] = YAML::Node(YAML::NodeType::Map);
  return reads_->scopes.emplace(name, Params(*document_, child, resolved_[name], join_path(path_, key))).first->second;
}

std::vector<Params> Params::list(std::string_view key, std::string_view description) {
  const std::string name(key);
  std::vector<Params> elements;
  if (listing()) {
    declare(key, "list", "[]", description);
    elements.emplace_back(*catalog_, join_path(catalog_prefix_, name + "[]"));
    return elements;
  }
  reads_->keys.insert(name);
  const YAML::Node child = lookup(key);
  if (!child || child.IsNull()) return elements;
  if (!child.IsSequence()) fail(key, "expected a list");
  YAML::Node resolved_list(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < child.size(); ++i) {
    resolved_list.push_back(YAML::Node(YAML::NodeType::Map));
    elements.emplace_back(*document_, child[i], resolved_list[i], join_path(path_, fmt::format("{}.{}", name, i)));
  }
  resolved_[name] = resolved_list;
  return elements;
}

std::vector<std::string> Params::keys() const {
  std::vector<std::string> names;
  if (node_.IsMap())
    for (const auto& entry : node_) names.push_back(entry.first.Scalar());
  return names;
}

bool Params::contains(std::string_view key) const {
  return !listing() && lookup(key).IsDefined();
}

std::string Params::resolve_path(std::string_view file, const std::vector<std::string>& alternatives) const {
  if (document_ == nullptr) return std::string(file);
  const std::filesystem::path folder =
      std::filesystem::absolute(std::filesystem::path(document_->origin())).parent_path();
  std::filesystem::path found = (folder / file).lexically_normal();
  for (auto it = alternatives.begin(); !std::filesystem::exists(found) && it != alternatives.end(); ++it)
    if (std::filesystem::exists(folder / *it)) found = (folder / *it).lexically_normal();
  document_->record_path(file, found.string());
  return found.string();
}

std::string Params::locate(std::string_view key) const {
  if (listing()) return {};
  const YAML::Node child = lookup(key);
  return document_->locate(child ? child : node_, join_path(path_, key));
}

void Params::reject_unknown() const {
  if (listing() || !node_.IsMap()) return;
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
  if (listing()) throw ConfigError(fmt::format("{}: {}", join_path(catalog_prefix_, key), message));
  const YAML::Node child = lookup(key);
  document_->fail(child ? child : node_, join_path(path_, key), message);
}

void Params::fail(std::string_view message) const {
  if (listing()) throw ConfigError(fmt::format("{}: {}", catalog_prefix_, message));
  document_->fail(node_, path_, message);
}

}  // namespace vmsim
