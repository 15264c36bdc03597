// The component types that ship with vmsim.
#pragma once

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/registry.h"

namespace vmsim {

VMSIM_API void register_builtin_models(ModelRegistry& registry);

}  // namespace vmsim
