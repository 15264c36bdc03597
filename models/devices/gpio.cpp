#include "vmsim/models/devices/gpio.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

namespace vmsim {

ParamSchema Gpio::parameters() {
  ParamSchema schema;
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(5, sc_core::SC_NS),
                                    "Latency of a register access");
  // A whole page, so that a kernel can map it into a process.
  declare_mapping(schema, 4096, "GPIO's registers");
  schema.optional<unsigned>("pins", 32, "Number of pins, 1 to 32");
  InterruptControllerParameter::declare(schema);
  schema.optional<std::string>("interrupts", "",
                               "Source numbers of the pins' interrupt lines at the interrupt controller, one per pin "
                               "separated by spaces (empty: the first ones no other line asks for)");
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
  if (count == 0 || count > gpio_regs::max_pins) params.fail("pins", "must be from 1 to 32");
  mask_ = count == 32 ? ~std::uint32_t{0} : (std::uint32_t{1} << count) - 1;
  controller_.read(params);
  read_interrupts(params, count);
  const auto stimulus = params.get<std::string>("stimulus");
  if (!stimulus.empty()) {
    stimulus_file_ = params.resolve_path(stimulus);
    stimulus_ = read_pin_stimulus(stimulus_file_, count);
    for (const PinChange& change : stimulus_) stimulated_pins_ |= std::uint32_t{1} << change.pin;
  }
  trace_ = params.get<bool>("trace");
  trace_file_ = (std::filesystem::path(context.output_directory) / basename()).string();

