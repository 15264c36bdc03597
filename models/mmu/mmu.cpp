#include "vmsim/models/mmu/mmu.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "vmsim/models/core/payload.h"
#include "vmsim/models/core/random.h"
#include "vmsim/models/mmu/replacement/registry.h"

namespace vmsim {
namespace {

const Connection translated_port{"port", "bus", "Component that translated accesses go to", {{"router"}}};
const Connection walker_port{"walker_port", "bus", "Component that page-table walks read from", {{"router"}}};

enum class AccessedDirty { hardware, fault };

}  // namespace

// The TLB levels, each a scope of the MMU's parameters with defaults of its own.
struct Mmu::LevelDefaults {
  const char* name;
  unsigned entries;
  std::optional<unsigned> ways;  // none: as many as entries (fully associative)
  unsigned latency_cycles;
  bool optional;
  const char* what;
};

namespace {

constexpr Mmu::LevelDefaults dtlb_defaults{"dtlb", 64, 4, 1, false, "L1 data TLB (loads and stores)"};
constexpr Mmu::LevelDefaults itlb_defaults{"itlb", 32, 32, 1, false, "L1 instruction TLB (fetches)"};
constexpr Mmu::LevelDefaults l2tlb_defaults{"l2tlb", 0,    8,
                                            6,       true, "Shared L2 TLB behind both L1 TLBs (entries: 0 disables)"};
constexpr Mmu::LevelDefaults walk_cache_defaults{
    "walk_cache", 0, std::nullopt, 0, true, "Page-walk cache of table entries above the leaf (entries: 0 disables)"};

void declare_level(ParamSchema& schema, const Mmu::LevelDefaults& defaults) {
  ParamSchema& level = schema.scope(defaults.name, defaults.what).declare_members();
  level.optional<unsigned>("entries", defaults.entries, "Number of entries");
  constexpr const char* ways = "Associativity (ways == entries: fully associative)";
  if (defaults.ways)
    level.optional<unsigned>("ways", *defaults.ways, ways);
  else
    level.derived<unsigned>("ways", "entries", ways);
  tlb_replacements().declare(level, "policy", "lru",
                             "Replacement policy (each is described at the end of `vmsim params`)");
  level.optional<unsigned>("latency", defaults.latency_cycles, "Look-up latency in cycles");
}

}  // namespace

ParamSchema Mmu::parameters() {
  ParamSchema schema;
  declare_optional_mapping(schema, mmu_regs::block_size, "MMU's control registers",
                           "none: the registers are off the bus, for an MMU that a hart drives through satp");
  declare_connection(schema, translated_port);
  declare_connection(schema, walker_port);
  schema.optional<std::string>("format", "sv39",
                               fmt::format("Page-table format: {}", fmt::join(PageTableFormat::names(), ", ")));
  schema.optional<Frequency>("frequency", Frequency{2'000'000'000}, "Clock that TLB latencies count in");
  schema.choice("accessed_dirty", AccessedDirty::hardware,
                {{"hardware", AccessedDirty::hardware}, {"fault", AccessedDirty::fault}},
                "How the accessed and dirty bits of a page are kept: hardware: the walker sets them with timed "
                "writes; fault: a page whose accessed bit is clear, or a store to one whose dirty bit is clear, "
                "faults for software to set them (RISC-V Svade)");
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                    "Latency of a control-register access");
  for (const LevelDefaults* level : {&dtlb_defaults, &itlb_defaults, &l2tlb_defaults, &walk_cache_defaults})
    declare_level(schema, *level);
  declare_latency_distribution(schema, "walk_latency_histogram", "walk_latency_ns",
                               sc_core::sc_time(1, sc_core::SC_US));
  return schema;
}

Mmu::Mmu(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  if (params.contains("base")) {
    map_on_bus(registers_.socket, params);
  } else {
    // Nothing reaches the registers; SystemC still wants their socket bound.
    registers_closed_ = std::make_unique<tlm_utils::simple_initiator_socket<Mmu>>("registers_closed");
    registers_closed_->bind(registers_.socket);
  }
  connect(initiator, params, translated_port);
  connect(walker, params, walker_port);
  const auto format_name = params.get<std::string>("format");
  format_ = PageTableFormat::find(format_name);
  if (format_ == nullptr)
    params.fail("format", fmt::format("'{}' is not a page-table format ({})", format_name,
                                      fmt::join(PageTableFormat::names(), ", ")));
  active_format_ = format_;
  frequency_ = params.get<Frequency>("frequency");
  hardware_accessed_dirty_ = params.get<AccessedDirty>("accessed_dirty") == AccessedDirty::hardware;
  registers_.set_latency(params.get<sc_core::sc_time>("register_latency"));

  seed_ = context.seed;
  dtlb_ = read_level(params, dtlb_defaults);
  itlb_ = read_level(params, itlb_defaults);
  l2tlb_ = read_level(params, l2tlb_defaults);
  walk_cache_ = read_level(params, walk_cache_defaults);
  walk_latency_ = latency_distribution(params, "walk_latency_histogram", walker_stats_, "walk_latency_ns",
                                       "Latency of each walk, in ns");
  for (std::size_t cause = 1; cause < faults_.size(); ++cause) {
    const char* name_of_cause = to_string(static_cast<FaultCause>(cause));
    faults_[cause] = std::make_unique<Counter>(fault_stats_, name_of_cause,
                                               fmt::format("Translations that failed with {}", name_of_cause));
  }

  target.register_b_transport(this, &Mmu::b_transport);
  target.register_transport_dbg(this, &Mmu::transport_dbg);
  // The flush registers act on every TLB and the walk cache; they read as zero.
  const auto command = [](const char* register_name, std::uint64_t offset) {
    return RegisterSpec(register_name, offset).access(RegisterAccess::write_only_reads_zero);
  };
  registers_.add(command("flush_all", mmu_regs::flush_all).on_write([this](const RegisterWrite&) {
    flush(std::nullopt, std::nullopt);
  }));
  registers_.add(command("flush_asid", mmu_regs::flush_asid).on_write([this](const RegisterWrite& write) {
    flush(std::nullopt, static_cast<std::uint16_t>(write.value));
  }));
  registers_.add(command("flush_address", mmu_regs::flush_address).on_write([this](const RegisterWrite& write) {
    flush(write.value, static_cast<std::uint16_t>(flush_address_asid_.value()));
  }));
}

Mmu::Level Mmu::read_level(Params& params, const LevelDefaults& defaults) {
  const std::string_view name = defaults.name;
  Params scope = params.scope(name);
  Tlb::Config config;
  config.entries = scope.get<unsigned>("entries");
  config.ways = defaults.ways ? scope.get<unsigned>("ways") : scope.get<unsigned>("ways", config.entries);
  config.replacement = tlb_replacements().choose(scope, "policy");
  const auto cycles = scope.get<unsigned>("latency");
  scope.reject_unknown();
  config.seed = Random::derive(seed_, join_path(stream_name(), name));
  Level level;
  level.latency = frequency_.cycles(cycles);
  if (config.entries == 0) {
    if (!defaults.optional) scope.fail("entries", "must be at least 1");
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
  const auto* access = trans.get_extension<AccessExtension>();
  if (access != nullptr && access->physical) {
    initiator->b_transport(trans, delay);
    return;
  }
  AccessExtension plain;
  if (access == nullptr) plain.kind = trans.is_write() ? AccessKind::store : AccessKind::load;
  const std::uint64_t address = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  PhysicalAccess where;
  translate(address, static_cast<unsigned>(std::max<std::uint64_t>(length, 1)), access != nullptr ? *access : plain,
            delay, where);
  if (where.fault != FaultCause::none)
    return fail(trans, where.fault, where.fault_address, (access != nullptr ? *access : plain).kind);
  if (!where.split) {
    trans.set_address(where.address);
    initiator->b_transport(trans, delay);
    trans.set_address(address);
    return;
  }
  // Split in two, byte enables and a streaming width would each need splitting too.
  if (trans.get_byte_enable_ptr() != nullptr || trans.get_streaming_width() < length) {
    trans.set_response_status(trans.get_byte_enable_ptr() != nullptr ? tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE
                                                                     : tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  // Two frames that are not adjacent: one bus transaction each, the second after the first.
  const std::pair<std::uint64_t, unsigned> parts[] = {{where.address, 0}, {where.second_address, where.first_length}};
  for (const auto& [part_address, offset] : parts) {
    const unsigned part_length = offset == 0 ? where.first_length : static_cast<unsigned>(length) - where.first_length;
    prepare_payload(split_trans_, trans.get_command(), part_address, trans.get_data_ptr() + offset, part_length);
    initiator->b_transport(split_trans_, delay);
    if (!split_trans_.is_response_ok()) {
      trans.set_response_status(split_trans_.get_response_status());
      return;
    }
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Mmu::translate_full(std::uint64_t address, unsigned length, const AccessExtension& access, sc_core::sc_time& delay,
                         PhysicalAccess& out) {
  out.split = false;
  out.first_length = length;
  if (!translating(access.privilege)) {
    ++bare_accesses_;
    out.fault = FaultCause::none;
    out.address = address;
    return;
  }
  ++accesses_;
  const Translation* first = nullptr;
  if (const FaultCause cause = translate_page(address, access, delay, first); cause != FaultCause::none) {
    out.fault = record_fault(cause, address);
    out.fault_address = address;
    return;
  }
  out.fault = FaultCause::none;
  out.address = first->physical(address);
  const std::uint64_t page_end = first->virtual_base + ((std::uint64_t{1} << first->page_shift) - 1);
  if (address + (length - 1) > page_end) {
    translate_second_page(address, length, access, delay, page_end + 1, out);
    return;
  }
  // The entry the L1 TLB now hits for the page (a store's only once the page is dirty), for the
  // next access of the kind to repeat.
  Level& level_one = access.kind == AccessKind::fetch ? itlb_ : dtlb_;
  if (access.kind != AccessKind::store || (first->flags & page_dirty) != 0)
    repeats_[static_cast<unsigned>(access.kind)] = {
        address >> 12, out.address & ~std::uint64_t{0xfff}, access.privilege, access.sum, access.mxr, &level_one};
}

void Mmu::translate_second_page(std::uint64_t address, unsigned length, const AccessExtension& access,
                                sc_core::sc_time& delay, std::uint64_t next_page, PhysicalAccess& out) {
  ++page_crossings_;
  const Translation* second = nullptr;
  if (const FaultCause cause = translate_page(next_page, access, delay, second); cause != FaultCause::none) {
    out.fault = record_fault(cause, next_page);
    out.fault_address = next_page;
    return;
  }
  out.first_length = static_cast<unsigned>(next_page - address);
  out.second_address = second->physical(next_page);
  if (out.second_address == out.address + out.first_length) {
    out.first_length = length;
    return;
  }
  out.split = true;
  ++split_accesses_;
}

FaultCause Mmu::translate_debug(std::uint64_t address, const AccessExtension& access, std::uint64_t& physical) {
  if (!translating(access.privilege)) {
    physical = address;
    return FaultCause::none;
  }
  if (!active_format_->canonical(address)) return FaultCause::non_canonical;
  Translation translation;
  sc_core::sc_time ignored;
  if (const FaultCause cause = walk(address, access, ignored, translation, true); cause != FaultCause::none)
    return cause;
  if (const FaultCause cause = check(translation.flags, access); cause != FaultCause::none) return cause;
  physical = translation.physical(address);
  return FaultCause::none;
}

unsigned Mmu::transport_dbg(tlm::tlm_generic_payload& trans) {
  const auto* access = trans.get_extension<AccessExtension>();
  if ((access != nullptr && access->physical) || (control_.value() & mmu_regs::control_translate) == 0)
    return initiator->transport_dbg(trans);
  // Debug accesses translate page by page with a side-effect-free walk.
  AccessExtension supervisor;
  supervisor.privilege = Privilege::supervisor;
  const std::uint64_t address = trans.get_address();
  const unsigned length = trans.get_data_length();
  unsigned done = 0;
  while (done < length) {
    const std::uint64_t virtual_address = address + done;
    Translation translation;
    sc_core::sc_time ignored;
    if (walk(virtual_address, supervisor, ignored, translation, true) != FaultCause::none) break;
    const std::uint64_t page_left =
        translation.virtual_base + (std::uint64_t{1} << translation.page_shift) - virtual_address;
    const auto chunk = static_cast<unsigned>(std::min<std::uint64_t>(page_left, length - done));
    prepare_payload(split_trans_, trans.get_command(), translation.physical(virtual_address),
                    trans.get_data_ptr() + done, chunk);
    const unsigned moved = initiator->transport_dbg(split_trans_);
    done += moved;
    if (moved != chunk) break;
  }
  trans.set_response_status(done == length ? tlm::TLM_OK_RESPONSE : tlm::TLM_ADDRESS_ERROR_RESPONSE);
  return done;
}

const PageTableFormat* Mmu::mode_format(TranslationMode mode) const {
  if (mode == TranslationMode::bare) return format_;
  if (format_->codec != PageTableFormat::find("sv39")->codec) return nullptr;
  const char* name = mode == TranslationMode::sv39 ? "sv39" : mode == TranslationMode::sv48 ? "sv48" : "sv57";
  const PageTableFormat* wanted = PageTableFormat::find(name);
  return wanted->levels <= format_->levels ? wanted : nullptr;
}

bool Mmu::set_translation(TranslationMode mode, std::uint16_t asid, std::uint64_t root) {
  const PageTableFormat* format = mode_format(mode);
  if (format == nullptr) return false;
  forget_repeats();
  active_format_ = format;
  const std::uint64_t control = control_.value() & ~std::uint64_t{mmu_regs::control_translate};
  control_.set(mode == TranslationMode::bare ? control : control | mmu_regs::control_translate);
  root_.set(root);
  asid_.set(asid);
  return true;
}

void Mmu::flush(std::optional<std::uint64_t> address, std::optional<std::uint16_t> asid) {
  if (!address) {
    for_each_cache([asid](Tlb& cache) { asid ? cache.flush_asid(*asid) : cache.flush_all(); });
    return;
  }
  for (Level* level : {&dtlb_, &itlb_, &l2tlb_})
    if (level->tlb) level->tlb->flush_address(*address, asid);
  // The tables on the way to the page may have changed too.
  if (walk_cache_.tlb) asid ? walk_cache_.tlb->flush_asid(*asid) : walk_cache_.tlb->flush_all();
}

FaultCause Mmu::translate_miss(std::uint64_t address, const AccessExtension& access, sc_core::sc_time& delay,
                               Level& level_one, const Translation* hit, const Translation*& out) {
  if (hit == nullptr && l2tlb_.tlb) {
    delay += l2tlb_.latency;
    hit = l2tlb_.tlb->lookup(address, asid());
    if (hit != nullptr) hit = level_one.tlb->insert(*hit);
  }
  if (hit != nullptr) {
    if (const FaultCause cause = check(hit->flags, access); cause != FaultCause::none) return cause;
    if (access.kind != AccessKind::store || (hit->flags & page_dirty) != 0) {
      out = hit;
      return FaultCause::none;
    }
  }
  Translation walked;
  if (const FaultCause cause = walk(address, access, delay, walked, false); cause != FaultCause::none) return cause;
  if (l2tlb_.tlb) l2tlb_.tlb->insert(walked);
  out = level_one.tlb->insert(walked);
  return FaultCause::none;
}

FaultCause Mmu::walk(std::uint64_t address, const AccessExtension& access, sc_core::sc_time& delay, Translation& out,
                     bool debug) {
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
  PageTable tables(*active_format_, debug ? debug_walker_ : timed_walker_);
  WalkPoint from = tables.root(root_.value());
  const bool cached_walk = walk_cache_.tlb && !debug;
  if (cached_walk) {
    delay += walk_cache_.latency;
    if (const Translation* cached = walk_cache_.tlb->lookup(address, asid())) {
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
      walk_cache_.tlb->insert(
          Translation{region, below.table, asid(), static_cast<std::uint8_t>(shift), below.allowed});
    }
  }
  if (walk.fault != FaultCause::none) return finish(walk.fault);
  if (!debug) {
    if (const FaultCause cause = check(walk.flags, access); cause != FaultCause::none) return finish(cause);
    const bool store = access.kind == AccessKind::store;
    if (!hardware_accessed_dirty_) {
      if ((walk.flags & page_accessed) == 0 || (store && (walk.flags & page_dirty) == 0))
        return finish(FaultCause::accessed_dirty);
    } else if (!tables.set_accessed(walk, store, delay)) {
      return finish(FaultCause::walk_error);
    }
  }
  out = Translation{walk.virtual_base, walk.physical_base, asid(),
                    static_cast<std::uint8_t>(PageTableFormat::page_shift(walk.level)), walk.flags};
  return finish(FaultCause::none);
}

bool Mmu::WalkerPort::transfer(tlm::tlm_command command, std::uint64_t address, std::uint64_t& raw,
                               sc_core::sc_time& delay) {
  tlm::tlm_generic_payload& trans = mmu_.walk_trans_;
  prepare_payload(trans, command, address, &raw, PageTableFormat::pte_bytes);
  if (debug_) return mmu_.walker->transport_dbg(trans) == PageTableFormat::pte_bytes;
  // Page-table accesses are the supervisor's, for the core's physical-memory protection.
  const bool read = command == tlm::TLM_READ_COMMAND;
  if (mmu_.physical_check_ != nullptr &&
      !mmu_.physical_check_->allows(address, PageTableFormat::pte_bytes, read ? AccessKind::load : AccessKind::store,
                                    Privilege::supervisor))
    return false;
  mmu_.walker->b_transport(trans, delay);
  ++(command == tlm::TLM_READ_COMMAND ? mmu_.pte_reads_ : mmu_.pte_writes_);
  return trans.is_response_ok();
}

FaultCause Mmu::record_fault(FaultCause cause, std::uint64_t address) {
  ++*faults_[static_cast<std::size_t>(cause)];
  fault_address_.set(address);
  fault_cause_.set(static_cast<std::uint64_t>(cause));
  return cause;
}

void Mmu::fail(tlm::tlm_generic_payload& trans, FaultCause cause, std::uint64_t address, AccessKind kind) {
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

}  // namespace vmsim
