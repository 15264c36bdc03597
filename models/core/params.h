// Parameters, declared by each model where it reads them: name, type (with its unit), default and
// description. Reading records the resolved value, so the configuration that ran can be written
// out complete; anything in the configuration that no model read is an error.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <systemc>
#include <yaml-cpp/yaml.h>

#include "models/core/config_document.h"
#include "models/core/units.h"

namespace vmsim {

template <typename T, typename Enable = void>
struct ParamTraits;

template <typename T>
struct ParamTraits<T, std::enable_if_t<std::is_unsigned_v<T> && !std::is_same_v<T, bool>>> {
  static constexpr const char* type = "integer";
  static T parse(std::string_view text) {
    const std::uint64_t value = parse_uint(text);
    if (value > std::numeric_limits<T>::max())
      throw std::invalid_argument("'" + std::string(text) + "' is too large (at most " +
                                  std::to_string(std::numeric_limits<T>::max()) + ")");
    return static_cast<T>(value);
  }
  static std::string format(T value) { return std::to_string(value); }
};
template <>
struct ParamTraits<double> {
  static constexpr const char* type = "number";
  static double parse(std::string_view text) { return parse_double(text); }
  static std::string format(double value);
};
template <>
struct ParamTraits<bool> {
  static constexpr const char* type = "boolean";
  static bool parse(std::string_view text) { return parse_bool(text); }
  static std::string format(bool value) { return value ? "true" : "false"; }
};
template <>
struct ParamTraits<std::string> {
  static constexpr const char* type = "string";
  static std::string parse(std::string_view text) { return std::string(text); }
  static std::string format(const std::string& value) { return value; }
};
template <>
struct ParamTraits<sc_core::sc_time> {
  static constexpr const char* type = "time";
  static sc_core::sc_time parse(std::string_view text) { return parse_time(text); }
  static std::string format(const sc_core::sc_time& value) { return format_time(value); }
};
template <>
struct ParamTraits<Frequency> {
  static constexpr const char* type = "frequency";
  static Frequency parse(std::string_view text) { return parse_frequency(text); }
  static std::string format(Frequency value) { return format_frequency(value); }
};
template <>
struct ParamTraits<Bytes> {
  static constexpr const char* type = "size";
  static Bytes parse(std::string_view text) { return parse_bytes(text); }
  static std::string format(Bytes value) { return format_bytes(value); }
};
template <>
struct ParamTraits<Address> {
  static constexpr const char* type = "address";
  static Address parse(std::string_view text) { return Address{parse_uint(text)}; }
  static std::string format(Address value) { return format_address(value); }
};

// What `vmsim params` prints: every parameter a model declares.
struct ParamInfo {
  std::string path;  // relative to the component or section, "dtlb.entries"
  std::string type;
  std::string default_value;
  std::string description;
  bool required = false;
};
using ParamCatalog = std::vector<ParamInfo>;

// The parameters of one configuration map (a component, a section, or a map nested in them).
class Params {
 public:
  // Reads `node`, found at `path` of `document`, writing resolved values into `resolved`.
  Params(ConfigDocument& document, YAML::Node node, YAML::Node resolved, std::string path);
  // Declares parameters without reading any: each getter returns its default and is catalogued.
  explicit Params(ParamCatalog& catalog, std::string path = {});

  template <typename T>
  T get(std::string_view key, const T& default_value, std::string_view description) {
    declare(key, ParamTraits<T>::type, ParamTraits<T>::format(default_value), description);
    const YAML::Node node = scalar(key);
    const T value = node ? parse<T>(key, node) : default_value;
    resolve(key, ParamTraits<T>::format(value));
    return value;
  }

  template <typename T>
  T require(std::string_view key, std::string_view description) {
    declare(key, ParamTraits<T>::type, {}, description, true);
    if (listing()) return T{};
    const YAML::Node node = scalar(key);
    if (!node) fail(key, missing_message(ParamTraits<T>::type));
    const T value = parse<T>(key, node);
    resolve(key, ParamTraits<T>::format(value));
    return value;
  }

  // A string restricted to `choices`; returns the index of the one chosen.
  std::size_t choose(std::string_view key, std::string_view default_choice,
                     std::initializer_list<std::string_view> choices, std::string_view description);

  // A nested map, which may be absent (then all its parameters take their defaults).
  Params scope(std::string_view key, std::string_view description);
  // A list of maps; in listing mode, one element that declares the element's parameters.
  std::vector<Params> list(std::string_view key, std::string_view description);
  // The names of a map's entries, in order, for sections keyed by name (e.g. components).
  std::vector<std::string> keys() const;

  bool contains(std::string_view key) const;
  // The file named by the parameter just read, whose value is `file`: a relative path is taken from
  // the configuration file's folder; if nothing is there, each of `alternatives` (relative to that
  // folder, or absolute) is tried in order. Returns the absolute path found (or, if none exists, of
  // `file`) and records it in the resolved configuration, so that config.yaml replays from any folder.
  std::string resolve_path(std::string_view file, const std::vector<std::string>& alternatives = {}) const;
  // Where `key` (or this map, if the key is absent) stands in the configuration, for messages.
  std::string locate(std::string_view key) const;
  bool listing() const { return catalog_ != nullptr; }
  const std::string& path() const { return path_; }

  // Throws ConfigError for each key of this map, or of a map read through scope(), that no model
  // read (with a suggestion), or that appears twice. Call after the owner has read all its parameters.
  void reject_unknown() const;
  [[noreturn]] void fail(std::string_view key, std::string_view message) const;
  [[noreturn]] void fail(std::string_view message) const;

 private:
  void declare(std::string_view key, const char* type, std::string default_value, std::string_view description,
               bool required = false);
  YAML::Node scalar(std::string_view key);
  YAML::Node lookup(std::string_view key) const;
  void resolve(std::string_view key, const std::string& text);
  static std::string missing_message(const char* type);

  template <typename T>
  T parse(std::string_view key, const YAML::Node& node) const {
    try {
      return ParamTraits<T>::parse(node.Scalar());
    } catch (const std::invalid_argument& e) {
      fail(key, e.what());
    }
  }

  ConfigDocument* document_ = nullptr;
  ParamCatalog* catalog_ = nullptr;
  YAML::Node node_;
  YAML::Node resolved_;
  std::string path_;
  std::string catalog_prefix_;
  // The keys read and the nested maps handed out, shared by every copy of this Params, so that
  // reject_unknown() also checks the maps a model read through scope().
  struct Reads;
  std::shared_ptr<Reads> reads_;
};

}  // namespace vmsim
