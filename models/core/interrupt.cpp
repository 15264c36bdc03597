#include "models/core/interrupt.h"

#include <fmt/format.h>

namespace vmsim {

void InterruptLine::declare(Params& params) {
  controller_ = params.get<std::string>("interrupt_controller", "",
                                        "Component that takes the interrupt line (empty: none)");
  where_ = params.locate("interrupt_controller");
}

void InterruptLine::connect(const Component::Lookup& find, const sc_core::sc_signal_in_if<bool>& line,
                            const std::string& owner) const {
  if (controller_.empty()) return;
  const std::string path = fmt::format("components.{}.interrupt_controller", owner);
  auto* controller = dynamic_cast<InterruptController*>(&find(controller_, where_, path));
  if (controller == nullptr) throw ConfigError(fmt::format("{}: {}: '{}' takes no interrupts", where_, path, controller_));
  controller->connect_interrupt(line, owner);
}

}  // namespace vmsim
