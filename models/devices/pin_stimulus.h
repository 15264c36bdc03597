// A stimulus file for pins: one change a line, "TIME PIN LEVEL" (e.g. "25us 3 1"), in time order;
// blank lines and text after '#' are ignored.
#pragma once

#include <string>
#include <vector>

#include <systemc>

#include "vmsim/models/core/export.h"

namespace vmsim {

struct VMSIM_API PinChange {
  sc_core::sc_time time;
  unsigned pin;
  bool level;
};

// Throws ConfigError naming the file and line of the first mistake.
VMSIM_API std::vector<PinChange> read_pin_stimulus(const std::string& file, unsigned pins);

}  // namespace vmsim
