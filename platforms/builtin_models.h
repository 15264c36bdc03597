// The component types that ship with vmsim.
#pragma once

#include "vmsim/models/core/registry.h"

namespace vmsim {

void register_builtin_models(ModelRegistry& registry);

}  // namespace vmsim
