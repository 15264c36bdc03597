// The memory-management unit between a CPU and the bus: translates each virtual address through
// its TLBs, or through a hardware page-table walk whose entry reads and accessed/dirty writes are
// timed transactions on the bus, checks the access against the page's permissions, and forwards
// the access with its physical address. A failed translation never reaches the bus: it answers
// TLM_GENERIC_ERROR_RESPONSE with a TranslationFault. The kernel controls it through registers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "vmsim/models/core/access_extension.h"
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

class VMSIM_API Mmu final : public Component {
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
  const PageTableFormat& format() const { return *format_; }

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
  // FLUSH_ADDRESS: the address's translations in the TLBs, for the ASID of FLUSH_ADDRESS_ASID.
  void flush_address(std::uint64_t address);
  std::uint16_t asid() const { return static_cast<std::uint16_t>(asid_.value()); }

  FaultCause translate(std::uint64_t address, AccessKind kind, Privilege privilege, sc_core::sc_time& delay,
                       Translation& out);
  // A walk from the root (or the deepest walk-cache hit). `debug` walks with debug reads and changes
  // nothing: no statistics, no accessed/dirty bits, no caching, no permission check.
  FaultCause walk(std::uint64_t address, AccessKind kind, Privilege privilege, sc_core::sc_time& delay,
                  Translation& out, bool debug);
  FaultCause check(std::uint8_t flags, AccessKind kind, Privilege privilege) const;
  template <typename Action>
  void for_each_cache(Action action);  // every TLB and the walk cache
  void fail(tlm::tlm_generic_payload& trans, FaultCause cause, std::uint64_t address, AccessKind kind);

  const PageTableFormat* format_ = nullptr;
  std::uint64_t seed_ = 0;
  Frequency frequency_;

  // The control block, on the bus. The registers that translation reads are kept at hand; the
  // constructor declares the flush registers, which act on the TLBs.
  RegisterBank registers_{"registers"};
  Register& control_ = registers_.add(
      RegisterSpec("control", mmu_regs::control).mask(mmu_regs::control_translate | mmu_regs::control_sum));
  Register& root_ = registers_.add(RegisterSpec("root", mmu_regs::root));
  Register& asid_ = registers_.add(RegisterSpec("asid", mmu_regs::asid).mask(0xffff));
  Register& flush_address_asid_ =
      registers_.add(RegisterSpec("flush_address_asid", mmu_regs::flush_address_asid).mask(0xffff));
  Register& fault_address_ =
      registers_.add(RegisterSpec("fault_address", mmu_regs::fault_address).access(RegisterAccess::read_only));
  Register& fault_cause_ =
      registers_.add(RegisterSpec("fault_cause", mmu_regs::fault_cause).access(RegisterAccess::read_only));

  Level dtlb_;
  Level itlb_;
  Level l2tlb_;     // tlb == nullptr when disabled
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
  std::array<std::unique_ptr<Counter>, 8> faults_;
  StatGroup walker_stats_{stats(), "walker"};
  Counter walks_{walker_stats_, "walks", "Page-table walks (TLB misses, and stores to clean pages)"};
  Counter pte_reads_{walker_stats_, "pte_reads", "Page-table entries read from memory"};
  Counter pte_writes_{walker_stats_, "pte_writes", "Page-table entries written to set accessed or dirty bits"};
  std::unique_ptr<Distribution> walk_latency_;
  TimelineTrack walk_track_ = timeline_track("walker");
};

}  // namespace vmsim
