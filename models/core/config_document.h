// A platform configuration as loaded from YAML, with command-line overrides applied, and the fully
// resolved configuration that the models fill in as they read their parameters.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "vmsim/models/core/export.h"

namespace vmsim {

// A configuration mistake. what() is one line that names where: "file:line:col: path: message". A
// control character that a quoted value brings in (a YAML string may hold a newline) is written as
// an escape (\n, \t, \x1b), so that the message stays one line.
class VMSIM_API ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message);
};

class VMSIM_API ConfigDocument {
 public:
  static ConfigDocument from_file(const std::string& file);
  static ConfigDocument from_string(const std::string& text, const std::string& origin = "<string>");
  // A file whose whole content is one YAML list (a console script), read as the value of `key` in
  // an otherwise empty map, so that it is read through a schema like any configuration.
  static ConfigDocument from_list_file(const std::string& file, const std::string& key, std::string_view what);

  // Applies "a.b.c=value" (value in YAML syntax); sequence elements are addressed by index. Messages
  // name it as `option` gave it (a command-line option that sets a key), by default "--set a.b.c=value".
  void set(std::string_view assignment, std::string_view option = {});

  const YAML::Node& root() const { return root_; }
  YAML::Node& resolved() { return resolved_; }
  const std::string& origin() const { return origin_; }

  // `copy` (a path) was made from `group`, as a replica: an override of the group's values is named
  // for the copy's too.
  void copy_overrides(const std::string& group, const std::string& copy);

  // Where a node came from, for messages: "file:line:col", or "--set a.b=c" for an override.
  std::string locate(const YAML::Node& node, const std::string& path) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, std::string_view message) const;

  // Params records each value it resolves here, so that the parameter naming a file can have its
  // value replaced by the file's absolute path (Params::resolve_path).
  void note_read(YAML::Node resolved_map, std::string key);
  // Replaces the value read last, which must be `file`, by `absolute`; throws std::logic_error if
  // the value read last is not `file` (resolve_path() called away from its parameter's read).
  void record_path(std::string_view file, const std::string& absolute);

 private:
  ConfigDocument(YAML::Node root, std::string origin);

  YAML::Node root_;
  YAML::Node resolved_;
  std::string origin_;
  std::map<std::string, std::string> overrides_;  // path -> "--set path=value"
  YAML::Node last_read_map_;
  std::string last_read_key_;
};

// Names a child of a configuration path: join("components", "dram") == "components.dram".
VMSIM_API std::string join_path(std::string_view parent, std::string_view child);

}  // namespace vmsim
