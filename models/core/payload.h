// Setting a generic payload up for one plain access: the fields every initiator fills the same way.
#pragma once

#include <cstdint>

#include <tlm>

namespace vmsim {

// Command, address, data and length; streaming width equal to the length (no streaming), no byte
// enables, and an incomplete response for the target to fill in.
inline void prepare_payload(tlm::tlm_generic_payload& trans, tlm::tlm_command command, std::uint64_t address,
                            void* data, unsigned length) {
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(static_cast<unsigned char*>(data));
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

}  // namespace vmsim
