#include "models/devices/plic.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/core/registers.h"
#include "models/devices/plic_registers.h"

namespace vmsim {

Plic::Source::Source(StatGroup& parent, const std::string& source_name)
    : name(source_name), stats(parent, source_name) {}

Plic::Plic(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const auto harts = params.get<unsigned>("harts", 1, "Number of harts, each with an external-interrupt line, 1 to 32");
  const auto latency = params.get<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                                    "Latency of a register access");
  if (!params.listing() && (harts == 0 || harts > plic_regs::max_harts)) params.fail("harts", "must be from 1 to 32");
  RegisterTarget::Registers& registers = *this;
  target_.emplace("target", registers, plic_regs::block_size(harts), latency, errors_);
  map_on_bus(target_->socket, params, 4096, "interrupt controller's registers");
  harts_.resize(harts);
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
  const std::uint64_t candidates = pending() & harts_[hart].enable;
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
  for (Hart& hart : harts_) {
    const bool level = (requests & hart.enable) != 0;
    if (level == hart.level) continue;
    hart.level = level;
    if (hart.input != nullptr) hart.input->set_interrupt(0, level);
  }
}

tlm::tlm_response_status Plic::read_register(std::uint64_t offset, const sc_core::sc_time& /*at*/, bool debug,
                                             std::uint64_t& value) {
  if (const auto per_hart = hart_register(offset, plic_regs::hart_base, plic_regs::hart_stride)) {
    if (per_hart->hart0_offset == plic_regs::enable(0)) {
      value = harts_[per_hart->hart].enable;
    } else {
      value = debug ? next_claim(per_hart->hart) : claim(per_hart->hart);
    }
    return tlm::TLM_OK_RESPONSE;
  }
  switch (offset) {
    case plic_regs::pending: value = pending(); return tlm::TLM_OK_RESPONSE;
    case plic_regs::sources: value = sources_.size(); return tlm::TLM_OK_RESPONSE;
    default: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  }
}

tlm::tlm_response_status Plic::write_register(std::uint64_t offset, const sc_core::sc_time& /*at*/,
                                              std::uint64_t value) {
  const auto per_hart = hart_register(offset, plic_regs::hart_base, plic_regs::hart_stride);
  if (!per_hart)
    return offset == plic_regs::pending || offset == plic_regs::sources ? tlm::TLM_COMMAND_ERROR_RESPONSE
                                                                        : tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (per_hart->hart0_offset == plic_regs::enable(0)) {
    const std::uint64_t sources_and_zero = ~std::uint64_t{0} >> (plic_regs::max_sources - sources_.size());
    harts_[per_hart->hart].enable = value & sources_and_zero & ~plic_regs::source_bit(0);
    update_harts();
  } else {
    complete(value);
  }
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace vmsim
