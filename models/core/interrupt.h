// Interrupt lines as on a real machine: a device's line goes to an interrupt controller, which
// drives one external-interrupt input per hart. Levels travel by direct call, synchronously: the
// firmware acknowledges an interrupt with a register write and goes on without yielding, so a level
// that write changes must be seen by the next thing the writer's thread does (a signal's
// delta-cycle update would let a hart re-take an interrupt it has already cleared).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

// Receives interrupt levels by direct call whenever a driver's level changes. Every input is low
// until its driver says otherwise.
class VMSIM_API InterruptSink {
 public:
  virtual ~InterruptSink() = default;
  virtual void set_interrupt(unsigned input, bool level) = 0;
};

// Numbered sources in (1..63; 0 means none), one external-interrupt line per hart out.
class VMSIM_API InterruptController {
 public:
  virtual ~InterruptController() = default;
  // Registers a source by name; returns the sink and input it drives (its source number). Throws
  // ConfigError if the name is taken or the controller has no source numbers left.
  virtual std::pair<InterruptSink*, unsigned> connect_source(const std::string& source_name) = 0;
  // The source number of a connected source, for the firmware's "device tree".
  virtual std::optional<unsigned> source_number(const std::string& source_name) const = 0;
  // Hart `hart`'s external-interrupt input: input 0 of `hart_input` follows it from now on.
  // Throws ConfigError if `hart` is beyond the controller's `harts`.
  virtual void connect_hart(unsigned hart, InterruptSink& hart_input) = 0;
};

// A component's `interrupt_controller` parameter: the controller its interrupt lines go to.
class VMSIM_API InterruptControllerParameter {
 public:
  static void declare(ParamSchema& schema);
  void read(Params& params);
  // The controller named, or nullptr if none is; throws ConfigError naming the parameter if that
  // component takes no interrupts.
  InterruptController* resolve(const Component::Lookup& find, const std::string& owner) const;

 private:
  std::string name_;
  std::string where_;
};

// The driving end of one interrupt line: its level, and the controller input it goes to.
class VMSIM_API InterruptLine {
 public:
  // The `interrupt_controller` parameter, for a component whose only line this is.
  static void declare(ParamSchema& schema) { InterruptControllerParameter::declare(schema); }
  void read(Params& params) { controller_.read(params); }
  // Connects to the controller the parameter names, as a source called `source_name` (nothing if
  // none is named); throws ConfigError naming the parameter if that component takes no interrupts.
  void connect(const Component::Lookup& find, const std::string& source_name, const std::string& owner);
  // Connects to `controller` as a source called `source_name`: for a component with several lines
  // under one parameter of its own.
  void connect(InterruptController& controller, const std::string& source_name);
  // Calls the controller only when the level changes; returns true if this raised the line.
  bool set(bool level);
  bool level() const { return level_; }

 private:
  InterruptControllerParameter controller_;
  InterruptSink* sink_ = nullptr;
  unsigned input_ = 0;
  bool level_ = false;
};

}  // namespace vmsim
