// A CLINT-like timer: a 64-bit time counter (MTIME) ticking at `frequency` from simulated time 0,
// and per hart a compare register (MTIMECMP) and a software-interrupt register (MSIP); see
// models/devices/clint_registers.h. Each hart's timer line is high while MTIME >= MTIMECMP and its
// software line follows MSIP bit 0; both are sources at the interrupt controller, named
// `<clint>.timer<h>` and `<clint>.software<h>`. A register write moves a line the moment it is
// made; a compare still ahead raises the timer line exactly at its simulated time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "models/core/component.h"
#include "models/core/interrupt.h"
#include "models/core/register_target.h"
#include "models/devices/clint_registers.h"

namespace vmsim {

class Clint final : public Component, private RegisterTarget::Registers {
 public:
  static ParamSchema parameters();
  Clint(const sc_core::sc_module_name& name, ComponentContext& context);

  TargetSocket* target_socket() override { return &target_->socket; }
  void resolve(const Lookup& find) override;

 private:
  struct Hart {
    std::uint64_t msip = 0;
    std::uint64_t mtimecmp = clint_regs::mtimecmp_reset;
    InterruptLine timer;
    InterruptLine software;
    sc_core::sc_event compare_due;  // notified for the compare's time while it is ahead
  };

  tlm::tlm_response_status read_register(std::uint64_t offset, const sc_core::sc_time& at, bool debug,
                                         std::uint64_t& value) override;
  tlm::tlm_response_status write_register(std::uint64_t offset, const sc_core::sc_time& at,
                                          std::uint64_t value) override;
  // MTIME at simulated time `at`: the ticks whose edges are at or before it.
  std::uint64_t mtime(const sc_core::sc_time& at) const;
  // Sets hart `hart`'s timer line for its compare as seen at `at`, and schedules the compare if ahead.
  void update_timer(Hart& hart, const sc_core::sc_time& at);
  void raise_due_timer(Hart& hart);

  Frequency frequency_;
  std::optional<RegisterTarget> target_;
  std::vector<std::unique_ptr<Hart>> harts_;
  InterruptControllerParameter interrupt_controller_;

  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  Counter timer_interrupts_{stats(), "timer_interrupts", "Rising edges of the harts' timer lines, all harts together"};
  Counter software_interrupts_{stats(), "software_interrupts",
                               "Rising edges of the harts' software lines, all harts together"};
};

}  // namespace vmsim
