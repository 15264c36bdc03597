#include "vmsim/models/mmu/page_table_builder.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "vmsim/models/core/payload.h"
#include "vmsim/models/mmu/mmu.h"

namespace vmsim {
namespace {

const Connection port{"port", "bus", "Component through which tables and MMU registers are written", {{"router"}}};

constexpr std::uint64_t table_bytes = 4096;

// "rwxu" and friends: one letter per PageFlag.
bool parse_flags(std::string_view letters, std::uint8_t& flags) {
  static constexpr std::pair<char, PageFlag> known[] = {{'r', page_readable}, {'w', page_writable},
                                                        {'x', page_executable}, {'u', page_user},
                                                        {'g', page_global}, {'a', page_accessed},
                                                        {'d', page_dirty}};
  flags = 0;
  for (const char letter : letters) {
    const auto* it = std::find_if(std::begin(known), std::end(known), [letter](const auto& k) { return k.first == letter; });
    if (it == std::end(known)) return false;
    flags |= it->second;
  }
  return true;
}

}  // namespace

ParamSchema PageTableBuilder::parameters() {
  ParamSchema schema;
  declare_connection(schema, port);
  schema.required<std::string>("mmu", "The MMU whose tables are built and whose registers are set");
  schema.required<Address>("table_base", "Physical address of the memory the tables are built in");
  schema.optional<Bytes>("table_size", Bytes{1 << 20}, "Size of the memory the tables may use");
  schema.optional<std::uint16_t>("asid", 1, "ASID the MMU is programmed with");
  schema.optional<bool>("sum", false, "Let supervisor accesses touch user pages (RISC-V SUM)");
  ParamSchema& mapping = schema.list("mappings", "Virtual ranges to map").declare_members();
  mapping.required<Address>("va", "First virtual address");
  mapping.required<Address>("pa", "First physical address");
  mapping.required<Bytes>("size", "Bytes to map");
  mapping.optional<Bytes>("page_size", Bytes{4096}, "Page size: 4KiB or a superpage size");
  mapping.optional<std::string>("flags", "rw",
                                "Letters of the page's bits: r w x u (user) g (global) a d (set accessed, dirty; "
                                "otherwise the walker sets them)");
  return schema;
}

PageTableBuilder::PageTableBuilder(const sc_core::sc_module_name& name, ComponentContext& context)
    : Component(name, context) {
  Params& params = context.params;
  connect(initiator, params, port);
  mmu_name_ = params.get<std::string>("mmu");
  mmu_where_ = params.locate("mmu");
  table_base_ = params.get<Address>("table_base").value;
  table_size_ = params.get<Bytes>("table_size").value;
  asid_ = params.get<std::uint16_t>("asid");
  sum_ = params.get<bool>("sum");
  for (Params& entry : params.list("mappings")) {
    Mapping mapping;
    mapping.virtual_address = entry.get<Address>("va").value;
    mapping.physical_address = entry.get<Address>("pa").value;
    mapping.size = entry.get<Bytes>("size").value;
    mapping.page_size = entry.get<Bytes>("page_size").value;
    const auto letters = entry.get<std::string>("flags");
    mapping.where = entry.locate("page_size");
    entry.reject_unknown();
    if (!parse_flags(letters, mapping.flags)) entry.fail("flags", "use only the letters r w x u g a d");
    const std::uint64_t page = mapping.page_size;
    if (page < 4096 || (page & (page - 1)) != 0) entry.fail("page_size", "must be a power of two of at least 4KiB");
    if (mapping.size == 0 || mapping.size % page != 0) entry.fail("size", "must be a whole number of pages");
    if (mapping.virtual_address % page != 0) entry.fail("va", "must be aligned to the page size");
    if (mapping.physical_address % page != 0) entry.fail("pa", "must be aligned to the page size");
    mappings_.push_back(mapping);
  }
  if (table_base_ % table_bytes != 0) params.fail("table_base", "must be aligned to 4KiB");
  context.run.boot_started();
  SC_THREAD(boot);
}

void PageTableBuilder::resolve(const Lookup& find) {
  const std::string path = fmt::format("components.{}.mmu", basename());
  mmu_ = dynamic_cast<Mmu*>(&find(mmu_name_, mmu_where_, path));
  if (mmu_ == nullptr) throw ConfigError(fmt::format("{}: {}: '{}' is not an MMU", mmu_where_, path, mmu_name_));
  mmu_registers_ = mmu_->mapped_targets().front().base;
  const PageTableFormat& format = mmu_->format();
  for (const Mapping& mapping : mappings_) {
    const std::vector<std::uint8_t> shifts = format.page_shifts();
    if (std::none_of(shifts.begin(), shifts.end(), [&](std::uint8_t s) { return (std::uint64_t{1} << s) == mapping.page_size; }))
      throw ConfigError(fmt::format("{}: {}: {} has no {} pages", mapping.where, path, format.name,
                                    format_bytes(Bytes{mapping.page_size})));
    if (!format.canonical(mapping.virtual_address) || !format.canonical(mapping.virtual_address + mapping.size - 1))
      throw ConfigError(fmt::format("{}: {}: the range is not canonical in {}", mapping.where, path, format.name));
  }
}

void PageTableBuilder::boot() {
  std::string problem;
  if (const auto root = allocate_table())
    root_ = *root;
  else
    problem = "the table memory cannot hold the root table";
  for (const Mapping& mapping : mappings_) {
    unsigned level = 0;
    while ((std::uint64_t{1} << PageTableFormat::page_shift(level)) != mapping.page_size) ++level;
    // Table by table: the pages whose entries share one table are mapped together.
    const std::uint64_t table_span = std::uint64_t{1} << PageTableFormat::page_shift(level + 1);
    for (std::uint64_t offset = 0; offset < mapping.size && problem.empty();) {
      const std::uint64_t virtual_address = mapping.virtual_address + offset;
      const std::uint64_t end = std::min(mapping.size, offset + table_span - (virtual_address & (table_span - 1)));
      problem = map_pages(virtual_address, mapping.physical_address + offset, (end - offset) / mapping.page_size, level,
                          mapping.flags);
      offset = end;
    }
  }
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const std::pair<std::uint64_t, std::uint64_t> writes[] = {
      {mmu_regs::root, root_},
      {mmu_regs::asid, asid_},
      {mmu_regs::flush_all, 0},
      {mmu_regs::control, mmu_regs::control_translate | (sum_ ? mmu_regs::control_sum : 0)}};
  for (auto [offset, value] : writes)
    if (problem.empty() && !transfer(tlm::TLM_WRITE_COMMAND, mmu_registers_ + offset, &value, sizeof value, &delay))
      problem = fmt::format("the registers of {} refused a write", mmu_name_);
  if (!problem.empty()) {
    run().fail(fmt::format("{}: {}", name(), problem));
    return;
  }
  sc_core::wait(delay);
  run().boot_finished();
}

std::string PageTableBuilder::map_pages(std::uint64_t virtual_address, std::uint64_t physical_address,
                                        std::uint64_t count, unsigned level, std::uint8_t flags) {
  const auto failed = [virtual_address](std::uint64_t page, const std::string& why) {
    return fmt::format("cannot map {:#x}: {}", virtual_address + page, why);
  };
  PageTable tables(mmu_->format(), table_memory_);
  sc_core::sc_time untimed;
  const EntryLocation entry = tables.find_or_create(
      root_, virtual_address, level, [this](sc_core::sc_time&) { return allocate_table(); }, untimed);
  if (entry.outcome == EntryLocation::Outcome::no_memory) return failed(0, "the table memory is full");
  if (!entry.found())
    return failed(0, fmt::format("the table memory at {:#x} cannot be read or written", entry.address));
  if (entry.level != level) return failed(0, "it lies inside a larger page mapped before");
  // The entries are consecutive in one table: read, filled and written back with one transfer each.
  std::array<std::uint64_t, table_bytes / sizeof(std::uint64_t)> raw;
  const auto length = static_cast<unsigned>(count * sizeof(std::uint64_t));
  if (!transfer(tlm::TLM_READ_COMMAND, entry.address, raw.data(), length, nullptr))
    return failed(0, fmt::format("the table memory at {:#x} cannot be read", entry.address));
  const std::uint64_t page_size = entry.span();
  for (std::uint64_t page = 0; page < count; ++page) {
    if (tables.format().decode(raw[page], level).present) return failed(page * page_size, "it is mapped twice");
    raw[page] = tables.format().encode_leaf(physical_address + page * page_size, flags, level);
  }
  if (!transfer(tlm::TLM_WRITE_COMMAND, entry.address, raw.data(), length, nullptr))
    return failed(0, fmt::format("the table memory at {:#x} cannot be written", entry.address));
  mapped_pages_ += count;
  return {};
}

std::optional<std::uint64_t> PageTableBuilder::allocate_table() {
  if ((tables_used_ + 1) * table_bytes > table_size_) return std::nullopt;
  const std::uint64_t table = table_base_ + tables_used_++ * table_bytes;
  std::array<std::uint8_t, table_bytes> zeroes{};
  if (!transfer(tlm::TLM_WRITE_COMMAND, table, zeroes.data(), table_bytes, nullptr)) return std::nullopt;
  ++table_pages_;
  return table;
}

bool PageTableBuilder::transfer(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length,
                                sc_core::sc_time* delay) {
  prepare_payload(trans_, command, address, data, length);
  if (delay == nullptr) return initiator->transport_dbg(trans_) == length;
  initiator->b_transport(trans_, *delay);
  return trans_.is_response_ok();
}

}  // namespace vmsim
