#include "models/core/register_target.h"

#include <cstring>

#include "models/core/registers.h"

namespace vmsim {

RegisterTarget::RegisterTarget(const char* socket_name, Registers& registers, std::uint64_t block_size,
                               const sc_core::sc_time& latency, Counter& errors)
    : socket(socket_name), registers_(registers), block_size_(block_size), latency_(latency), errors_(errors) {
  socket.register_b_transport(this, &RegisterTarget::b_transport);
  socket.register_transport_dbg(this, &RegisterTarget::transport_dbg);
}

void RegisterTarget::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const tlm::tlm_response_status status = access(trans, sc_core::sc_time_stamp() + delay, false);
  trans.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE) ++errors_;
  delay += latency_;
}

unsigned RegisterTarget::transport_dbg(tlm::tlm_generic_payload& trans) {
  if (!trans.is_read()) return 0;
  trans.set_response_status(access(trans, sc_core::sc_time_stamp(), true));
  return trans.is_response_ok() ? 8 : 0;
}

tlm::tlm_response_status RegisterTarget::access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at,
                                                bool debug) {
  if (const auto status = register_access_status(trans, block_size_); status != tlm::TLM_OK_RESPONSE) return status;
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) return tlm::TLM_COMMAND_ERROR_RESPONSE;
  std::uint64_t value = 0;
  if (trans.is_read()) {
    const auto status = registers_.read_register(trans.get_address(), at, debug, value);
    if (status == tlm::TLM_OK_RESPONSE) std::memcpy(trans.get_data_ptr(), &value, 8);
    return status;
  }
  std::memcpy(&value, trans.get_data_ptr(), 8);
  return registers_.write_register(trans.get_address(), at, value);
}

}  // namespace vmsim
