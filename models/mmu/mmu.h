// The memory-management unit between a CPU and the bus: translates each virtual address through
// its TLBs, or through a hardware page-table walk whose entry reads and accessed/dirty writes are
// timed transactions on the bus, checks the access against the page's permissions, and forwards
// the access with its physical address. A failed translation never reaches the bus: it answers
// TLM_GENERIC_ERROR_RESPONSE with a TranslationFault. The kernel controls it through registers; a
// core with its own control state (an RV64 hart's satp and sfence.vma) drives it by direct call
// instead (AddressTranslation), and translates through it without a transaction.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/address_translation.h"
#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/core/translation_fault.h"
#include "vmsim/models/core/units.h"
#include "vmsim/models/mmu/mmu_registers.h"
#include "vmsim/models/mmu/page_table.h"
#include "vmsim/models/mmu/page_table_format.h"
#include "vmsim/models/mmu/tlb.h"

namespace vmsim {

class VMSIM_API Mmu final : public Component, public AddressTranslation {
 public:
  // Sockets (TLM-2.0 base protocol; no DMI offered):
  // - target: the CPU's virtual addresses. b_transport (nb_transport through the socket's own
  //   conversion) and transport_dbg (translated by a walk that changes nothing). Reads an
  //   AccessExtension if there is one (ignorable: without it a read is a user load, a write a user
  //   store). A failed translation never reaches the bus: TLM_GENERIC_ERROR_RESPONSE, and a
  //   TranslationFault the initiator attached gets cause, virtual address and kind (ignorable). A
  //   page-crossing access to frames that are not adjacent goes on as two transactions, so byte
  //   enables or a streaming width then answer TLM_BYTE_ENABLE_ERROR_RESPONSE or
  //   TLM_BURST_ERROR_RESPONSE.
  // - initiator: the same transactions with their physical addresses, extensions passed on.
  // - walker: 8-byte reads of page-table entries and writes of accessed/dirty bits, timed
  //   (b_transport) or debug (transport_dbg) for debug translations.
  // The control registers are a RegisterBank on the bus (mmu_registers.h; its errors are the bank's).
  tlm_utils::simple_target_socket<Mmu> target{"target"};
  tlm_utils::simple_initiator_socket<Mmu> initiator{"initiator"};
  tlm_utils::simple_initiator_socket<Mmu> walker{"walker"};

  static ParamSchema parameters();
  struct LevelDefaults;  // the defaults of one TLB level's parameters
  Mmu(const sc_core::sc_module_name& name, ComponentContext& context);

  TargetSocket* target_socket() override { return &target; }
  // The format it was configured with: the widest it walks.
  const PageTableFormat& format() const { return *format_; }

  // The direct interface of a core that drives its own MMU. RISC-V modes up to the configured
  // format's are walked (an sv48 MMU walks Sv39 and Sv48 tables).
  bool supports(TranslationMode mode) const override { return mode_format(mode) != nullptr; }
  bool set_translation(TranslationMode mode, std::uint16_t asid, std::uint64_t root) override;
  void flush(std::optional<std::uint64_t> address, std::optional<std::uint16_t> asid) override;
  void set_physical_check(PhysicalAccessCheck* check) override { physical_check_ = check; }
  void translate(std::uint64_t address, unsigned length, const AccessExtension& access, sc_core::sc_time& delay,
                 PhysicalAccess& out) override {
    // A core translates the page it used last again and again (its fetches, its stack): when the L1
    // TLB entry that translated the page is still the one its look-up hits, and the access is of
    // the same kind and privilege within the page, the outcome is the same; only the look-up is
    // counted and timed, as translate_full() would.
    Repeat& repeat = repeats_[static_cast<unsigned>(access.kind)];
    const std::uint64_t page = address >> 12;
    if (page == repeat.page && (address + length - 1) >> 12 == page && access.privilege == repeat.privilege &&
        access.sum == repeat.sum && access.mxr == repeat.mxr && repeat.level->tlb->hit_again(page, asid())) {
      ++accesses_;
      delay += repeat.level->latency;
      out.fault = FaultCause::none;
      out.split = false;
      out.first_length = length;
      out.address = repeat.physical_page | (address & 0xfff);
      return;
    }
    translate_full(address, length, access, delay, out);
  }
  void count_untranslated(std::uint64_t accesses) override { bare_accesses_ += accesses; }
  Counts counts() const override { return {itlb_.tlb->misses() + dtlb_.tlb->misses(), walks_.value()}; }
  FaultCause translate_debug(std::uint64_t address, const AccessExtension& access, std::uint64_t& physical) override;

