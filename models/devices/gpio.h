// General-purpose I/O: up to 64 pins behind memory-mapped registers. Each pin is a signal other
// models can bind; a pin set as output follows DATA_OUT, and DATA_IN reads every pin's level. Edges
// on pins set bits of IRQ_STATUS by IRQ_RISE and IRQ_FALL, and the interrupt line is high while an
// enabled status bit is set. Register writes reach the pins at the writer's annotated time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/devices/gpio_registers.h"
#include "vmsim/models/devices/pin_stimulus.h"

namespace vmsim {

class VMSIM_API Gpio final : public Component {
 public:
  using Pin = sc_core::sc_signal<bool, sc_core::SC_MANY_WRITERS>;

  SC_HAS_PROCESS(Gpio);
  static ParamSchema parameters();
  Gpio(const sc_core::sc_module_name& name, ComponentContext& context);
  ~Gpio() override;

  // The registers (gpio_registers.h), a RegisterBank: 8-byte b_transport and transport_dbg (TLM-2.0 base
  // protocol; nb_transport through the socket's conversion; no DMI, no extension read); its errors
  // are the bank's (register_bank.h).
  TargetSocket* target_socket() override { return &bank_.socket; }
  void resolve(const Lookup& find) override;
  Pin& pin(unsigned index) { return *pins_.at(index); }
  unsigned pins() const { return static_cast<unsigned>(pins_.size()); }

 private:
  struct OutputUpdate {
    sc_core::sc_time at;
    std::uint64_t data_out;
    std::uint64_t direction;
  };

  void declare_registers();
  // Queues DATA_OUT and DIR as they are now, for the pins at the writer's time `at`.
  void queue_outputs(const sc_core::sc_time& at);
  void drive_outputs();  // applies register writes to the pins when their time comes
  void watch_pins();     // edge detection
  void play_stimulus();
  void end_of_elaboration() override;
  // Sets the line the moment IRQ_STATUS or IRQ_ENABLE changes.
  void update_interrupt();
  std::uint64_t levels() const;

  RegisterBank bank_{"target", {&reads_, &writes_, &errors_}};
  std::vector<std::unique_ptr<Pin>> pins_;
  std::uint64_t mask_ = 0;  // the bits of the pins there are
  std::uint64_t last_levels_ = 0;
  std::deque<OutputUpdate> updates_;
  sc_core::sc_event update_due_;
  InterruptLine interrupt_;
  // The line's level for the waveform file only (a signal, so a delta or two late). Register writes
  // from any initiator's thread and edges seen by watch_pins() all change the level; one process,
  // trace_interrupt(), writes the signal, as standard SystemC requires of a one-writer signal.
  void trace_interrupt() { traced_irq_.write(traced_level_); }
  sc_core::sc_signal<bool> traced_irq_{"irq"};
  bool traced_level_ = false;
  sc_core::sc_event trace_due_;
  std::vector<PinChange> stimulus_;
  std::string stimulus_file_;
  std::uint64_t stimulated_pins_ = 0;  // the pins the stimulus drives: the GPIO may not drive them too
  bool trace_ = false;
  TimelineTrack pin_track_ = timeline_track("pins");
  std::string trace_file_;
  sc_core::sc_trace_file* vcd_ = nullptr;

  Counter reads_{stats(), "register_reads", "Register reads"};
  Counter writes_{stats(), "register_writes", "Register writes"};
  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  Counter interrupts_{stats(), "interrupts", "Rising edges of the interrupt line"};
  StatGroup edge_stats_{stats(), "edges"};
  std::vector<std::unique_ptr<Counter>> edges_;
};

}  // namespace vmsim
