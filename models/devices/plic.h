// A PLIC-like interrupt controller: device lines in as numbered sources, one external-interrupt
// line out per hart, and claim/complete registers (models/devices/plic_registers.h). Its gateway is
// level-triggered and latches nothing: a source is pending while its line is high and it is not in
// service, so a line its device lowers before the claim is no longer pending. Hart h's line is
// high while a source enabled for h is pending. Every level is recomputed, and passed on by direct
// call, the moment a line or a register write changes it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/devices/plic_registers.h"

namespace vmsim {

class VMSIM_API Plic final : public Component, public InterruptController, private InterruptSink {
 public:
  static ParamSchema parameters();
  Plic(const sc_core::sc_module_name& name, ComponentContext& context);

  // The registers (plic_registers.h), a RegisterBank: 8-byte b_transport and transport_dbg (TLM-2.0 base
  // protocol; nb_transport through the socket's conversion; no DMI, no extension read); its errors
  // are the bank's (register_bank.h).
  TargetSocket* target_socket() override { return &bank_.socket; }

  std::pair<InterruptSink*, unsigned> connect_source(const std::string& source_name) override;
  std::optional<unsigned> source_number(const std::string& source_name) const override;
  void connect_hart(unsigned hart, InterruptSink& hart_input) override;

 private:
  struct Source {
    Source(StatGroup& parent, const std::string& source_name);
    std::string name;
    StatGroup stats;
    Counter raised{stats, "raised", "Rising edges of the source's line"};
    Counter claimed{stats, "claimed", "Claims that returned this source"};
  };
  struct Hart {
    InterruptSink* input = nullptr;
    bool level = false;
  };

  // A source's line (input = its number).
  void set_interrupt(unsigned source, bool level) override;
  void declare_registers(unsigned harts);
  // The sources hart `hart` takes interrupts from (its ENABLE register).
  std::uint64_t enabled(unsigned hart) const { return bank_.value(plic_regs::enable(hart)); }
  std::uint64_t pending() const { return line_levels_ & ~in_service_; }
  // The source hart `hart` would claim now, 0 if none.
  unsigned next_claim(unsigned hart) const;
  unsigned claim(unsigned hart);
  void complete(std::uint64_t source);
  // Passes every hart's line level on if it changed.
  void update_harts();

  RegisterBank bank_{"target", {nullptr, nullptr, &errors_}};
  std::vector<std::unique_ptr<Source>> sources_;  // source s at index s - 1
  std::vector<Hart> harts_;
  std::uint64_t line_levels_ = 0;  // bit s: source s's line is high
  std::uint64_t in_service_ = 0;   // bit s: source s is claimed and not yet completed

  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  StatGroup source_stats_{stats(), "sources"};
  Counter claims_{stats(), "claims", "Reads of a CLAIM_COMPLETE register (claims)"};
  Counter spurious_claims_{stats(), "spurious_claims", "Claims that found no source pending and enabled, returning 0"};
  TimelineTrack source_track_ = timeline_track("sources");
};

}  // namespace vmsim
