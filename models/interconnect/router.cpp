#include "vmsim/models/interconnect/router.h"

#include <algorithm>

#include <fmt/format.h>

namespace vmsim {

ParamSchema Router::parameters() {
  ParamSchema schema;
  schema.optional<sc_core::sc_time>("hop_latency", sc_core::sc_time(1, sc_core::SC_NS),
                                    "Latency one transaction spends crossing the bus");
  return schema;
}

Router::Router(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  hop_latency_ = context.params.get<sc_core::sc_time>("hop_latency");
  target.register_b_transport(this, &Router::b_transport);
  target.register_transport_dbg(this, &Router::transport_dbg);
  target.register_nb_transport_fw(this, &Router::nb_transport_fw);
  initiator.register_nb_transport_bw(this, &Router::nb_transport_bw);
}

void Router::attach(const MappedTarget& mapped) {
  const std::uint64_t last = mapped.base + (mapped.size - 1);
  for (const MappedTarget& other : attached_) {
    const std::uint64_t other_last = other.base + (other.size - 1);
    if (mapped.base <= other_last && other.base <= last)
      throw ConfigError(fmt::format("{}: {} [{:#x}, {:#x}] overlaps {} [{:#x}, {:#x}] mapped at {}", mapped.where,
                                    mapped.owner, mapped.base, last, other.owner, other.base, other_last,
                                    other.where));
  }
  initiator.bind(*mapped.socket);
  const Route route{mapped.base, last, static_cast<unsigned>(attached_.size())};
  attached_.push_back(mapped);
  last_route_ = nullptr;  // the insertion moves the routes
  routes_.insert(std::upper_bound(routes_.begin(), routes_.end(), route,
                                  [](const Route& a, const Route& b) { return a.base < b.base; }),
                 route);
}

std::vector<MemoryRoute> Router::memory_routes(const Component::Lookup& find) {
  std::vector<MemoryRoute> routes;
  for (const Route& route : routes_) {
    const MappedTarget& mapped = attached_[route.port];
    auto* memory = dynamic_cast<DirectMemory*>(&find(mapped.owner, mapped.where, mapped.owner));
    if (memory != nullptr) routes.push_back({route.base, route.last, memory, hop_latency_, &transactions_, &bytes_});
  }
  return routes;
}

const Router::Route* Router::decode(std::uint64_t address, std::uint64_t length) const {
  const auto holds = [address, length](const Route& route) {
    return address >= route.base && address <= route.last && length != 0 && length - 1 <= route.last - address;
  };
  if (last_route_ != nullptr && holds(*last_route_)) return last_route_;
  // The last route starting at or below the address is the only candidate.
  auto it = std::upper_bound(routes_.begin(), routes_.end(), address,
                             [](std::uint64_t a, const Route& route) { return a < route.base; });
  if (it == routes_.begin() || !holds(*--it)) return nullptr;
  last_route_ = &*it;
  return last_route_;
}

void Router::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const std::uint64_t address = trans.get_address();
  const Route* route = decode(address, trans.get_data_length());
  if (route == nullptr) {
    ++decode_errors_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  ++transactions_;
  bytes_ += trans.get_data_length();
  delay += hop_latency_;
  trans.set_address(address - route->base);
  initiator[route->port]->b_transport(trans, delay);
  trans.set_address(address);
}

tlm::tlm_sync_enum Router::nb_transport_fw(int initiator_id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  if (phase != tlm::BEGIN_REQ) {
    const Route* route = in_flight_.at(&trans).route;
    const tlm::tlm_sync_enum status = initiator[route->port]->nb_transport_fw(trans, phase, delay);
    if (status == tlm::TLM_COMPLETED || phase == tlm::END_RESP) in_flight_.erase(&trans);
    return status;
  }
  const std::uint64_t address = trans.get_address();
  const Route* route = decode(address, trans.get_data_length());
  if (route == nullptr) {
    ++decode_errors_;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  ++transactions_;
  bytes_ += trans.get_data_length();
  delay += hop_latency_;
  in_flight_[&trans] = InFlight{initiator_id, route};
  // The target sees its own offset until the response comes back.
  trans.set_address(address - route->base);
  const tlm::tlm_sync_enum status = initiator[route->port]->nb_transport_fw(trans, phase, delay);
  if (status == tlm::TLM_COMPLETED || phase == tlm::BEGIN_RESP) trans.set_address(address);
  if (status == tlm::TLM_COMPLETED) in_flight_.erase(&trans);
  return status;
}

tlm::tlm_sync_enum Router::nb_transport_bw(int, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  const InFlight flight = in_flight_.at(&trans);
  if (phase == tlm::BEGIN_RESP) trans.set_address(trans.get_address() + flight.route->base);
  const tlm::tlm_sync_enum status = target[flight.initiator]->nb_transport_bw(trans, phase, delay);
  if (status == tlm::TLM_COMPLETED || phase == tlm::END_RESP) in_flight_.erase(&trans);
  return status;
}

unsigned Router::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const std::uint64_t address = trans.get_address();
  const Route* route = decode(address, trans.get_data_length());
  if (route == nullptr) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return 0;
  }
  trans.set_address(address - route->base);
  const unsigned count = initiator[route->port]->transport_dbg(trans);
  trans.set_address(address);
  return count;
}

}  // namespace vmsim
