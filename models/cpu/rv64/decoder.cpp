// The RV64GC decoder: 32-bit encodings by opcode and function fields, compressed ones by expanding
// them to the 32-bit operation they stand for (unprivileged specification, chapters 2 to 16 and the
// RVC table).
#include "vmsim/models/cpu/rv64/instruction.h"

namespace vmsim::rv64 {
namespace {

constexpr std::uint32_t bits(std::uint32_t value, unsigned high, unsigned low) {
  return (value >> low) & ((1u << (high - low + 1)) - 1);
}
constexpr std::int32_t sign_extend(std::uint32_t value, unsigned width) {
  const std::uint32_t sign = 1u << (width - 1);
  return static_cast<std::int32_t>((value ^ sign) - sign);
}

std::uint8_t destination(std::uint32_t rd) { return rd == 0 ? discard_register : static_cast<std::uint8_t>(rd); }

// Fills the fields every instruction has and returns it for the caller to complete.
Instruction make(Op op, TimingClass timing, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2, std::int32_t imm) {
  Instruction instruction;
  instruction.op = op;
  instruction.timing = timing;
  instruction.rd = destination(rd);
  instruction.rs1 = static_cast<std::uint8_t>(rs1);
  instruction.rs2 = static_cast<std::uint8_t>(rs2);
  instruction.imm = imm;
  return instruction;
}

Instruction illegal() { return Instruction{}; }

std::int32_t i_immediate(std::uint32_t raw) { return sign_extend(bits(raw, 31, 20), 12); }
std::int32_t s_immediate(std::uint32_t raw) { return sign_extend(bits(raw, 31, 25) << 5 | bits(raw, 11, 7), 12); }
std::int32_t b_immediate(std::uint32_t raw) {
  return sign_extend(bits(raw, 31, 31) << 12 | bits(raw, 7, 7) << 11 | bits(raw, 30, 25) << 5 | bits(raw, 11, 8) << 1,
                     13);
}
std::int32_t u_immediate(std::uint32_t raw) { return static_cast<std::int32_t>(raw & 0xfffff000u); }
std::int32_t j_immediate(std::uint32_t raw) {
  return sign_extend(
      bits(raw, 31, 31) << 20 | bits(raw, 19, 12) << 12 | bits(raw, 20, 20) << 11 | bits(raw, 30, 21) << 1, 21);
}

Instruction decode_op(std::uint32_t raw, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2, std::uint32_t funct3,
                      bool word) {
  const std::uint32_t funct7 = bits(raw, 31, 25);
  if (funct7 == 0x01) {
    static constexpr Op full[8] = {Op::mul, Op::mulh, Op::mulhsu, Op::mulhu, Op::div, Op::divu, Op::rem, Op::remu};
    static constexpr Op words[8] = {Op::mulw, Op::illegal, Op::illegal, Op::illegal,
                                    Op::divw, Op::divuw,   Op::remw,    Op::remuw};
    const Op op = word ? words[funct3] : full[funct3];
    if (op == Op::illegal) return illegal();
    return make(op, funct3 < 4 ? TimingClass::multiply : TimingClass::divide, rd, rs1, rs2, 0);
  }
  static constexpr Op base[8] = {Op::add, Op::sll, Op::slt, Op::sltu, Op::xor_, Op::srl, Op::or_, Op::and_};
  static constexpr Op base_words[8] = {Op::addw,    Op::sllw, Op::illegal, Op::illegal,
                                       Op::illegal, Op::srlw, Op::illegal, Op::illegal};
  Op op = Op::illegal;
  if (funct7 == 0x00) {
    op = word ? base_words[funct3] : base[funct3];
  } else if (funct7 == 0x20) {
    if (funct3 == 0) op = word ? Op::subw : Op::sub;
    if (funct3 == 5) op = word ? Op::sraw : Op::sra;
  }
  if (op == Op::illegal) return illegal();
  return make(op, TimingClass::alu, rd, rs1, rs2, 0);
}

Instruction decode_op_immediate(std::uint32_t raw, std::uint32_t rd, std::uint32_t rs1, std::uint32_t funct3,
                                bool word) {
  const std::int32_t imm = i_immediate(raw);
  if (funct3 == 1 || funct3 == 5) {
    // Shifts: the shift amount has 6 bits (5 for the word forms); the bits above it select the kind.
    const std::uint32_t shamt = word ? bits(raw, 24, 20) : bits(raw, 25, 20);
    const std::uint32_t kind = word ? bits(raw, 31, 25) : bits(raw, 31, 26);
    const std::uint32_t arithmetic = word ? 0x20 : 0x10;
    Op op = Op::illegal;
    if (funct3 == 1 && kind == 0) op = word ? Op::slliw : Op::slli;
    if (funct3 == 5 && kind == 0) op = word ? Op::srliw : Op::srli;
    if (funct3 == 5 && kind == arithmetic) op = word ? Op::sraiw : Op::srai;
    if (op == Op::illegal) return illegal();
    return make(op, TimingClass::alu, rd, rs1, 0, static_cast<std::int32_t>(shamt));
  }
  if (word) return funct3 == 0 ? make(Op::addiw, TimingClass::alu, rd, rs1, 0, imm) : illegal();
  static constexpr Op ops[8] = {Op::addi, Op::illegal, Op::slti, Op::sltiu, Op::xori, Op::illegal, Op::ori, Op::andi};
  return make(ops[funct3], TimingClass::alu, rd, rs1, 0, imm);
}

Instruction decode_system(std::uint32_t raw, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2,
                          std::uint32_t funct3) {
  if (funct3 == 0) {
    switch (raw) {
      case 0x00000073: return make(Op::ecall, TimingClass::csr, 0, 0, 0, 0);
      case 0x00100073: return make(Op::ebreak, TimingClass::csr, 0, 0, 0, 0);
      case 0x10200073: return make(Op::sret, TimingClass::csr, 0, 0, 0, 0);
      case 0x30200073: return make(Op::mret, TimingClass::csr, 0, 0, 0, 0);
      case 0x10500073: return make(Op::wfi, TimingClass::csr, 0, 0, 0, 0);
      default: break;
    }
    if (bits(raw, 31, 25) == 0x09 && rd == 0) return make(Op::sfence_vma, TimingClass::csr, 0, rs1, rs2, 0);
    return illegal();
  }
  static constexpr Op ops[8] = {Op::illegal, Op::csrrw,  Op::csrrs,  Op::csrrc,
                                Op::illegal, Op::csrrwi, Op::csrrsi, Op::csrrci};
  if (ops[funct3] == Op::illegal) return illegal();
  return make(ops[funct3], TimingClass::csr, rd, rs1, 0, static_cast<std::int32_t>(bits(raw, 31, 20)));
}

Instruction decode_atomic(std::uint32_t raw, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2,
                          std::uint32_t funct3) {
  if (funct3 != 2 && funct3 != 3) return illegal();
  const std::uint32_t funct5 = bits(raw, 31, 27);
  // In the order of Op's .w forms after lr_w and sc_w.
  int index = -1;
  switch (funct5) {
    case 0x02: index = rs2 == 0 ? 0 : -1; break;  // lr
    case 0x03: index = 1; break;                  // sc
    case 0x01: index = 2; break;                  // amoswap
    case 0x00: index = 3; break;                  // amoadd
    case 0x04: index = 4; break;                  // amoxor
    case 0x0c: index = 5; break;                  // amoand
    case 0x08: index = 6; break;                  // amoor
    case 0x10: index = 7; break;                  // amomin
    case 0x14: index = 8; break;                  // amomax
    case 0x18: index = 9; break;                  // amominu
    case 0x1c: index = 10; break;                 // amomaxu
    default: break;
  }
  if (index < 0) return illegal();
  const Op first = funct3 == 2 ? Op::lr_w : Op::lr_d;
  return make(static_cast<Op>(static_cast<int>(first) + index), TimingClass::memory, rd, rs1, rs2, 0);
}

// An F operation's D twin sits this many places later in Op.
constexpr int double_offset = static_cast<int>(Op::fmadd_d) - static_cast<int>(Op::fmadd_s);

Instruction floating(Op single, bool is_double, TimingClass timing, std::uint32_t rd, std::uint32_t rs1,
                     std::uint32_t rs2, std::uint32_t rm) {
  const Op op = is_double ? static_cast<Op>(static_cast<int>(single) + double_offset) : single;
  Instruction instruction = make(op, timing, 0, rs1, rs2, 0);
  // f registers have no x0: rd is the register number as it is.
  instruction.rd = static_cast<std::uint8_t>(rd);
  instruction.rm = static_cast<std::uint8_t>(rm);
  return instruction;
}

// An operation writing an x register from f registers (comparisons, classification, conversions to
// integers, moves to x): x0 as destination is discarded.
Instruction to_integer(Op single, bool is_double, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2,
                       std::uint32_t rm) {
  Instruction instruction = floating(single, is_double, TimingClass::fp, rd, rs1, rs2, rm);
  instruction.rd = destination(rd);
  return instruction;
}

Instruction decode_fp(std::uint32_t raw, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2, std::uint32_t funct3) {
  const std::uint32_t funct7 = bits(raw, 31, 25);
  const std::uint32_t format = funct7 & 3;
  if (format > 1) return illegal();  // only S and D
  const bool d = format == 1;
  const std::uint32_t rm = funct3;
  switch (funct7 >> 2) {
    case 0x00: return floating(Op::fadd_s, d, TimingClass::fp, rd, rs1, rs2, rm);
    case 0x01: return floating(Op::fsub_s, d, TimingClass::fp, rd, rs1, rs2, rm);
    case 0x02: return floating(Op::fmul_s, d, TimingClass::fp, rd, rs1, rs2, rm);
    case 0x03: return floating(Op::fdiv_s, d, TimingClass::fp_divide, rd, rs1, rs2, rm);
    case 0x0b: return rs2 == 0 ? floating(Op::fsqrt_s, d, TimingClass::fp_divide, rd, rs1, 0, rm) : illegal();
    case 0x04: {
      static constexpr Op ops[3] = {Op::fsgnj_s, Op::fsgnjn_s, Op::fsgnjx_s};
      return funct3 < 3 ? floating(ops[funct3], d, TimingClass::fp, rd, rs1, rs2, 0) : illegal();
    }
    case 0x05:
      return funct3 < 2 ? floating(funct3 == 0 ? Op::fmin_s : Op::fmax_s, d, TimingClass::fp, rd, rs1, rs2, 0)
                        : illegal();
    case 0x08: {
      // fcvt.s.d (format S, rs2 1) and fcvt.d.s (format D, rs2 0).
      if (!d && rs2 == 1) return floating(Op::fcvt_s_d, false, TimingClass::fp, rd, rs1, 0, rm);
      if (d && rs2 == 0) return floating(Op::fcvt_d_s, false, TimingClass::fp, rd, rs1, 0, rm);
      return illegal();
    }
    case 0x14: {
      static constexpr Op ops[3] = {Op::fle_s, Op::flt_s, Op::feq_s};
      return funct3 < 3 ? to_integer(ops[funct3], d, rd, rs1, rs2, 0) : illegal();
    }
    case 0x18: {
      static constexpr Op ops[4] = {Op::fcvt_w_s, Op::fcvt_wu_s, Op::fcvt_l_s, Op::fcvt_lu_s};
      return rs2 < 4 ? to_integer(ops[rs2], d, rd, rs1, 0, rm) : illegal();
    }
    case 0x1a: {
      static constexpr Op ops[4] = {Op::fcvt_s_w, Op::fcvt_s_wu, Op::fcvt_s_l, Op::fcvt_s_lu};
      return rs2 < 4 ? floating(ops[rs2], d, TimingClass::fp, rd, rs1, 0, rm) : illegal();
    }
    case 0x1c:
      if (rs2 != 0) return illegal();
      if (funct3 == 0) return to_integer(Op::fmv_x_w, d, rd, rs1, 0, 0);
      if (funct3 == 1) return to_integer(Op::fclass_s, d, rd, rs1, 0, 0);
      return illegal();
    case 0x1e: return rs2 == 0 && funct3 == 0 ? floating(Op::fmv_w_x, d, TimingClass::fp, rd, rs1, 0, 0) : illegal();
    default: return illegal();
  }
}

Instruction decode_full(std::uint32_t raw) {
  const std::uint32_t opcode = bits(raw, 6, 0);
  const std::uint32_t rd = bits(raw, 11, 7);
  const std::uint32_t funct3 = bits(raw, 14, 12);
  const std::uint32_t rs1 = bits(raw, 19, 15);
  const std::uint32_t rs2 = bits(raw, 24, 20);
  switch (opcode) {
    case 0x37: return make(Op::lui, TimingClass::alu, rd, 0, 0, u_immediate(raw));
    case 0x17: return make(Op::auipc, TimingClass::alu, rd, 0, 0, u_immediate(raw));
    case 0x6f: return make(Op::jal, TimingClass::branch_taken, rd, 0, 0, j_immediate(raw));
    case 0x67: return funct3 == 0 ? make(Op::jalr, TimingClass::branch_taken, rd, rs1, 0, i_immediate(raw)) : illegal();
    case 0x63: {
      static constexpr Op ops[8] = {Op::beq, Op::bne, Op::illegal, Op::illegal, Op::blt, Op::bge, Op::bltu, Op::bgeu};
      if (ops[funct3] == Op::illegal) return illegal();
      return make(ops[funct3], TimingClass::alu, 0, rs1, rs2, b_immediate(raw));
    }
    case 0x03: {
      static constexpr Op ops[8] = {Op::lb, Op::lh, Op::lw, Op::ld, Op::lbu, Op::lhu, Op::lwu, Op::illegal};
      if (ops[funct3] == Op::illegal) return illegal();
      return make(ops[funct3], TimingClass::memory, rd, rs1, 0, i_immediate(raw));
    }
    case 0x23: {
      static constexpr Op ops[4] = {Op::sb, Op::sh, Op::sw, Op::sd};
      if (funct3 > 3) return illegal();
      return make(ops[funct3], TimingClass::memory, 0, rs1, rs2, s_immediate(raw));
    }
    case 0x13: return decode_op_immediate(raw, rd, rs1, funct3, false);
    case 0x1b: return decode_op_immediate(raw, rd, rs1, funct3, true);
    case 0x33: return decode_op(raw, rd, rs1, rs2, funct3, false);
    case 0x3b: return decode_op(raw, rd, rs1, rs2, funct3, true);
    case 0x0f:
      // fence (every pred/succ and fm: fence.tso and pause are fences too) and fence.i.
      if (funct3 == 0) return make(Op::fence, TimingClass::csr, 0, 0, 0, 0);
      if (funct3 == 1) return make(Op::fence_i, TimingClass::csr, 0, 0, 0, 0);
      return illegal();
    case 0x73: return decode_system(raw, rd, rs1, rs2, funct3);
    case 0x2f: return decode_atomic(raw, rd, rs1, rs2, funct3);
    case 0x07:
    case 0x27: {
      if (funct3 != 2 && funct3 != 3) return illegal();
      const bool load = opcode == 0x07;
      const Op op = load ? (funct3 == 2 ? Op::flw : Op::fld) : (funct3 == 2 ? Op::fsw : Op::fsd);
      Instruction instruction = make(op, TimingClass::memory, 0, rs1, rs2, load ? i_immediate(raw) : s_immediate(raw));
      instruction.rd = static_cast<std::uint8_t>(rd);
      return instruction;
    }
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f: {
      const std::uint32_t format = bits(raw, 26, 25);
      if (format > 1) return illegal();
      static constexpr Op ops[4] = {Op::fmadd_s, Op::fmsub_s, Op::fnmsub_s, Op::fnmadd_s};
      Instruction instruction = floating(ops[(opcode >> 2) & 3], format == 1, TimingClass::fp, rd, rs1, rs2, funct3);
      instruction.rs3 = static_cast<std::uint8_t>(bits(raw, 31, 27));
      return instruction;
    }
    case 0x53: return decode_fp(raw, rd, rs1, rs2, funct3);
    default: return illegal();
  }
}

// Compressed register fields name x8..x15 (or f8..f15).
std::uint32_t prime(std::uint32_t field) { return field + 8; }

// A compressed load or store: its 32-bit operation with the immediate given.
Instruction memory(Op op, std::uint32_t rd, std::uint32_t rs1, std::uint32_t rs2, std::uint32_t offset,
                   bool fp_register) {
  Instruction instruction = make(op, TimingClass::memory, rd, rs1, rs2, static_cast<std::int32_t>(offset));
  if (fp_register) instruction.rd = static_cast<std::uint8_t>(rd);
  return instruction;
}

Instruction decode_compressed(std::uint32_t c) {
  const std::uint32_t funct3 = bits(c, 15, 13);
  const std::uint32_t rd = bits(c, 11, 7);  // also rs1 of the forms that read and write one register
  const std::uint32_t rs2 = bits(c, 6, 2);
  const std::uint32_t rd_prime = prime(bits(c, 4, 2));   // rd' and rs2'
  const std::uint32_t rs1_prime = prime(bits(c, 9, 7));  // rs1' and rd'
  const std::int32_t imm6 = sign_extend(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
  // The scaled offsets of the compressed loads and stores.
  const std::uint32_t offset_w = bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6;
  const std::uint32_t offset_d = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
  switch (bits(c, 1, 0) << 3 | funct3) {
    // Quadrant 0.
    case 0: {
      const std::uint32_t imm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 3;
      if (imm == 0) return illegal();  // also the all-zero parcel, which is illegal by design
      return make(Op::addi, TimingClass::alu, rd_prime, 2, 0, static_cast<std::int32_t>(imm));
    }
    case 1: return memory(Op::fld, rd_prime, rs1_prime, 0, offset_d, true);
    case 2: return memory(Op::lw, rd_prime, rs1_prime, 0, offset_w, false);
    case 3: return memory(Op::ld, rd_prime, rs1_prime, 0, offset_d, false);
    case 5: return memory(Op::fsd, 0, rs1_prime, rd_prime, offset_d, false);
    case 6: return memory(Op::sw, 0, rs1_prime, rd_prime, offset_w, false);
    case 7: return memory(Op::sd, 0, rs1_prime, rd_prime, offset_d, false);
    // Quadrant 1.
    case 8: return make(Op::addi, TimingClass::alu, rd, rd, 0, imm6);
    case 9: return rd != 0 ? make(Op::addiw, TimingClass::alu, rd, rd, 0, imm6) : illegal();
    case 10: return make(Op::addi, TimingClass::alu, rd, 0, 0, imm6);
    case 11:
      if (rd == 2) {
        const std::int32_t imm = sign_extend(
            bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 | bits(c, 5, 5) << 6 | bits(c, 4, 3) << 7 | bits(c, 2, 2) << 5,
            10);
        return imm != 0 ? make(Op::addi, TimingClass::alu, 2, 2, 0, imm) : illegal();
      }
      return imm6 != 0 ? make(Op::lui, TimingClass::alu, rd, 0, 0, imm6 * 4096) : illegal();
    case 12: {
      const std::uint32_t rs1 = rs1_prime;
      const auto shamt = static_cast<std::int32_t>(bits(c, 12, 12) << 5 | bits(c, 6, 2));
      switch (bits(c, 11, 10)) {
        case 0: return make(Op::srli, TimingClass::alu, rs1, rs1, 0, shamt);
        case 1: return make(Op::srai, TimingClass::alu, rs1, rs1, 0, shamt);
        case 2: return make(Op::andi, TimingClass::alu, rs1, rs1, 0, imm6);
        default: {
          static constexpr Op ops[8] = {Op::sub,  Op::xor_, Op::or_,     Op::and_,
                                        Op::subw, Op::addw, Op::illegal, Op::illegal};
          const Op op = ops[bits(c, 12, 12) << 2 | bits(c, 6, 5)];
          return op != Op::illegal ? make(op, TimingClass::alu, rs1, rs1, rd_prime, 0) : illegal();
        }
      }
    }
    case 13: {
      const std::int32_t imm =
          sign_extend(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 | bits(c, 10, 9) << 8 | bits(c, 8, 8) << 10 |
                          bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 | bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5,
                      12);
      return make(Op::jal, TimingClass::branch_taken, 0, 0, 0, imm);
    }
    case 14:
    case 15: {
      const std::int32_t imm = sign_extend(
          bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 | bits(c, 4, 3) << 1 | bits(c, 2, 2) << 5,
          9);
      return make(funct3 == 6 ? Op::beq : Op::bne, TimingClass::alu, 0, rs1_prime, 0, imm);
    }
    // Quadrant 2.
    case 16: return make(Op::slli, TimingClass::alu, rd, rd, 0, static_cast<std::int32_t>(bits(c, 12, 12) << 5 | rs2));
    case 17: return memory(Op::fld, rd, 2, 0, bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6, true);
    case 18:
      if (rd == 0) return illegal();
      return memory(Op::lw, rd, 2, 0, bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6, false);
    case 19:
      if (rd == 0) return illegal();
      return memory(Op::ld, rd, 2, 0, bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6, false);
    case 20:
      if (bits(c, 12, 12) == 0) {
        if (rs2 == 0) return rd != 0 ? make(Op::jalr, TimingClass::branch_taken, 0, rd, 0, 0) : illegal();
        return make(Op::add, TimingClass::alu, rd, 0, rs2, 0);
      }
      if (rd == 0 && rs2 == 0) return make(Op::ebreak, TimingClass::csr, 0, 0, 0, 0);
      if (rs2 == 0) return make(Op::jalr, TimingClass::branch_taken, 1, rd, 0, 0);
      return make(Op::add, TimingClass::alu, rd, rd, rs2, 0);
    case 21: return memory(Op::fsd, 0, 2, rs2, bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6, false);
    case 22: return memory(Op::sw, 0, 2, rs2, bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6, false);
    case 23: return memory(Op::sd, 0, 2, rs2, bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6, false);
    default: return illegal();  // quadrant 0's reserved funct3 4
  }
}

}  // namespace

Instruction decode(std::uint32_t bits_fetched) {
  Instruction instruction;
  if (is_full_length(bits_fetched)) {
    instruction = decode_full(bits_fetched);
    instruction.length = 4;
    instruction.raw = bits_fetched;
  } else {
    const std::uint32_t parcel = bits_fetched & 0xffff;
    instruction = decode_compressed(parcel);
    instruction.length = 2;
    instruction.raw = parcel;
  }
  return instruction;
}

}  // namespace vmsim::rv64
