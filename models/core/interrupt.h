// Interrupt lines: a device drives a signal high while it wants attention; the component that
// takes interrupts (the kernel's interrupt controller) watches it. A device names its controller in
// its configuration and connects its line when the platform resolves names.
#pragma once

#include <string>

#include <systemc>

namespace vmsim {

class InterruptController {
 public:
  virtual ~InterruptController() = default;
  // Watches `line` from now on; returns the line's number at this controller.
  virtual unsigned connect_interrupt(const sc_core::sc_signal_in_if<bool>& line, const std::string& source) = 0;
};

}  // namespace vmsim
