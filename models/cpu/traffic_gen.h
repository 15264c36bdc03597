// A CPU as a source of memory traffic: runs its workload's phases, each a pattern of loads and
// stores. With one access outstanding (the default) it is loosely timed: blocking transport with
// temporal decoupling. With more, it is approximately timed: it issues through the non-blocking
// base protocol, up to `outstanding` accesses in flight. In self-checking mode every load is
// compared with a shadow copy of what this generator had stored when the load was issued.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/core/access_extension.h"
#include "models/core/component.h"
#include "models/core/transfer_stats.h"
#include "models/core/units.h"
#include "models/cpu/access_pattern.h"
#include "models/memory/sparse_store.h"

namespace vmsim {

class TrafficGen final : public Component {
 public:
  static constexpr std::uint64_t max_access_size = 4096;

  tlm_utils::simple_initiator_socket<TrafficGen> initiator{"initiator"};

  SC_HAS_PROCESS(TrafficGen);
  TrafficGen(const sc_core::sc_module_name& name, ComponentContext& context);

 private:
  struct Phase {
    AccessPattern::Spec pattern;
    std::uint64_t count = 0;
    std::uint64_t read_threshold = 0;  // an access is a read when a 64-bit draw is below this
    bool all_reads = false;
    sc_core::sc_time think_time;
  };

  void read_process(Params& process);
  Phase read_phase(Params& phase);
  // One access in flight: its payload, its data, and for a load the bytes it must return.
  struct Slot {
    tlm::tlm_generic_payload trans;
    std::array<std::uint8_t, max_access_size> data{};
    std::array<std::uint8_t, max_access_size> expected{};
    sc_core::sc_time issued;
    bool busy = false;
  };

  void run_workload();
  // Fills `slot` for an access: a store's data (and the shadow), or a load's expected bytes.
  void prepare(Slot& slot, std::uint64_t address, bool is_read, std::uint64_t length);
  // Accounts a finished access; returns false (after reporting the failure) when the run must stop.
  bool complete(Slot& slot, const sc_core::sc_time& latency);
  // Approximately timed: issues one access when a slot is free; false when the run must stop.
  bool issue(std::uint64_t address, bool is_read, std::uint64_t length);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void collect_responses();
  Slot& slot_of(const tlm::tlm_generic_payload& trans);

  Frequency frequency_;
  bool self_check_ = true;
  std::uint64_t seed_ = 0;
  std::string process_name_;
  Privilege privilege_ = Privilege::user;
  std::vector<Phase> phases_;
  std::uint64_t shadow_base_ = 0;
  std::unique_ptr<SparseStore> shadow_;
  Random data_random_{0};

  std::vector<std::unique_ptr<Slot>> slots_;  // `outstanding` of them
  unsigned in_flight_ = 0;
  bool awaiting_end_request_ = false;
  sc_core::sc_event end_request_;
  sc_core::sc_event slot_freed_;
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> responses_{"responses"};

  Counter accesses_{stats(), "accesses", "Loads and stores issued (each counted once)"};
  TransferStats transfers_{stats()};
  Counter checked_reads_{stats(), "checked_reads", "Loads compared with the shadow copy"};
  std::unique_ptr<Distribution> latency_;
};

}  // namespace vmsim
