// What every kind of hart is, whatever it runs (a traffic generator's programs, an instruction-set
// simulator's machine code): an initiator socket to its MMU or the bus, a clock, temporal
// decoupling with a quantum keeper, interrupt inputs driven by the machine's interrupt controller
// and timer, and the statistics every hart keeps.
#pragma once

#include <cstdint>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/quantum_keeper.h"
#include "vmsim/models/core/time_source.h"
#include "vmsim/models/core/units.h"

namespace vmsim {

class VMSIM_API Hart : public Component, public InterruptSink {
 public:
  tlm_utils::simple_initiator_socket<Hart> initiator{"initiator"};

  // Input `input` is a bit of mip (hart_irq): its level is kept until the driver changes it.
  void set_interrupt(unsigned input, bool level) override;

 protected:
  // The parameters every hart has: its clock, its port, the interrupt controller and the timer.
  static void declare_parameters(ParamSchema& schema);
  Hart(const sc_core::sc_module_name& name, ComponentContext& context);

  // Looks up the interrupt controller and the timer the hart's parameters name (either may be
  // absent); throws ConfigError naming the parameter if the component named is not one.
  void find_interrupt_sources(const Lookup& find);
  // Connects the hart, as hart `hart` of the machine, to them (looking them up if not done yet):
  // the controller drives its external inputs, the timer (if it drives any) its timer and software
  // inputs.
  void connect_interrupts(const Lookup& find, unsigned hart);
  bool names_interrupt_controller() const { return !controller_.name.empty(); }
  bool names_timer() const { return !timer_.name.empty(); }
  // The components found by find_interrupt_sources(), or null.
  const Component* interrupt_controller() const { return controller_.component; }
  const Component* timer() const { return timer_.component; }

  // The inputs that are high, as mip bits.
  std::uint64_t interrupt_inputs() const { return inputs_; }
  // Notified (a delta later) whenever an input rises.
  const sc_core::sc_event& interrupt_raised() const { return raised_; }
  // The machine's time base, if the hart names a timer that offers one.
  TimeSource* time_source() const { return time_source_; }

  const Frequency& frequency() const { return frequency_; }
  QuantumKeeper& quantum() { return quantum_; }
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
    Component* component = nullptr;
  };

  Frequency frequency_;
  QuantumKeeper quantum_{run()};
  Reference controller_;
  Reference timer_;
  InterruptController* controller_inputs_ = nullptr;
  HartInterruptSource* timer_inputs_ = nullptr;
  TimeSource* time_source_ = nullptr;
  std::uint64_t inputs_ = 0;
  sc_core::sc_event raised_;
};

}  // namespace vmsim
