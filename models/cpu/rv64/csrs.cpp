#include "vmsim/models/cpu/rv64/csrs.h"

namespace vmsim::rv64 {
namespace {

using namespace csr;

// misa: RV64 with A, C, D, F, I, M, S and U.
constexpr std::uint64_t misa_value = (std::uint64_t{2} << 62) | (1 << ('A' - 'A')) | (1 << ('C' - 'A')) |
                                     (1 << ('D' - 'A')) | (1 << ('F' - 'A')) | (1 << ('I' - 'A')) | (1 << ('M' - 'A')) |
                                     (1 << ('S' - 'A')) | (1 << ('U' - 'A'));
// UXL and SXL read 2 (64 bits); SD summarises FS.
constexpr std::uint64_t uxl = std::uint64_t{2} << 32, sxl = std::uint64_t{2} << 34;
constexpr std::uint64_t uxl_field = std::uint64_t{3} << 32;
constexpr std::uint64_t sd = std::uint64_t{1} << 63;
constexpr std::uint64_t mstatus_writable = sie | mie | spie | mpie | spp | mpp | fs | mprv | sum | mxr | tvm | tw | tsr;
constexpr std::uint64_t sstatus_writable = sie | spie | spp | fs | sum | mxr;
constexpr std::uint64_t sstatus_visible = sstatus_writable | uxl_field | sd;

constexpr std::uint64_t ssip = 1 << 1, msip = 1 << 3, stip = 1 << 5, mtip = 1 << 7, seip = 1 << 9, meip = 1 << 11;
constexpr std::uint64_t supervisor_interrupts = ssip | stip | seip;
constexpr std::uint64_t all_interrupts = supervisor_interrupts | msip | mtip | meip;
// Exceptions medeleg may delegate: every one but an ecall from M.
constexpr std::uint64_t delegable_exceptions = 0xb3ff;

constexpr std::uint64_t satp_ppn = (std::uint64_t{1} << 44) - 1;
constexpr std::uint64_t satp_asid = std::uint64_t{0xffff} << 44;
constexpr unsigned satp_mode_shift = 60;

// The privilege encodings of mstatus.MPP and sstatus.SPP.
constexpr std::uint64_t encoding(Privilege privilege) {
  return privilege == Privilege::machine ? 3 : privilege == Privilege::supervisor ? 1 : 0;
}
constexpr Privilege from_encoding(std::uint64_t bits) {
  return bits == 3 ? Privilege::machine : bits == 1 ? Privilege::supervisor : Privilege::user;
}
constexpr unsigned level(Privilege privilege) { return static_cast<unsigned>(encoding(privilege)); }

// Interrupts by priority: MEI, MSI, MTI, SEI, SSI, STI.
constexpr unsigned interrupt_priority[] = {11, 3, 7, 9, 1, 5};

std::optional<TranslationMode> satp_mode(std::uint64_t satp) {
  switch (satp >> satp_mode_shift) {
    case 0: return TranslationMode::bare;
    case 8: return TranslationMode::sv39;
    case 9: return TranslationMode::sv48;
    case 10: return TranslationMode::sv57;
    default: return std::nullopt;
  }
}

}  // namespace

const char* name(Exception cause) {
  switch (cause) {
    case Exception::instruction_misaligned: return "instruction_misaligned";
    case Exception::instruction_access: return "instruction_access_fault";
    case Exception::illegal_instruction: return "illegal_instruction";
    case Exception::breakpoint: return "breakpoint";
    case Exception::load_misaligned: return "load_misaligned";
    case Exception::load_access: return "load_access_fault";
    case Exception::store_misaligned: return "store_misaligned";
    case Exception::store_access: return "store_access_fault";
    case Exception::user_ecall: return "user_ecall";
    case Exception::supervisor_ecall: return "supervisor_ecall";
    case Exception::machine_ecall: return "machine_ecall";
    case Exception::instruction_page: return "instruction_page_fault";
    case Exception::load_page: return "load_page_fault";
    case Exception::store_page: return "store_page_fault";
  }
  return nullptr;
}

const char* name(Interrupt cause) {
  switch (cause) {
    case Interrupt::supervisor_software: return "supervisor_software";
    case Interrupt::machine_software: return "machine_software";
    case Interrupt::supervisor_timer: return "supervisor_timer";
    case Interrupt::machine_timer: return "machine_timer";
    case Interrupt::supervisor_external: return "supervisor_external";
    case Interrupt::machine_external: return "machine_external";
  }
  return nullptr;
}

Csrs::Csrs(CsrHost& host, std::uint64_t hart_id, Pmp& pmp) : host_(host), hart_id_(hart_id), mstatus_(0), pmp_(pmp) {}

std::uint64_t Csrs::effective_mip() const {
  std::uint64_t mip = mip_ | lines_;
  // With Sstc enabled, STIP follows stimecmp and software cannot write it.
  if (sstc_enabled()) mip = (mip & ~stip) | (supervisor_timer_due_ ? stip : 0);
  return mip;
}

std::uint64_t Csrs::modify_base(unsigned number, std::uint64_t value) const {
  return number == 0x344 ? (value & ~seip) | (mip_ & seip) : value;
}

std::uint64_t Csrs::sstatus() const {
  const std::uint64_t status = mstatus_ | uxl | sxl | (float_status() == fs_dirty ? sd : 0);
  return status & sstatus_visible;
}

bool Csrs::counter_enabled(unsigned number, Privilege privilege) const {
  const std::uint64_t bit = std::uint64_t{1} << (number & 31);
  if (privilege == Privilege::machine) return true;
  if ((mcounteren_ & bit) == 0) return false;
  return privilege == Privilege::supervisor || (scounteren_ & bit) != 0;
}

bool Csrs::read(unsigned number, Privilege privilege, std::uint64_t& value) const {
  if (level(privilege) < ((number >> 8) & 3)) return false;
  return read_value(number, privilege, value);
}

bool Csrs::read_value(unsigned number, Privilege privilege, std::uint64_t& value) const {
  switch (number) {
    case 0x001:
    case 0x002:
    case 0x003:
      if (float_status() == fs_off) return false;
      return read_debug(number, value);
    case 0xc00:
    case 0xc01:
    case 0xc02:
      if (!counter_enabled(number, privilege)) return false;
      if (number == 0xc01) {
        const std::optional<std::uint64_t> time = host_.time();
        if (!time) return false;
        value = *time;
      } else {
        value = number == 0xc00 ? host_.cycles() + cycle_offset_ : host_.retired() + retired_offset_;
      }
      return true;
    case 0x100: value = sstatus(); return true;
    case 0x104: value = mie_ & mideleg_; return true;
    case 0x105: value = stvec_; return true;
    case 0x106: value = scounteren_; return true;
    case 0x10a: value = senvcfg_; return true;
    case 0x140: value = sscratch_; return true;
    case 0x141: value = sepc_; return true;
    case 0x142: value = scause_; return true;
    case 0x143: value = stval_; return true;
    case 0x144: value = effective_mip() & mideleg_; return true;
    case 0x14d:
      // Sstc: the supervisor reaches stimecmp only when M enables it and lets it see the time.
      if (privilege != Privilege::machine && (!sstc_enabled() || (mcounteren_ & 2) == 0)) return false;
      value = stimecmp_;
      return true;
    case 0x180:
      if (privilege == Privilege::supervisor && (mstatus_ & tvm) != 0) return false;
      value = satp_;
      return true;
    case 0x300: value = mstatus_ | uxl | sxl | (float_status() == fs_dirty ? sd : 0); return true;
    case 0x301: value = misa_value; return true;
    case 0x302: value = medeleg_; return true;
    case 0x303: value = mideleg_; return true;
    case 0x304: value = mie_; return true;
    case 0x305: value = mtvec_; return true;
    case 0x306: value = mcounteren_; return true;
    case 0x30a: value = menvcfg_; return true;
    case 0x340: value = mscratch_; return true;
    case 0x341: value = mepc_; return true;
    case 0x342: value = mcause_; return true;
    case 0x343: value = mtval_; return true;
    case 0x344: value = effective_mip(); return true;
    case 0xb00: value = host_.cycles() + cycle_offset_; return true;
    case 0xb02: value = host_.retired() + retired_offset_; return true;
    case 0xf11:  // mvendorid: not a commercial implementation
    case 0xf12:  // marchid
    case 0xf13:  // mimpid
    case 0xf15:  // mconfigptr: no configuration structure
      value = 0;
      return true;
    case 0xf14: value = hart_id_; return true;
    case 0x320:
      value = 0;
      return true;  // mcountinhibit: the counters always count
    // The trigger module has no triggers: tselect stays 0, whose tdata1 says "none".
    case 0x7a0:
    case 0x7a1:
    case 0x7a2:
    case 0x7a3: value = 0; return true;
    case 0x7a4: value = 1; return true;  // tinfo: only type 0 (no trigger)
    default: break;
  }
  if (number == 0x3a0 || number == 0x3a2) {
    value = pmp_.config_register(number - 0x3a0);
    return true;
  }
  if (number >= 0x3a4 && number <= 0x3ae && number % 2 == 0) {  // pmpcfg of entries 16..63: none
    value = 0;
    return true;
  }
  if (number >= 0x3b0 && number <= 0x3ef) {
    const unsigned entry = number - 0x3b0;
    value = entry < Pmp::entries ? pmp_.address_register(entry) : 0;
    return true;
  }
  // The hardware performance monitor: counters 3 to 31 and their events, all zero.
  if ((number >= 0xb03 && number <= 0xb1f) || (number >= 0x323 && number <= 0x33f)) {
    value = 0;
    return true;
  }
  if (number >= 0xc03 && number <= 0xc1f) {
    if (!counter_enabled(number, privilege)) return false;
    value = 0;
    return true;
  }
  return false;
}

bool Csrs::read_debug(unsigned number, std::uint64_t& value) const {
  if (number >= 0x001 && number <= 0x003) {
    value = number == 0x001 ? fflags_ : number == 0x002 ? frm_ : (std::uint64_t{frm_} << 5 | fflags_);
    return true;
  }
  return read(number, Privilege::machine, value);
}

bool Csrs::writable(unsigned number, Privilege privilege) const {
  if ((number >> 10) == 3) return false;  // read-only by number
  std::uint64_t ignored = 0;
  return read(number, privilege, ignored);
}

bool Csrs::write(unsigned number, Privilege privilege, std::uint64_t value, unsigned& effects) {
  if (!writable(number, privilege)) return false;
  switch (number) {
    case 0x001:
    case 0x002:
    case 0x003:
      if (number != 0x002) fflags_ = static_cast<std::uint8_t>(value & 0x1f);
      if (number == 0x002) frm_ = static_cast<std::uint8_t>(value & 7);
      if (number == 0x003) frm_ = static_cast<std::uint8_t>((value >> 5) & 7);
      dirty_float_state();
      effects |= floating_point;
      return true;
    case 0x100:
      mstatus_ = (mstatus_ & ~sstatus_writable) | (value & sstatus_writable);
      effects |= data_privilege | interrupts | floating_point;
      return true;
    case 0x104:
      mie_ = (mie_ & ~mideleg_) | (value & mideleg_);
      effects |= interrupts;
      return true;
    case 0x105: stvec_ = value & ~std::uint64_t{2}; return true;
    case 0x106:
      scounteren_ = value & 0xffffffff;
      effects |= counters;
      return true;
    case 0x10a: senvcfg_ = value & 1; return true;
    case 0x140: sscratch_ = value; return true;
    case 0x141: sepc_ = value & ~std::uint64_t{1}; return true;
    case 0x142: scause_ = value; return true;
    case 0x143: stval_ = value; return true;
    case 0x144:
      // Of sip, software may write only SSIP, and only when it is delegated.
      mip_ = (mip_ & ~(mideleg_ & ssip)) | (value & mideleg_ & ssip);
      effects |= interrupts;
      return true;
    case 0x14d:
      stimecmp_ = value;
      effects |= timer_compare | interrupts;
      return true;
    case 0x180: {
      // A mode the MMU cannot walk leaves satp as it was (the write is ignored, as for a reserved mode).
      const std::optional<TranslationMode> mode = satp_mode(value);
      if (!mode || !host_.supports(*mode)) return true;
      satp_ =
          *mode == TranslationMode::bare ? 0 : value & (satp_ppn | satp_asid | (std::uint64_t{15} << satp_mode_shift));
      effects |= translation;
      return true;
    }
    case 0x300: {
      std::uint64_t updated = (mstatus_ & ~mstatus_writable) | (value & mstatus_writable);
      if (((updated & mpp) >> mpp_shift) == 2) updated = (updated & ~mpp) | (mstatus_ & mpp);  // reserved: kept
      mstatus_ = updated;
      effects |= data_privilege | interrupts | floating_point;
      return true;
    }
    case 0x301: return true;  // misa is fixed
    case 0x302: medeleg_ = value & delegable_exceptions; return true;
    case 0x303:
      mideleg_ = value & supervisor_interrupts;
      effects |= interrupts;
      return true;
    case 0x304:
      mie_ = value & all_interrupts;
      effects |= interrupts;
      return true;
    case 0x305: mtvec_ = value & ~std::uint64_t{2}; return true;
    case 0x306:
      mcounteren_ = value & 0xffffffff;
      effects |= counters;
      return true;
    case 0x30a:
      menvcfg_ = value & (stce | 1);
      effects |= timer_compare | interrupts;
      return true;
    case 0x340: mscratch_ = value; return true;
    case 0x341: mepc_ = value & ~std::uint64_t{1}; return true;
    case 0x342: mcause_ = value; return true;
    case 0x343: mtval_ = value; return true;
    case 0x344: {
      // SSIP, SEIP and (without Sstc) STIP are software's to write; the other bits follow the lines.
      const std::uint64_t writable_bits = ssip | seip | (sstc_enabled() ? 0 : stip);
      mip_ = (mip_ & ~writable_bits) | (value & writable_bits);
      effects |= interrupts;
      return true;
    }
    case 0xb00: cycle_offset_ = value - host_.cycles(); return true;
    // The instruction that writes minstret does not count itself: the next one reads the value.
    case 0xb02: retired_offset_ = value - host_.retired() - 1; return true;
    default: break;
  }
  if (number == 0x3a0 || number == 0x3a2) {
    pmp_.write_config_register(number - 0x3a0, value);
    effects |= protection;
    return true;
  }
  if (number >= 0x3b0 && number < 0x3b0 + Pmp::entries) {
    pmp_.write_address_register(number - 0x3b0, value);
    effects |= protection;
    return true;
  }
  return true;  // the rest exist with read-only values (zeroes, the trigger module's registers)
}

std::uint64_t Csrs::trap(std::uint64_t pc, Privilege& privilege, unsigned cause, bool interrupt, std::uint64_t value,
                         unsigned& effects) {
  const std::uint64_t delegated = interrupt ? mideleg_ : medeleg_;
  const std::uint64_t cause_value = (interrupt ? std::uint64_t{1} << 63 : 0) | cause;
  effects |= data_privilege | interrupts;
  if (privilege != Privilege::machine && ((delegated >> cause) & 1) != 0) {
    scause_ = cause_value;
    sepc_ = pc;
    stval_ = value;
    mstatus_ = (mstatus_ & ~(spp | spie | sie)) | (privilege == Privilege::supervisor ? spp : 0) |
               ((mstatus_ & sie) != 0 ? spie : 0);
    privilege = Privilege::supervisor;
    const std::uint64_t base = stvec_ & ~std::uint64_t{3};
    return (stvec_ & 1) != 0 && interrupt ? base + 4 * cause : base;
  }
  mcause_ = cause_value;
  mepc_ = pc;
  mtval_ = value;
  mstatus_ = (mstatus_ & ~(mpp | mpie | mie)) | (encoding(privilege) << mpp_shift) | ((mstatus_ & mie) != 0 ? mpie : 0);
  privilege = Privilege::machine;
  const std::uint64_t base = mtvec_ & ~std::uint64_t{3};
  return (mtvec_ & 1) != 0 && interrupt ? base + 4 * cause : base;
}

std::uint64_t Csrs::mret(Privilege& privilege, unsigned& effects) {
  privilege = from_encoding((mstatus_ & mpp) >> mpp_shift);
  // MPP becomes U, the least privileged mode; leaving M for a lower mode clears MPRV.
  mstatus_ = (mstatus_ & ~(mpp | mie)) | ((mstatus_ & mpie) != 0 ? mie : 0) | mpie;
  if (privilege != Privilege::machine) mstatus_ &= ~mprv;
  effects |= data_privilege | interrupts;
  return mepc_;
}

std::uint64_t Csrs::sret(Privilege& privilege, unsigned& effects) {
  privilege = (mstatus_ & spp) != 0 ? Privilege::supervisor : Privilege::user;
  mstatus_ = (mstatus_ & ~(spp | sie | mprv)) | ((mstatus_ & spie) != 0 ? sie : 0) | spie;
  effects |= data_privilege | interrupts;
  return sepc_;
}

std::optional<unsigned> Csrs::pending_interrupt(Privilege privilege) const {
  const std::uint64_t pending = effective_mip() & mie_;
  if (pending == 0) return std::nullopt;
  // Machine-level interrupts preempt lower modes always, M itself when MIE is set; delegated ones
  // preempt U always, S when SIE is set, and never M.
  const bool machine_enabled = privilege != Privilege::machine || (mstatus_ & mie) != 0;
  const bool supervisor_enabled =
      privilege == Privilege::user || (privilege == Privilege::supervisor && (mstatus_ & sie) != 0);
  // Those destined for M come before those destined for S, each set in the order of priority.
  for (const std::uint64_t takeable :
       {machine_enabled ? pending & ~mideleg_ : 0, supervisor_enabled ? pending & mideleg_ : 0})
    for (const unsigned cause : interrupt_priority)
      if (((takeable >> cause) & 1) != 0) return cause;
  return std::nullopt;
}

void Csrs::set_interrupt_line(unsigned bit, bool level) {
  const std::uint64_t mask = std::uint64_t{1} << bit;
  lines_ = level ? lines_ | mask : lines_ & ~mask;
}

}  // namespace vmsim::rv64
