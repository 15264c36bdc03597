// The swap victim policies a configuration names with a kernel's `swap.policy`. A new policy is a
// class behind SwapPolicy and one line in registry.cpp.
#pragma once

#include "vmsim/firmware/swap/swap_policy.h"
#include "vmsim/models/core/policy_registry.h"

namespace vmsim {

using SwapPolicyRegistry = PolicyRegistry<SwapPolicyFactory>;

const SwapPolicyRegistry& swap_policies();

}  // namespace vmsim
