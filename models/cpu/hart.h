// What every kind of hart is, whatever it runs (a traffic generator's programs, an instruction-set
// simulator's machine code): an initiator socket to its MMU or the bus, a clock, temporal
// decoupling with a quantum keeper, interrupt inputs driven by the machine's interrupt controller
// and timer, and the statistics every hart keeps.
#pragma once

#include <cstdint>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/core/component.h"
#include "models/core/interrupt.h"
#include "models/core/time_source.h"
#include "models/core/units.h"

namespace vmsim {

class Hart : public Component, public InterruptSink {
 public:
  tlm_utils::simple_initiator_socket<Hart> initiator{"initiator"};

  // Input `input` is a bit of mip (hart_irq): its level is kept until the driver changes it.
  void set_interrupt(unsigned input, bool level) override;

 protected:
  // The parameters every hart has: its clock, its port, the interrupt controller and the timer.
  static void declare_parameters(ParamSchema& schema);
  Hart(const sc_core::sc_module_name& name, ComponentContext& context);

  // Connects the hart, as hart `hart` of the machine, to the interrupt controller and the timer its
  // parameters name (either may be absent); throws ConfigError naming the parameter if the component
  // named is not one.
  void connect_interrupts(const Lookup& find, unsigned hart);
  bool names_interrupt_controller() const { return !controller_.name.empty(); }

  // The inputs that are high, as mip bits.
  std::uint64_t interrupt_inputs() const { return inputs_; }
  // Notified (a delta later) whenever an input rises.
  const sc_core::sc_event& interrupt_raised() const { return raised_; }
  // The machine's time base, if the hart names a timer that offers one.
  TimeSource* time_source() const { return time_source_; }

  const Frequency& frequency() const { return frequency_; }
  tlm_utils::tlm_quantumkeeper& quantum() { return quantum_; }
  // The hart's own time: simulated time plus its local offset.
  sc_core::sc_time now() const { return sc_core::sc_time_stamp() + quantum_.get_local_time(); }

  // The backward path of approximately-timed accesses, for a hart with several in flight.
  virtual tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                             sc_core::sc_time& delay);

  Counter interrupts_{stats(), "interrupts", "Interrupts the hart took"};

 private:
  struct Reference {
    std::string name;
    std::string where;
  };

  Frequency frequency_;
  tlm_utils::tlm_quantumkeeper quantum_;
  Reference controller_;
  Reference timer_;
  TimeSource* time_source_ = nullptr;
  std::uint64_t inputs_ = 0;
  sc_core::sc_event raised_;
};

}  // namespace vmsim