  declare_registers();
  for (unsigned i = 0; i < count; ++i) {
    pins_.push_back(std::make_unique<Pin>(fmt::format("pin{}", i).c_str()));
    edges_.push_back(std::make_unique<Counter>(edge_stats_, fmt::format("pin{}", i), "Level changes of the pin"));
  }
  lines_.resize(count);  // connected if the GPIO has an interrupt controller
  sample_inputs();       // inputs start disabled: every pin reads low
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

void Gpio::read_interrupts(Params& params, unsigned pins) {
  std::istringstream text(params.get<std::string>("interrupts"));
  numbers_where_ = params.locate("interrupts");
  for (std::string number; text >> number;) {
    try {
      numbers_.push_back(ParamTraits<unsigned>::parse(number));
    } catch (const std::invalid_argument& e) {
      params.fail("interrupts", e.what());
    }
    if (numbers_.back() == 0) params.fail("interrupts", "source numbers start at 1");
  }
  if (numbers_.empty()) return;
  if (!controller_.named()) params.fail("interrupts", "source numbers need an interrupt_controller");
  if (numbers_.size() != pins)
    params.fail("interrupts", fmt::format("gives {} source numbers for {} pins: one per pin", numbers_.size(), pins));
}

Gpio::~Gpio() {
  if (vcd_ != nullptr) sc_core::sc_close_vcd_trace_file(vcd_);
}

void Gpio::resolve(const Lookup& find) {
  InterruptController* controller = controller_.resolve(find, basename());
  if (controller == nullptr) return;
  const std::string path =
      fmt::format("components.{}.{}", basename(), numbers_.empty() ? "interrupt_controller" : "interrupts");
  for (unsigned i = 0; i < lines_.size(); ++i)
    lines_[i].connect(*controller, fmt::format("{}.pin{}", basename(), i), numbers_.empty() ? 0 : numbers_[i],
                      numbers_.empty() ? controller_.where() : numbers_where_, path);
}

void Gpio::describe(DeviceTree& tree, const Lookup& find) const {
  const MappedTarget& mapped = mapped_targets().front();
  DeviceTree::Node& node = tree.device(basename(), "gpio", mapped.base, mapped.size);
  node.set("compatible", "sifive,gpio0");
  node.set("gpio-controller");
  node.set("#gpio-cells", Cells().u32(2));
  node.set("ngpios", Cells().u32(pins()));
  std::vector<std::string> sources;
  for (unsigned i = 0; i < lines_.size(); ++i) sources.push_back(fmt::format("{}.pin{}", basename(), i));
  describe_interrupt(node, find, controller_.name(), sources);
}

void Gpio::end_of_elaboration() {
  if (!trace_) return;
  // SystemC opens the file as the simulation starts and cannot fail cleanly if it may not: the file
  // is made here, and one that cannot be fails the run before it starts.
  const std::string file = trace_file_ + ".vcd";
  std::FILE* made = std::fopen(file.c_str(), "w");
  if (made == nullptr) {
    run().fail(fmt::format("{}: {}: cannot create the waveform file: {}", name(), file, std::strerror(errno)));
    return;
  }
  std::fclose(made);
  vcd_ = sc_core::sc_create_vcd_trace_file(trace_file_.c_str());
  for (unsigned i = 0; i < pins_.size(); ++i) sc_core::sc_trace(vcd_, *pins_[i], fmt::format("pin{}", i));
  sc_core::sc_trace(vcd_, traced_irq_, "irq");
}

std::uint32_t Gpio::levels() const {
  std::uint32_t value = 0;
  for (unsigned i = 0; i < pins_.size(); ++i) value |= std::uint32_t{pins_[i]->read()} << i;
  return value;
}

void Gpio::declare_registers() {
  const auto drive = [this](const RegisterWrite& write) { queue_outputs(write.at); };
  const auto sample = [this](const RegisterWrite&) { sample_inputs(); };
  const auto interrupt = [this](const RegisterWrite&) { update_interrupts(); };
  const auto pin_register = [this](const char* name, std::uint64_t offset) {
    return RegisterSpec(name, offset).width(4).mask(mask_);
  };
  bank_.add(pin_register("input_val", gpio_regs::input_val)
                .access(RegisterAccess::read_only)
                .on_read([this](const RegisterRead&) { return std::uint64_t{levels() & reg(gpio_regs::input_en)}; }));
  bank_.add(pin_register("input_en", gpio_regs::input_en).on_write(sample));
  bank_.add(pin_register("output_en", gpio_regs::output_en).on_write(drive));
  bank_.add(pin_register("output_val", gpio_regs::output_val).on_write(drive));
  bank_.add(pin_register("pue", gpio_regs::pue));
  bank_.add(pin_register("ds", gpio_regs::ds));
  const auto interrupt_registers = [&](const char* enable, std::uint64_t enable_offset, const char* pending,
                                       std::uint64_t pending_offset, bool level) {
    bank_.add(pin_register(enable, enable_offset).on_write(interrupt));
    // A level's pending bit, once cleared, is set again at once while the level lasts.
    bank_.add(pin_register(pending, pending_offset)
                  .access(RegisterAccess::write_one_to_clear)
                  .on_write(level ? RegisterSpec::WriteCallback(sample) : RegisterSpec::WriteCallback(interrupt)));
  };
  interrupt_registers("rise_ie", gpio_regs::rise_ie, "rise_ip", gpio_regs::rise_ip, false);
  interrupt_registers("fall_ie", gpio_regs::fall_ie, "fall_ip", gpio_regs::fall_ip, false);
  interrupt_registers("high_ie", gpio_regs::high_ie, "high_ip", gpio_regs::high_ip, true);
  interrupt_registers("low_ie", gpio_regs::low_ie, "low_ip", gpio_regs::low_ip, true);
  bank_.add(pin_register("iof_en", gpio_regs::iof_en).on_write(drive));
  bank_.add(pin_register("iof_sel", gpio_regs::iof_sel));
  bank_.add(pin_register("out_xor", gpio_regs::out_xor).on_write(drive));
}

void Gpio::queue_outputs(const sc_core::sc_time& at) {
  const std::uint32_t driven = reg(gpio_regs::output_en) & ~reg(gpio_regs::iof_en);
  // Two drivers on one wire: the outside world's level and the GPIO's would fight.
  if (const std::uint32_t clash = driven & stimulated_pins_; clash != 0) {
    run().fail(fmt::format("{}: pin {} is made an output, but the stimulus {} drives it", basename(),
                           __builtin_ctz(clash), stimulus_file_));
    return;
  }
  updates_.push_back(OutputUpdate{at, driven, reg(gpio_regs::output_val) ^ reg(gpio_regs::out_xor)});
  update_due_.notify(updates_.front().at - sc_core::sc_time_stamp());
}

void Gpio::drive_outputs() {
  while (!updates_.empty() && updates_.front().at <= sc_core::sc_time_stamp()) {
    const OutputUpdate update = updates_.front();
    updates_.pop_front();
    for (unsigned i = 0; i < pins_.size(); ++i)
      if ((update.driven >> i) & 1) pins_[i]->write(((update.levels >> i) & 1) != 0);
  }
  if (!updates_.empty()) update_due_.notify(updates_.front().at - sc_core::sc_time_stamp());
}

void Gpio::watch_pins() {
  const std::uint32_t now = levels();
  const std::uint32_t changed = now ^ last_levels_;
  for (unsigned i = 0; i < pins_.size(); ++i)
    if ((changed >> i) & 1) {
      ++*edges_[i];
      if (pin_track_) pin_track_.instant("edge", sc_core::sc_time_stamp(), {"pin", i}, {"level", (now >> i) & 1});
    }
  last_levels_ = now;
  sample_inputs();
}

void Gpio::sample_inputs() {
  const std::uint32_t input = levels() & reg(gpio_regs::input_en);
  const std::uint32_t changed = input ^ sampled_;
  const auto set = [this](std::uint64_t offset, std::uint32_t bits) {
    Register& pending = bank_.at(offset);
    pending.set(pending.value() | bits);
  };
  set(gpio_regs::rise_ip, changed & input);
  set(gpio_regs::fall_ip, changed & ~input);
  set(gpio_regs::high_ip, input);
  set(gpio_regs::low_ip, ~input);
  sampled_ = input;
  update_interrupts();
}

void Gpio::update_interrupts() {
  const std::uint32_t requests =
      (reg(gpio_regs::rise_ip) & reg(gpio_regs::rise_ie)) | (reg(gpio_regs::fall_ip) & reg(gpio_regs::fall_ie)) |
      (reg(gpio_regs::high_ip) & reg(gpio_regs::high_ie)) | (reg(gpio_regs::low_ip) & reg(gpio_regs::low_ie));
  for (unsigned i = 0; i < lines_.size(); ++i)
    if (lines_[i].set(((requests >> i) & 1) != 0)) ++interrupts_;
  if (trace_ && (requests != 0) != traced_level_) {
    traced_level_ = requests != 0;
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
