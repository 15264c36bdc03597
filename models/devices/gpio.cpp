#include "vmsim/models/devices/gpio.h"

#include <filesystem>

#include <fmt/format.h>

namespace vmsim {

ParamSchema Gpio::parameters() {
  ParamSchema schema;
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(5, sc_core::SC_NS),
                                    "Latency of a register access");
  // A whole page, so that a kernel can map it into a process.
  declare_mapping(schema, 4096, "GPIO's registers");
  schema.optional<unsigned>("pins", 32, "Number of pins, 1 to 64");
  InterruptLine::declare(schema);
  schema.optional<std::string>("stimulus", "",
                               "File of pin changes, 'TIME PIN LEVEL' a line, relative to this configuration's folder");
  schema.optional<bool>("trace", false, "Write the pins' waveforms to <name>.vcd in the output folder");
  return schema;
}

Gpio::Gpio(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  map_on_bus(bank_.socket, params);
  const auto count = params.get<unsigned>("pins");
  if (count == 0 || count > 64) params.fail("pins", "must be from 1 to 64");
  interrupt_.read(params);
  const auto stimulus = params.get<std::string>("stimulus");
  if (!stimulus.empty()) {
    stimulus_file_ = params.resolve_path(stimulus);
    stimulus_ = read_pin_stimulus(stimulus_file_, count);
    for (const PinChange& change : stimulus_) stimulated_pins_ |= std::uint64_t{1} << change.pin;
  }
  trace_ = params.get<bool>("trace");
  trace_file_ = (std::filesystem::path(context.output_directory) / basename()).string();

  mask_ = count == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
  declare_registers();
  for (unsigned i = 0; i < count; ++i) {
    pins_.push_back(std::make_unique<Pin>(fmt::format("pin{}", i).c_str()));
    edges_.push_back(std::make_unique<Counter>(edge_stats_, fmt::format("pin{}", i), "Level changes of the pin"));
  }
  SC_METHOD(drive_outputs);
  sensitive << update_due_;
  dont_initialize();
  SC_METHOD(watch_pins);
  for (auto& pin : pins_) sensitive << *pin;
  dont_initialize();
  if (!stimulus_.empty()) SC_THREAD(play_stimulus);
  if (trace_) {
    SC_METHOD(trace_interrupt);
    sensitive << trace_due_;
    dont_initialize();
  }
}

Gpio::~Gpio() {
  if (vcd_ != nullptr) sc_core::sc_close_vcd_trace_file(vcd_);
}

void Gpio::resolve(const Lookup& find) { interrupt_.connect(find, basename(), basename()); }

void Gpio::end_of_elaboration() {
  if (!trace_) return;
  vcd_ = sc_core::sc_create_vcd_trace_file(trace_file_.c_str());
  for (unsigned i = 0; i < pins_.size(); ++i) sc_core::sc_trace(vcd_, *pins_[i], fmt::format("pin{}", i));
  sc_core::sc_trace(vcd_, traced_irq_, "irq");
}

std::uint64_t Gpio::levels() const {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < pins_.size(); ++i) value |= std::uint64_t{pins_[i]->read()} << i;
  return value;
}

void Gpio::declare_registers() {
  const auto drive = [this](const RegisterWrite& write) { queue_outputs(write.at); };
  const auto change_data_out = [this](auto change) {
    return [this, change](const RegisterWrite& write) {
      Register& data_out = bank_.at(gpio_regs::data_out);
      data_out.set(change(data_out.value(), write.value));
      queue_outputs(write.at);
    };
  };
  const auto interrupt = [this](const RegisterWrite&) { update_interrupt(); };
  bank_.add(RegisterSpec("data_out", gpio_regs::data_out).mask(mask_).on_write(drive));
  bank_.add(RegisterSpec("data_in", gpio_regs::data_in)
                .access(RegisterAccess::read_only)
                .on_read([this](const RegisterRead&) { return levels(); }));
  bank_.add(RegisterSpec("direction", gpio_regs::direction).mask(mask_).on_write(drive));
  bank_.add(RegisterSpec("set", gpio_regs::set)
                .access(RegisterAccess::write_only_reads_zero)
                .mask(mask_)
                .on_write(change_data_out([](std::uint64_t data, std::uint64_t bits) { return data | bits; })));
  bank_.add(RegisterSpec("clear", gpio_regs::clear)
                .access(RegisterAccess::write_only_reads_zero)
                .mask(mask_)
                .on_write(change_data_out([](std::uint64_t data, std::uint64_t bits) { return data & ~bits; })));
  bank_.add(RegisterSpec("irq_enable", gpio_regs::irq_enable).mask(mask_).on_write(interrupt));
  bank_.add(RegisterSpec("irq_rise", gpio_regs::irq_rise).mask(mask_));
  bank_.add(RegisterSpec("irq_fall", gpio_regs::irq_fall).mask(mask_));
  bank_.add(RegisterSpec("irq_status", gpio_regs::irq_status)
                .access(RegisterAccess::write_one_to_clear)
                .mask(mask_)
                .on_write(interrupt));
}

void Gpio::queue_outputs(const sc_core::sc_time& at) {
  // Two drivers on one wire: the outside world's level and the GPIO's would fight.
  if (const std::uint64_t clash = bank_.value(gpio_regs::direction) & stimulated_pins_; clash != 0) {
    run().fail(fmt::format("{}: pin {} is made an output, but the stimulus {} drives it", basename(),
                           __builtin_ctzll(clash), stimulus_file_));
    return;
  }
  updates_.push_back(OutputUpdate{at, bank_.value(gpio_regs::data_out), bank_.value(gpio_regs::direction)});
  update_due_.notify(updates_.front().at - sc_core::sc_time_stamp());
}

void Gpio::drive_outputs() {
  while (!updates_.empty() && updates_.front().at <= sc_core::sc_time_stamp()) {
    const OutputUpdate update = updates_.front();
    updates_.pop_front();
    for (unsigned i = 0; i < pins_.size(); ++i)
      if ((update.direction >> i) & 1) pins_[i]->write(((update.data_out >> i) & 1) != 0);
  }
  if (!updates_.empty()) update_due_.notify(updates_.front().at - sc_core::sc_time_stamp());
}

void Gpio::watch_pins() {
  const std::uint64_t now = levels();
  const std::uint64_t changed = now ^ last_levels_;
  for (unsigned i = 0; i < pins_.size(); ++i)
    if ((changed >> i) & 1) {
      ++*edges_[i];
      if (pin_track_) pin_track_.instant("edge", sc_core::sc_time_stamp(), {"pin", i}, {"level", (now >> i) & 1});
    }
  Register& status = bank_.at(gpio_regs::irq_status);
  status.set(status.value() | (changed & now & bank_.value(gpio_regs::irq_rise)) |
             (changed & ~now & bank_.value(gpio_regs::irq_fall)));
  last_levels_ = now;
  update_interrupt();
}

void Gpio::update_interrupt() {
  const bool level = (bank_.value(gpio_regs::irq_status) & bank_.value(gpio_regs::irq_enable)) != 0;
  if (interrupt_.set(level)) ++interrupts_;
  if (trace_ && level != traced_level_) {
    traced_level_ = level;
    trace_due_.notify(sc_core::SC_ZERO_TIME);
  }
}

void Gpio::play_stimulus() {
  for (const PinChange& change : stimulus_) {
    if (change.time > sc_core::sc_time_stamp()) sc_core::wait(change.time - sc_core::sc_time_stamp());
    pins_[change.pin]->write(change.level);
  }
}

}  // namespace vmsim
