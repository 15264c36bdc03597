// A configuration map read through the parameters its owner declared (param_schema.h): a read of an
// undeclared name, or as another type, is a programming error (std::logic_error). Reading records
// the resolved value, so the configuration that ran can be written out complete; anything in the
// configuration that no model read is an error.
#pragma once

#include <any>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "vmsim/models/core/config_document.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/param_schema.h"

namespace vmsim {

// The parameters of one configuration map (a component, a section, or a map nested in them).
class VMSIM_API Params {
 public:
  // Reads `node`, found at `path` of `document`, as `schema` declares, writing resolved values
  // into `resolved`.
  Params(ConfigDocument& document, YAML::Node node, YAML::Node resolved, std::string path, const ParamSchema& schema);

  // Keys that a second owner declares in the same map: a component's model, after the platform's
  // `type`; a CPU's processes in the workload section.
  void also_declared_by(const ParamSchema& schema) { schemas_.push_back(&schema); }

  // A declared value (a choice as what it stands for): the configuration's, else the declared default;
  // a required one must be given.
  template <typename T>
  T get(std::string_view key) {
    const ParamDeclaration& declaration = declared<T>(key);
    if (declaration.default_kind == ParamDeclaration::Default::derived)
      throw std::logic_error(fmt::format("{}: the model must pass the derived default of '{}'", path_, key));
    if (declaration.default_kind == ParamDeclaration::Default::required) return read_required<T>(key, declaration);
    return read<T>(key, declaration, std::any_cast<const T&>(declaration.default_value));
  }
  // A value declared with a derived default, which the model passes.
  template <typename T>
  T get(std::string_view key, const T& derived_default) {
    const ParamDeclaration& declaration = declared<T>(key);
    if (declaration.default_kind != ParamDeclaration::Default::derived)
      throw std::logic_error(fmt::format("{}: '{}' has its default in its declaration", path_, key));
    return read<T>(key, declaration, derived_default);
  }
  // A value that must be given here: a required one, or a derived one with nothing to derive from.
  template <typename T>
  T require(std::string_view key) {
    const ParamDeclaration& declaration = declared<T>(key);
    if (declaration.default_kind == ParamDeclaration::Default::value)
      throw std::logic_error(fmt::format("{}: '{}' has a default, so it is not required", path_, key));
    return read_required<T>(key, declaration);
  }

  // A declared nested map, which may be absent (then all its parameters take their defaults).
  Params scope(std::string_view key);
  // A declared list of maps.
  std::vector<Params> list(std::string_view key);
  // A declared list of strings.
  std::vector<std::string> strings(std::string_view key);
  // The names of a map's entries, in order, for sections keyed by name (e.g. components). A name
  // that appears twice is a ConfigError here, before its owner builds anything under it.
  std::vector<std::string> keys() const;

  bool contains(std::string_view key) const;
  // The file named by the parameter just read, whose value is `file`: a relative path is taken from
  // the configuration file's folder; if nothing is there, each of `alternatives` (relative to that
  // folder, or absolute) is tried in order. Returns the absolute path found (or, if none exists, of
  // `file`) and records it in the resolved configuration, so that config.yaml replays from any folder.
  std::string resolve_path(std::string_view file, const std::vector<std::string>& alternatives = {}) const;
  // Where `key` (or this map, if the key is absent) stands in the configuration, for messages.
  std::string locate(std::string_view key) const;
  const std::string& path() const { return path_; }

  // Throws ConfigError for each key of this map, or of a map read through scope(), that no model
  // read (with a suggestion), or that appears twice. Call after the owner has read all its parameters.
  void reject_unknown() const;
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;
  [[noreturn]] void fail(std::string_view message) const;

 private:
  const ParamDeclaration& declaration(std::string_view key, ParamDeclaration::Shape shape) const;
  template <typename T>
  const ParamDeclaration& declared(std::string_view key) const {
    const ParamDeclaration& found = declaration(key, ParamDeclaration::Shape::value);
    if (found.value_type != typeid(T))
      throw std::logic_error(
          fmt::format("{}: '{}' is read as another type than its declared {}", path_, key, found.type));
    return found;
  }
  template <typename T>
  T read(std::string_view key, const ParamDeclaration& declaration, const T& default_value) {
    const YAML::Node node = scalar(key);
    const T value = node ? parse<T>(key, node, declaration) : default_value;
    resolve(key, format(value, declaration));
    return value;
  }
  template <typename T>
  T read_required(std::string_view key, const ParamDeclaration& declaration) {
    const YAML::Node node = scalar(key);
    if (!node) fail(key, fmt::format("required {} parameter is missing", declaration.type));
    const T value = parse<T>(key, node, declaration);
    resolve(key, format(value, declaration));
    return value;
  }
  template <typename T>
  T parse(std::string_view key, const YAML::Node& node, const ParamDeclaration& declaration) const {
    if constexpr (is_choice_v<T>) {
      return std::any_cast<T>(choose(key, node.Scalar(), declaration));
    } else {
      try {
        return ParamTraits<T>::parse(node.Scalar());
      } catch (const std::invalid_argument& e) {
        fail(key, e.what());
      }
    }
  }
  template <typename T>
  static std::string format(const T& value, const ParamDeclaration& declaration) {
    if constexpr (is_choice_v<T>) {
      for (const auto& choice : declaration.choices)
        if (std::any_cast<T>(choice.value) == value) return choice.name;
      throw std::logic_error("a choice's enumerator has no name: " + declaration.name);
    } else {
      return ParamTraits<T>::format(value);
    }
  }
  const std::any& choose(std::string_view key, const std::string& name, const ParamDeclaration& declaration) const;
  YAML::Node scalar(std::string_view key);
  YAML::Node lookup(std::string_view key) const;
  void resolve(std::string_view key, const std::string& text);

  ConfigDocument* document_;
  YAML::Node node_;
  YAML::Node resolved_;
  std::string path_;
  std::vector<const ParamSchema*> schemas_;
  // The keys read and the nested maps handed out, shared by every copy of this Params, so that
  // reject_unknown() also checks the maps a model read through scope().
  struct Reads;
  std::shared_ptr<Reads> reads_;
};

}  // namespace vmsim
