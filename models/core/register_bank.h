// The bus side of a device's registers. A device declares each register (or array of registers,
// one per hart for instance) where it uses them; the bank decodes each access, checks it, answers
// with the TLM error the rules give, adds its latency and counts accesses:
//   - byte enables: TLM_BYTE_ENABLE_ERROR_RESPONSE;
//   - a streaming width under the length, or a size other than the register's width:
//     TLM_BURST_ERROR_RESPONSE;
//   - an offset where no register starts (misaligned, a hole, beyond the block):
//     TLM_ADDRESS_ERROR_RESPONSE;
//   - a write to a read-only register (or one refusing writes now), a read of a write-only one, an
//     ignore command: TLM_COMMAND_ERROR_RESPONSE.
// Debug reads have no side effects and are not counted. Debug writes are refused unless they would
// only change a stored value: a write callback may have effects (pins, lines, timers, commands)
// that a debugger must not cause.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/register.h"
#include "vmsim/models/core/stats.h"

namespace vmsim {

class VMSIM_API RegisterBank {
 public:
  // The owner's statistics the bank counts in; any may be null ({} counts in none).
  struct Counters {
    Counter* reads;   // reads answered
    Counter* writes;  // writes accepted
    Counter* errors;  // accesses answered with an error
  };

  tlm_utils::simple_target_socket<RegisterBank> socket;

  // Made while its owner's module is being built, so that the socket is the owner's `socket_name`.
  explicit RegisterBank(const char* socket_name, Counters counters = {});

  // The time every bus access adds to the initiator's delay.
  void set_latency(const sc_core::sc_time& latency) { latency_ = latency; }

  // Declares a register; its offset must be aligned to its width and free.
  Register& add(const RegisterSpec& spec);
  // Declares `count` registers like `first`, `stride` bytes apart; element i is told index i.
  void add_array(const RegisterSpec& first, unsigned count, std::uint64_t stride);

  // The register that starts at `offset`; std::out_of_range if none does.
  Register& at(std::uint64_t offset);
  const Register& at(std::uint64_t offset) const;
  std::uint64_t value(std::uint64_t offset) const { return at(offset).value(); }
  // The block's size: the end of its last register.
  std::uint64_t size() const { return decode_.size() * slot_bytes; }
  // Every register back to its reset value.
  void reset();

 private:
  static constexpr std::uint64_t slot_bytes = 4;  // the narrowest register

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  // The register the access goes to, or the error to answer with.
  tlm::tlm_response_status decode(const tlm::tlm_generic_payload& trans, Register*& target) const;
  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at, bool debug);
  // The register starting at `offset`, or null.
  Register* find(std::uint64_t offset) const;
  Register& starting_at(std::uint64_t offset) const;

  std::deque<Register> registers_;  // a deque, so that references stay valid as registers are added
  std::vector<Register*> decode_;   // the register covering each 4-byte slot, null in holes
  sc_core::sc_time latency_;
  Counters counters_;
};

}  // namespace vmsim