 private:
  // A level-one TLB with its look-up latency.
  struct Level {
    std::unique_ptr<Tlb> tlb;
    sc_core::sc_time latency;
  };

  // The walker socket as the page-table engine's way to table memory: timed transactions counted
  // as PTE reads and writes, or debug ones for walks that change nothing.
  class WalkerPort final : public PageTableMemory {
   public:
    WalkerPort(Mmu& mmu, bool debug) : mmu_(mmu), debug_(debug) {}
    bool read(std::uint64_t address, std::uint64_t& raw, sc_core::sc_time& delay) override {
      return transfer(tlm::TLM_READ_COMMAND, address, raw, delay);
    }
    bool write(std::uint64_t address, std::uint64_t raw, sc_core::sc_time& delay) override {
      return transfer(tlm::TLM_WRITE_COMMAND, address, raw, delay);
    }

   private:
    bool transfer(tlm::tlm_command command, std::uint64_t address, std::uint64_t& raw, sc_core::sc_time& delay);

    Mmu& mmu_;
    bool debug_;
  };

  // Reads a TLB's parameters; an optional one is absent with entries: 0.
  Level read_level(Params& params, const LevelDefaults& defaults);
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  std::uint16_t asid() const { return static_cast<std::uint16_t>(asid_.value()); }

  // The format a RISC-V translation mode walks here, or nullptr if this MMU cannot walk it.
  const PageTableFormat* mode_format(TranslationMode mode) const;
  bool translating(Privilege privilege) const {
    return (control_.value() & mmu_regs::control_translate) != 0 && privilege != Privilege::machine;
  }
  // The last translation of each kind of access that another of the same page may repeat.
  struct Repeat {
    std::uint64_t page = ~std::uint64_t{0};  // virtual address >> 12; none: ~0
    std::uint64_t physical_page = 0;         // its physical address
    Privilege privilege = Privilege::user;
    bool sum = false;
    bool mxr = false;
    Level* level = nullptr;
  };
  void translate_full(std::uint64_t address, unsigned length, const AccessExtension& access, sc_core::sc_time& delay,
                      PhysicalAccess& out);
  // Nothing may be repeated (the mode, the ASID, the root or the control bits changed).
  void forget_repeats() {
    for (Repeat& repeat : repeats_) repeat.page = ~std::uint64_t{0};
  }
  // One page's translation, through the TLBs or a walk: the L1 TLB's entry for it. The hit in the
  // L1 TLB is inline (every access of a core takes it); the rest is translate_miss().
  [[gnu::always_inline]] FaultCause translate_page(std::uint64_t address, const AccessExtension& access,
                                                   sc_core::sc_time& delay, const Translation*& out) {
    if (!active_format_->canonical(address)) return FaultCause::non_canonical;
    Level& level_one = access.kind == AccessKind::fetch ? itlb_ : dtlb_;
    delay += level_one.latency;
    const Translation* hit = level_one.tlb->lookup(address, asid());
    // A store to a page not yet dirty walks again (translate_miss), so that the walker sets D.
    if (hit == nullptr || (access.kind == AccessKind::store && (hit->flags & page_dirty) == 0))
      return translate_miss(address, access, delay, level_one, hit, out);
    if (const FaultCause cause = check(hit->flags, access); cause != FaultCause::none) return cause;
    out = hit;
    return FaultCause::none;
  }
  // An access that spans two pages: the second page's translation, and the parts.
  void translate_second_page(std::uint64_t address, unsigned length, const AccessExtension& access,
                             sc_core::sc_time& delay, std::uint64_t next_page, PhysicalAccess& out);
  // After an L1 miss (`hit` null), or a hit of a store on a clean page: the L2 TLB, then a walk.
  FaultCause translate_miss(std::uint64_t address, const AccessExtension& access, sc_core::sc_time& delay,
                            Level& level_one, const Translation* hit, const Translation*& out);
  // A walk from the root (or the deepest walk-cache hit). `debug` walks with debug reads and changes
  // nothing: no statistics, no accessed/dirty bits, no caching, no permission check.
  FaultCause walk(std::uint64_t address, const AccessExtension& access, sc_core::sc_time& delay, Translation& out,
                  bool debug);
  // The page's permissions against the access (inline: every translation asks).
  [[gnu::always_inline]] FaultCause check(std::uint8_t flags, const AccessExtension& access) const {
    const AccessKind kind = access.kind;
    const bool user_page = (flags & page_user) != 0;
    if (access.privilege == Privilege::user && !user_page) return FaultCause::supervisor_page;
    // RISC-V and Arm: supervisor code never executes user pages, and loads or stores them only with
    // SUM set. x86 (without SMEP/SMAP) lets the supervisor touch user pages.
    if (access.privilege == Privilege::supervisor && user_page &&
        format_->supervisor_user_access == SupervisorUserAccess::with_sum &&
        (kind == AccessKind::fetch || (!access.sum && (control_.value() & mmu_regs::control_sum) == 0)))
      return FaultCause::permission;
    // With MXR, loads may also read pages that are only executable.
    const std::uint8_t needed = kind == AccessKind::load    ? page_readable | (access.mxr ? page_executable : 0)
                                : kind == AccessKind::store ? page_writable
                                                            : page_executable;
    return (flags & needed) != 0 ? FaultCause::none : FaultCause::permission;
  }
  template <typename Action>
  void for_each_cache(Action action);  // every TLB and the walk cache
  // Counts a failed translation and records it in the fault registers; returns it.
  FaultCause record_fault(FaultCause cause, std::uint64_t address);
  void fail(tlm::tlm_generic_payload& trans, FaultCause cause, std::uint64_t address, AccessKind kind);

