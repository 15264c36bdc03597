// The PLIC (platform-level interrupt controller) of the RISC-V PLIC specification: device lines
// in as numbered sources, each with a priority; two contexts per hart out (machine and supervisor:
// the hart's machine_external and supervisor_external inputs), each with its enables, a priority
// threshold and a claim/complete register (models/devices/plic_registers.h). A hart naming the PLIC
// in its `interrupt_controller` gets its two contexts.
//
// Each source's gateway takes a level-triggered line: the line's rise (or a line still high when
// the previous request completes) forwards one request, which stays pending until a context claims
// it, even if the line falls meanwhile; no other request is forwarded until the claimed one is
// completed. A context's input is high while a pending source enabled for it has a priority above
// its threshold. A claim returns the pending enabled source of highest priority (the lowest
// number among equals), whatever the threshold, as the specification says; a source of priority 0
// never interrupts and is never claimed. Every level is recomputed, and passed on by direct call,
// the moment a line or a register write changes it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/devices/plic_registers.h"

namespace vmsim {

class VMSIM_API Plic final : public Component,
                             public InterruptController,
                             public DeviceTreeDevice,
                             private InterruptSink {
 public:
  static ParamSchema parameters();
  Plic(const sc_core::sc_module_name& name, ComponentContext& context);

  // The registers (plic_registers.h), a RegisterBank: 8-byte b_transport and transport_dbg (TLM-2.0 base
  // protocol; nb_transport through the socket's conversion; no DMI, no extension read); its errors
  // are the bank's (register_bank.h).
  TargetSocket* target_socket() override { return &bank_.socket; }
  void describe(DeviceTree& tree, const Lookup& find) const override;

  std::pair<InterruptSink*, unsigned> connect_source(const std::string& source_name, unsigned number) override;
  std::optional<unsigned> source_number(const std::string& source_name) const override;
  void connect_hart(unsigned hart, InterruptSink& hart_input) override;
  unsigned sources() const { return sources_; }
  // The contexts the PLIC has registers for: two per hart, up to the highest that connected.
  unsigned contexts() const { return static_cast<unsigned>(contexts_.size()); }

 private:
  // A connected line.
  struct Line {
    Line(StatGroup& parent, const std::string& source_name, unsigned requested_number);
    std::string name;
    unsigned requested;  // the number the configuration gives, or 0
    unsigned number = 0;
    bool level = false;
    bool rose_in_flight = false;  // an edge gateway's request that waits for the completion
    StatGroup stats;
    Counter raised{stats, "raised", "Rising edges of the source's line"};
    Counter claimed{stats, "claimed", "Claims that returned this source"};
  };
  struct Context {
    InterruptSink* input = nullptr;
    unsigned hart_input = 0;  // hart_irq::machine_external or supervisor_external
    bool level = false;
  };

  // A line's level (input = its index among the lines).
  void set_interrupt(unsigned line, bool level) override;
  // Gives the lines without a number of their own the lowest free ones, in connection order, and
  // sets the gateways up for the lines' levels. Throws ConfigError if no number is left.
  void number_lines();
  // Declares the registers of the next context.
  void add_context();
  // The gateway of `source` forwards a request if none is in flight.
  void request(unsigned source);
  std::uint32_t priority(unsigned source) const {
    return static_cast<std::uint32_t>(bank_.value(plic_regs::priority(source)));
  }
  std::uint32_t enabled(unsigned context, unsigned word) const {
    return static_cast<std::uint32_t>(bank_.value(plic_regs::enable(context, word)));
  }
  // The source a claim by `context` would return now, 0 if none; with `above`, only a source whose
  // priority is above it.
  unsigned best(unsigned context, std::uint32_t above = 0) const;
  unsigned claim(unsigned context);
  void complete(unsigned context, std::uint64_t source);
  // Passes every context's level on if it changed.
  void update_contexts();

  enum class Gateway { level, edge };
  bool level_gateway_ = true;  // a line still high at completion requests again
  unsigned sources_ = 0;
  unsigned words_ = 0;  // of source bits, sources 0 to sources_
  std::uint32_t priority_mask_ = 0;
  std::uint64_t size_ = 0;
  RegisterBank bank_{"target", {nullptr, nullptr, &errors_}};
  std::vector<std::unique_ptr<Line>> lines_;  // in connection order
  std::vector<Line*> by_number_;              // the line of each source number, or null
  std::vector<std::uint32_t> pending_;        // IP bits: requests waiting to be claimed
  std::vector<std::uint32_t> in_flight_;      // requests forwarded and not yet completed
  std::vector<Context> contexts_;

  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  StatGroup source_stats_{stats(), "sources"};
  Counter claims_{stats(), "claims", "Reads of a claim/complete register (claims)"};
  Counter spurious_claims_{stats(), "spurious_claims",
                           "Claims that found no source pending and enabled with a priority, returning 0"};
  TimelineTrack source_track_ = timeline_track("sources");
};

}  // namespace vmsim
