// The registers of a RISC-V hart as GDB sees them, and the target description (XML) that tells GDB
// about them: architecture riscv:rv64, the features org.gnu.gdb.riscv.cpu (x0..x31, pc), .fpu (f0..f31,
// fflags, frm, fcsr, when the hart has F or D), .csr (every CSR the hart has, by its standard name)
// and .virtual (priv, the privilege mode). Registers carry their numbers from debug_target.h, which
// are also the protocol's numbers for p and P.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vmsim/models/core/debug_target.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/riscv_names.h"

namespace vmsim::gdb {

struct VMSIM_API RegisterInfo {
  enum class Feature : std::uint8_t { cpu, fpu, csr, privilege };
  unsigned number;
  std::string name;
  unsigned bytes;
  std::string type;  // GDB's: int, code_ptr, data_ptr, ieee_single, or the union riscv_double
  Feature feature;
};

class VMSIM_API TargetDescription {
 public:
  // Asks `target` for each register: those that read are described.
  static TargetDescription probe(DebugTarget& target);

  // By number.
  const std::vector<RegisterInfo>& registers() const { return registers_; }
  const RegisterInfo* find(unsigned number) const;
  // The registers a 'g' packet carries, in order: x0..x31, pc, then f0..f31 if the hart has them
  // (GDB asks for the others, CSRs and priv, with 'p').
  std::size_t g_registers() const { return g_registers_; }
  const std::string& xml() const { return xml_; }

 private:
  std::vector<RegisterInfo> registers_;
  std::size_t g_registers_ = 0;
  std::string xml_;
};

using riscv::csr_name;

}  // namespace vmsim::gdb
