// The policies of one extension point (TLB replacement, swap victims), by name: each a class behind
// the point's interface, registered once with a description and a function that reads the
// policy's own parameters from the configuration map that names it and returns the point's
// `Factory`, which builds the policy (compare gem5's replacement policies). A model chooses with
// choose(); `vmsim params` lists each policy with parameters().
#pragma once

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "models/core/params.h"

namespace vmsim {

template <typename Factory>
class PolicyRegistry {
 public:
  // Reads the policy's parameters from `scope` (declares them, when listing) and returns its builder.
  using Reader = Factory (*)(Params& scope);
  struct Policy {
    std::string_view name;
    std::string_view description;
    Reader read;
  };

  explicit PolicyRegistry(std::vector<Policy> policies) : policies_(std::move(policies)) {
    for (const Policy& policy : policies_) names_.push_back(policy.name);
  }

  const std::vector<Policy>& policies() const { return policies_; }

  // Reads the policy that `key` names, then that policy's parameters from the same map; a
  // parameter only another policy reads is an error. Listing, declares every policy's parameters.
  Factory choose(Params& scope, std::string_view key, std::string_view default_name,
                 std::string_view description) const {
    const Policy& chosen = policies_[scope.choose(key, default_name, names_, description)];
    if (!scope.listing()) {
      reject_foreign(scope, key, chosen);
      return chosen.read(scope);
    }
    Factory factory;
    for (const Policy& policy : policies_) {
      Factory built = policy.read(scope);
      if (&policy == &chosen) factory = std::move(built);
    }
    return factory;
  }

  // The parameters `policy` reads, with their types, defaults and descriptions.
  static ParamCatalog parameters(const Policy& policy) {
    ParamCatalog catalog;
    Params listing(catalog);
    policy.read(listing);
    return catalog;
  }

 private:
  void reject_foreign(const Params& scope, std::string_view key, const Policy& chosen) const {
    const ParamCatalog own = parameters(chosen);
    const auto is_own = [&own](const ParamInfo& info) {
      return std::any_of(own.begin(), own.end(), [&info](const ParamInfo& mine) { return mine.path == info.path; });
    };
    for (const Policy& other : policies_)
      for (const ParamInfo& info : parameters(other))
        if (!is_own(info) && scope.contains(info.path))
          scope.fail(info.path, fmt::format("applies to {} {}, not to {}", key, other.name, chosen.name));
  }

  std::vector<Policy> policies_;
  std::vector<std::string_view> names_;
};

}  // namespace vmsim
