// The system bus: decodes physical addresses by the address map that the mapped components declare,
// forwards each transaction to its target with the target-relative address, and adds one hop of
// latency. Blocking and non-blocking (approximately-timed) transactions are both routed.
// Transactions are forwarded, never copied. No TLM direct memory interface is offered, as every
// access must be timed by its target; an initiator may instead reach a memory that times its
// accesses itself by direct call (models/core/direct_memory.h), with this bus's hop latency and
// counts applied as if the transaction had crossed it.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/direct_memory.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API Router final : public Component, public Interconnect, public MemoryRouting {
 public:
  // Sockets (TLM-2.0 base protocol, any number of initiators and targets): b_transport,
  // nb_transport (each response back to the initiator its request came from) and transport_dbg
  // pass through with the address made relative to the target's base and given back on return, one
  // hop_latency added; extensions pass untouched. An address no target maps, or a range that leaves
  // its target's, answers TLM_ADDRESS_ERROR_RESPONSE. No DMI offered.
  tlm_utils::multi_passthrough_target_socket<Router> target{"target"};
  tlm_utils::multi_passthrough_initiator_socket<Router> initiator{"initiator"};

  static ParamSchema parameters();
  Router(const sc_core::sc_module_name& name, ComponentContext& context);

  TargetSocket* target_socket() override { return &target; }
  void attach(const MappedTarget& mapped) override;
  std::vector<MemoryRoute> memory_routes(const Component::Lookup& find) override;

 private:
  struct Route {
    std::uint64_t base;
    std::uint64_t last;  // inclusive, so a range may end at 2^64 - 1
    unsigned port;
  };

  void b_transport(int initiator_id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(int initiator_id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(int target_id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay);
  unsigned transport_dbg(int initiator_id, tlm::tlm_generic_payload& trans);
  // The route that holds all of [address, address + length), or nullptr.
  const Route* decode(std::uint64_t address, std::uint64_t length) const;

  sc_core::sc_time hop_latency_;
  std::vector<Route> routes_;  // sorted by base, disjoint
  // The route decoded last: most transactions go where the one before went (DRAM), and checking it
  // first spares the binary search.
  mutable const Route* last_route_ = nullptr;
  std::vector<MappedTarget> attached_;
  // Non-blocking transactions in flight: where each came from and which target it went to.
  struct InFlight {
    int initiator;
    const Route* route;
  };
  std::unordered_map<const tlm::tlm_generic_payload*, InFlight> in_flight_;

  Counter transactions_{stats(), "transactions", "Transactions routed to a target"};
  Counter decode_errors_{stats(), "decode_errors", "Transactions to an address no target maps"};
  Counter bytes_{stats(), "bytes", "Data bytes of routed transactions"};
};

}  // namespace vmsim
