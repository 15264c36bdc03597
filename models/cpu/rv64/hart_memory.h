// The RV64 hart's memory path: every fetch, load, store and AMO is translated by the hart's MMU
// (a direct call that does and counts what the MMU's b_transport does, without a transaction),
// checked by the PMP, and then served by the memory behind the bus through its direct interface
// (timed and counted by the memory and the bus exactly as a routed transaction would be, the data
// moved by pointer) or, for anything that is not plain memory, by an ordinary b_transport through
// the hart's port with the AccessExtension marked physical.
//
// Fetch timing: vmsim models no caches, so each instruction's fetch is translated (the ITLB counts
// one look-up per instruction), while the physical read is one aligned fetch block (`fetch_block`
// bytes) at a time: memory is read again when execution leaves the block it last fetched, as a
// fetch buffer would. Decoded instructions come from a DecodeCache behind the translation. Loads
// and stores are one timed access each (a misaligned one too, unless the hart traps them).
//
// With `direct` off, loads, stores, AMOs and fetch blocks go through b_transport to the bus as
// well; the statistics and the simulated time are the same either way (a test shows it).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <tlm>

#include "vmsim/models/core/address_translation.h"
#include "vmsim/models/core/direct_memory.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/hart_debug.h"
#include "vmsim/models/core/stats.h"
#include "vmsim/models/cpu/rv64/csrs.h"
#include "vmsim/models/cpu/rv64/decode_cache.h"
#include "vmsim/models/cpu/rv64/instruction_trace.h"

namespace vmsim::rv64 {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "RISC-V is little-endian, and so must the host be");

// A physical address whose stores mean something to someone (the HTIF's tohost).
class VMSIM_API StoreWatch {
 public:
  // Called after a store of the hart's overlapped the watched bytes; true if the run is over.
  virtual bool written() = 0;

 protected:
  ~StoreWatch() = default;
};

struct VMSIM_API MemoryFault {
  Exception cause = Exception::instruction_access;
  std::uint64_t value = 0;  // mtval/stval: the faulting virtual address
  bool unmapped = false;    // a fetch from a physical address with no memory (or device) behind it
  bool watched = false;     // no fault: a debugger's watchpoint stopped the access before it happened
};

class VMSIM_API HartMemory {
 public:
  struct Config {
    bool direct = true;            // direct paths to the memory; false: b_transport for everything
    bool trap_misaligned = false;  // misaligned loads and stores trap instead of being performed
    unsigned fetch_block = 64;     // bytes a fetch reads from memory at once (a power of two, 4..4096)
  };

  HartMemory(const Config& config, StatGroup& stats);

  // The physical-memory protection every access is checked with (its registers are CSRs).
  Pmp& pmp() { return pmp_; }

  // The MMU that translates (nullptr: none, addresses are physical) and the memories the bus
  // reaches directly.
  void connect(AddressTranslation* mmu, const std::vector<MemoryRoute>& routes);
  // The hart's port, for everything else (none in tests without a bus): known once elaboration ends.
  void set_port(tlm::tlm_fw_transport_if<>* port) { port_ = port; }
  void watch(std::uint64_t address, StoreWatch* watcher) {
    watched_ = address;
    watcher_ = watcher;
  }
  AddressTranslation* mmu() const { return mmu_; }
  bool supports(TranslationMode mode) const {
    return mmu_ != nullptr ? mmu_->supports(mode) : mode == TranslationMode::bare;
  }
  // What fetches and data accesses carry: the privilege the hart runs at, and the effective one of
  // loads and stores (MPRV), with SUM and MXR; and whether satp translates at all.
  void set_privileges(Privilege fetch, Privilege data, bool sum, bool mxr);
  void set_translating(bool translating);
  // The PMP's registers changed.
  void protection_changed() { fetch_page_ = no_page; }
  // Set when a store ends the run (HTIF); the hart stops at once, told by `attention`.
  bool ended() const { return ended_; }
  void set_attention(bool* attention) { attention_ = attention; }
  // The hart's debug state, whose watchpoints loads, stores and AMOs check while `watching`: the
  // hart sets it whenever the debugger may have changed them (HartDebug::watching()).
  void set_debug(HartDebug* debug) { debug_ = debug; }
  void set_watching(bool watching) {
    watching_ = watching && debug_ != nullptr;
    careful_ = watching_ || noting_ || trap_misaligned_;
  }
  // While noting, each load, store and AMO is noted (for the instruction trace): noted() is the
  // last since forget_noted(), with the physical address it went to.
  void set_noting(bool noting) {
    noting_ = noting;
    careful_ = watching_ || noting_ || trap_misaligned_;
  }
  void forget_noted() { noted_.made = false; }
  InstructionTrace::Access noted() const {
    InstructionTrace::Access access = noted_;
    access.physical = where_.address;
    return access;
  }
  // Hands the counts kept locally on the hot path to their statistics (the MMU's accesses that it
  // would pass through untranslated): when the hart stops running, before anyone reads them.
  void account();

