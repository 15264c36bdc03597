// The version of this vmsim build, as `vmsim --version` prints it and result files record it.
#pragma once

#include <string>

namespace vmsim {

// "0.1" from CMake's project version, then "(git <describe>)" when built from a git checkout:
// "0.1 (git c2e32ef-dirty)".
std::string version();

}  // namespace vmsim
