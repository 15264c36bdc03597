// The policies of one extension point (TLB replacement, swap victims), by name: each a class behind
// the point's interface, registered once with a description, the parameters it declares and a
// function that reads them from the configuration map that names the policy and returns the point's
// `Factory`, which builds the policy (compare gem5's replacement policies). A model declares the
// choice with declare() and reads it with choose(); `vmsim params` lists each policy's parameters
// from those declarations, as applying when the policy is chosen.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "vmsim/models/core/params.h"

namespace vmsim {

template <typename Factory>
class PolicyRegistry {
 public:
  struct Policy {
    std::string_view name;
    std::string_view description;
    // Declares the policy's own parameters; nullptr for a policy that has none.
    void (*declare)(ParamSchema& scope);
    // Reads the parameters it declared from the map that names the policy; returns its builder.
    Factory (*read)(Params& scope);
  };

  explicit PolicyRegistry(std::vector<Policy> policies) : policies_(std::move(policies)) {
    for (const Policy& policy : policies_) {
      ParamSchema& own = parameters_.emplace_back();
      if (policy.declare != nullptr) policy.declare(own);
    }
  }

  const std::vector<Policy>& policies() const { return policies_; }

  // Declares `key` in `schema`, the name of a policy, and beside it each policy's own parameters,
  // which apply when `key` names that policy.
  void declare(ParamSchema& schema, const std::string& key, std::string_view default_name,
               std::string description) const {
    std::vector<std::pair<std::string, const Policy*>> choices;
    for (const Policy& policy : policies_) choices.emplace_back(policy.name, &policy);
    schema.choice(key, &policies_[index_of(default_name)], choices, std::move(description));
    for (std::size_t i = 0; i < policies_.size(); ++i)
      for (const ParamDeclaration& parameter : parameters_[i].declarations())
        schema.include(parameter).when(fmt::format("{}: {}", key, policies_[i].name));
  }

  // Builds the policy that `key` names, from its parameters in the same map; a parameter only
  // another policy declares is an error (rather than an unknown one: it is a known name misplaced).
  Factory choose(Params& scope, std::string_view key) const {
    const Policy& chosen = *scope.get<const Policy*>(key);
    const ParamSchema& own = parameters_[static_cast<std::size_t>(&chosen - policies_.data())];
    for (std::size_t i = 0; i < policies_.size(); ++i)
      for (const ParamDeclaration& parameter : parameters_[i].declarations())
        if (own.find(parameter.name) == nullptr && scope.contains(parameter.name))
          scope.fail(parameter.name, fmt::format("applies to {} {}, not to {}", key, policies_[i].name, chosen.name));
    return chosen.read(scope);
  }

 private:
  std::size_t index_of(std::string_view name) const {
    for (std::size_t i = 0; i < policies_.size(); ++i)
      if (policies_[i].name == name) return i;
    throw std::logic_error(fmt::format("no policy is named {}", name));
  }

  std::vector<Policy> policies_;
  std::vector<ParamSchema> parameters_;  // of each policy, in the order of policies_
};

}  // namespace vmsim