  const MemoryFault& fault() const { return fault_; }
  // The data accesses made (fetches aside), for the run's count of accesses.
  std::vector<const Counter*> access_counters() const { return {&loads_, &stores_, &atomics_}; }

  // The instruction at virtual address `pc`, or nullptr with fault() set.
  [[gnu::always_inline]] const Instruction* fetch(std::uint64_t pc, sc_core::sc_time& delay) {
    ++fetches_;
    std::uint64_t physical = pc;
    if (translate_fetches_) {
      mmu_->translate(pc, 2, fetch_access_, delay, where_);
      if (where_.fault != FaultCause::none)
        return fail_translation(Exception::instruction_page, Exception::instruction_access);
      physical = where_.address;
    } else {
      ++untranslated_;  // what the MMU would pass through (machine mode, or satp bare)
    }
    // The PMP allows fetches from the whole page of the last fetch: no check within it.
    const bool page_allowed = (physical ^ fetch_page_) < page_size || allow_fetch_page(physical);
    if (const Instruction* cached = code_.find(physical)) {
      if (!page_allowed && !pmp_.check(physical, cached->length, AccessKind::fetch, fetch_access_.privilege))
        return fail(Exception::instruction_access, pc);
      if (physical - block_ > block_size_ - cached->length) time_fetch_blocks(physical, cached->length, delay);
      return cached;
    }
    return fetch_uncached(pc, physical, delay);
  }

  // A load of `size` bytes (1, 2, 4, 8), zero-extended into `value`; false with fault() set.
  bool load(std::uint64_t address, unsigned size, std::uint64_t& value, sc_core::sc_time& delay);
  bool store(std::uint64_t address, unsigned size, std::uint64_t value, sc_core::sc_time& delay);
  // An AMO: `combine(old)` gives the value stored; `old` is what was there. Read and write happen
  // with nothing in between.
  template <typename Combine>
  bool atomic(std::uint64_t address, unsigned size, std::uint64_t& old, Combine combine, sc_core::sc_time& delay) {
    if (careful_ && !check(address, size, AccessKind::store, Checked::amo)) return false;
    ++atomics_;
    if (!translate_atomic(address, size, delay)) return false;
    old = 0;
    if (!move(false, address, size, &old, delay)) return false;
    const std::uint64_t stored = combine(old);
    return move(true, address, size, &stored, delay);
  }
  bool load_reserved(std::uint64_t address, unsigned size, std::uint64_t& value, sc_core::sc_time& delay);
  // Stores only if the hart still holds its reservation on the address; `stored` says whether it did.
  bool store_conditional(std::uint64_t address, unsigned size, std::uint64_t value, bool& stored,
                         sc_core::sc_time& delay);
  // fence.i: decode again, and fetch the block again.
  void fence_instructions() {
    code_.clear();
    block_ = no_block;
  }

  // What a debugger sees: `length` bytes at virtual address `address` as a load (or store) of the
  // hart would reach them now, through debug transport: no time, no statistics, no TLB or
  // reservation changes. Returns the number of bytes moved.
  unsigned read_debug(std::uint64_t address, void* data, unsigned length);
  // The instruction at virtual address `pc` as a fetch would decode it now, by debug transport; false
  // if it cannot be read.
  bool instruction_debug(std::uint64_t pc, Instruction& instruction);
  unsigned write_debug(std::uint64_t address, const void* data, unsigned length);

