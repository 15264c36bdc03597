#include "vmsim/models/core/config_document.h"

#include "vmsim/models/core/input_file.h"
#include "vmsim/models/core/printable.h"

#include <fmt/format.h>

namespace vmsim {

ConfigError::ConfigError(const std::string& message) : std::runtime_error(printable(message)) {}

std::string join_path(std::string_view parent, std::string_view child) {
  if (parent.empty()) return std::string(child);
  return fmt::format("{}.{}", parent, child);
}

ConfigDocument::ConfigDocument(YAML::Node root, std::string origin)
    : root_(std::move(root)), resolved_(YAML::NodeType::Map), origin_(std::move(origin)) {
  if (root_.IsNull()) root_ = YAML::Node(YAML::NodeType::Map);
  if (!root_.IsMap()) throw ConfigError(fmt::format("{}: a platform configuration must be a YAML map", origin_));
}

ConfigDocument ConfigDocument::from_file(const std::string& file) {
  if (const std::string problem = unreadable_file(file, "configuration file"); !problem.empty())
    throw ConfigError(problem);
  try {
    return ConfigDocument(YAML::LoadFile(file), file);
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot open the configuration file", file));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

ConfigDocument ConfigDocument::from_list_file(const std::string& file, const std::string& key, std::string_view what) {
  if (const std::string problem = unreadable_file(file, what); !problem.empty()) throw ConfigError(problem);
  YAML::Node list;
  try {
    list = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot open the {}", file, what));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!list.IsSequence()) throw ConfigError(fmt::format("{}: a {} must be a YAML list", file, what));
  YAML::Node root(YAML::NodeType::Map);
  root[key] = list;
  return ConfigDocument(root, file);
}

ConfigDocument ConfigDocument::from_string(const std::string& text, const std::string& origin) {
  try {
    return ConfigDocument(YAML::Load(text), origin);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

void ConfigDocument::set(std::string_view assignment, std::string_view option) {
  const std::string text = option.empty() ? fmt::format("--set {}", assignment) : std::string(option);
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0)
    throw ConfigError(fmt::format("{}: expected key.path=value", text));
  const std::string path(assignment.substr(0, equals));
  YAML::Node value;
  try {
    value = YAML::Load(std::string(assignment.substr(equals + 1)));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(fmt::format("{}: the value is not valid YAML: {}", text, e.msg));
  }

  // yaml-cpp nodes are references: reset() moves the cursor, assignment would overwrite the node.
  YAML::Node cursor;
  cursor.reset(root_);
  std::string walked;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (key.empty()) throw ConfigError(fmt::format("{}: empty element in the key path", text));
    const std::string parent = walked;
    walked = join_path(walked, key);
    const bool last = dot == std::string::npos;
    YAML::Node child;
    if (cursor.IsSequence()) {
      std::size_t index = 0;
      try {
        index = std::stoul(key);
      } catch (const std::exception&) {
        throw ConfigError(fmt::format("{}: '{}' is a list, so '{}' must be an index", text, walked, key));
      }
      // One past the end appends, so that a list can be extended from the command line.
      if (index > cursor.size() || (index == cursor.size() && !last))
        throw ConfigError(fmt::format("{}: '{}' has only {} elements", text, parent, cursor.size()));
      if (index == cursor.size()) {
        cursor.push_back(value);
        break;
      }
      child.reset(cursor[index]);
      if (last) cursor[index] = value;
    } else {
      if (!cursor.IsMap() && !cursor.IsNull())
        throw ConfigError(fmt::format("{}: '{}' is a value, not a map", text, parent));
      if (last) {
        cursor[key] = value;
      } else if (!cursor[key]) {
        cursor[key] = YAML::Node(YAML::NodeType::Map);
      }
      child.reset(cursor[key]);
    }
    if (last) break;
    cursor.reset(child);
    start = dot + 1;
  }
  overrides_[path] = text;
}

void ConfigDocument::copy_overrides(const std::string& group, const std::string& copy) {
  std::map<std::string, std::string> copied;
  for (const auto& [path, assignment] : overrides_)
    if (path == group || path.rfind(group + ".", 0) == 0) copied[copy + path.substr(group.size())] = assignment;
  overrides_.insert(copied.begin(), copied.end());
}

std::string ConfigDocument::locate(const YAML::Node& node, const std::string& path) const {
  // An override names the longest overridden path that contains this one.
  for (std::string prefix = path;;) {
    if (const auto it = overrides_.find(prefix); it != overrides_.end()) return it->second;
    const auto dot = prefix.rfind('.');
    if (dot == std::string::npos) break;
    prefix.resize(dot);
  }
  if (node.IsDefined() && !node.Mark().is_null())
    return fmt::format("{}:{}:{}", origin_, node.Mark().line + 1, node.Mark().column + 1);
  return origin_;
}

void ConfigDocument::fail(const YAML::Node& node, const std::string& path, std::string_view message) const {
  throw ConfigError(fmt::format("{}: {}: {}", locate(node, path), path, message));
}

void ConfigDocument::note_read(YAML::Node resolved_map, std::string key) {
  last_read_map_.reset(resolved_map);
  last_read_key_ = std::move(key);
}

void ConfigDocument::record_path(std::string_view file, const std::string& absolute) {
  const YAML::Node& map = last_read_map_;
  if (!map.IsMap() || !map[last_read_key_].IsScalar() || map[last_read_key_].Scalar() != file)
    throw std::logic_error(fmt::format("a file's path ({}) must be resolved right after its parameter is read", file));
  last_read_map_[last_read_key_] = absolute;
}

}  // namespace vmsim
