// The far end of a serial line as a harness on the host drives it (the scripted console): the
// characters the device sends, and characters typed to it, which the device receives at the line's
// pace. A UART implements it; the platform finds one by this interface.
#pragma once

#include <functional>
#include <string_view>

#include <systemc>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API SerialPort {
 public:
  // Called, from a SystemC process, with each character the device has sent and the simulated time
  // its last bit left (which may be ahead of the process's time, as an initiator's local time is).
  using Listener = std::function<void(char character, const sc_core::sc_time& at)>;

  virtual ~SerialPort() = default;
  // Makes `listener` the port's console: it hears everything sent from now on, and what it types is
  // the port's only input (the host terminal no longer is). Throws ConfigError if the port takes its
  // input from elsewhere by its configuration (a file). Called before the simulation starts.
  virtual void attach_console(Listener listener) = 0;
  // Types `text` from simulated time `at` on, from a SystemC process: each character arrives one
  // character time after the one before (the first, one character time after `at`), and waits
  // while the receiver has no room.
  virtual void type(std::string_view text, const sc_core::sc_time& at) = 0;
};

}  // namespace vmsim
