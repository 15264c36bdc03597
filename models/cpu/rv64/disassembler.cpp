#include "vmsim/models/cpu/rv64/disassembler.h"

#include <array>

#include <fmt/format.h>

#include "vmsim/models/core/riscv_names.h"

namespace vmsim::rv64 {
namespace {

// How an instruction's operands are written.
enum class Shape : std::uint8_t {
  bare,                // ecall
  registers,           // add rd,rs1,rs2
  immediate,           // addi rd,rs1,imm
  shift,               // slli rd,rs1,shamt
  upper,               // lui rd,imm20 (hex)
  jal,                 // jal rd,target
  jalr,                // jalr rd,imm(rs1)
  branch,              // beq rs1,rs2,target
  load,                // ld rd,imm(rs1)
  store,               // sd rs2,imm(rs1)
  csr,                 // csrrw rd,csr,rs1
  csr_immediate,       // csrrwi rd,csr,uimm
  sfence,              // sfence.vma rs1,rs2
  load_reserved,       // lr.d rd,(rs1)
  amo,                 // amoadd.d rd,rs2,(rs1) and sc
  float_load,          // fld fd,imm(rs1)
  float_store,         // fsd fs2,imm(rs1)
  float4,              // fmadd.d fd,fs1,fs2,fs3[,rm]
  float3_rounded,      // fadd.d fd,fs1,fs2[,rm]
  float3,              // fsgnj.d fd,fs1,fs2
  float2_rounded,      // fsqrt.d fd,fs1[,rm]
  float_compare,       // feq.d rd,fs1,fs2
  float_to_x_rounded,  // fcvt.w.d rd,fs1[,rm]
  float_to_x,          // fmv.x.d rd,fs1
  x_to_float_rounded,  // fcvt.d.w fd,rs1[,rm]
  x_to_float,          // fmv.d.x fd,rs1
};

struct Form {
  const char* name;
  Shape shape;
};
// In the order of Op.
constexpr Form forms[] = {
    {"illegal", Shape::bare},
    {"lui", Shape::upper},
    {"auipc", Shape::upper},
    {"jal", Shape::jal},
    {"jalr", Shape::jalr},
    {"beq", Shape::branch},
    {"bne", Shape::branch},
    {"blt", Shape::branch},
    {"bge", Shape::branch},
    {"bltu", Shape::branch},
    {"bgeu", Shape::branch},
    {"lb", Shape::load},
    {"lh", Shape::load},
    {"lw", Shape::load},
    {"ld", Shape::load},
    {"lbu", Shape::load},
    {"lhu", Shape::load},
    {"lwu", Shape::load},
    {"sb", Shape::store},
    {"sh", Shape::store},
    {"sw", Shape::store},
    {"sd", Shape::store},
    {"addi", Shape::immediate},
    {"slti", Shape::immediate},
    {"sltiu", Shape::immediate},
    {"xori", Shape::immediate},
    {"ori", Shape::immediate},
    {"andi", Shape::immediate},
    {"slli", Shape::shift},
    {"srli", Shape::shift},
    {"srai", Shape::shift},
    {"add", Shape::registers},
    {"sub", Shape::registers},
    {"sll", Shape::registers},
    {"slt", Shape::registers},
    {"sltu", Shape::registers},
    {"xor", Shape::registers},
    {"srl", Shape::registers},
    {"sra", Shape::registers},
    {"or", Shape::registers},
    {"and", Shape::registers},
    {"addiw", Shape::immediate},
    {"slliw", Shape::shift},
    {"srliw", Shape::shift},
    {"sraiw", Shape::shift},
    {"addw", Shape::registers},
    {"subw", Shape::registers},
    {"sllw", Shape::registers},
    {"srlw", Shape::registers},
    {"sraw", Shape::registers},
    {"fence", Shape::bare},
    {"fence.i", Shape::bare},
    {"ecall", Shape::bare},
    {"ebreak", Shape::bare},
    {"csrrw", Shape::csr},
    {"csrrs", Shape::csr},
    {"csrrc", Shape::csr},
    {"csrrwi", Shape::csr_immediate},
    {"csrrsi", Shape::csr_immediate},
    {"csrrci", Shape::csr_immediate},
    {"mret", Shape::bare},
    {"sret", Shape::bare},
    {"wfi", Shape::bare},
    {"sfence.vma", Shape::sfence},
    {"mul", Shape::registers},
    {"mulh", Shape::registers},
    {"mulhsu", Shape::registers},
    {"mulhu", Shape::registers},
    {"div", Shape::registers},
    {"divu", Shape::registers},
    {"rem", Shape::registers},
    {"remu", Shape::registers},
    {"mulw", Shape::registers},
    {"divw", Shape::registers},
    {"divuw", Shape::registers},
    {"remw", Shape::registers},
    {"remuw", Shape::registers},
    {"lr.w", Shape::load_reserved},
    {"sc.w", Shape::amo},
    {"amoswap.w", Shape::amo},
    {"amoadd.w", Shape::amo},
    {"amoxor.w", Shape::amo},
    {"amoand.w", Shape::amo},
    {"amoor.w", Shape::amo},
    {"amomin.w", Shape::amo},
    {"amomax.w", Shape::amo},
    {"amominu.w", Shape::amo},
    {"amomaxu.w", Shape::amo},
    {"lr.d", Shape::load_reserved},
    {"sc.d", Shape::amo},
    {"amoswap.d", Shape::amo},
    {"amoadd.d", Shape::amo},
    {"amoxor.d", Shape::amo},
    {"amoand.d", Shape::amo},
    {"amoor.d", Shape::amo},
    {"amomin.d", Shape::amo},
    {"amomax.d", Shape::amo},
    {"amominu.d", Shape::amo},
    {"amomaxu.d", Shape::amo},
    {"flw", Shape::float_load},
    {"fsw", Shape::float_store},
    {"fld", Shape::float_load},
    {"fsd", Shape::float_store},
    {"fmadd.s", Shape::float4},
    {"fmsub.s", Shape::float4},
    {"fnmsub.s", Shape::float4},
    {"fnmadd.s", Shape::float4},
    {"fadd.s", Shape::float3_rounded},
    {"fsub.s", Shape::float3_rounded},
    {"fmul.s", Shape::float3_rounded},
    {"fdiv.s", Shape::float3_rounded},
    {"fsqrt.s", Shape::float2_rounded},
    {"fsgnj.s", Shape::float3},
    {"fsgnjn.s", Shape::float3},
    {"fsgnjx.s", Shape::float3},
    {"fmin.s", Shape::float3},
    {"fmax.s", Shape::float3},
    {"feq.s", Shape::float_compare},
    {"flt.s", Shape::float_compare},
    {"fle.s", Shape::float_compare},
    {"fclass.s", Shape::float_to_x},
    {"fcvt.w.s", Shape::float_to_x_rounded},
    {"fcvt.wu.s", Shape::float_to_x_rounded},
    {"fcvt.l.s", Shape::float_to_x_rounded},
    {"fcvt.lu.s", Shape::float_to_x_rounded},
    {"fcvt.s.w", Shape::x_to_float_rounded},
    {"fcvt.s.wu", Shape::x_to_float_rounded},
    {"fcvt.s.l", Shape::x_to_float_rounded},
    {"fcvt.s.lu", Shape::x_to_float_rounded},
    {"fmv.x.w", Shape::float_to_x},
    {"fmv.w.x", Shape::x_to_float},
    {"fmadd.d", Shape::float4},
    {"fmsub.d", Shape::float4},
    {"fnmsub.d", Shape::float4},
    {"fnmadd.d", Shape::float4},
    {"fadd.d", Shape::float3_rounded},
    {"fsub.d", Shape::float3_rounded},
    {"fmul.d", Shape::float3_rounded},
    {"fdiv.d", Shape::float3_rounded},
    {"fsqrt.d", Shape::float2_rounded},
    {"fsgnj.d", Shape::float3},
    {"fsgnjn.d", Shape::float3},
    {"fsgnjx.d", Shape::float3},
    {"fmin.d", Shape::float3},
    {"fmax.d", Shape::float3},
    {"feq.d", Shape::float_compare},
    {"flt.d", Shape::float_compare},
    {"fle.d", Shape::float_compare},
    {"fclass.d", Shape::float_to_x},
    {"fcvt.w.d", Shape::float_to_x_rounded},
    {"fcvt.wu.d", Shape::float_to_x_rounded},
    {"fcvt.l.d", Shape::float_to_x_rounded},
    {"fcvt.lu.d", Shape::float_to_x_rounded},
    {"fcvt.d.w", Shape::x_to_float_rounded},
    {"fcvt.d.wu", Shape::x_to_float_rounded},
    {"fcvt.d.l", Shape::x_to_float_rounded},
    {"fcvt.d.lu", Shape::x_to_float_rounded},
    {"fmv.x.d", Shape::float_to_x},
    {"fmv.d.x", Shape::x_to_float},
    {"fcvt.s.d", Shape::float2_rounded},
    {"fcvt.d.s", Shape::float2_rounded},
};
static_assert(std::size(forms) == static_cast<std::size_t>(Op::fcvt_d_s) + 1, "a form for every Op, in its order");

constexpr std::array<const char*, 8> rounding_names = {"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"};

const char* x(unsigned index) { return index == discard_register ? "zero" : riscv::integer_names[index]; }
const char* f(unsigned index) { return riscv::float_names[index]; }

}  // namespace

std::string disassemble(const Instruction& in, std::uint64_t pc) {
  const Form& form = forms[static_cast<unsigned>(in.op)];
  const std::int64_t imm = in.imm;
  const std::uint64_t target = pc + static_cast<std::uint64_t>(imm);
  // The rounding mode, when it is not the dynamic one.
  const std::string rounding = in.rm == 7 ? std::string() : fmt::format(",{}", rounding_names[in.rm & 7]);
  switch (form.shape) {
    case Shape::bare: return form.name;
    case Shape::registers: return fmt::format("{} {},{},{}", form.name, x(in.rd), x(in.rs1), x(in.rs2));
    case Shape::immediate:
    case Shape::shift: return fmt::format("{} {},{},{}", form.name, x(in.rd), x(in.rs1), imm);
    case Shape::upper:
      return fmt::format("{} {},{:#x}", form.name, x(in.rd), (static_cast<std::uint64_t>(imm) >> 12) & 0xfffff);
    case Shape::jal: return fmt::format("{} {},{:#x}", form.name, x(in.rd), target);
    case Shape::jalr:
    case Shape::load: return fmt::format("{} {},{}({})", form.name, x(in.rd), imm, x(in.rs1));
    case Shape::branch: return fmt::format("{} {},{},{:#x}", form.name, x(in.rs1), x(in.rs2), target);
    case Shape::store: return fmt::format("{} {},{}({})", form.name, x(in.rs2), imm, x(in.rs1));
    case Shape::csr:
      return fmt::format("{} {},{},{}", form.name, x(in.rd), riscv::csr_name(static_cast<unsigned>(imm) & 0xfff),
                         x(in.rs1));
    case Shape::csr_immediate:
      return fmt::format("{} {},{},{}", form.name, x(in.rd), riscv::csr_name(static_cast<unsigned>(imm) & 0xfff),
                         in.rs1);
    case Shape::sfence: return fmt::format("{} {},{}", form.name, x(in.rs1), x(in.rs2));
    case Shape::load_reserved: return fmt::format("{} {},({})", form.name, x(in.rd), x(in.rs1));
    case Shape::amo: return fmt::format("{} {},{},({})", form.name, x(in.rd), x(in.rs2), x(in.rs1));
    case Shape::float_load: return fmt::format("{} {},{}({})", form.name, f(in.rd), imm, x(in.rs1));
    case Shape::float_store: return fmt::format("{} {},{}({})", form.name, f(in.rs2), imm, x(in.rs1));
    case Shape::float4:
      return fmt::format("{} {},{},{},{}{}", form.name, f(in.rd), f(in.rs1), f(in.rs2), f(in.rs3), rounding);
    case Shape::float3_rounded:
      return fmt::format("{} {},{},{}{}", form.name, f(in.rd), f(in.rs1), f(in.rs2), rounding);
    case Shape::float3: return fmt::format("{} {},{},{}", form.name, f(in.rd), f(in.rs1), f(in.rs2));
    case Shape::float2_rounded: return fmt::format("{} {},{}{}", form.name, f(in.rd), f(in.rs1), rounding);
    case Shape::float_compare: return fmt::format("{} {},{},{}", form.name, x(in.rd), f(in.rs1), f(in.rs2));
    case Shape::float_to_x_rounded: return fmt::format("{} {},{}{}", form.name, x(in.rd), f(in.rs1), rounding);
    case Shape::float_to_x: return fmt::format("{} {},{}", form.name, x(in.rd), f(in.rs1));
    case Shape::x_to_float_rounded: return fmt::format("{} {},{}{}", form.name, f(in.rd), x(in.rs1), rounding);
    case Shape::x_to_float: return fmt::format("{} {},{}", form.name, f(in.rd), x(in.rs1));
  }
  return form.name;
}

Destination destination(const Instruction& in) {
  switch (forms[static_cast<unsigned>(in.op)].shape) {
    case Shape::bare:
    case Shape::branch:
    case Shape::store:
    case Shape::sfence:
    case Shape::float_store: return Destination::none;
    case Shape::float_load:
    case Shape::float4:
    case Shape::float3_rounded:
    case Shape::float3:
    case Shape::float2_rounded:
    case Shape::x_to_float_rounded:
    case Shape::x_to_float: return Destination::f;
    default: return in.rd == discard_register ? Destination::none : Destination::x;
  }
}

}  // namespace vmsim::rv64
