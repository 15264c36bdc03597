#include "vmsim/models/devices/plic.h"

#include <algorithm>

#include <fmt/format.h>

namespace vmsim {

Plic::Source::Source(StatGroup& parent, const std::string& source_name)
    : name(source_name), stats(parent, source_name) {}

ParamSchema Plic::parameters() {
  ParamSchema schema;
  schema.optional<unsigned>("harts", 1, "Number of harts, each with an external-interrupt line, 1 to 32");
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                    "Latency of a register access");
  declare_mapping(schema, 4096, "interrupt controller's registers");
  return schema;
}

Plic::Plic(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const auto harts = params.get<unsigned>("harts");
  const auto latency = params.get<sc_core::sc_time>("register_latency");
  if (harts == 0 || harts > plic_regs::max_harts) params.fail("harts", "must be from 1 to 32");
  bank_.set_latency(latency);
  map_on_bus(bank_.socket, params);
  harts_.resize(harts);
  declare_registers(harts);
}

void Plic::declare_registers(unsigned harts) {
  bank_.add(RegisterSpec("pending", plic_regs::pending)
                .access(RegisterAccess::read_only)
                .on_read([this](const RegisterRead&) { return pending(); }));
  bank_.add(RegisterSpec("sources", plic_regs::sources)
                .access(RegisterAccess::read_only)
                .on_read([this](const RegisterRead&) { return std::uint64_t{sources_.size()}; }));
  const auto keep_connected_sources = [this](const RegisterWrite& write) {
    // Sources connect while the platform is built, so the bits that exist are known only now.
    const std::uint64_t sources_and_zero = ~std::uint64_t{0} >> (plic_regs::max_sources - sources_.size());
    bank_.at(plic_regs::enable(write.index)).set(write.value & sources_and_zero & ~plic_regs::source_bit(0));
    update_harts();
  };
  bank_.add_array(RegisterSpec("enable", plic_regs::enable(0)).on_write(keep_connected_sources), harts,
                  plic_regs::hart_stride);
  // A debug read tells what a claim would return, without claiming.
  bank_.add_array(RegisterSpec("claim_complete", plic_regs::claim_complete(0))
                      .on_read([this](const RegisterRead& read) {
                        return std::uint64_t{read.debug ? next_claim(read.index) : claim(read.index)};
                      })
                      .on_write([this](const RegisterWrite& write) { complete(write.value); }),
                  harts, plic_regs::hart_stride);
}

std::pair<InterruptSink*, unsigned> Plic::connect_source(const std::string& source_name) {
  if (source_number(source_name))
    throw ConfigError(fmt::format("{}: two interrupt sources are named '{}'", name(), source_name));
  if (sources_.size() == plic_regs::max_sources)
    throw ConfigError(fmt::format("{}: no source number left for '{}' (at most {} sources)", name(), source_name,
                                  plic_regs::max_sources));
  sources_.push_back(std::make_unique<Source>(source_stats_, source_name));
  return {this, static_cast<unsigned>(sources_.size())};
}

std::optional<unsigned> Plic::source_number(const std::string& source_name) const {
  const auto found = std::find_if(sources_.begin(), sources_.end(),
                                  [&](const std::unique_ptr<Source>& source) { return source->name == source_name; });
  if (found == sources_.end()) return std::nullopt;
  return static_cast<unsigned>(found - sources_.begin()) + 1;
}

void Plic::connect_hart(unsigned hart, InterruptSink& hart_input) {
  if (hart >= harts_.size()) throw ConfigError(fmt::format("{}: no hart {} (harts: {})", name(), hart, harts_.size()));
  harts_[hart].input = &hart_input;
  if (harts_[hart].level) hart_input.set_interrupt(0, true);
}

void Plic::set_interrupt(unsigned source, bool level) {
  const std::uint64_t bit = plic_regs::source_bit(source);
  if (level && (line_levels_ & bit) == 0) {
    ++sources_[source - 1]->raised;
    if (source_track_) source_track_.instant("raised", sc_core::sc_time_stamp(), {"source", source});
  }
  line_levels_ = level ? line_levels_ | bit : line_levels_ & ~bit;
  update_harts();
}

unsigned Plic::next_claim(unsigned hart) const {
  const std::uint64_t candidates = pending() & enabled(hart);
  if (candidates == 0) return 0;
  unsigned source = 1;
  while ((candidates & plic_regs::source_bit(source)) == 0) ++source;
  return source;
}

unsigned Plic::claim(unsigned hart) {
  ++claims_;
  const unsigned source = next_claim(hart);
  if (source == 0) {
    ++spurious_claims_;
    return 0;
  }
  ++sources_[source - 1]->claimed;
  in_service_ |= plic_regs::source_bit(source);
  update_harts();
  return source;
}

void Plic::complete(std::uint64_t source) {
  if (source == 0 || source > sources_.size()) return;
  in_service_ &= ~plic_regs::source_bit(static_cast<unsigned>(source));
  update_harts();
}

void Plic::update_harts() {
  const std::uint64_t requests = pending();
  for (unsigned index = 0; index < harts_.size(); ++index) {
    Hart& hart = harts_[index];
    const bool level = (requests & enabled(index)) != 0;
    if (level == hart.level) continue;
    hart.level = level;
    if (hart.input != nullptr) hart.input->set_interrupt(0, level);
  }
}

}  // namespace vmsim
