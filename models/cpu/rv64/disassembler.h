// A compact RV64GC disassembler working from the decoder's decoded form: what the instruction trace
// prints. Operands by their ABI names, immediates in decimal, branch and jump targets as absolute
// addresses, CSRs by their standard names, rounding modes other than dynamic by name; a compressed
// instruction shows as the instruction it expands to. Canonical forms, no pseudo-instructions
// (`addi a0,zero,1`, not `li a0,1`), so that every field of the decoded form is seen.
#pragma once

#include <cstdint>
#include <string>

#include "vmsim/models/core/export.h"
#include "vmsim/models/cpu/rv64/instruction.h"

namespace vmsim::rv64 {

// `instruction`, fetched from `pc`, as text: "ld t1,0(a0)", "bne a1,zero,0x80001064".
VMSIM_API std::string disassemble(const Instruction& instruction, std::uint64_t pc);

// Which register file an instruction's rd is in: none (it writes no register, or x0), x or f.
enum class Destination : std::uint8_t { none, x, f };
Destination destination(const Instruction& instruction);

}  // namespace vmsim::rv64
