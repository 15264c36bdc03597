#include "vmsim/models/interconnect/external_port.h"

namespace vmsim {
namespace {

const Connection port{
    "port", "bus", "Component the outside initiator's transactions go to", {{"router"}, {"mmu", true}}};

}  // namespace

ParamSchema ExternalPort::parameters() {
  ParamSchema schema;
  declare_connection(schema, port);
  return schema;
}

ExternalPort::ExternalPort(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  connect(initiator, context.params, port);
  target.register_b_transport(this, &ExternalPort::b_transport);
  target.register_nb_transport_fw(this, &ExternalPort::nb_transport_fw);
  target.register_transport_dbg(this, &ExternalPort::transport_dbg);
  target.register_get_direct_mem_ptr(this, &ExternalPort::get_direct_mem_ptr);
  initiator.register_nb_transport_bw(this, &ExternalPort::nb_transport_bw);
  initiator.register_invalidate_direct_mem_ptr(this, &ExternalPort::invalidate_direct_mem_ptr);
}

void ExternalPort::count(const tlm::tlm_generic_payload& trans) {
  ++transactions_;
  bytes_ += trans.get_data_length();
}

void ExternalPort::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  count(trans);
  initiator->b_transport(trans, delay);
  if (trans.is_response_error()) ++errors_;
}

tlm::tlm_sync_enum ExternalPort::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) count(trans);
  const tlm::tlm_sync_enum status = initiator->nb_transport_fw(trans, phase, delay);
  if ((status == tlm::TLM_COMPLETED || phase == tlm::BEGIN_RESP) && trans.is_response_error()) ++errors_;
  return status;
}

tlm::tlm_sync_enum ExternalPort::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                 sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_RESP && trans.is_response_error()) ++errors_;
  return target->nb_transport_bw(trans, phase, delay);
}

unsigned ExternalPort::transport_dbg(tlm::tlm_generic_payload& trans) { return initiator->transport_dbg(trans); }

bool ExternalPort::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  return initiator->get_direct_mem_ptr(trans, dmi);
}

void ExternalPort::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  target->invalidate_direct_mem_ptr(start, end);
}

}  // namespace vmsim
