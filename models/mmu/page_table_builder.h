// A boot loader for platforms without a kernel: before any CPU starts, it builds page tables for
// a fixed list of mappings in memory and programs one MMU to use them. Table memory is written with
// debug transactions (boot is not what is measured); the MMU's registers with timed bus writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/mmu/page_table.h"

namespace vmsim {

class Mmu;

class VMSIM_API PageTableBuilder final : public Component {
 public:
  // Table entries and the MMU's registers, written through the bus before any CPU starts: 8-byte
  // writes (TLM-2.0 base protocol, b_transport, or transport_dbg), no extensions.
  tlm_utils::simple_initiator_socket<PageTableBuilder> initiator{"initiator"};

  SC_HAS_PROCESS(PageTableBuilder);
  static ParamSchema parameters();
  PageTableBuilder(const sc_core::sc_module_name& name, ComponentContext& context);

  void resolve(const Lookup& find) override;

 private:
  struct Mapping {
    std::uint64_t virtual_address;
    std::uint64_t physical_address;
    std::uint64_t size;
    std::uint64_t page_size;
    std::uint8_t flags;
    std::string where;  // configuration location, for errors found against the MMU's format
  };

  // Table memory through debug transactions: building the tables takes no simulated time.
  class DebugTableMemory final : public PageTableMemory {
   public:
    explicit DebugTableMemory(PageTableBuilder& builder) : builder_(builder) {}
    bool read(std::uint64_t address, std::uint64_t& raw, sc_core::sc_time&) override {
      return builder_.transfer(tlm::TLM_READ_COMMAND, address, &raw, sizeof raw, nullptr);
    }
    bool write(std::uint64_t address, std::uint64_t raw, sc_core::sc_time&) override {
      return builder_.transfer(tlm::TLM_WRITE_COMMAND, address, &raw, sizeof raw, nullptr);
    }

   private:
    PageTableBuilder& builder_;
  };

  void boot();
  // Maps `count` consecutive pages of one table's entries; returns an empty string, or why a page
  // could not be mapped.
  std::string map_pages(std::uint64_t virtual_address, std::uint64_t physical_address, std::uint64_t count,
                        unsigned level, std::uint8_t flags);
  // A zeroed table page, or nothing when the table memory is full.
  std::optional<std::uint64_t> allocate_table();
  // A timed transaction, or a debug one when `delay` is null; returns whether it succeeded.
  bool transfer(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length, sc_core::sc_time* delay);

  std::string mmu_name_;
  std::string mmu_where_;
  Mmu* mmu_ = nullptr;
  std::uint64_t mmu_registers_ = 0;
  std::uint64_t table_base_ = 0;
  std::uint64_t table_size_ = 0;
  std::uint64_t tables_used_ = 0;
  std::uint64_t root_ = 0;
  std::uint16_t asid_ = 0;
  bool sum_ = false;
  std::vector<Mapping> mappings_;
  DebugTableMemory table_memory_{*this};
  tlm::tlm_generic_payload trans_;  // every transfer's, reused: a payload costs an allocation

  Counter table_pages_{stats(), "table_pages", "Page-table pages built"};
  Counter mapped_pages_{stats(), "mapped_pages", "Pages mapped (of any size)"};
};

}  // namespace vmsim
