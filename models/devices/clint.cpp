#include "vmsim/models/devices/clint.h"

#include <fmt/format.h>

namespace vmsim {

ParamSchema Clint::parameters() {
  ParamSchema schema;
  schema.optional<unsigned>("harts", 1, "Number of harts, each with a timer and a software line, 1 to 32");
  schema.optional<Frequency>("frequency", Frequency{1'000'000'000}, "Rate at which MTIME ticks");
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                    "Latency of a register access");
  InterruptControllerParameter::declare(schema);
  declare_mapping(schema, 4096, "timer's registers");
  return schema;
}

Clint::Clint(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const auto harts = params.get<unsigned>("harts");
  frequency_ = params.get<Frequency>("frequency");
  const auto latency = params.get<sc_core::sc_time>("register_latency");
  interrupt_controller_.read(params);
  if (harts == 0 || harts > clint_regs::max_harts) params.fail("harts", "must be from 1 to 32");
  bank_.set_latency(latency);
  map_on_bus(bank_.socket, params);
  for (unsigned h = 0; h < harts; ++h) {
    harts_.push_back(std::make_unique<Hart>());
    sc_core::sc_spawn_options options;
    options.spawn_method();
    options.set_sensitivity(&harts_.back()->compare_due);
    options.dont_initialize();
    sc_core::sc_spawn([this, h] { raise_due_timer(h); }, fmt::format("compare{}", h).c_str(), &options);
  }
  declare_registers(harts);
}

void Clint::declare_registers(unsigned harts) {
  bank_.add(RegisterSpec("mtime", clint_regs::mtime)
                .access(RegisterAccess::read_only)
                .on_read([this](const RegisterRead& read) { return mtime(read.at); }));
  bank_.add(RegisterSpec("timebase", clint_regs::timebase).access(RegisterAccess::read_only).reset(frequency_.hz));
  bank_.add_array(RegisterSpec("msip", clint_regs::msip(0))
                      .mask(clint_regs::msip_pending)
                      .on_write([this](const RegisterWrite& write) {
                        if (harts_[write.index]->software.set(write.value != 0)) ++software_interrupts_;
                      }),
                  harts, clint_regs::hart_stride);
  bank_.add_array(RegisterSpec("mtimecmp", clint_regs::mtimecmp(0))
                      .reset(clint_regs::mtimecmp_reset)
                      .on_write([this](const RegisterWrite& write) { update_timer(write.index, write.at); }),
                  harts, clint_regs::hart_stride);
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

void Clint::update_timer(unsigned hart, const sc_core::sc_time& at) {
  Hart& lines = *harts_[hart];
  const std::uint64_t compare = bank_.value(clint_regs::mtimecmp(hart));
  lines.compare_due.cancel();
  const bool due = mtime(at) >= compare;
  if (lines.timer.set(due)) ++timer_interrupts_;
  // A compare beyond the end of simulated time never comes.
  if (!due && compare < frequency_.cycle_at(sc_core::sc_max_time()))
    lines.compare_due.notify(frequency_.cycles(compare) - sc_core::sc_time_stamp());
}

void Clint::raise_due_timer(unsigned hart) {
  if (mtime(sc_core::sc_time_stamp()) >= bank_.value(clint_regs::mtimecmp(hart)) && harts_[hart]->timer.set(true))
    ++timer_interrupts_;
}

}  // namespace vmsim
