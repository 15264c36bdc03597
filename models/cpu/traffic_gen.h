// A CPU as a source of memory traffic: runs its workload's phases, each a pattern of loads and
// stores, one access outstanding at a time, with loosely-timed temporal decoupling. In self-checking
// mode every load is compared with a shadow copy of what this generator stored.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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
  void run_workload();
  // Issues one access at `local` (the quantum keeper's local time), which it advances by the
  // access's latency; returns false (after reporting the failure) when the run must stop.
  bool access(std::uint64_t address, bool is_read, std::uint64_t length, sc_core::sc_time& local);

  Frequency frequency_;
  bool self_check_ = true;
  std::uint64_t seed_ = 0;
  std::string process_name_;
  Privilege privilege_ = Privilege::user;
  std::vector<Phase> phases_;
  std::uint64_t shadow_base_ = 0;
  std::unique_ptr<SparseStore> shadow_;
  Random data_random_{0};

  tlm::tlm_generic_payload trans_;
  std::array<std::uint8_t, max_access_size> buffer_{};

  Counter accesses_{stats(), "accesses", "Loads and stores issued (each counted once)"};
  TransferStats transfers_{stats()};
  Counter checked_reads_{stats(), "checked_reads", "Loads compared with the shadow copy"};
  std::unique_ptr<Distribution> latency_;
};

}  // namespace vmsim
