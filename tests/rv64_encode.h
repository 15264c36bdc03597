// RV64GC instruction encoders for tests that run machine code without a cross compiler: each
// returns the instruction's bits, as the assembler would write them.
#pragma once

#include <cstdint>

namespace vmsim::rv64::encode {

constexpr std::uint32_t r_type(std::uint32_t funct7, unsigned rs2, unsigned rs1, std::uint32_t funct3, unsigned rd,
                               std::uint32_t opcode) {
  return funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}
constexpr std::uint32_t i_type(std::int32_t imm, unsigned rs1, std::uint32_t funct3, unsigned rd,
                               std::uint32_t opcode) {
  return (static_cast<std::uint32_t>(imm) & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode;
}
constexpr std::uint32_t s_type(std::int32_t imm, unsigned rs2, unsigned rs1, std::uint32_t funct3,
                               std::uint32_t opcode) {
  const auto bits = static_cast<std::uint32_t>(imm);
  return (bits >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (bits & 0x1f) << 7 | opcode;
}
constexpr std::uint32_t b_type(std::int32_t imm, unsigned rs2, unsigned rs1, std::uint32_t funct3) {
  const auto bits = static_cast<std::uint32_t>(imm);
  return (bits >> 12 & 1) << 31 | (bits >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 |
         (bits >> 1 & 0xf) << 8 | (bits >> 11 & 1) << 7 | 0x63;
}

constexpr std::uint32_t lui(unsigned rd, std::uint32_t upper) { return upper << 12 | rd << 7 | 0x37; }
constexpr std::uint32_t auipc(unsigned rd, std::uint32_t upper) { return upper << 12 | rd << 7 | 0x17; }
constexpr std::uint32_t jal(unsigned rd, std::int32_t offset) {
  const auto bits = static_cast<std::uint32_t>(offset);
  return (bits >> 20 & 1) << 31 | (bits >> 1 & 0x3ff) << 21 | (bits >> 11 & 1) << 20 | (bits >> 12 & 0xff) << 12 |
         rd << 7 | 0x6f;
}
constexpr std::uint32_t jalr(unsigned rd, unsigned rs1, std::int32_t imm) { return i_type(imm, rs1, 0, rd, 0x67); }
constexpr std::uint32_t beq(unsigned rs1, unsigned rs2, std::int32_t offset) { return b_type(offset, rs2, rs1, 0); }
constexpr std::uint32_t bne(unsigned rs1, unsigned rs2, std::int32_t offset) { return b_type(offset, rs2, rs1, 1); }
constexpr std::uint32_t blt(unsigned rs1, unsigned rs2, std::int32_t offset) { return b_type(offset, rs2, rs1, 4); }
constexpr std::uint32_t bltu(unsigned rs1, unsigned rs2, std::int32_t offset) { return b_type(offset, rs2, rs1, 6); }

// Loads and stores: funct3 is the size and sign (lb 0, lh 1, lw 2, ld 3, lbu 4, lhu 5, lwu 6).
constexpr std::uint32_t load(std::uint32_t funct3, unsigned rd, unsigned rs1, std::int32_t imm) {
  return i_type(imm, rs1, funct3, rd, 0x03);
}
constexpr std::uint32_t store(std::uint32_t funct3, unsigned rs2, unsigned rs1, std::int32_t imm) {
  return s_type(imm, rs2, rs1, funct3, 0x23);
}
constexpr std::uint32_t ld(unsigned rd, unsigned rs1, std::int32_t imm) { return load(3, rd, rs1, imm); }
constexpr std::uint32_t sd(unsigned rs2, unsigned rs1, std::int32_t imm) { return store(3, rs2, rs1, imm); }

constexpr std::uint32_t addi(unsigned rd, unsigned rs1, std::int32_t imm) { return i_type(imm, rs1, 0, rd, 0x13); }
constexpr std::uint32_t addiw(unsigned rd, unsigned rs1, std::int32_t imm) { return i_type(imm, rs1, 0, rd, 0x1b); }
constexpr std::uint32_t slli(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(static_cast<std::int32_t>(shamt), rs1, 1, rd, 0x13);
}
constexpr std::uint32_t srai(unsigned rd, unsigned rs1, unsigned shamt) {
  return i_type(static_cast<std::int32_t>(0x400 | shamt), rs1, 5, rd, 0x13);
}
// Register-register operations by funct7 and funct3 (OP, or OP-32 for the word forms).
constexpr std::uint32_t op(std::uint32_t funct7, std::uint32_t funct3, unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(funct7, rs2, rs1, funct3, rd, 0x33);
}
constexpr std::uint32_t op32(std::uint32_t funct7, std::uint32_t funct3, unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(funct7, rs2, rs1, funct3, rd, 0x3b);
}
constexpr std::uint32_t add(unsigned rd, unsigned rs1, unsigned rs2) { return op(0, 0, rd, rs1, rs2); }
constexpr std::uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2) { return op(0x20, 0, rd, rs1, rs2); }

// An AMO by its funct5, .w (funct3 2) or .d (3), with aq and rl clear.
constexpr std::uint32_t amo(std::uint32_t funct5, std::uint32_t funct3, unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(funct5 << 2, rs2, rs1, funct3, rd, 0x2f);
}

constexpr std::uint32_t csr(std::uint32_t funct3, unsigned rd, std::uint32_t number, unsigned rs1) {
  return number << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | 0x73;
}
constexpr std::uint32_t csrrw(unsigned rd, std::uint32_t number, unsigned rs1) { return csr(1, rd, number, rs1); }
constexpr std::uint32_t csrrs(unsigned rd, std::uint32_t number, unsigned rs1) { return csr(2, rd, number, rs1); }
constexpr std::uint32_t csrrc(unsigned rd, std::uint32_t number, unsigned rs1) { return csr(3, rd, number, rs1); }

constexpr std::uint32_t ecall = 0x00000073, ebreak = 0x00100073, mret = 0x30200073, sret = 0x10200073, wfi = 0x10500073,
                        fence_i = 0x0000100f, nop = 0x00000013;

// F and D: OP-FP by funct7 (its format in the low two bits) and funct3 (the rounding mode, 7 dynamic).
constexpr std::uint32_t fp(std::uint32_t funct7, std::uint32_t rm, unsigned rd, unsigned rs1, unsigned rs2) {
  return r_type(funct7, rs2, rs1, rm, rd, 0x53);
}

}  // namespace vmsim::rv64::encode
