// Where an initiator outside the platform comes in: a program that builds a platform from a
// configuration as one module of its own design binds its own initiator socket to this component's
// socket (System::external_socket("<name>")), and every call goes on, unchanged, to the component
// `port` names: a bus, or an MMU of its own (then the program's initiator issues virtual addresses).
// Both paths are passed through: b_transport, nb_transport (forward and backward), debug transport
// and DMI. Faults come back as they would to a CPU of the platform's: TLM_GENERIC_ERROR_RESPONSE and,
// if the initiator attached one, a filled-in TranslationFault.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API ExternalPort final : public Component {
 public:
  tlm_utils::simple_target_socket<ExternalPort> target{"target"};           // the outside initiator's
  tlm_utils::simple_initiator_socket<ExternalPort> initiator{"initiator"};  // to the component `port` names

  static ParamSchema parameters();
  ExternalPort(const sc_core::sc_module_name& name, ComponentContext& context);

  // Nothing of the platform connects to it; the program binds to it.
  TargetSocket* external_socket() override { return &target; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi);
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);
  void count(const tlm::tlm_generic_payload& trans);

  Counter transactions_{stats(), "transactions", "Transactions the outside initiator issued (debug ones aside)"};
  Counter bytes_{stats(), "bytes", "Data bytes of those transactions"};
  Counter errors_{stats(), "errors", "Those answered with an error response"};
};

}  // namespace vmsim
