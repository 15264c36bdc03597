#include "models/devices/gpio.h"

#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "models/core/registers.h"

namespace vmsim {

Gpio::Gpio(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  // A whole page, so that a kernel can map it into a process.
  map_on_bus(target, params, 4096, "GPIO's registers");
  const auto count = params.get<unsigned>("pins", 32, "Number of pins, 1 to 64");
  if (!params.listing() && (count == 0 || count > 64)) params.fail("pins", "must be from 1 to 64");
  latency_ = params.get<sc_core::sc_time>("register_latency", sc_core::sc_time(5, sc_core::SC_NS),
                                          "Latency of a register access");
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
  target.register_b_transport(this, &Gpio::b_transport);
  target.register_transport_dbg(this, &Gpio::transport_dbg);
  SC_METHOD(drive_outputs);
  sensitive << update_due_;
  dont_initialize();
  SC_METHOD(watch_pins);
  for (auto& pin : pins_) sensitive << *pin;
  dont_initialize();
  SC_METHOD(drive_interrupt);
  sensitive << interrupt_changed_;
  dont_initialize();
  SC_METHOD(count_interrupt);
  sensitive << irq_.posedge_event();
  dont_initialize();
  if (!stimulus_.empty()) SC_THREAD(play_stimulus);
}

Gpio::~Gpio() {
  if (vcd_ != nullptr) sc_core::sc_close_vcd_trace_file(vcd_);
}

void Gpio::resolve(const Lookup& find) { interrupt_.connect(find, irq_, basename()); }

void Gpio::end_of_elaboration() {
  if (!trace_) return;
  vcd_ = sc_core::sc_create_vcd_trace_file(trace_file_.c_str());
  for (unsigned i = 0; i < pins_.size(); ++i) sc_core::sc_trace(vcd_, *pins_[i], fmt::format("pin{}", i));
  sc_core::sc_trace(vcd_, irq_, "irq");
}

std::uint64_t Gpio::levels() const {
  std::uint64_t value = 0;
  for (unsigned i = 0; i < pins_.size(); ++i) value |= std::uint64_t{pins_[i]->read()} << i;
  return value;
}

void Gpio::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const tlm::tlm_response_status status = access(trans, sc_core::sc_time_stamp() + delay, false);
  trans.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE) ++errors_;
  delay += latency_;
}

unsigned Gpio::transport_dbg(tlm::tlm_generic_payload& trans) {
  // Debug reads see the registers; debug writes would move pins, so they are refused.
  if (!trans.is_read()) return 0;
  const tlm::tlm_response_status status = access(trans, sc_core::sc_time_stamp(), true);
  trans.set_response_status(status);
  return status == tlm::TLM_OK_RESPONSE ? 8 : 0;
}

tlm::tlm_response_status Gpio::access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at, bool debug) {
  const std::uint64_t offset = trans.get_address();
  if (const auto status = register_access_status(trans, register_block_size); status != tlm::TLM_OK_RESPONSE)
    return status;
  std::uint64_t value = 0;
  if (trans.is_read()) {
    switch (offset) {
      case reg_data_out: value = data_out_; break;
      case reg_data_in: value = levels(); break;
      case reg_direction: value = direction_; break;
      case reg_irq_enable: value = irq_enable_; break;
      case reg_irq_rise: value = irq_rise_; break;
      case reg_irq_fall: value = irq_fall_; break;
      case reg_irq_status: value = irq_status_; break;
      default: value = 0; break;  // SET and CLEAR read as zero
    }
    std::memcpy(trans.get_data_ptr(), &value, 8);
    if (!debug) ++reads_;
    return tlm::TLM_OK_RESPONSE;
  }
  std::memcpy(&value, trans.get_data_ptr(), 8);
  value &= mask_;
  switch (offset) {
    case reg_data_out: data_out_ = value; break;
    case reg_set: data_out_ |= value; break;
    case reg_clear: data_out_ &= ~value; break;
    case reg_direction: direction_ = value; break;
    case reg_irq_enable: irq_enable_ = value; break;
    case reg_irq_rise: irq_rise_ = value; break;
    case reg_irq_fall: irq_fall_ = value; break;
    case reg_irq_status: irq_status_ &= ~value; break;
    default: return tlm::TLM_COMMAND_ERROR_RESPONSE;  // DATA_IN is read-only
  }
  ++writes_;
  if (offset == reg_data_out || offset == reg_set || offset == reg_clear || offset == reg_direction) {
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
    if ((changed >> i) & 1) ++*edges_[i];
  irq_status_ |= (changed & now & irq_rise_) | (changed & ~now & irq_fall_);
  last_levels_ = now;
  update_interrupt();
}

void Gpio::drive_interrupt() { irq_.write((irq_status_ & irq_enable_) != 0); }

void Gpio::count_interrupt() { ++interrupts_; }

void Gpio::play_stimulus() {
  for (const PinChange& change : stimulus_) {
    if (change.time > sc_core::sc_time_stamp()) sc_core::wait(change.time - sc_core::sc_time_stamp());
    pins_[change.pin]->write(change.level);
  }
}

}  // namespace vmsim
