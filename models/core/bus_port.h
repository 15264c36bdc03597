// Plain timed accesses through a model's own initiator socket, as a DMA engine or a kernel's HAL
// makes them: one payload, reused; each access's delay added to the caller's.
#pragma once

#include <cstdint>

#include <tlm>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/payload.h"

namespace vmsim {

class VMSIM_API BusPort {
 public:
  explicit BusPort(tlm::tlm_initiator_socket<>& socket) : socket_(socket) {}

  // Moves `length` bytes at `address`; false if nothing, or an error, answered.
  bool read(std::uint64_t address, void* data, unsigned length, sc_core::sc_time& delay) {
    return transport(tlm::TLM_READ_COMMAND, address, data, length, delay);
  }
  bool write(std::uint64_t address, const void* data, unsigned length, sc_core::sc_time& delay) {
    // TLM-2.0 takes a non-const pointer for both directions; a write's target only reads it.
    return transport(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(data), length, delay);
  }

 private:
  bool transport(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length,
                 sc_core::sc_time& delay) {
    prepare_payload(trans_, command, address, data, length);
    socket_->b_transport(trans_, delay);
    return trans_.is_response_ok();
  }

  tlm::tlm_initiator_socket<>& socket_;
  tlm::tlm_generic_payload trans_;
};

}  // namespace vmsim
