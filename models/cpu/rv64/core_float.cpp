#include "models/cpu/rv64/core.h"

namespace vmsim::rv64 {

void Core::execute_float(const Instruction& in) { illegal(in); }

}  // namespace vmsim::rv64
