// A decoded RV64GC instruction: what the executor needs, in 16 bytes, so that the decoded-instruction
// cache holds many and the executor's switch reads one small record. Compressed instructions decode
// to the operation they expand to, with length 2.
#pragma once

#include <cstdint>

#include "vmsim/models/core/export.h"

namespace vmsim::rv64 {

enum class Op : std::uint8_t {
  illegal,
  // RV64I
  lui,
  auipc,
  jal,
  jalr,
  beq,
  bne,
  blt,
  bge,
  bltu,
  bgeu,
  lb,
  lh,
  lw,
  ld,
  lbu,
  lhu,
  lwu,
  sb,
  sh,
  sw,
  sd,
  addi,
  slti,
  sltiu,
  xori,
  ori,
  andi,
  slli,
  srli,
  srai,
  add,
  sub,
  sll,
  slt,
  sltu,
  xor_,
  srl,
  sra,
  or_,
  and_,
  addiw,
  slliw,
  srliw,
  sraiw,
  addw,
  subw,
  sllw,
  srlw,
  sraw,
  fence,
  fence_i,
  ecall,
  ebreak,
  // Zicsr
  csrrw,
  csrrs,
  csrrc,
  csrrwi,
  csrrsi,
  csrrci,
  // Privileged
  mret,
  sret,
  wfi,
  sfence_vma,
  // M
  mul,
  mulh,
  mulhsu,
  mulhu,
  div,
  divu,
  rem,
  remu,
  mulw,
  divw,
  divuw,
  remw,
  remuw,
  // A (the .w forms, then the .d forms in the same order)
  lr_w,
  sc_w,
  amoswap_w,
  amoadd_w,
  amoxor_w,
  amoand_w,
  amoor_w,
  amomin_w,
  amomax_w,
  amominu_w,
  amomaxu_w,
  lr_d,
  sc_d,
  amoswap_d,
  amoadd_d,
  amoxor_d,
  amoand_d,
  amoor_d,
  amomin_d,
  amomax_d,
  amominu_d,
  amomaxu_d,
  // F and D: loads and stores
  flw,
  fsw,
  fld,
  fsd,
  // F (single), then D (double) in the same order
  fmadd_s,
  fmsub_s,
  fnmsub_s,
  fnmadd_s,
  fadd_s,
  fsub_s,
  fmul_s,
  fdiv_s,
  fsqrt_s,
  fsgnj_s,
  fsgnjn_s,
  fsgnjx_s,
  fmin_s,
  fmax_s,
  feq_s,
  flt_s,
  fle_s,
  fclass_s,
  fcvt_w_s,
  fcvt_wu_s,
  fcvt_l_s,
  fcvt_lu_s,
  fcvt_s_w,
  fcvt_s_wu,
  fcvt_s_l,
  fcvt_s_lu,
  fmv_x_w,
  fmv_w_x,
  fmadd_d,
  fmsub_d,
  fnmsub_d,
  fnmadd_d,
  fadd_d,
  fsub_d,
  fmul_d,
  fdiv_d,
  fsqrt_d,
  fsgnj_d,
  fsgnjn_d,
  fsgnjx_d,
  fmin_d,
  fmax_d,
  feq_d,
  flt_d,
  fle_d,
  fclass_d,
  fcvt_w_d,
  fcvt_wu_d,
  fcvt_l_d,
  fcvt_lu_d,
  fcvt_d_w,
  fcvt_d_wu,
  fcvt_d_l,
  fcvt_d_lu,
  fmv_x_d,
  fmv_d_x,
  fcvt_s_d,
  fcvt_d_s,
};

// What an instruction costs besides its memory accesses: each class has its cycles per instruction
// (a branch not taken costs alu).
enum class TimingClass : std::uint8_t { alu, branch_taken, multiply, divide, csr, memory, fp, fp_divide };
constexpr unsigned timing_classes = 8;

struct VMSIM_API Instruction {
  Op op = Op::illegal;
  // Register numbers. A destination of x0 is decoded as discard_register, which nothing reads, so
  // that no instruction needs to check for it.
  std::uint8_t rd = 0;
  std::uint8_t rs1 = 0;
  std::uint8_t rs2 = 0;
  std::uint8_t rs3 = 0;
  std::uint8_t rm = 0;      // a floating-point rounding mode (7: dynamic)
  std::uint8_t length = 4;  // bytes: 2 for a compressed instruction
  TimingClass timing = TimingClass::alu;
  // The immediate, sign-extended; for CSR instructions the CSR's number (and rs1 is the 5-bit
  // immediate of the *i forms); for shifts the shift amount.
  std::int32_t imm = 0;
  std::uint32_t raw = 0;  // the instruction's bits, as fetched (16 of them for a compressed one)
};
static_assert(sizeof(Instruction) == 16, "the decoded-instruction cache counts on 16 bytes per instruction");

constexpr std::uint8_t discard_register = 32;

// Decodes the instruction whose first 16 bits are the low half of `bits` (the high half is its
// second parcel, when the first says it has one). An encoding that is reserved, or of an extension
// the hart does not implement, decodes as Op::illegal.
VMSIM_API Instruction decode(std::uint32_t bits);
// Whether the first parcel `low` starts a 32-bit instruction (anything else is compressed).
constexpr bool is_full_length(std::uint32_t low) { return (low & 3) == 3; }

}  // namespace vmsim::rv64
