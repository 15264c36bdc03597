#include "countdown_timer.h"

namespace countdown {

vmsim::ParamSchema CountdownTimer::parameters() {
  vmsim::ParamSchema schema;
  declare_mapping(schema, 0x20, "timer's registers");
  schema.optional<vmsim::Frequency>("frequency", vmsim::Frequency{1'000'000}, "Rate the count goes down at");
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(10, sc_core::SC_NS),
                                    "Latency of a register access");
  vmsim::InterruptLine::declare(schema);
  return schema;
}

CountdownTimer::CountdownTimer(const sc_core::sc_module_name& name, vmsim::ComponentContext& context)
    : Component(name, context) {
  vmsim::Params& params = context.params;
  map_on_bus(bank_.socket, params);
  frequency_ = params.get<vmsim::Frequency>("frequency");
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  interrupt_.read(params);

  bank_.add(vmsim::RegisterSpec("load", regs::load));
  bank_.add(vmsim::RegisterSpec("control", regs::control)
                .mask(regs::start | regs::periodic | regs::interrupt_enable)
                .on_write([this](const vmsim::RegisterWrite& write) {
                  running_ = false;
                  expiry_.cancel();
                  if ((write.value & regs::start) != 0) start(write.at);
                  update_interrupt();
                }));
  bank_.add(vmsim::RegisterSpec("value", regs::value)
                .access(vmsim::RegisterAccess::read_only)
                .on_read([this](const vmsim::RegisterRead& read) -> std::uint64_t {
                  if (!running_) return 0;
                  const std::uint64_t load = bank_.value(regs::load);
                  const std::uint64_t elapsed = frequency_.cycle_at(read.at) - frequency_.cycle_at(started_);
                  return elapsed >= load ? 0 : load - elapsed;
                }));
  bank_.add(vmsim::RegisterSpec("status", regs::status)
                .access(vmsim::RegisterAccess::write_one_to_clear)
                .mask(1)
                .on_write([this](const vmsim::RegisterWrite&) { update_interrupt(); }));

  SC_METHOD(expire);
  sensitive << expiry_;
  dont_initialize();
}

void CountdownTimer::resolve(const Lookup& find) { interrupt_.connect(find, basename(), basename()); }

void CountdownTimer::start(const sc_core::sc_time& at) {
  running_ = true;
  started_ = at;
  // An expiry at the start's time (LOAD 0) happens at once; a write ahead of simulated time
  // expires at its own time plus the count.
  const sc_core::sc_time due = at + frequency_.cycles(bank_.value(regs::load));
  expiry_.notify(due > sc_core::sc_time_stamp() ? due - sc_core::sc_time_stamp() : sc_core::SC_ZERO_TIME);
}

void CountdownTimer::expire() {
  ++expirations_;
  vmsim::Register& status = bank_.at(regs::status);
  status.set(status.value() | 1);
  if ((bank_.value(regs::control) & regs::periodic) != 0 && bank_.value(regs::load) != 0)
    start(started_ + frequency_.cycles(bank_.value(regs::load)));
  else
    running_ = false;
  update_interrupt();
}

void CountdownTimer::update_interrupt() {
  interrupt_.set((bank_.value(regs::status) & 1) != 0 && (bank_.value(regs::control) & regs::interrupt_enable) != 0);
}

}  // namespace countdown
