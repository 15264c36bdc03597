#include "models/devices/gpio.h"

#include <filesystem>

#include <fmt/format.h>

namespace vmsim {

Gpio::Gpio(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const auto latency = params.get<sc_core::sc_time>("register_latency", sc_core::sc_time(5, sc_core::SC_NS),
                                                    "Latency of a register access");
  RegisterTarget::Registers& registers = *this;
  target_.emplace("target", registers, gpio_regs::block_size, latency, errors_);
  // A whole page, so that a kernel can map it into a process.
  map_on_bus(target_->socket, params, 4096, "GPIO's registers");
  const auto count = params.get<unsigned>("pins", 32, "Number of pins, 1 to 64");
  if (!params.listing() && (count == 0 || count > 64)) params.fail("pins", "must be from 1 to 64");
  interrupt_.declare(params);
  const auto stimulus = params.get<std::string>(
      "stimulus", "", "File of pin changes, 'TIME PIN LEVEL' a line, relative to this configuration's folder");
  const std::string stimulus_file = stimulus.empty() ? "" : params.resolve_path(stimulus);
  trace_ = params.get<bool>("trace", false, "Write the pins' waveforms to <name>.vcd in the output folder");
  if (params.listing()) return;
  if (!stimulus.empty()) stimulus_ = read_pin_stimulus(stimulus_file, count);
  trace_file_ = (std::filesystem::path(context.output_directory) / basename()).string();

  mask_ = count == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
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

tlm::tlm_response_status Gpio::read_register(std::uint64_t offset, const sc_core::sc_time& /*at*/, bool debug,
                                             std::uint64_t& value) {
  switch (offset) {
    case gpio_regs::data_out: value = data_out_; break;
    case gpio_regs::data_in: value = levels(); break;
    case gpio_regs::direction: value = direction_; break;
    case gpio_regs::irq_enable: value = irq_enable_; break;
    case gpio_regs::irq_rise: value = irq_rise_; break;
    case gpio_regs::irq_fall: value = irq_fall_; break;
    case gpio_regs::irq_status: value = irq_status_; break;
    default: value = 0; break;  // SET and CLEAR read as zero
  }
  if (!debug) ++reads_;
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status Gpio::write_register(std::uint64_t offset, const sc_core::sc_time& at, std::uint64_t value) {
  value &= mask_;
  switch (offset) {
    case gpio_regs::data_out: data_out_ = value; break;
    case gpio_regs::set: data_out_ |= value; break;
    case gpio_regs::clear: data_out_ &= ~value; break;
    case gpio_regs::direction: direction_ = value; break;
    case gpio_regs::irq_enable: irq_enable_ = value; break;
    case gpio_regs::irq_rise: irq_rise_ = value; break;
    case gpio_regs::irq_fall: irq_fall_ = value; break;
    case gpio_regs::irq_status: irq_status_ &= ~value; break;
    default: return tlm::TLM_COMMAND_ERROR_RESPONSE;  // DATA_IN is read-only
  }
  ++writes_;
  if (offset == gpio_regs::data_out || offset == gpio_regs::set || offset == gpio_regs::clear ||
      offset == gpio_regs::direction) {
    updates_.push_back(OutputUpdate{at, data_out_, direction_});
    update_due_.notify(updates_.front().at - sc_core::sc_time_stamp());
  }
  update_interrupt();
  return tlm::TLM_OK_RESPONSE;
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
  irq_status_ |= (changed & now & irq_rise_) | (changed & ~now & irq_fall_);
  last_levels_ = now;
  update_interrupt();
}

void Gpio::update_interrupt() {
  const bool level = (irq_status_ & irq_enable_) != 0;
  if (interrupt_.set(level)) ++interrupts_;
  traced_irq_.write(level);
}

void Gpio::play_stimulus() {
  for (const PinChange& change : stimulus_) {
    if (change.time > sc_core::sc_time_stamp()) sc_core::wait(change.time - sc_core::sc_time_stamp());
    pins_[change.pin]->write(change.level);
  }
}

}  // namespace vmsim
