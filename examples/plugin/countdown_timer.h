// An example plugin's device: a countdown timer on the bus, with four 64-bit registers and an
// interrupt line. Written against vmsim's public headers only, as any plugin is.
//   0x00 LOAD     the count to start from, in ticks of `frequency`
//   0x08 CONTROL  bit 0 start (counts down from LOAD, from the write's time), bit 1 periodic
//                 (reloads LOAD when it reaches 0), bit 2 interrupt enable
//   0x10 VALUE    read-only: the ticks left at the access's time (0 once expired, if not periodic)
//   0x18 STATUS   bit 0 expired; write 1 to clear
// The interrupt line is high while STATUS and the interrupt enable are both set.
#pragma once

#include <cstdint>

#include <vmsim/models/core/component.h>
#include <vmsim/models/core/interrupt.h>
#include <vmsim/models/core/register_bank.h>
#include <vmsim/models/core/units.h>

namespace countdown {

namespace regs {
constexpr std::uint64_t load = 0x00, control = 0x08, value = 0x10, status = 0x18;
constexpr std::uint64_t start = 1, periodic = 2, interrupt_enable = 4;
}  // namespace regs

class CountdownTimer final : public vmsim::Component {
 public:
  SC_HAS_PROCESS(CountdownTimer);
  static vmsim::ParamSchema parameters();
  CountdownTimer(const sc_core::sc_module_name& name, vmsim::ComponentContext& context);

  vmsim::TargetSocket* target_socket() override { return &bank_.socket; }
  void resolve(const Lookup& find) override;

 private:
  void start(const sc_core::sc_time& at);
  // Each expiry, at its simulated time: sets STATUS, reloads a periodic count.
  void expire();
  void update_interrupt();

  vmsim::Frequency frequency_;
  sc_core::sc_time started_;  // when the count last started from LOAD
  bool running_ = false;
  sc_core::sc_event expiry_;
  vmsim::InterruptLine interrupt_;
  vmsim::RegisterBank bank_{"target", {&reads_, &writes_, &errors_}};

  vmsim::Counter reads_{stats(), "register_reads", "Register reads"};
  vmsim::Counter writes_{stats(), "register_writes", "Register writes"};
  vmsim::Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  vmsim::Counter expirations_{stats(), "expirations", "Times the count reached 0"};
};

}  // namespace countdown
