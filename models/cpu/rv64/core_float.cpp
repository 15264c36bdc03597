// The F and D extensions' instructions: the f registers with NaN-boxing of singles, fcsr's dynamic
// rounding mode and accrued flags, mstatus.FS (Off makes every one of them illegal; writing an f
// register or the flags makes it Dirty), and the arithmetic of models/cpu/rv64/fpu.h.
#include "vmsim/models/cpu/rv64/core.h"

#include "vmsim/models/cpu/rv64/fpu.h"

namespace vmsim::rv64 {
namespace {

constexpr std::uint64_t box_bits = 0xffffffff00000000;

template <typename F>
F unbox(std::uint64_t value) {
  if constexpr (sizeof(F) == 8) {
    return value;
  } else {
    // A single not NaN-boxed in its 64-bit register reads as the canonical NaN.
    return (value & box_bits) == box_bits ? static_cast<std::uint32_t>(value) : canonical_nan<std::uint32_t>;
  }
}
template <typename F>
std::uint64_t box(F value) {
  if constexpr (sizeof(F) == 8)
    return value;
  else
    return box_bits | value;
}

constexpr std::uint64_t sext32(std::uint64_t value) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(value)));
}

constexpr int double_offset = static_cast<int>(Op::fmadd_d) - static_cast<int>(Op::fmadd_s);

}  // namespace

bool Core::execute_float(const Instruction& in) {
  if (csrs_.float_status() == csr::fs_off) {
    illegal(in);
    return false;
  }
  std::uint64_t value = 0;
  const std::uint64_t address = x_[in.rs1] + static_cast<std::uint64_t>(static_cast<std::int64_t>(in.imm));
  switch (in.op) {
    case Op::flw:
    case Op::fld: {
      const bool single = in.op == Op::flw;
      if (!memory_.load(address, single ? 4 : 8, value, local_)) {
        raise(memory_.fault());
        return false;
      }
      f_[in.rd] = single ? box_bits | value : value;
      csrs_.dirty_float_state();
      return true;
    }
    case Op::fsw:
    case Op::fsd:
      if (!memory_.store(address, in.op == Op::fsw ? 4 : 8, f_[in.rs2], local_)) {
        raise(memory_.fault());
        return false;
      }
      return true;
    case Op::fcvt_s_d:
    case Op::fcvt_d_s: {
      std::uint8_t rm = 0;
      if (!rounding(in, rm)) {
        illegal(in);
        return false;
      }
      std::uint8_t flags = 0;
      f_[in.rd] = in.op == Op::fcvt_s_d ? box(fp_narrow(f_[in.rs1], static_cast<Rounding>(rm), flags))
                                        : fp_widen(unbox<std::uint32_t>(f_[in.rs1]), flags);
      return finish_float(flags, true);
    }
    default: break;
  }
  const bool is_double = in.op >= Op::fmadd_d;
  const Op single = is_double ? static_cast<Op>(static_cast<int>(in.op) - double_offset) : in.op;
  return is_double ? execute_precision<std::uint64_t>(in, single) : execute_precision<std::uint32_t>(in, single);
}

bool Core::rounding(const Instruction& in, std::uint8_t& rm) const {
  rm = in.rm == 7 ? csrs_.rounding_mode() : in.rm;
  return rm <= 4;  // 5 and 6 are reserved, and so is a dynamic mode of 5, 6 or 7
}

bool Core::finish_float(std::uint8_t flags, bool wrote_register) {
  if (flags != 0) csrs_.accrue_flags(flags);
  if (flags != 0 || wrote_register) csrs_.dirty_float_state();
  return true;
}

