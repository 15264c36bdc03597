// Checks of a file the configuration names for reading (a configuration, a trace, a stimulus), so
// that each reader refuses a folder or a missing file in the same words, before it reads anything.
#pragma once

#include <string>
#include <string_view>

#include "vmsim/models/core/export.h"

namespace vmsim {

// Why `file` cannot be read as a `what` ("trace"), or "" if it can be opened.
VMSIM_API std::string unreadable_file(const std::string& file, std::string_view what);

}  // namespace vmsim
