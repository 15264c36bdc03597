// A CLINT-like timer: a 64-bit time counter (MTIME) ticking at `frequency` from simulated time 0,
// and per hart a compare register (MTIMECMP) and a software-interrupt register (MSIP); see
// models/devices/clint_registers.h. Each hart's timer line is high while MTIME >= MTIMECMP and its
// software line follows MSIP bit 0; both are sources at the interrupt controller, named
// `<clint>.timer<h>` and `<clint>.software<h>`. A register write moves a line the moment it is
// made; a compare still ahead raises the timer line exactly at its simulated time.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/devices/clint_registers.h"

namespace vmsim {

class VMSIM_API Clint final : public Component {
 public:
  static ParamSchema parameters();
  Clint(const sc_core::sc_module_name& name, ComponentContext& context);

  // The registers (clint_registers.h), a RegisterBank: 8-byte b_transport and transport_dbg (TLM-2.0 base
  // protocol; nb_transport through the socket's conversion; no DMI, no extension read); its errors
  // are the bank's (register_bank.h).
  TargetSocket* target_socket() override { return &bank_.socket; }
  void resolve(const Lookup& find) override;

 private:
  struct Hart {
    InterruptLine timer;
    InterruptLine software;
    sc_core::sc_event compare_due;  // notified for the compare's time while it is ahead
  };

  void declare_registers(unsigned harts);
  // MTIME at simulated time `at`: the ticks whose edges are at or before it.
  std::uint64_t mtime(const sc_core::sc_time& at) const;
  // Sets hart `hart`'s timer line for its compare as seen at `at`, and schedules the compare if ahead.
  void update_timer(unsigned hart, const sc_core::sc_time& at);
  void raise_due_timer(unsigned hart);

  Frequency frequency_;
  RegisterBank bank_{"target", {nullptr, nullptr, &errors_}};
  std::vector<std::unique_ptr<Hart>> harts_;
  InterruptControllerParameter interrupt_controller_;

  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  Counter timer_interrupts_{stats(), "timer_interrupts", "Rising edges of the harts' timer lines, all harts together"};
  Counter software_interrupts_{stats(), "software_interrupts",
                               "Rising edges of the harts' software lines, all harts together"};
};

}  // namespace vmsim