template <typename F>
bool Core::execute_precision(const Instruction& in, Op single) {
  const F a = unbox<F>(f_[in.rs1]);
  const F b = unbox<F>(f_[in.rs2]);
  const auto type = [&](Op w, Op wu, Op l) {
    return single == w    ? IntegerType::w
           : single == wu ? IntegerType::wu
           : single == l  ? IntegerType::l
                          : IntegerType::lu;
  };
  std::uint8_t flags = 0;
  // Operations without a rounding mode.
  switch (single) {
    case Op::fsgnj_s: f_[in.rd] = box<F>((a & ~sign_mask<F>) | (b & sign_mask<F>)); return finish_float(0, true);
    case Op::fsgnjn_s: f_[in.rd] = box<F>((a & ~sign_mask<F>) | (~b & sign_mask<F>)); return finish_float(0, true);
    case Op::fsgnjx_s: f_[in.rd] = box<F>(a ^ (b & sign_mask<F>)); return finish_float(0, true);
    case Op::fmin_s: f_[in.rd] = box<F>(fp_min(a, b, flags)); return finish_float(flags, true);
    case Op::fmax_s: f_[in.rd] = box<F>(fp_max(a, b, flags)); return finish_float(flags, true);
    case Op::feq_s: x_[in.rd] = fp_eq(a, b, flags) ? 1 : 0; return finish_float(flags, false);
    case Op::flt_s: x_[in.rd] = fp_lt(a, b, flags) ? 1 : 0; return finish_float(flags, false);
    case Op::fle_s: x_[in.rd] = fp_le(a, b, flags) ? 1 : 0; return finish_float(flags, false);
    case Op::fclass_s: x_[in.rd] = fp_class(a); return true;
    case Op::fmv_x_w:
      // The register's raw bits: a single's low 32 sign-extended, a double's 64.
      x_[in.rd] = sizeof(F) == 4 ? sext32(f_[in.rs1]) : f_[in.rs1];
      return true;
    case Op::fmv_w_x:
      f_[in.rd] = sizeof(F) == 4 ? box_bits | static_cast<std::uint32_t>(x_[in.rs1]) : x_[in.rs1];
      return finish_float(0, true);
    default: break;
  }
  std::uint8_t mode = 0;
  if (!rounding(in, mode)) {
    illegal(in);
    return false;
  }
  const auto rm = static_cast<Rounding>(mode);
  F result = 0;
  switch (single) {
    case Op::fadd_s: result = fp_add(a, b, rm, flags); break;
    case Op::fsub_s: result = fp_sub(a, b, rm, flags); break;
    case Op::fmul_s: result = fp_mul(a, b, rm, flags); break;
    case Op::fdiv_s: result = fp_div(a, b, rm, flags); break;
    case Op::fsqrt_s: result = fp_sqrt(a, rm, flags); break;
    case Op::fmadd_s: result = fp_fma(a, b, unbox<F>(f_[in.rs3]), rm, flags); break;
    case Op::fmsub_s: result = fp_fma(a, b, fp_negate(unbox<F>(f_[in.rs3])), rm, flags); break;
    case Op::fnmsub_s: result = fp_fma(fp_negate(a), b, unbox<F>(f_[in.rs3]), rm, flags); break;
    case Op::fnmadd_s: result = fp_fma(fp_negate(a), b, fp_negate(unbox<F>(f_[in.rs3])), rm, flags); break;
    case Op::fcvt_w_s:
    case Op::fcvt_wu_s:
    case Op::fcvt_l_s:
    case Op::fcvt_lu_s:
      x_[in.rd] = fp_to_integer(a, type(Op::fcvt_w_s, Op::fcvt_wu_s, Op::fcvt_l_s), rm, flags);
      return finish_float(flags, false);
    case Op::fcvt_s_w:
    case Op::fcvt_s_wu:
    case Op::fcvt_s_l:
    case Op::fcvt_s_lu:
      result = fp_from_integer<F>(x_[in.rs1], type(Op::fcvt_s_w, Op::fcvt_s_wu, Op::fcvt_s_l), rm, flags);
      break;
    default: {
      illegal(in);
      return false;
    }
  }
  f_[in.rd] = box<F>(result);
  return finish_float(flags, true);
}

}  // namespace vmsim::rv64
