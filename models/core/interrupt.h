// Interrupt lines as on a real machine: a device's line goes to an interrupt controller, which
// drives the external-interrupt inputs of harts; a CLINT drives their timer and software inputs.
// Levels travel by direct call, synchronously: the firmware acknowledges an interrupt with a
// register write and goes on without yielding, so a level that write changes must be seen by the
// next thing the writer's thread does (a signal's delta-cycle update would let a hart re-take an
// interrupt it has already cleared).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/hart_irq.h"

namespace vmsim {

// Receives interrupt levels by direct call whenever a driver's level changes. Every input is low
// until its driver says otherwise.
class VMSIM_API InterruptSink {
 public:
  virtual ~InterruptSink() = default;
  virtual void set_interrupt(unsigned input, bool level) = 0;
};

// A device that drives interrupt inputs of harts (an interrupt controller's external inputs, a
// CLINT's timer and software inputs), given as hart_irq numbers.
class VMSIM_API HartInterruptSource {
 public:
  virtual ~HartInterruptSource() = default;
  // Hart `hart`'s inputs that this device drives follow it from now on. Throws ConfigError if
  // `hart` is beyond the harts the device can serve.
  virtual void connect_hart(unsigned hart, InterruptSink& hart_input) = 0;
};

// Device lines in as numbered sources (from 1; 0 means none), external-interrupt inputs of harts out.
class VMSIM_API InterruptController : public HartInterruptSource {
 public:
  // Registers the line `source_name` as source `number`, or with number 0 as the first source
  // number no line asks for, given in connection order once every line has connected. Returns the
  // sink and the input to drive. Throws ConfigError (a message for the caller to place) if the name
  // or the number is taken, the number is beyond the controller's sources, or none is left.
  virtual std::pair<InterruptSink*, unsigned> connect_source(const std::string& source_name, unsigned number) = 0;
  // The source number of a connected source (what a device tree's `interrupts` tells), once every
  // line has connected.
  virtual std::optional<unsigned> source_number(const std::string& source_name) const = 0;
};

// A component's `interrupt_controller` parameter: the controller its interrupt lines go to.
class VMSIM_API InterruptControllerParameter {
 public:
  static void declare(ParamSchema& schema);
  void read(Params& params);
  // The controller named, or nullptr if none is; throws ConfigError naming the parameter if that
  // component takes no interrupts.
  InterruptController* resolve(const Component::Lookup& find, const std::string& owner) const;
  bool named() const { return !name_.empty(); }
  const std::string& name() const { return name_; }
  const std::string& where() const { return where_; }

 private:
  std::string name_;
  std::string where_;
};

// The driving end of one interrupt line: its level, and the controller input it goes to.
class VMSIM_API InterruptLine {
 public:
  // `interrupt_controller`, and `interrupt`, the line's source number there: for a component whose
  // only line this is.
  static void declare(ParamSchema& schema);
  void read(Params& params);
  // Connects to the controller the parameters name, as a source called `source_name` (nothing if
  // none is named); throws ConfigError naming the parameter if that component takes no interrupts
  // or refuses the number.
  void connect(const Component::Lookup& find, const std::string& source_name, const std::string& owner);
  // Connects to `controller` as a source called `source_name`, numbered `number` (0: automatically),
  // for a component with several lines under parameters of its own; a refusal is a ConfigError
  // placed at `where` (the number's place in the configuration) and `path` (its key).
  void connect(InterruptController& controller, const std::string& source_name, unsigned number,
               const std::string& where, const std::string& path);
  // Calls the controller only when the level changes; returns true if this raised the line.
  bool set(bool level);
  bool level() const { return level_; }
  // The controller's name (empty: the line goes nowhere), for the device tree.
  const std::string& controller() const { return controller_.name(); }

 private:
  InterruptControllerParameter controller_;
  unsigned number_ = 0;
  std::string number_where_;
  InterruptSink* sink_ = nullptr;
  unsigned input_ = 0;
  bool level_ = false;
};

}  // namespace vmsim
