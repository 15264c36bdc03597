// Text from an input, as an error message quotes it.
#pragma once

#include <string>
#include <string_view>

#include "vmsim/models/core/export.h"

namespace vmsim {

// `text` with each control character written as an escape (\n, \t, \x00): a message quoting it stays
// one line, and a NUL does not end it early when it is read back through what().
VMSIM_API std::string printable(std::string_view text);

}  // namespace vmsim
