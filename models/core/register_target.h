// The bus side of a block of 64-bit registers: checks each access (register_access_status; an
// ignore command answers TLM_COMMAND_ERROR_RESPONSE), moves the 8 bytes, adds the block's latency
// and counts refused accesses in the owner's counter, so that a model says only what its registers
// mean. Debug reads must leave no trace; debug writes are refused, since a register write may have
// effects (pins, lines, timers, commands) that a debugger must not cause.
#pragma once

#include <cstdint>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>

#include "models/core/stats.h"

namespace vmsim {

class RegisterTarget {
 public:
  // What a model's registers mean. Each answers TLM_OK_RESPONSE, TLM_ADDRESS_ERROR_RESPONSE for an
  // offset without a register, or TLM_COMMAND_ERROR_RESPONSE for a write to a read-only one.
  class Registers {
   public:
    virtual ~Registers() = default;
    // A read that arrives at simulated time `at`; a `debug` read has no side effects.
    virtual tlm::tlm_response_status read_register(std::uint64_t offset, const sc_core::sc_time& at, bool debug,
                                                   std::uint64_t& value) = 0;
    virtual tlm::tlm_response_status write_register(std::uint64_t offset, const sc_core::sc_time& at,
                                                    std::uint64_t value) = 0;
  };

  tlm_utils::simple_target_socket<RegisterTarget> socket;

  // Made while its owner's module is being built, so that the socket is the owner's `socket_name`.
  RegisterTarget(const char* socket_name, Registers& registers, std::uint64_t block_size,
                 const sc_core::sc_time& latency, Counter& errors);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at, bool debug);

  Registers& registers_;
  std::uint64_t block_size_;
  sc_core::sc_time latency_;
  Counter& errors_;
};

}  // namespace vmsim