  const PageTableFormat* format_ = nullptr;
  const PageTableFormat* active_format_ = nullptr;  // the one walked now: format_, or a narrower mode's
  bool hardware_accessed_dirty_ = true;             // false: a clear A or D faults (Svade)
  PhysicalAccessCheck* physical_check_ = nullptr;
  std::array<Repeat, 3> repeats_{};  // by AccessKind
  std::uint64_t seed_ = 0;
  Frequency frequency_;

  // The control block, on the bus. The registers that translation reads are kept at hand; the
  // constructor declares the flush registers, which act on the TLBs.
  RegisterBank registers_{"registers"};
  // Bound to the registers when they are not on the bus (no `base`).
  std::unique_ptr<tlm_utils::simple_initiator_socket<Mmu>> registers_closed_;
  // A write to the registers translation reads changes what a repeat would give.
  Register& control_ = registers_.add(RegisterSpec("control", mmu_regs::control)
                                          .mask(mmu_regs::control_translate | mmu_regs::control_sum)
                                          .on_write([this](const RegisterWrite&) { forget_repeats(); }));
  Register& root_ =
      registers_.add(RegisterSpec("root", mmu_regs::root).on_write([this](const RegisterWrite&) { forget_repeats(); }));
  Register& asid_ = registers_.add(
      RegisterSpec("asid", mmu_regs::asid).mask(0xffff).on_write([this](const RegisterWrite&) { forget_repeats(); }));
  Register& flush_address_asid_ =
      registers_.add(RegisterSpec("flush_address_asid", mmu_regs::flush_address_asid).mask(0xffff));
  Register& fault_address_ =
      registers_.add(RegisterSpec("fault_address", mmu_regs::fault_address).access(RegisterAccess::read_only));
  Register& fault_cause_ =
      registers_.add(RegisterSpec("fault_cause", mmu_regs::fault_cause).access(RegisterAccess::read_only));

  Level dtlb_;
  Level itlb_;
  Level l2tlb_;  // tlb == nullptr when disabled
  Level walk_cache_;

  WalkerPort timed_walker_{*this, false};
  WalkerPort debug_walker_{*this, true};
  tlm::tlm_generic_payload walk_trans_;
  tlm::tlm_generic_payload split_trans_;

  Counter accesses_{stats(), "accesses", "Accesses translated (one per access, whatever pages it spans)"};
  Counter bare_accesses_{stats(), "bare_accesses", "Accesses passed through untranslated in bare mode"};
  Counter page_crossings_{stats(), "page_crossings", "Accesses that span two pages (translated for each)"};
  Counter split_accesses_{stats(), "split_accesses", "Page-crossing accesses sent as two bus transactions"};
  StatGroup fault_stats_{stats(), "faults"};
  std::array<std::unique_ptr<Counter>, fault_cause_count> faults_;
  StatGroup walker_stats_{stats(), "walker"};
  Counter walks_{walker_stats_, "walks", "Page-table walks (TLB misses, and stores to clean pages)"};
  Counter pte_reads_{walker_stats_, "pte_reads", "Page-table entries read from memory"};
  Counter pte_writes_{walker_stats_, "pte_writes", "Page-table entries written to set accessed or dirty bits"};
  std::unique_ptr<Distribution> walk_latency_;
  TimelineTrack walk_track_ = timeline_track("walker");
};

}  // namespace vmsim
