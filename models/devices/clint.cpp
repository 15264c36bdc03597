#include "models/devices/clint.h"

#include <fmt/format.h>

#include "models/core/registers.h"

namespace vmsim {

Clint::Clint(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const auto harts =
      params.get<unsigned>("harts", 1, "Number of harts, each with a timer and a software line, 1 to 32");
  frequency_ = params.get<Frequency>("frequency", Frequency{1'000'000'000}, "Rate at which MTIME ticks");
  const auto latency = params.get<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                                    "Latency of a register access");
  interrupt_controller_.declare(params);
  if (!params.listing() && (harts == 0 || harts > clint_regs::max_harts)) params.fail("harts", "must be from 1 to 32");
  RegisterTarget::Registers& registers = *this;
  target_.emplace("target", registers, clint_regs::block_size(harts), latency, errors_);
  map_on_bus(target_->socket, params, 4096, "timer's registers");
  for (unsigned h = 0; h < harts; ++h) {
    harts_.push_back(std::make_unique<Hart>());
    Hart& hart = *harts_.back();
    sc_core::sc_spawn_options options;
    options.spawn_method();
    options.set_sensitivity(&hart.compare_due);
    options.dont_initialize();
    sc_core::sc_spawn([this, &hart] { raise_due_timer(hart); }, fmt::format("compare{}", h).c_str(), &options);
  }
}

void Clint::resolve(const Lookup& find) {
  InterruptController* controller = interrupt_controller_.resolve(find, basename());
  if (controller == nullptr) return;
  for (unsigned h = 0; h < harts_.size(); ++h) {
    harts_[h]->timer.connect(*controller, fmt::format("{}.timer{}", basename(), h));
    harts_[h]->software.connect(*controller, fmt::format("{}.software{}", basename(), h));
  }
}

std::uint64_t Clint::mtime(const sc_core::sc_time& at) const {
  std::uint64_t ticks = frequency_.cycle_at(at);
  if (frequency_.cycles(ticks) > at) --ticks;
  return ticks;
}

void Clint::update_timer(Hart& hart, const sc_core::sc_time& at) {
  hart.compare_due.cancel();
  const bool due = mtime(at) >= hart.mtimecmp;
  if (hart.timer.set(due)) ++timer_interrupts_;
  // A compare beyond the end of simulated time never comes.
  if (!due && hart.mtimecmp < frequency_.cycle_at(sc_core::sc_max_time()))
    hart.compare_due.notify(frequency_.cycles(hart.mtimecmp) - sc_core::sc_time_stamp());
}

void Clint::raise_due_timer(Hart& hart) {
  if (mtime(sc_core::sc_time_stamp()) >= hart.mtimecmp && hart.timer.set(true)) ++timer_interrupts_;
}

tlm::tlm_response_status Clint::read_register(std::uint64_t offset, const sc_core::sc_time& at, bool /*debug*/,
                                              std::uint64_t& value) {
  if (const auto per_hart = hart_register(offset, clint_regs::hart_base, clint_regs::hart_stride)) {
    const Hart& hart = *harts_[per_hart->hart];
    value = per_hart->hart0_offset == clint_regs::msip(0) ? hart.msip : hart.mtimecmp;
    return tlm::TLM_OK_RESPONSE;
  }
  if (offset == clint_regs::timebase) {
    value = frequency_.hz;
    return tlm::TLM_OK_RESPONSE;
  }
  if (offset != clint_regs::mtime) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  value = mtime(at);
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status Clint::write_register(std::uint64_t offset, const sc_core::sc_time& at, std::uint64_t value) {
  const auto per_hart = hart_register(offset, clint_regs::hart_base, clint_regs::hart_stride);
  if (!per_hart)
    return offset == clint_regs::mtime || offset == clint_regs::timebase ? tlm::TLM_COMMAND_ERROR_RESPONSE
                                                                         : tlm::TLM_ADDRESS_ERROR_RESPONSE;
  Hart& hart = *harts_[per_hart->hart];
  if (per_hart->hart0_offset == clint_regs::msip(0)) {
    hart.msip = value & clint_regs::msip_pending;
    if (hart.software.set(hart.msip != 0)) ++software_interrupts_;
  } else {
    hart.mtimecmp = value;
    update_timer(hart, at);
  }
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace vmsim
