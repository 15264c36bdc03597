#include "vmsim/models/cpu/hart.h"

#include <fmt/format.h>

namespace vmsim {
namespace {

const Connection port{
    "port", "bus", "Component the hart's accesses go to: the bus, or an MMU of its own", {{"router"}, {"mmu", true}}};

}  // namespace

void Hart::declare_parameters(ParamSchema& schema) {
  schema.optional<Frequency>("frequency", Frequency{2'000'000'000}, "Clock of the hart, which cycle counts count in");
  declare_connection(schema, port);
  schema.optional<std::string>("interrupt_controller", "",
                               "Interrupt controller whose external interrupts the hart takes (empty: none)");
  schema.optional<std::string>(
      "timer", "", "Timer whose time the hart reads and whose timer and software interrupts it takes (empty: none)");
}

Hart::Hart(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  frequency_ = params.get<Frequency>("frequency");
  connect(initiator, params, port);
  controller_ = {params.get<std::string>("interrupt_controller"), params.locate("interrupt_controller")};
  timer_ = {params.get<std::string>("timer"), params.locate("timer")};
  initiator.register_nb_transport_bw(this, &Hart::nb_transport_bw);
}

void Hart::find_interrupt_sources(const Lookup& find) {
  const auto path = [this](std::string_view key) { return fmt::format("components.{}.{}", basename(), key); };
  if (!controller_.name.empty() && controller_.component == nullptr) {
    controller_.component = &find(controller_.name, controller_.where, path("interrupt_controller"));
    controller_inputs_ = dynamic_cast<InterruptController*>(controller_.component);
    if (controller_inputs_ == nullptr)
      throw ConfigError(fmt::format("{}: {}: '{}' is not an interrupt controller", controller_.where,
                                    path("interrupt_controller"), controller_.name));
  }
  if (!timer_.name.empty() && timer_.component == nullptr) {
    timer_.component = &find(timer_.name, timer_.where, path("timer"));
    time_source_ = dynamic_cast<TimeSource*>(timer_.component);
    if (time_source_ == nullptr)
      throw ConfigError(fmt::format("{}: {}: '{}' is not a timer", timer_.where, path("timer"), timer_.name));
    timer_inputs_ = dynamic_cast<HartInterruptSource*>(timer_.component);
  }
}

void Hart::connect_interrupts(const Lookup& find, unsigned hart) {
  find_interrupt_sources(find);
  if (controller_inputs_ != nullptr) controller_inputs_->connect_hart(hart, *this);
  if (timer_inputs_ != nullptr) timer_inputs_->connect_hart(hart, *this);
}

void Hart::set_interrupt(unsigned input, bool level) {
  const std::uint64_t bit = std::uint64_t{1} << input;
  if (level) {
    if ((inputs_ & bit) == 0) raised_.notify(sc_core::SC_ZERO_TIME);
    inputs_ |= bit;
  } else {
    inputs_ &= ~bit;
  }
}

tlm::tlm_sync_enum Hart::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& /*phase*/,
                                         sc_core::sc_time& /*delay*/) {
  // Only a hart that puts several accesses in flight uses the non-blocking protocol.
  trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  return tlm::TLM_COMPLETED;
}

}  // namespace vmsim
