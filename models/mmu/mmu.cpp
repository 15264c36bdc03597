#include "models/mmu/mmu.h"

#include <cstring>

#include <fmt/format.h>

#include "models/core/registers.h"

#include "models/core/payload.h"

namespace vmsim {
namespace {

Replacement replacement_of(std::size_t choice) {
  static constexpr Replacement policies[] = {Replacement::lru, Replacement::plru, Replacement::fifo,
                                             Replacement::random};
  return policies[choice];
}

}  // namespace

Mmu::Mmu(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  map_on_bus(registers, params, mmu_regs::block_size, "MMU's control registers");
  connect(initiator, params, "port", "bus", "Component that translated accesses go to");
  connect(walker, params, "walker_port", "bus", "Component that page-table walks read from");
  const auto format_name = params.get<std::string>(
      "format", "sv39", fmt::format("Page-table format: {}", fmt::join(PageTableFormat::names(), ", ")));
  format_ = PageTableFormat::find(format_name);
  if (format_ == nullptr && !params.listing())
    params.fail("format", fmt::format("'{}' is not a page-table format ({})", format_name,
                                      fmt::join(PageTableFormat::names(), ", ")));
  if (format_ == nullptr) format_ = PageTableFormat::find("sv39");
  frequency_ = params.get<Frequency>("frequency", Frequency{2'000'000'000}, "Clock that TLB latencies count in");
  register_latency_ = params.get<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                                   "Latency of a control-register access");

  seed_ = context.seed;
  dtlb_ = read_level(params, "dtlb", 64, 4, 1, false, "L1 data TLB (loads and stores)");
  itlb_ = read_level(params, "itlb", 32, 32, 1, false, "L1 instruction TLB (fetches)");
  l2tlb_ = read_level(params, "l2tlb", 0, 8, 6, true, "Shared L2 TLB behind both L1 TLBs (entries: 0 disables)");
  walk_cache_ = read_level(params, "walk_cache", 0, 0, 0, true,
                           "Page-walk cache of table entries above the leaf (entries: 0 disables)");
  walk_latency_ = latency_distribution(params, "walk_latency_histogram", walker_stats_, "walk_latency_ns",
                                      "Latency of each walk, in ns", sc_core::sc_time(1, sc_core::SC_US));
  for (std::size_t cause = 1; cause < faults_.size(); ++cause) {
    const char* name_of_cause = to_string(static_cast<FaultCause>(cause));
    faults_[cause] = std::make_unique<Counter>(fault_stats_, name_of_cause,
                                               fmt::format("Translations that failed with {}", name_of_cause));
  }

  target.register_b_transport(this, &Mmu::b_transport);
  target.register_transport_dbg(this, &Mmu::transport_dbg);
  registers.register_b_transport(this, &Mmu::register_access);
  registers.register_transport_dbg(this, &Mmu::register_debug);
}

Mmu::Level Mmu::read_level(Params& params, std::string_view name, unsigned entries, unsigned ways,
                           unsigned latency_cycles, bool optional, std::string_view what) {
  Params scope = params.scope(name, what);
  Tlb::Config config;
  config.entries = scope.get<unsigned>("entries", entries, "Number of entries");
  config.ways = scope.get<unsigned>("ways", ways == 0 ? config.entries : ways,
                                    "Associativity (ways == entries: fully associative)");
  config.replacement = replacement_of(
      scope.choose("policy", "lru", {"lru", "plru", "fifo", "random"}, "Replacement policy (plru: tree)"));
  const auto cycles = scope.get<unsigned>("latency", latency_cycles, "Look-up latency in cycles");
  config.seed = Random::derive(seed_, join_path(this->name(), name));
  Level level;
  level.latency = frequency_.cycles(cycles);
  if (params.listing()) return level;
  if (config.entries == 0) {
    if (!optional) scope.fail("entries", "must be at least 1");
    return level;
  }
  if (name == "walk_cache") {
    // One entry per table entry above the leaf level: keyed by the region it covers.
    config.page_shifts.clear();
    for (unsigned table_level = 1; table_level < format_->levels; ++table_level)
      config.page_shifts.push_back(static_cast<std::uint8_t>(PageTableFormat::page_shift(table_level)));
  } else {
    config.page_shifts = format_->page_shifts();
  }
  try {
    level.tlb = std::make_unique<Tlb>(stats(), std::string(name), config);
  } catch (const std::invalid_argument& e) {
    scope.fail("ways", e.what());
  }
  return level;
}

void Mmu::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if ((control_ & mmu_regs::control_translate) == 0) {
    ++bare_accesses_;
    initiator->b_transport(trans, delay);
    return;
  }
  const auto* access = trans.get_extension<AccessExtension>();
  const AccessKind kind = access != nullptr ? access->kind : trans.is_write() ? AccessKind::store : AccessKind::load;
  const Privilege privilege = access != nullptr ? access->privilege : Privilege::user;
  const std::uint64_t address = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  ++accesses_;

  Translation first;
  if (const FaultCause cause = translate(address, kind, privilege, delay, first); cause != FaultCause::none)
    return fail(trans, cause, address, kind);
  const std::uint64_t page_end = first.virtual_base + ((std::uint64_t{1} << first.page_shift) - 1);
  const std::uint64_t physical = first.physical(address);
  if (length == 0 || address + (length - 1) <= page_end) {
    trans.set_address(physical);
    initiator->b_transport(trans, delay);
    trans.set_address(address);
    return;
  }

  ++page_crossings_;
  Translation second;
  const std::uint64_t next_page = page_end + 1;
  if (const FaultCause cause = translate(next_page, kind, privilege, delay, second); cause != FaultCause::none)
    return fail(trans, cause, next_page, kind);
  const auto first_length = static_cast<unsigned>(next_page - address);
  if (second.physical(next_page) == physical + first_length) {
    trans.set_address(physical);
    initiator->b_transport(trans, delay);
    trans.set_address(address);
    return;
  }
  if (trans.get_byte_enable_ptr() != nullptr || trans.get_streaming_width() < length) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  // Two frames that are not adjacent: one bus transaction each, the second after the first.
  ++split_accesses_;
  const std::pair<std::uint64_t, unsigned> parts[] = {{physical, 0}, {second.physical(next_page), first_length}};
  for (const auto& [part_address, offset] : parts) {
    const unsigned part_length = offset == 0 ? first_length : static_cast<unsigned>(length) - first_length;
    prepare_payload(split_trans_, trans.get_command(), part_address, trans.get_data_ptr() + offset, part_length);
    initiator->b_transport(split_trans_, delay);
    if (!split_trans_.is_response_ok()) {
      trans.set_response_status(split_trans_.get_response_status());
      return;
    }
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Mmu::transport_dbg(tlm::tlm_generic_payload& trans) {
  if ((control_ & mmu_regs::control_translate) == 0) return initiator->transport_dbg(trans);
  // Debug accesses translate page by page with a side-effect-free walk.
  const std::uint64_t address = trans.get_address();
  const unsigned length = trans.get_data_length();
  unsigned done = 0;
  while (done < length) {
    const std::uint64_t virtual_address = address + done;
    Translation translation;
    sc_core::sc_time ignored;
    if (walk(virtual_address, AccessKind::load, Privilege::supervisor, ignored, translation, true) != FaultCause::none)
      break;
    const std::uint64_t page_left =
        translation.virtual_base + (std::uint64_t{1} << translation.page_shift) - virtual_address;
    const auto chunk = static_cast<unsigned>(std::min<std::uint64_t>(page_left, length - done));
    prepare_payload(split_trans_, trans.get_command(), translation.physical(virtual_address), trans.get_data_ptr() + done,
                    chunk);
    const unsigned moved = initiator->transport_dbg(split_trans_);
    done += moved;
    if (moved != chunk) break;
  }
  trans.set_response_status(done == length ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  return done;
}

FaultCause Mmu::translate(std::uint64_t address, AccessKind kind, Privilege privilege, sc_core::sc_time& delay,
                          Translation& out) {
  if (!format_->canonical(address)) return FaultCause::non_canonical;
  Level& level_one = kind == AccessKind::fetch ? itlb_ : dtlb_;
  delay += level_one.latency;
  const Translation* hit = level_one.tlb->lookup(address, asid_);
  if (hit == nullptr && l2tlb_.tlb) {
    delay += l2tlb_.latency;
    hit = l2tlb_.tlb->lookup(address, asid_);
    if (hit != nullptr) level_one.tlb->insert(*hit);
  }
  if (hit != nullptr) {
    if (const FaultCause cause = check(hit->flags, kind, privilege); cause != FaultCause::none) return cause;
    // A store to a page not yet dirty walks again, so that the walker sets D in memory.
    if (kind != AccessKind::store || (hit->flags & page_dirty) != 0) {
      out = *hit;
      return FaultCause::none;
    }
  }
  if (const FaultCause cause = walk(address, kind, privilege, delay, out, false); cause != FaultCause::none)
    return cause;
  if (l2tlb_.tlb) l2tlb_.tlb->insert(out);
  level_one.tlb->insert(out);
  return FaultCause::none;
}

FaultCause Mmu::walk(std::uint64_t address, AccessKind kind, Privilege privilege, sc_core::sc_time& delay,
                     Translation& out, bool debug) {
  const sc_core::sc_time start = delay;
  const auto finish = [&](FaultCause cause) {
    if (!debug) walk_latency_->sample(to_ns(delay - start));
    if (walk_track_ && !debug) {
      const sc_core::sc_time now = sc_core::sc_time_stamp();
      walk_track_.span(cause == FaultCause::none ? "walk" : "faulting walk", now + start, now + delay, {"va", address});
    }
    return cause;
  };
  if (!debug) ++walks_;
  PageTable tables(*format_, debug ? debug_walker_ : timed_walker_);
  WalkPoint from = tables.root(root_);
  const bool cached_walk = walk_cache_.tlb && !debug;
  if (cached_walk) {
    delay += walk_cache_.latency;
    if (const Translation* cached = walk_cache_.tlb->lookup(address, asid_)) {
      // The cached entry is the table entry covering 2^page_shift bytes; the walk resumes below it.
      const unsigned level = (cached->page_shift - PageTableFormat::page_shift(0)) / PageTableFormat::index_bits - 1;
      from = WalkPoint{cached->physical_base, level, cached->flags};
    }
  }
  PageWalk walk =
      tables.walk(from, address, delay, debug ? PageTable::TableAccessed::leave : PageTable::TableAccessed::set);
  if (cached_walk) {
    for (unsigned passed = 0; passed < walk.table_count; ++passed) {
      const WalkPoint& below = walk.tables[passed];
      const unsigned shift = PageTableFormat::page_shift(below.level + 1);
      const std::uint64_t region = address & ~((std::uint64_t{1} << shift) - 1);
      walk_cache_.tlb->insert(Translation{region, below.table, asid_, static_cast<std::uint8_t>(shift), below.allowed});
    }
  }
  if (walk.fault != FaultCause::none) return finish(walk.fault);
  if (!debug) {
    if (const FaultCause cause = check(walk.flags, kind, privilege); cause != FaultCause::none) return finish(cause);
    if (!tables.set_accessed(walk, kind == AccessKind::store, delay)) return finish(FaultCause::walk_error);
  }
  out = Translation{walk.virtual_base, walk.physical_base, asid_,
                    static_cast<std::uint8_t>(PageTableFormat::page_shift(walk.level)), walk.flags};
  return finish(FaultCause::none);
}

FaultCause Mmu::check(std::uint8_t flags, AccessKind kind, Privilege privilege) const {
  const bool user_page = (flags & page_user) != 0;
  if (privilege == Privilege::user && !user_page) return FaultCause::supervisor_page;
  // RISC-V: supervisor code never executes user pages, and loads or stores them only with SUM set.
  // x86 (without SMEP/SMAP) lets the supervisor touch user pages.
  if (privilege == Privilege::supervisor && user_page && format_->encoding == PteEncoding::riscv &&
      (kind == AccessKind::fetch || (control_ & mmu_regs::control_sum) == 0))
    return FaultCause::permission;
  const std::uint8_t needed = kind == AccessKind::load    ? page_readable
                              : kind == AccessKind::store ? page_writable
                                                          : page_executable;
  return (flags & needed) != 0 ? FaultCause::none : FaultCause::permission;
}

bool Mmu::WalkerPort::transfer(tlm::tlm_command command, std::uint64_t address, std::uint64_t& raw,
                               sc_core::sc_time& delay) {
  tlm::tlm_generic_payload& trans = mmu_.walk_trans_;
  prepare_payload(trans, command, address, &raw, PageTableFormat::pte_bytes);
  if (debug_) return mmu_.walker->transport_dbg(trans) == PageTableFormat::pte_bytes;
  mmu_.walker->b_transport(trans, delay);
  ++(command == tlm::TLM_READ_COMMAND ? mmu_.pte_reads_ : mmu_.pte_writes_);
  return trans.is_response_ok();
}

void Mmu::fail(tlm::tlm_generic_payload& trans, FaultCause cause, std::uint64_t address, AccessKind kind) {
  ++*faults_[static_cast<std::size_t>(cause)];
  fault_address_ = address;
  fault_cause_ = cause;
  if (auto* fault = trans.get_extension<TranslationFault>()) {
    fault->cause = cause;
    fault->address = address;
    fault->kind = kind;
  }
  trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
}

template <typename Action>
void Mmu::for_each_cache(Action action) {
  for (Level* level : {&dtlb_, &itlb_, &l2tlb_, &walk_cache_})
    if (level->tlb) action(*level->tlb);
}

void Mmu::register_access(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  trans.set_response_status(access_register(trans));
  delay += register_latency_;
}

unsigned Mmu::register_debug(tlm::tlm_generic_payload& trans) {
  // Debug reads see the registers; debug writes would trigger flushes, so they are refused.
  if (!trans.is_read()) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return 0;
  }
  trans.set_response_status(access_register(trans));
  return trans.is_response_ok() ? trans.get_data_length() : 0;
}

tlm::tlm_response_status Mmu::access_register(tlm::tlm_generic_payload& trans) {
  const std::uint64_t offset = trans.get_address();
  if (const auto status = register_access_status(trans, mmu_regs::block_size); status != tlm::TLM_OK_RESPONSE)
    return status;
  std::uint64_t value = 0;
  if (trans.is_read()) {
    switch (offset) {
      case mmu_regs::control: value = control_; break;
      case mmu_regs::root: value = root_; break;
      case mmu_regs::asid: value = asid_; break;
      case mmu_regs::flush_address_asid: value = flush_address_asid_; break;
      case mmu_regs::fault_address: value = fault_address_; break;
      case mmu_regs::fault_cause: value = static_cast<std::uint64_t>(fault_cause_); break;
      default: value = 0; break;  // flush registers read as zero
    }
    std::memcpy(trans.get_data_ptr(), &value, 8);
    return tlm::TLM_OK_RESPONSE;
  }
  std::memcpy(&value, trans.get_data_ptr(), 8);
  switch (offset) {
    case mmu_regs::control: control_ = value & (mmu_regs::control_translate | mmu_regs::control_sum); break;
    case mmu_regs::root: root_ = value; break;
    case mmu_regs::asid: asid_ = static_cast<std::uint16_t>(value); break;
    case mmu_regs::flush_all: for_each_cache([](Tlb& cache) { cache.flush_all(); }); break;
    case mmu_regs::flush_asid:
      for_each_cache([value](Tlb& cache) { cache.flush_asid(static_cast<std::uint16_t>(value)); });
      break;
    case mmu_regs::flush_address:
      for (Level* level : {&dtlb_, &itlb_, &l2tlb_})
        if (level->tlb) level->tlb->flush_address(value, flush_address_asid_);
      // The tables on the way to the page may have changed too.
      if (walk_cache_.tlb) walk_cache_.tlb->flush_asid(flush_address_asid_);
      break;
    case mmu_regs::flush_address_asid: flush_address_asid_ = static_cast<std::uint16_t>(value); break;
    default: return tlm::TLM_COMMAND_ERROR_RESPONSE;  // the fault registers are read-only
  }
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace vmsim
