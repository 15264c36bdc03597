#include "vmsim/models/core/interrupt.h"

#include <fmt/format.h>

namespace vmsim {

void InterruptControllerParameter::declare(ParamSchema& schema) {
  schema.optional<std::string>("interrupt_controller", "",
                               "Interrupt controller that the component's interrupt lines go to (empty: none)");
}

void InterruptControllerParameter::read(Params& params) {
  name_ = params.get<std::string>("interrupt_controller");
  where_ = params.locate("interrupt_controller");
}

InterruptController* InterruptControllerParameter::resolve(const Component::Lookup& find,
                                                           const std::string& owner) const {
  if (name_.empty()) return nullptr;
  const std::string path = fmt::format("components.{}.interrupt_controller", owner);
  auto* controller = dynamic_cast<InterruptController*>(&find(name_, where_, path));
  if (controller == nullptr) throw ConfigError(fmt::format("{}: {}: '{}' takes no interrupts", where_, path, name_));
  return controller;
}

void InterruptLine::declare(ParamSchema& schema) {
  InterruptControllerParameter::declare(schema);
  schema.optional<unsigned>("interrupt", 0,
                            "Source number of the line at the interrupt controller (0: the first one no other line "
                            "asks for, in the order components are configured)");
}

void InterruptLine::read(Params& params) {
  controller_.read(params);
  number_ = params.get<unsigned>("interrupt");
  number_where_ = params.locate("interrupt");
  if (number_ != 0 && !controller_.named()) params.fail("interrupt", "a source number needs an interrupt_controller");
}

void InterruptLine::connect(const Component::Lookup& find, const std::string& source_name, const std::string& owner) {
  if (InterruptController* controller = controller_.resolve(find, owner))
    connect(*controller, source_name, number_, number_ != 0 ? number_where_ : controller_.where(),
            fmt::format("components.{}.{}", owner, number_ != 0 ? "interrupt" : "interrupt_controller"));
}

void InterruptLine::connect(InterruptController& controller, const std::string& source_name, unsigned number,
                            const std::string& where, const std::string& path) {
  try {
    std::tie(sink_, input_) = controller.connect_source(source_name, number);
  } catch (const ConfigError& refusal) {
    throw ConfigError(fmt::format("{}: {}: {}", where, path, refusal.what()));
  }
  if (level_) sink_->set_interrupt(input_, true);
}

bool InterruptLine::set(bool level) {
  if (level == level_) return false;
  level_ = level;
  if (sink_ != nullptr) sink_->set_interrupt(input_, level);
  return level;
}

}  // namespace vmsim