 private:
  struct Route {
    MemoryRoute route;
    bool direct;      // served through direct_access()
    unsigned holder;  // this hart's number at the memory's reservations
  };
  // Brings writes to one memory, by anyone, to the decoded code copied from it.
  class CodeCopy final : public CopiedCode {
   public:
    CodeCopy(DecodeCache& code, std::uint64_t base) : code_(code), base_(base) {}
    void code_written(std::uint64_t offset, std::uint64_t length) override { code_.written(base_ + offset, length); }

   private:
    DecodeCache& code_;
    std::uint64_t base_;
  };
  static constexpr std::uint64_t no_block = ~std::uint64_t{0} << 12;  // far from any fetch
  static constexpr std::uint64_t no_page = ~std::uint64_t{0} << 12;
  static constexpr std::uint64_t page_size = 4096;

  const Instruction* fail(Exception cause, std::uint64_t value, bool unmapped = false) {
    fault_ = {cause, value, unmapped};
    return nullptr;
  }
  // A watchpoint stopped the access: false, with fault().watched.
  bool watched() {
    fault_ = {};
    fault_.watched = true;
    return false;
  }
  // What an access checks first when careful_: a watchpoint (an AMO's as a load and as a store), a
  // plain load or store misaligned where that traps; and it is noted for the trace.
  enum class Checked : std::uint8_t { plain, reserved, amo };
  bool check(std::uint64_t address, unsigned size, AccessKind kind, Checked what = Checked::plain);
  // Reads through debug transport as `access` would reach the bytes.
  unsigned read_debug_as(const AccessExtension& access, std::uint64_t address, void* data, unsigned length);
  // The fault of a failed translation in where_: an access fault for a walk the bus or PMP refused,
  // else a page fault.
  const Instruction* fail_translation(Exception page_fault, Exception access_fault) {
    return fail(where_.fault == FaultCause::walk_error ? access_fault : page_fault, where_.fault_address);
  }
  // Translates a data access into where_ and checks it with the PMP.
  bool translate(std::uint64_t address, unsigned size, AccessKind kind, sc_core::sc_time& delay) {
    const bool load = kind == AccessKind::load;
    if (!translate_data_) {
      ++untranslated_;
      where_.address = address;
      where_.first_length = size;
      where_.split = false;
    } else {
      data_access_.kind = kind;
      mmu_->translate(address, size, data_access_, delay, where_);
      if (where_.fault != FaultCause::none)
        return fail_translation(load ? Exception::load_page : Exception::store_page,
                                load ? Exception::load_access : Exception::store_access) != nullptr;
    }
    if (!pmp_.check(where_.address, where_.first_length, kind, data_access_.privilege) ||
        (where_.split && !pmp_.check(where_.second_address, size - where_.first_length, kind, data_access_.privilege)))
      return fail(load ? Exception::load_access : Exception::store_access, address) != nullptr;
    return true;
  }
  // An AMO, LR or SC's translation: aligned, translated as a store (or for LR a load), readable and
  // writable.
  bool translate_atomic(std::uint64_t address, unsigned size, sc_core::sc_time& delay);

