#include "vmsim/models/core/quantum_keeper.h"

#include "vmsim/models/core/units.h"

namespace vmsim {

sc_core::sc_time QuantumKeeper::compute_local_quantum() {
  const std::uint64_t quantum = run_.quantum().value();
  if (quantum == 0) return sc_core::SC_ZERO_TIME;
  return time_of_ticks(quantum - sc_core::sc_time_stamp().value() % quantum);
}

}  // namespace vmsim
