// General-purpose I/O with SiFive's `gpio0` registers (models/devices/gpio_registers.h): up to 32
// pins, each a signal other models can bind, and an interrupt line per pin, as the `sifive,gpio0`
// binding has them. A pin whose output is enabled (and not handed to an I/O function, of which this
// model has none) follows output_val XOR out_xor; input_val reads the pins whose input is enabled.
// The sampled inputs set the interrupt pending bits: rising and falling edges, high and low levels.
// Pull-up and drive-strength bits are kept but change nothing: the pins are ideal signals. Register
// writes reach the pins at the writer's annotated time; interrupt lines move the moment a pending
// or enable bit changes.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/devices/gpio_registers.h"
#include "vmsim/models/devices/pin_stimulus.h"

namespace vmsim {

class VMSIM_API Gpio final : public Component, public DeviceTreeDevice {
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
  void describe(DeviceTree& tree, const Lookup& find) const override;
  Pin& pin(unsigned index) { return *pins_.at(index); }
  unsigned pins() const { return static_cast<unsigned>(pins_.size()); }

 private:
  struct OutputUpdate {
    sc_core::sc_time at;
    std::uint32_t driven;  // the pins the GPIO drives
    std::uint32_t levels;  // their levels
  };

  // The source numbers `interrupts` gives, one for each of the `pins`.
  void read_interrupts(Params& params, unsigned pins);
  void declare_registers();
  std::uint32_t reg(std::uint64_t offset) const { return static_cast<std::uint32_t>(bank_.value(offset)); }
  // Queues the pins' drive as the registers set it now, for the pins at the writer's time `at`.
  void queue_outputs(const sc_core::sc_time& at);
  void drive_outputs();  // applies register writes to the pins when their time comes
  void watch_pins();     // counts edges, and samples the inputs
  // Sets the pending bits for the inputs as enabled now, then the interrupt lines.
  void sample_inputs();
  void play_stimulus();
  void end_of_elaboration() override;
  // Sets each pin's line the moment a pending or enable bit changes.
  void update_interrupts();
  std::uint32_t levels() const;

  RegisterBank bank_{"target", {&reads_, &writes_, &errors_}};
  std::vector<std::unique_ptr<Pin>> pins_;
  std::uint32_t mask_ = 0;         // the bits of the pins there are
  std::uint32_t last_levels_ = 0;  // the pins as watch_pins() last saw them
  std::uint32_t sampled_ = 0;      // the inputs as last sampled (input_en applied)
  std::deque<OutputUpdate> updates_;
  sc_core::sc_event update_due_;
  InterruptControllerParameter controller_;
  std::vector<unsigned> numbers_;  // the source number of each pin's line, from `interrupts` (empty: automatic)
  std::string numbers_where_;
  std::vector<InterruptLine> lines_;  // one per pin
  // Whether any pin's line is high, for the waveform file only (a signal, so a delta or two late).
  // Register writes from any initiator's thread and edges seen by watch_pins() all change the level;
  // one process, trace_interrupt(), writes the signal, as standard SystemC requires of a one-writer
  // signal.
  void trace_interrupt() { traced_irq_.write(traced_level_); }
  sc_core::sc_signal<bool> traced_irq_{"irq"};
  bool traced_level_ = false;
  sc_core::sc_event trace_due_;
  std::vector<PinChange> stimulus_;
  std::string stimulus_file_;
  std::uint32_t stimulated_pins_ = 0;  // the pins the stimulus drives: the GPIO may not drive them too
  bool trace_ = false;
  TimelineTrack pin_track_ = timeline_track("pins");
  std::string trace_file_;
  sc_core::sc_trace_file* vcd_ = nullptr;

  Counter reads_{stats(), "register_reads", "Register reads"};
  Counter writes_{stats(), "register_writes", "Register writes"};
  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  Counter interrupts_{stats(), "interrupts", "Rising edges of the pins' interrupt lines, all pins together"};
  StatGroup edge_stats_{stats(), "edges"};
  std::vector<std::unique_ptr<Counter>> edges_;
};

}  // namespace vmsim
