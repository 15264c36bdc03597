// The bus side of a device's registers. A device declares each register (or array of registers,
// one per hart for instance) where it uses them, and any window of bytes that software reads and
// writes at any naturally aligned width (a configuration space); the bank decodes each access,
// checks it, answers with the TLM error the rules give, adds its latency and counts accesses:
//   - byte enables: TLM_BYTE_ENABLE_ERROR_RESPONSE;
//   - a streaming width under the length, or a size other than the register's width (or, for a
//     register declared with halves(), 4 bytes; in a window: other than 1, 2, 4 or 8 bytes, or
//     passing the window's end): TLM_BURST_ERROR_RESPONSE;
//   - an offset where no register starts (misaligned, a hole, beyond the block; in a window, an
//     offset not aligned to the access's size), but for the upper half of a register declared with
//     halves(): TLM_ADDRESS_ERROR_RESPONSE;
//   - a write to a read-only register (or one refusing writes now), a read of a write-only one, an
//     ignore command: TLM_COMMAND_ERROR_RESPONSE.
// Debug reads have no side effects and are not counted. Debug writes are refused unless they would
// only change a stored value: a write callback may have effects (pins, lines, timers, commands)
// that a debugger must not cause.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <tlm_utils/simple_target_socket.h>
#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/register.h"
#include "vmsim/models/core/stats.h"

namespace vmsim {

// A window of bytes in a register block, served by the device's callbacks: `offset` is from the
// window's start, `data` holds `length` bytes in the bus's (little-endian) order. A debug read must
// have no side effects; a window with a write callback refuses debug writes.
struct VMSIM_API RegisterWindow {
  using Read = std::function<void(std::uint64_t offset, std::uint8_t* data, unsigned length, bool debug)>;
  using Write = std::function<void(std::uint64_t offset, const std::uint8_t* data, unsigned length)>;
  std::string name;
  std::uint64_t offset;
  std::uint64_t size;
  Read read;
  Write write;  // none: writes are refused (TLM_COMMAND_ERROR_RESPONSE)
};

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
  // Declares a window; it must not overlap a register or another window.
  void add_window(RegisterWindow window);

  // The register that starts at `offset`; std::out_of_range if none does.
  Register& at(std::uint64_t offset);
  const Register& at(std::uint64_t offset) const;
  std::uint64_t value(std::uint64_t offset) const { return at(offset).value(); }
  // The block's size: the end of its last register or window.
  std::uint64_t size() const;
  // Every register back to its reset value.
  void reset();

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  // The register the access goes to and the byte of it where the access starts (4 for an upper
  // half), or the error to answer with.
  tlm::tlm_response_status decode(const tlm::tlm_generic_payload& trans, Register*& target, unsigned& part) const;
  tlm::tlm_response_status access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at, bool debug);
  tlm::tlm_response_status access_window(tlm::tlm_generic_payload& trans, const RegisterWindow& window, bool debug);
  // The register starting at `offset`, or null.
  Register* find(std::uint64_t offset) const;
  Register& starting_at(std::uint64_t offset) const;
  // The window holding `offset`, or null.
  const RegisterWindow* window_at(std::uint64_t offset) const;
  // Enters `added`, which overlaps nothing, in the decode table.
  void enter(Register& added);

  std::deque<Register> registers_;  // a deque, so that references stay valid as registers are added
  // The register covering each slot, null in holes. A slot is as wide as the narrowest register.
  std::vector<Register*> decode_;
  unsigned slot_shift_ = 2;  // log2 of the slot's bytes
  std::vector<RegisterWindow> windows_;
  sc_core::sc_time latency_;
  Counters counters_;
};

}  // namespace vmsim
