// The parameters a model declares, as data: name, type (with its unit), default, description and
// when each applies. A model builds its schema once; the loader reads a configuration through it
// (Params) and `vmsim params` lists it without constructing the model, so the two cannot drift.
#pragma once

#include <any>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/units.h"

namespace vmsim {

// How a value type is written in a configuration: its type name (with the unit it is parsed in) and
// its text.
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
struct VMSIM_API ParamTraits<double> {
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

// A choice's value type: anything without ParamTraits, compared with == (an enum, or a small struct
// of enumerators when one name sets several).
template <typename T, typename = void>
struct is_choice : std::true_type {};
template <typename T>
struct is_choice<T, std::void_t<decltype(ParamTraits<T>::type)>> : std::false_type {};
template <typename T>
inline constexpr bool is_choice_v = is_choice<T>::value;

class ParamSchema;

// One declared parameter, or a nested map (scope) or list of maps declared with its members.
struct VMSIM_API ParamDeclaration {
  enum class Shape { value, scope, list, strings };
  // value: the default below; required: the configuration must give it; derived: the model works
  // the default out from other values, as `default_text` says.
  enum class Default { value, required, derived };
  struct Choice {
    std::string name;
    std::any value;  // what the name stands for
  };

  std::string name;  // "<placeholder>" stands for any key of a map keyed by name
  Shape shape = Shape::value;
  std::string type;  // "integer", "time", "lru|fifo", "map", "list"
  std::type_index value_type = typeid(void);
  Default default_kind = Default::value;
  std::any default_value;
  std::string default_text;
  std::string description;
  std::string applies;  // when the parameter has an effect ("pattern: idle"); empty: always
  std::vector<Choice> choices;
  std::shared_ptr<ParamSchema> members;  // of a scope, or of each element of a list

  ParamDeclaration& when(std::string condition) {
    applies = std::move(condition);
    return *this;
  }
  // The members of a scope or list, to declare them.
  ParamSchema& declare_members() { return *members; }
  bool is_placeholder() const { return !name.empty() && name.front() == '<'; }
};

class VMSIM_API ParamSchema {
 public:
  template <typename T>
  ParamDeclaration& optional(std::string name, T default_value, std::string description) {
    ParamDeclaration& declaration = value<T>(std::move(name), std::move(description));
    declaration.default_text = ParamTraits<T>::format(default_value);
    declaration.default_value = std::move(default_value);
    return declaration;
  }
  template <typename T>
  ParamDeclaration& required(std::string name, std::string description) {
    ParamDeclaration& declaration = value<T>(std::move(name), std::move(description));
    declaration.default_kind = ParamDeclaration::Default::required;
    return declaration;
  }
  // A parameter whose default depends on other values; `rule` says how, for the listing.
  template <typename T>
  ParamDeclaration& derived(std::string name, std::string rule, std::string description) {
    ParamDeclaration& declaration = value<T>(std::move(name), std::move(description));
    declaration.default_kind = ParamDeclaration::Default::derived;
    declaration.default_text = std::move(rule);
    return declaration;
  }
  // A name out of `choices`, read as the value it stands for (see is_choice).
  template <typename Choice>
  ParamDeclaration& choice(std::string name, Choice default_value,
                           const std::vector<std::pair<std::string, Choice>>& choices, std::string description) {
    static_assert(is_choice_v<Choice>, "a choice stands for an enumerator, not for a value with ParamTraits");
    ParamDeclaration& declaration = add(std::move(name), ParamDeclaration::Shape::value, std::move(description));
    declaration.value_type = typeid(Choice);
    for (const auto& [choice_name, enumerator] : choices) {
      declaration.choices.push_back({choice_name, enumerator});
      if (enumerator == default_value) declaration.default_text = choice_name;
    }
    declaration.type = joined_choices(declaration);
    declaration.default_value = default_value;
    return declaration;
  }
  // A nested map (absent: all its members take their defaults), or a list of maps.
  ParamDeclaration& scope(std::string name, std::string description);
  ParamDeclaration& list(std::string name, std::string description);
  // A list of strings (absent: empty).
  ParamDeclaration& strings(std::string name, std::string description);
  // Declares `other`'s parameters here too: for parameter groups several models share.
  void include(const ParamSchema& other);
  // Declares one parameter of another schema here too (to add a condition, say).
  ParamDeclaration& include(const ParamDeclaration& declaration);

  // The declaration of `key`: by its name, else the placeholder of a map keyed by name.
  const ParamDeclaration* find(std::string_view key) const;
  const std::vector<ParamDeclaration>& declarations() const { return declarations_; }

  static std::string joined_choices(const ParamDeclaration& declaration);

 private:
  template <typename T>
  ParamDeclaration& value(std::string name, std::string description) {
    ParamDeclaration& declaration = add(std::move(name), ParamDeclaration::Shape::value, std::move(description));
    declaration.type = ParamTraits<T>::type;
    declaration.value_type = typeid(T);
    return declaration;
  }
  ParamDeclaration& add(std::string name, ParamDeclaration::Shape shape, std::string description);

  std::vector<ParamDeclaration> declarations_;
};

// One line of a parameter listing: a declaration with its path from the schema's root
// ("dtlb.entries", "phases[].pattern", "devices.<device>"), and the condition it applies under,
// its own or that of the scope it is in.
struct VMSIM_API ListedParam {
  std::string path;
  const ParamDeclaration* declaration;
  std::string applies;
};
VMSIM_API std::vector<ListedParam> list_parameters(const ParamSchema& schema, const std::string& prefix = {});

}  // namespace vmsim
