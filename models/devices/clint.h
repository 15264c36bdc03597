// The CLINT (core-local interruptor) of SiFive's parts and QEMU's `virt`: a 64-bit time counter
// (MTIME) ticking at the timebase frequency, and per hart a compare register (MTIMECMP) and a
// software-interrupt register (MSIP); see models/devices/clint_registers.h. It drives each hart's
// machine_timer input, high while MTIME >= MTIMECMP, and its machine_software input, which follows
// MSIP bit 0: a hart naming the CLINT in its `timer` is connected to them, and is served from then
// on (the CLINT's harts follow the harts that name it). A register write moves a line the moment it
// is made, as seen at the writer's annotated time; a compare still ahead moves it exactly at its
// simulated time. Writing MTIME sets the count from then on, for the harts' `time` too (TimeSource).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/core/time_source.h"
#include "vmsim/models/devices/clint_registers.h"

namespace vmsim {

class VMSIM_API Clint final : public Component, public TimeSource, public HartInterruptSource, public DeviceTreeDevice {
 public:
  static ParamSchema parameters();
  Clint(const sc_core::sc_module_name& name, ComponentContext& context);

  // The registers (clint_registers.h), a RegisterBank: 8-byte b_transport and transport_dbg (TLM-2.0 base
  // protocol; nb_transport through the socket's conversion; no DMI, no extension read); its errors
  // are the bank's (register_bank.h).
  TargetSocket* target_socket() override { return &bank_.socket; }
  void connect_hart(unsigned hart, InterruptSink& hart_input) override;
  // The harts the CLINT has registers for: one past the highest that connected.
  unsigned harts() const { return static_cast<unsigned>(harts_.size()); }

  std::uint64_t time_at(const sc_core::sc_time& at) const override { return mtime(at); }
  // The count is each value once before it wraps at 2^64: the time of that, which may be past.
  sc_core::sc_time time_of(std::uint64_t ticks) const override;
  std::uint64_t ticks_per_second() const override { return frequency_.hz; }
  void describe(DeviceTree& tree, const Lookup& find) const override;

 private:
  struct Hart {
    InterruptSink* input = nullptr;
    bool timer = false;
    bool software = false;
    sc_core::sc_event timer_change;  // notified for the time the timer line next changes, if it will
  };

  // Declares the registers of the next hart, and the process that follows its compare.
  void add_hart();
  // MTIME at simulated time `at`: the value last written plus the ticks since (modulo 2^64).
  std::uint64_t mtime(const sc_core::sc_time& at) const { return ticks(at) + mtime_offset_; }
  // The ticks of the timebase whose edges are at or before `at`.
  std::uint64_t ticks(const sc_core::sc_time& at) const;
  // Sets hart `hart`'s timer line for its compare as seen at `at`, and schedules its next change.
  void update_timer(unsigned hart, const sc_core::sc_time& at);
  void set_line(Hart& hart, unsigned input, bool level);

  Frequency frequency_;
  std::uint64_t mtime_offset_ = 0;  // MTIME minus the ticks since time 0
  RegisterBank bank_{"target", {nullptr, nullptr, &errors_}};
  std::vector<std::unique_ptr<Hart>> harts_;

  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  Counter timer_interrupts_{stats(), "timer_interrupts", "Rising edges of the harts' timer lines, all harts together"};
  Counter software_interrupts_{stats(), "software_interrupts",
                               "Rising edges of the harts' software lines, all harts together"};
};

}  // namespace vmsim
