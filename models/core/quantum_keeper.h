// Temporal decoupling with the platform's quantum: TLM's quantum keeper, whose next synchronisation
// point comes from the platform's RunControl instead of TLM's one global quantum, so that two
// platforms in one process may each have their own (and a program embedding vmsim keeps its own
// global quantum for its own initiators).
#pragma once

#include <systemc>
#include <tlm>

#include <tlm_utils/tlm_quantumkeeper.h>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/run_control.h"

namespace vmsim {

class VMSIM_API QuantumKeeper final : public tlm_utils::tlm_quantumkeeper {
 public:
  explicit QuantumKeeper(const RunControl& run) : run_(run) {}

  // From now to the platform's next quantum boundary: how far an initiator that runs ahead on its
  // own (an instruction-set simulator) may go before it synchronises.
  sc_core::sc_time local_quantum() { return compute_local_quantum(); }

 protected:
  // As TLM's global quantum does it: up to the next multiple of the quantum.
  sc_core::sc_time compute_local_quantum() override;

 private:
  const RunControl& run_;
};

}  // namespace vmsim
