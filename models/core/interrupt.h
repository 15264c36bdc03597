// Interrupt lines: a device drives a signal high while it wants attention; the component that
// takes interrupts (the kernel's interrupt controller) watches it. A device names its controller in
// its configuration and connects its line when the platform resolves names.
#pragma once

#include <string>

#include <systemc>

#include "models/core/component.h"

namespace vmsim {

class InterruptController {
 public:
  virtual ~InterruptController() = default;
  // Watches `line` from now on; returns the line's number at this controller.
  virtual unsigned connect_interrupt(const sc_core::sc_signal_in_if<bool>& line, const std::string& source) = 0;
};

// A device's side: the `interrupt_controller` parameter naming its controller, and the connection.
class InterruptLine {
 public:
  void declare(Params& params);
  // Connects `line` to the named controller (nothing if none is named); throws ConfigError if the
  // component named takes no interrupts.
  void connect(const Component::Lookup& find, const sc_core::sc_signal_in_if<bool>& line, const std::string& owner) const;

 private:
  std::string controller_;
  std::string where_;
};

}  // namespace vmsim
