// A TLM-2.0 base-protocol checker, put between an initiator socket and the target socket it was
// bound to: it passes every call through unchanged and checks it against the rules of IEEE
// 1666-2011 (clause numbers in the messages), on both paths:
// - a transaction starts properly initialised (14.x): response TLM_INCOMPLETE_RESPONSE, a data
//   pointer and a length above 0 (but for TLM_IGNORE_COMMAND), a byte-enable length above 0 with a
//   byte-enable pointer, a streaming width above 0, the DMI hint clear, the minimal payload option;
// - the target sets the response status (b_transport, TLM_COMPLETED, BEGIN_RESP), and nobody
//   changes the command, the data pointer, the length, the data of a write, the byte enables or the
//   streaming width on the way (14.7); an interconnect may change the address, and does;
// - b_transport: simulated time plus the annotation never goes back;
// - nb_transport (mode: at): a memory manager and a reference count, the phase sequence
//   BEGIN_REQ, END_REQ, BEGIN_RESP, END_RESP on the right paths (15.2.4), one request and one
//   response in progress per hop (15.2.6), time plus annotation never decreasing from one call to the
//   next of a transaction (15.2.7), no b_transport in a phase sequence (15.2.10);
// - debug transport: a data pointer for a length, a count no larger than the length (11.3.4);
// - DMI: a descriptor initialised by the initiator, and one granted that covers the address with a
//   pointer and the access asked for, or one refused whose range still covers it (11.2.5); an
//   invalidation's range in order.
// Each violation goes to `report` as one line naming the checker's path; the checker stops nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include <systemc>
#include <tlm>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API ProtocolChecker final : public sc_core::sc_module,
                                        public tlm::tlm_fw_transport_if<>,
                                        public tlm::tlm_bw_transport_if<> {
 public:
  tlm::tlm_target_socket<32> target{"target"};           // where the initiator's socket is bound
  tlm::tlm_initiator_socket<32> initiator{"initiator"};  // bound to the target's socket

  using Report = std::function<void(const std::string& violation)>;
  // `path` names the connection in messages ("components.cpu0.port -> system.mmu0.target").
  ProtocolChecker(const sc_core::sc_module_name& name, std::string path, Report report);

  const std::string& path() const { return path_; }
  std::uint64_t checked_calls() const { return calls_; }

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) override;
  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override;
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) override;
  unsigned transport_dbg(tlm::tlm_generic_payload& trans) override;
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override;
  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) override;

 private:
  // What the transaction's initiator set, which nobody on the way may change.
  struct Attributes {
    tlm::tlm_command command = tlm::TLM_IGNORE_COMMAND;
    unsigned char* data = nullptr;
    unsigned length = 0;
    unsigned char* byte_enables = nullptr;
    unsigned byte_enable_length = 0;
    unsigned streaming_width = 0;
    std::vector<unsigned char> written;        // the data of a write
    std::vector<unsigned char> enable_values;  // the byte enables
  };
  // A non-blocking transaction through this hop: its phase, and time plus annotation at its last call.
  struct InFlight {
    tlm::tlm_phase phase;
    sc_core::sc_time time;
    Attributes attributes;
  };

  void check_new(const tlm::tlm_generic_payload& trans, const char* call);
  static Attributes attributes_of(const tlm::tlm_generic_payload& trans);
  void check_unchanged(const tlm::tlm_generic_payload& trans, const Attributes& before, const char* call);
  void check_response_set(const tlm::tlm_generic_payload& trans, const char* call);
  void check_time(const tlm::tlm_generic_payload& trans, InFlight& state, const sc_core::sc_time& delay,
                  const char* call);
  void check_memory_manager(const tlm::tlm_generic_payload& trans, const char* call);
  // A phase that a target sends back (on the backward path, or returned with TLM_UPDATED).
  void target_phase(const tlm::tlm_generic_payload& trans, InFlight& state, const tlm::tlm_phase& phase,
                    const char* call);
  void end(const tlm::tlm_generic_payload& trans);
  void violation(const tlm::tlm_generic_payload& trans, const char* clause, const std::string& what);

  std::string path_;
  Report report_;
  std::uint64_t calls_ = 0;
  std::unordered_map<const tlm::tlm_generic_payload*, InFlight> in_flight_;
  std::unordered_map<const tlm::tlm_generic_payload*, unsigned> blocking_;  // b_transport calls under way
  const tlm::tlm_generic_payload* request_in_progress_ = nullptr;
  const tlm::tlm_generic_payload* response_in_progress_ = nullptr;
};

}  // namespace vmsim
