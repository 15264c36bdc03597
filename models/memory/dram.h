// Main memory: a sparse backing store over the configured range, answering every access with its
// data and a latency.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include "models/core/component.h"
#include "models/core/transfer_stats.h"
#include "models/memory/sparse_store.h"

namespace vmsim {

class Dram final : public Component {
 public:
  tlm_utils::simple_target_socket<Dram> target{"target"};

  Dram(const sc_core::sc_module_name& name, ComponentContext& context);

  TargetSocket* target_socket() override { return &target; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  // Checks what this memory cannot serve; sets the error response and returns false.
  bool accept(tlm::tlm_generic_payload& trans) const;

  SparseStore store_;
  sc_core::sc_time read_latency_;
  sc_core::sc_time write_latency_;
  double read_latency_ns_ = 0;
  double write_latency_ns_ = 0;

  TransferStats transfers_{stats()};
  Counter errors_{stats(), "errors", "Transactions answered with an error response"};
  Average latency_{stats(), "avg_latency_ns", "Mean latency of an access in the memory, in ns"};
  Formula resident_{stats(), "host_resident_bytes", "Host memory backing the touched part of the store",
                    [this] { return static_cast<double>(store_.resident_bytes()); }};
};

}  // namespace vmsim
