#include "vmsim/models/devices/clint.h"

#include <fmt/format.h>

namespace vmsim {

ParamSchema Clint::parameters() {
  ParamSchema schema;
  schema.optional<Frequency>("frequency", Frequency{10'000'000},
                             "Rate at which MTIME ticks: the timebase frequency (10MHz, as on QEMU's virt)");
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                    "Latency of a register access");
  declare_mapping(schema, clint_regs::block_size, "CLINT's registers");
  return schema;
}

Clint::Clint(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  // Keys of the CLINT before it drove the harts' inputs itself.
  if (params.contains("harts")) params.fail("harts", "a CLINT serves every hart whose timer names it: remove this key");
  if (params.contains("interrupt_controller"))
    params.fail("interrupt_controller",
                "a CLINT drives the harts' timer and software interrupts itself: remove this key, and name the "
                "CLINT in each hart's timer");
  frequency_ = params.get<Frequency>("frequency");
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  map_on_bus(bank_.socket, params);
  bank_.add(RegisterSpec("mtime", clint_regs::mtime)
                .halves()
                .on_read([this](const RegisterRead& read) { return mtime(read.at); })
                .on_write([this](const RegisterWrite& write) {
                  mtime_offset_ = write.value - ticks(write.at);
                  for (unsigned h = 0; h < harts_.size(); ++h) update_timer(h, write.at);
                }));
}

void Clint::add_hart() {
  const auto hart = static_cast<unsigned>(harts_.size());
  harts_.push_back(std::make_unique<Hart>());
  bank_.add(RegisterSpec(fmt::format("msip{}", hart), clint_regs::msip(hart))
                .width(4)
                .mask(clint_regs::msip_pending)
                .on_write([this, hart](const RegisterWrite& write) {
                  set_line(*harts_[hart], hart_irq::machine_software, write.value != 0);
                }));
  bank_.add(RegisterSpec(fmt::format("mtimecmp{}", hart), clint_regs::mtimecmp(hart))
                .halves()
                .reset(clint_regs::mtimecmp_reset)
                .on_write([this, hart](const RegisterWrite& write) { update_timer(hart, write.at); }));
  sc_core::sc_spawn_options options;
  options.spawn_method();
  options.set_sensitivity(&harts_.back()->timer_change);
  options.dont_initialize();
  sc_core::sc_spawn([this, hart] { update_timer(hart, sc_core::sc_time_stamp()); },
                    fmt::format("compare{}", hart).c_str(), &options);
}

void Clint::connect_hart(unsigned hart, InterruptSink& hart_input) {
  if (hart >= clint_regs::max_harts)
    throw ConfigError(
        fmt::format("{}: no hart {}: a CLINT serves harts 0 to {}", name(), hart, clint_regs::max_harts - 1));
  while (harts_.size() <= hart) add_hart();
  Hart& lines = *harts_[hart];
  lines.input = &hart_input;
  if (lines.timer) hart_input.set_interrupt(hart_irq::machine_timer, true);
  if (lines.software) hart_input.set_interrupt(hart_irq::machine_software, true);
}

std::uint64_t Clint::ticks(const sc_core::sc_time& at) const {
  std::uint64_t count = frequency_.cycle_at(at);
  if (frequency_.cycles(count) > at) --count;
  return count;
}

sc_core::sc_time Clint::time_of(std::uint64_t count) const {
  const std::uint64_t tick = count - mtime_offset_;  // the tick at which MTIME reads `count`
  // A tick beyond the end of simulated time never comes.
  if (tick >= frequency_.cycle_at(sc_core::sc_max_time())) return sc_core::sc_max_time();
  return frequency_.cycles(tick);
}

void Clint::update_timer(unsigned hart, const sc_core::sc_time& at) {
  Hart& lines = *harts_[hart];
  const std::uint64_t compare = bank_.value(clint_regs::mtimecmp(hart));
  const bool due = mtime(at) >= compare;
  set_line(lines, hart_irq::machine_timer, due);
  // A line that is low rises when MTIME reaches the compare; one that is high falls only when MTIME
  // wraps round to 0 (after a write near 2^64), unless the compare is 0.
  lines.timer_change.cancel();
  const sc_core::sc_time next = due ? (compare == 0 ? sc_core::sc_max_time() : time_of(0)) : time_of(compare);
  if (next > at && next != sc_core::sc_max_time()) lines.timer_change.notify(next - sc_core::sc_time_stamp());
}

void Clint::set_line(Hart& hart, unsigned input, bool level) {
  bool& line = input == hart_irq::machine_timer ? hart.timer : hart.software;
  if (line == level) return;
  line = level;
  if (level) ++(input == hart_irq::machine_timer ? timer_interrupts_ : software_interrupts_);
  if (hart.input != nullptr) hart.input->set_interrupt(input, level);
}

void Clint::describe(DeviceTree& tree, const Lookup&) const {
  const MappedTarget& mapped = mapped_targets().front();
  DeviceTree::Node& node = tree.device(basename(), "clint", mapped.base, mapped.size);
  node.set("compatible", std::vector<std::string>{"sifive,clint0", "riscv,clint0"});
  // Each hart's machine software (3) and timer (7) interrupts.
  Cells lines;
  for (unsigned h = 0; h < harts_.size(); ++h) {
    const std::string controller = DeviceTree::hart_interrupt_controller(h);
    lines.ref(controller).u32(3).ref(controller).u32(7);
  }
  node.set("interrupts-extended", std::move(lines));
  if (frequency_.hz > 0xffff'ffff)
    throw ConfigError(fmt::format("{}: a timebase of {} does not fit the device tree's 32 bits", name(),
                                  format_frequency(frequency_)));
  tree.node("/cpus").set("timebase-frequency", Cells().u32(static_cast<std::uint32_t>(frequency_.hz)));
}

}  // namespace vmsim