  // Moves the bytes of the translated access in where_.
  bool move(bool write, std::uint64_t address, unsigned size, const void* data, sc_core::sc_time& delay) {
    auto* bytes = static_cast<std::uint8_t*>(const_cast<void*>(data));
    if (!where_.split) {
      if (transfer(write, where_.address, size, bytes, delay)) return true;
    } else if (transfer(write, where_.address, where_.first_length, bytes, delay) &&
               transfer(write, where_.second_address, size - where_.first_length, bytes + where_.first_length, delay)) {
      return true;
    }
    return fail(write ? Exception::store_access : Exception::load_access, address) != nullptr;
  }
  // One physical transfer; false on a bus error.
  bool transfer(bool write, std::uint64_t physical, unsigned length, std::uint8_t* data, sc_core::sc_time& delay) {
    const Route* route = route_for(physical, length);
    bool ok = true;
    if (route != nullptr && route->direct) {
      route->route.pass(length, delay);
      std::uint8_t* host = route->route.memory->direct_access(write, physical - route->route.base, length, delay);
      if (write)
        copy(host, data, length);
      else
        copy(data, host, length);
    } else {
      ok = transport(write, physical, length, data, delay);
    }
    if (write && ok) written(physical, length);
    return ok;
  }
  // An access's bytes: the sizes of loads and stores copied inline, a part of a split one by memcpy.
  static void copy(std::uint8_t* to, const std::uint8_t* from, unsigned length) {
    switch (length) {
      case 1: *to = *from; break;
      case 2: std::memcpy(to, from, 2); break;
      case 4: std::memcpy(to, from, 4); break;
      case 8: std::memcpy(to, from, 8); break;
      default: std::memcpy(to, from, length);
    }
  }
  // After the hart wrote physical memory, the HTIF may be called. (Decoded code there is made stale
  // by the memory, which tells every hart that copied code from the page, this one too.)
  void written(std::uint64_t physical, unsigned length) {
    if (watcher_ != nullptr && physical < watched_ + 8 && physical + length > watched_ && watcher_->written())
      ended_ = *attention_ = true;
  }
  const Route* route_for(std::uint64_t physical, std::uint64_t length) {
    if (last_route_ != nullptr && last_route_->route.holds(physical, length)) return last_route_;
    return find_route(physical, length);
  }
  const Route* find_route(std::uint64_t physical, std::uint64_t length);
  // A transaction through the hart's port (its MMU passes it on untouched); false on an error.
  bool transport(bool write, std::uint64_t physical, unsigned length, void* data, sc_core::sc_time& delay);

  const Instruction* fetch_uncached(std::uint64_t pc, std::uint64_t physical, sc_core::sc_time& delay);
  // Keeps the instruction decoded at `physical` in memory, which the memory's writers then keep
  // current; an instruction not in memory (or spanning pages) is not kept.
  const Instruction* keep_decoded(std::uint64_t physical, unsigned length);
  // Whether the PMP allows fetches from the whole page of `physical` (remembered if so).
  bool allow_fetch_page(std::uint64_t physical);
  // Reads the fetch blocks of [physical, physical + length) that differ from the current one.
  void time_fetch_blocks(std::uint64_t physical, unsigned length, sc_core::sc_time& delay);
  void read_block(const Route& route, std::uint64_t physical, sc_core::sc_time& delay);
  // The 16-bit parcel at `physical`, read as a fetch from memory through its block; false where no
  // memory is (a device's registers included).
  bool fetch_parcel(std::uint64_t physical, std::uint32_t& parcel, sc_core::sc_time& delay);

  bool direct_;
  bool trap_misaligned_;
  bool careful_;           // check() each load and store: trap_misaligned_ or watching_
  bool watching_ = false;  // the debugger has watchpoints
  bool noting_ = false;    // the instruction trace wants the accesses
  InstructionTrace::Access noted_;
  HartDebug* debug_ = nullptr;
  std::uint64_t block_size_;
  Pmp pmp_;
  AddressTranslation* mmu_ = nullptr;
  tlm::tlm_fw_transport_if<>* port_ = nullptr;
  std::vector<Route> routes_;
  const Route* last_route_ = nullptr;
  DecodeCache code_;
  std::vector<std::unique_ptr<CodeCopy>> code_copies_;  // one per memory route
  std::uint64_t block_ = no_block;                      // the fetch block read last
  std::uint64_t fetch_page_ = no_page;                  // a physical page the PMP lets the hart fetch from
  bool translate_fetches_ = false;                      // the MMU translates what the hart fetches
  bool translate_data_ = false;                         // and what it loads and stores
  bool translating_ = false;                            // satp is not bare
  std::uint64_t untranslated_ = 0;                      // accesses passed through, not yet counted by the MMU
  Instruction uncached_;  // an instruction the cache does not keep (spanning pages, or not in memory)
  std::vector<std::uint8_t> block_buffer_;
  AccessExtension fetch_access_;
  AccessExtension data_access_;
  PhysicalAccess where_;
  MemoryFault fault_;
  tlm::tlm_generic_payload trans_;
  AccessExtension* trans_access_ = nullptr;
  std::uint64_t watched_ = 0;
  StoreWatch* watcher_ = nullptr;
  bool ended_ = false;
  bool* attention_ = &ended_;

  Counter fetches_;
  Counter fetch_blocks_;
  Counter loads_;
  Counter stores_;
  Counter atomics_;
};

}  // namespace vmsim::rv64
