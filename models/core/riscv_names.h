// The names RISC-V's assembly and its debuggers give to registers: the ABI's names of the integer
// and floating-point registers, and the CSRs' standard names. GDB's target description and the rv64
// hart's disassembler share them.
#pragma once

#include <array>
#include <string>

#include "vmsim/models/core/export.h"

namespace vmsim::riscv {

inline constexpr std::array<const char*, 32> integer_names = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
    "a6",   "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
inline constexpr std::array<const char*, 32> float_names = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

// The standard name of CSR `number` (riscv privileged specification 1.12: unprivileged counters and
// floating-point CSRs, supervisor, machine, debug and trigger CSRs), or "csr0x<number>".
VMSIM_API std::string csr_name(unsigned number);

}  // namespace vmsim::riscv
