#include "vmsim/models/cpu/rv64/core.h"

#include <limits>

#include <fmt/format.h>

#include "vmsim/models/core/riscv_names.h"
#include "vmsim/models/cpu/rv64/disassembler.h"

namespace vmsim::rv64 {
namespace {

__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

constexpr std::uint64_t sext32(std::uint64_t value) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(value)));
}
constexpr std::uint64_t sext16(std::uint64_t value) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int16_t>(value)));
}
constexpr std::uint64_t sext8(std::uint64_t value) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int8_t>(value)));
}
constexpr std::int64_t as_signed(std::uint64_t value) { return static_cast<std::int64_t>(value); }

// Division as RISC-V defines it: by zero gives all ones (the remainder, the dividend), and the one
// signed overflow gives the dividend (remainder 0); nothing traps.
template <typename Signed>
Signed divide(Signed a, Signed b) {
  if (b == 0) return -1;
  if (a == std::numeric_limits<Signed>::min() && b == -1) return a;
  return a / b;
}
template <typename Signed>
Signed remainder(Signed a, Signed b) {
  if (b == 0) return a;
  if (a == std::numeric_limits<Signed>::min() && b == -1) return 0;
  return a % b;
}
template <typename Unsigned>
Unsigned divide_unsigned(Unsigned a, Unsigned b) {
  return b == 0 ? ~Unsigned{0} : a / b;
}
template <typename Unsigned>
Unsigned remainder_unsigned(Unsigned a, Unsigned b) {
  return b == 0 ? a : a % b;
}

constexpr const char* privilege_names[3] = {"user", "supervisor", "machine"};

}  // namespace

Core::Core(const Config& config, HartMemory& memory, StatGroup& stats)
    : memory_(memory),
      csrs_(*this, config.hart_id, memory.pmp()),
      period_(config.period),
      instructions_(stats, "instructions", "Instructions retired"),
      exception_stats_(stats, "exceptions"),
      interrupt_stats_(stats, "interrupts"),
      load_reserved_(stats, "lr", "Load-reserved instructions executed"),
      store_conditional_ok_(stats, "sc_success", "Store-conditional instructions that stored"),
      store_conditional_failed_(stats, "sc_failure", "Store-conditional instructions that failed (no reservation)") {
  memory_.set_attention(&attention_);
  for (unsigned cls = 0; cls < timing_classes; ++cls) cost_[cls] = config.period * config.cycles[cls];
  for (unsigned level = 0; level < 3; ++level)
    by_privilege_[level] =
        std::make_unique<Counter>(stats, fmt::format("instructions_{}", privilege_names[level]),
                                  fmt::format("Instructions retired in {} mode", privilege_names[level]));
  for (unsigned cause = 0; cause < exception_causes; ++cause)
    if (const char* cause_name = name(static_cast<Exception>(cause)))
      exceptions_[cause] =
          std::make_unique<Counter>(exception_stats_, cause_name, fmt::format("Exceptions taken: {}", cause_name));
  for (unsigned cause = 0; cause < interrupt_causes; ++cause)
    if (const char* cause_name = name(static_cast<Interrupt>(cause)))
      interrupts_[cause] =
          std::make_unique<Counter>(interrupt_stats_, cause_name, fmt::format("Interrupts taken: {}", cause_name));
}

void Core::reset(std::uint64_t entry, std::uint64_t a0, std::uint64_t a1) {
  x_ = {};
  f_ = {};
  x_[10] = a0;
  x_[11] = a1;
  pc_ = entry;
  privilege_ = Privilege::machine;
  apply(Csrs::data_privilege | Csrs::interrupts);
}

void Core::set_privilege(Privilege privilege) {
  account();
  privilege_ = privilege;
  apply(Csrs::data_privilege | Csrs::interrupts);
}

bool Core::write_csr(unsigned number, std::uint64_t value) {
  if (!csrs_.writable(number, Privilege::machine)) return false;
  unsigned effects = 0;
  csrs_.write(number, Privilege::machine, value, effects);
  apply(effects);
  return true;
}

std::uint64_t Core::cycles() const { return (sc_core::sc_time_stamp() + local_).value() / period_.value(); }

std::optional<std::uint64_t> Core::time() const {
  if (time_ == nullptr) return std::nullopt;
  return time_->time_at(sc_core::sc_time_stamp() + local_);
}

void Core::set_interrupt(unsigned bit, bool level) {
  csrs_.set_interrupt_line(bit, level);
  attention_ = true;
}

void Core::apply(unsigned effects) {
  if ((effects & Csrs::translation) != 0 && memory_.mmu() != nullptr) {
    const std::uint64_t satp = csrs_.satp();
    const std::uint64_t mode = satp >> 60;
    const TranslationMode translation = mode == 8    ? TranslationMode::sv39
                                        : mode == 9  ? TranslationMode::sv48
                                        : mode == 10 ? TranslationMode::sv57
                                                     : TranslationMode::bare;
    memory_.mmu()->set_translation(translation, static_cast<std::uint16_t>(satp >> 44),
                                   (satp & ((std::uint64_t{1} << 44) - 1)) << 12);
    memory_.set_translating(translation != TranslationMode::bare);
  }
  if ((effects & Csrs::protection) != 0) memory_.protection_changed();
  if ((effects & Csrs::data_privilege) != 0) {
    const std::uint64_t status = csrs_.mstatus();
    Privilege data = privilege_;
    if (privilege_ == Privilege::machine && (status & csr::mprv) != 0) {
      const std::uint64_t previous = (status & csr::mpp) >> csr::mpp_shift;
      data = previous == 3 ? Privilege::machine : previous == 1 ? Privilege::supervisor : Privilege::user;
    }
    memory_.set_privileges(privilege_, data, (status & csr::sum) != 0, (status & csr::mxr) != 0);
  }
  if ((effects & Csrs::timer_compare) != 0) update_timer_due();
  if ((effects & Csrs::interrupts) != 0) attention_ = true;
}

void Core::update_timer_due() {
  timer_due_.reset();
  bool due = false;
  if (csrs_.sstc_enabled() && time_ != nullptr) {
    const sc_core::sc_time at = time_->time_of(csrs_.stimecmp());
    if (at <= sc_core::sc_time_stamp() + local_)
      due = true;
    else if (at != sc_core::sc_max_time())
      timer_due_ = at;
  }
  csrs_.set_supervisor_timer(due);
  attention_ = true;
}

std::string Core::lost_reason() const {
  if (trap_cause_ == Exception::instruction_access)
    return fmt::format("jumped to {:#x}, which has no memory behind it, and so has the trap handler at {:#x}",
                       trap_from_, trap_to_);
  return fmt::format("the trap handler at {:#x} has no memory behind it ({} at pc {:#x})", trap_to_, name(trap_cause_),
                     trap_from_);
}

bool Core::take_interrupt() {
  const std::optional<unsigned> cause = csrs_.pending_interrupt(privilege_);
  if (!cause) return false;
  unsigned effects = 0;
  account();
  trap_from_ = pc_;
  const Privilege from = privilege_;
  pc_ = csrs_.trap(pc_, privilege_, *cause, true, 0, effects);
  trap_to_ = ~std::uint64_t{0};  // an interrupt's handler that cannot be fetched traps once more, and then stops
  apply(effects);
  ++*interrupts_[*cause];
  if (interrupts_total_ != nullptr) ++*interrupts_total_;
  if (trace_ != nullptr || traps_) trap_taken(from, true, name(static_cast<Interrupt>(*cause)), 0);
  local_ += cost_[static_cast<unsigned>(TimingClass::csr)];
  return true;
}

void Core::raise(Exception cause, std::uint64_t value) {
  const auto number = static_cast<unsigned>(cause);
  unsigned effects = 0;
  account();
  trap_from_ = pc_;
  trap_cause_ = cause;
  const Privilege from = privilege_;
  pc_ = csrs_.trap(pc_, privilege_, number, false, value, effects);
  trap_to_ = pc_;
  retired_at_trap_ = retired_;
  apply(effects);
  ++*exceptions_[number];
  if (trace_ != nullptr || traps_) trap_taken(from, false, name(cause), value);
  if (profile_ != nullptr &&
      (cause == Exception::instruction_page || cause == Exception::load_page || cause == Exception::store_page))
    profile_->page_fault(trap_from_);
  local_ += cost_[static_cast<unsigned>(TimingClass::csr)];
  if (debug_ != nullptr) debug_->trap_taken(number, trap_from_, value);
}

void Core::trap_taken(Privilege from, bool interrupt, const char* cause, std::uint64_t value) {
  const sc_core::sc_time now = sc_core::sc_time_stamp() + local_;
  if (trace_ != nullptr) trace_->trap(now, from, trap_from_, interrupt, cause, value, privilege_, pc_);
  if (traps_) traps_.instant(cause, now, {"pc", trap_from_}, interrupt ? TimelineArg{} : TimelineArg{"tval", value});
}

void Core::profile_next() {
  profile_last();
  profiled_ = {true, pc_, sc_core::sc_time_stamp() + local_, retired_,
               memory_.mmu() != nullptr ? memory_.mmu()->counts() : AddressTranslation::Counts{}};
  attention_ = true;  // the next boundary comes through the slow path too
}

void Core::profile_last() {
  if (!profiled_.valid) return;
  profiled_.valid = false;
  const AddressTranslation::Counts mmu =
      memory_.mmu() != nullptr ? memory_.mmu()->counts() : AddressTranslation::Counts{};
  const sc_core::sc_time spent = sc_core::sc_time_stamp() + local_ - profiled_.at;
  profile_->count(profiled_.pc, retired_ - profiled_.retired, spent, mmu.tlb_misses - profiled_.mmu.tlb_misses,
                  mmu.walks - profiled_.mmu.walks);
}

void Core::trace_next() {
  const sc_core::sc_time now = sc_core::sc_time_stamp() + local_;
  if (trace_->over(now)) {
    set_trace(nullptr);
    return;
  }
  attention_ = true;  // the next boundary comes through the slow path too
  if (!trace_->wants(pc_, privilege_, now)) return;
  Instruction instruction;
  if (!memory_.instruction_debug(pc_, instruction)) return;  // its fetch faults
  traced_ = {true, pc_, privilege_, now, retired_, instruction};
  memory_.forget_noted();
}

void Core::trace_retired() {
  if (!traced_.valid) return;
  traced_.valid = false;
  if (retired_ != traced_.retired + 1) return;  // it trapped: the trap has its own line
  const Instruction& in = traced_.instruction;
  const Destination written = destination(in);
  const char* register_name = written == Destination::x   ? riscv::integer_names[in.rd]
                              : written == Destination::f ? riscv::float_names[in.rd]
                                                          : "";
  const std::uint64_t value = written == Destination::x ? x_[in.rd] : written == Destination::f ? f_[in.rd] : 0;
  trace_->retired(traced_.at, traced_.privilege, traced_.pc, in, register_name, value, memory_.noted());
}

bool Core::debug_boundary() {
  if (!debug_->at_boundary(pc_)) return false;
  // The debugger may have changed anything, watchpoints and time included; while it stays armed,
  // the next boundary comes this way too.
  memory_.set_watching(debug_->watching());
  if (debug_->armed()) attention_ = true;
  return true;
}

sc_core::sc_time Core::limit_of(const sc_core::sc_time& until) const {
  // The run stops early where the supervisor timer falls due, to raise STIP there.
  if (!timer_due_) return until;
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  return *timer_due_ <= now ? sc_core::SC_ZERO_TIME : std::min(until, *timer_due_ - now);
}

void Core::account() {
  const std::uint64_t retired = retired_ - accounted_;
  instructions_ += retired;
  *by_privilege_[static_cast<unsigned>(privilege_)] += retired;
  accounted_ = retired_;
}

// The common instructions (integer arithmetic, jumps and branches, loads and stores), inline in the
// run loop: they need no frame of their own. False for the others, which execute() runs.
[[gnu::always_inline]] inline bool Core::execute_common(const Instruction& in) {
  std::uint64_t* const x = x_.data();
  std::uint64_t next = pc_ + in.length;
  auto timing = static_cast<unsigned>(in.timing);
  const auto imm = static_cast<std::uint64_t>(static_cast<std::int64_t>(in.imm));
  std::uint64_t value = 0;
  switch (in.op) {
    case Op::lui: x[in.rd] = imm; break;
    case Op::auipc: x[in.rd] = pc_ + imm; break;
    case Op::jal:
      x[in.rd] = next;
      next = pc_ + imm;
      break;
    case Op::jalr: {
      const std::uint64_t target = (x[in.rs1] + imm) & ~std::uint64_t{1};
      x[in.rd] = next;
      next = target;
      break;
    }
#define BRANCH(op, condition)                                    \
  case Op::op:                                                   \
    if (condition) {                                             \
      next = pc_ + imm;                                          \
      timing = static_cast<unsigned>(TimingClass::branch_taken); \
    }                                                            \
    break;
      BRANCH(beq, x[in.rs1] == x[in.rs2])
      BRANCH(bne, x[in.rs1] != x[in.rs2])
      BRANCH(blt, as_signed(x[in.rs1]) < as_signed(x[in.rs2]))
      BRANCH(bge, as_signed(x[in.rs1]) >= as_signed(x[in.rs2]))
      BRANCH(bltu, x[in.rs1] < x[in.rs2])
      BRANCH(bgeu, x[in.rs1] >= x[in.rs2])
#undef BRANCH
#define LOAD(op, size, extend)                                 \
  case Op::op:                                                 \
    if (!memory_.load(x[in.rs1] + imm, size, value, local_)) { \
      raise(memory_.fault());                                  \
      return true;                                             \
    }                                                          \
    x[in.rd] = extend(value);                                  \
    break;
      LOAD(lb, 1, sext8)
      LOAD(lh, 2, sext16)
      LOAD(lw, 4, sext32)
      LOAD(ld, 8, )
      LOAD(lbu, 1, )
      LOAD(lhu, 2, )
      LOAD(lwu, 4, )
#undef LOAD
#define STORE(op, size)                                             \
  case Op::op:                                                      \
    if (!memory_.store(x[in.rs1] + imm, size, x[in.rs2], local_)) { \
      raise(memory_.fault());                                       \
      return true;                                                  \
    }                                                               \
    break;
      STORE(sb, 1)
      STORE(sh, 2)
      STORE(sw, 4)
      STORE(sd, 8)
#undef STORE
    case Op::addi: x[in.rd] = x[in.rs1] + imm; break;
    case Op::slti: x[in.rd] = as_signed(x[in.rs1]) < as_signed(imm) ? 1 : 0; break;
    case Op::sltiu: x[in.rd] = x[in.rs1] < imm ? 1 : 0; break;
    case Op::xori: x[in.rd] = x[in.rs1] ^ imm; break;
    case Op::ori: x[in.rd] = x[in.rs1] | imm; break;
    case Op::andi: x[in.rd] = x[in.rs1] & imm; break;
    case Op::slli: x[in.rd] = x[in.rs1] << (imm & 63); break;
    case Op::srli: x[in.rd] = x[in.rs1] >> (imm & 63); break;
    case Op::srai: x[in.rd] = static_cast<std::uint64_t>(as_signed(x[in.rs1]) >> (imm & 63)); break;
    case Op::add: x[in.rd] = x[in.rs1] + x[in.rs2]; break;
    case Op::sub: x[in.rd] = x[in.rs1] - x[in.rs2]; break;
    case Op::sll: x[in.rd] = x[in.rs1] << (x[in.rs2] & 63); break;
    case Op::slt: x[in.rd] = as_signed(x[in.rs1]) < as_signed(x[in.rs2]) ? 1 : 0; break;
    case Op::sltu: x[in.rd] = x[in.rs1] < x[in.rs2] ? 1 : 0; break;
    case Op::xor_: x[in.rd] = x[in.rs1] ^ x[in.rs2]; break;
    case Op::srl: x[in.rd] = x[in.rs1] >> (x[in.rs2] & 63); break;
    case Op::sra: x[in.rd] = static_cast<std::uint64_t>(as_signed(x[in.rs1]) >> (x[in.rs2] & 63)); break;
    case Op::or_: x[in.rd] = x[in.rs1] | x[in.rs2]; break;
    case Op::and_: x[in.rd] = x[in.rs1] & x[in.rs2]; break;
    case Op::addiw: x[in.rd] = sext32(x[in.rs1] + imm); break;
    case Op::slliw: x[in.rd] = sext32(x[in.rs1] << (imm & 31)); break;
    case Op::srliw: x[in.rd] = sext32(static_cast<std::uint32_t>(x[in.rs1]) >> (imm & 31)); break;
    case Op::sraiw:
      x[in.rd] = sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(x[in.rs1]) >> (imm & 31)));
      break;
    case Op::addw: x[in.rd] = sext32(x[in.rs1] + x[in.rs2]); break;
    case Op::subw: x[in.rd] = sext32(x[in.rs1] - x[in.rs2]); break;
    case Op::sllw: x[in.rd] = sext32(x[in.rs1] << (x[in.rs2] & 31)); break;
    case Op::srlw: x[in.rd] = sext32(static_cast<std::uint32_t>(x[in.rs1]) >> (x[in.rs2] & 31)); break;
    case Op::sraw:
      x[in.rd] = sext32(static_cast<std::uint32_t>(static_cast<std::int32_t>(x[in.rs1]) >> (x[in.rs2] & 31)));
      break;
    case Op::mul: x[in.rd] = x[in.rs1] * x[in.rs2]; break;
    case Op::mulh:
      x[in.rd] = static_cast<std::uint64_t>((int128{as_signed(x[in.rs1])} * int128{as_signed(x[in.rs2])}) >> 64);
      break;
    case Op::mulhsu:
      x[in.rd] = static_cast<std::uint64_t>((int128{as_signed(x[in.rs1])} * static_cast<int128>(x[in.rs2])) >> 64);
      break;
    case Op::mulhu: x[in.rd] = static_cast<std::uint64_t>((uint128{x[in.rs1]} * uint128{x[in.rs2]}) >> 64); break;
    case Op::div: x[in.rd] = static_cast<std::uint64_t>(divide(as_signed(x[in.rs1]), as_signed(x[in.rs2]))); break;
    case Op::divu: x[in.rd] = divide_unsigned(x[in.rs1], x[in.rs2]); break;
    case Op::rem: x[in.rd] = static_cast<std::uint64_t>(remainder(as_signed(x[in.rs1]), as_signed(x[in.rs2]))); break;
    case Op::remu: x[in.rd] = remainder_unsigned(x[in.rs1], x[in.rs2]); break;
    case Op::mulw: x[in.rd] = sext32(x[in.rs1] * x[in.rs2]); break;
    case Op::divw:
      x[in.rd] = sext32(static_cast<std::uint32_t>(
          divide(static_cast<std::int32_t>(x[in.rs1]), static_cast<std::int32_t>(x[in.rs2]))));
      break;
    case Op::divuw:
      x[in.rd] = sext32(divide_unsigned(static_cast<std::uint32_t>(x[in.rs1]), static_cast<std::uint32_t>(x[in.rs2])));
      break;
    case Op::remw:
      x[in.rd] = sext32(static_cast<std::uint32_t>(
          remainder(static_cast<std::int32_t>(x[in.rs1]), static_cast<std::int32_t>(x[in.rs2]))));
      break;
    case Op::remuw:
      x[in.rd] =
          sext32(remainder_unsigned(static_cast<std::uint32_t>(x[in.rs1]), static_cast<std::uint32_t>(x[in.rs2])));
      break;
    default: return false;
  }
  pc_ = next;
  local_ += cost_[timing];
  ++retired_;
  return true;
}

Core::Stop Core::run(const sc_core::sc_time& until, std::uint64_t budget) {
  const sc_core::sc_time start = local_;
  sc_core::sc_time limit = limit_of(until);
  attention_ = true;  // whatever changed while the hart was not running (a debugger's changes too)
  if (debug_ != nullptr) memory_.set_watching(debug_->watching());
  Stop stop = Stop::time;
  for (;;) {
    // One test in the common case: time, budget and anything that wants attention (a debugger's
    // armed state among them).
    if (__builtin_expect(local_ >= limit || budget == 0 || attention_, false)) {
      if (trace_ != nullptr) trace_retired();
      bool interrupts = attention_;
      if (attention_) {
        attention_ = false;
        if (wfi_) {
          wfi_ = false;
          stop = Stop::wfi;
          break;
        }
        if (memory_.ended()) {
          stop = Stop::ended;
          break;
        }
        limit = limit_of(until);
      }
      if (local_ >= limit) {
        if (timer_due_ && sc_core::sc_time_stamp() + local_ >= *timer_due_) {
          update_timer_due();
          continue;
        }
        stop = Stop::time;
        break;
      }
      if (budget == 0) {
        stop = Stop::instructions;
        break;
      }
      // Committed to the boundary at pc_, whether an interrupt or the instruction comes next.
      if (debug_ != nullptr && debug_->armed()) {
        if (!debug_boundary()) {
          stop = Stop::ended;
          break;
        }
        interrupts = true;
        limit = limit_of(until);
      }
      if (trace_ != nullptr) trace_next();
      if (profile_ != nullptr) profile_next();
      if (interrupts && take_interrupt()) {
        --budget;
        continue;
      }
    }
    --budget;
    const Instruction* instruction = memory_.fetch(pc_, local_);
    if (__builtin_expect(instruction == nullptr, false)) {
      if (memory_.fault().unmapped && pc_ == trap_to_ && retired_ == retired_at_trap_) {
        stop = Stop::lost;
        break;
      }
      raise(memory_.fault());
      continue;
    }
    if (!execute_common(*instruction)) execute(*instruction);
  }
  if (trace_ != nullptr) trace_retired();
  if (profile_ != nullptr) profile_last();
  busy_ += local_ - start;
  account();
  memory_.account();
  return stop;
}

template <typename Combine>
bool Core::atomic(const Instruction& in, unsigned size, Combine combine) {
  const std::uint64_t operand = x_[in.rs2];
  std::uint64_t old = 0;
  if (!memory_.atomic(
          x_[in.rs1], size, old, [&](std::uint64_t value) { return combine(value, operand); }, local_)) {
    raise(memory_.fault());
    return false;
  }
  x_[in.rd] = size == 4 ? sext32(old) : old;
  return true;
}

bool Core::csr_instruction(const Instruction& in) {
  const auto number = static_cast<unsigned>(in.imm) & 0xfff;
  const bool immediate = in.op == Op::csrrwi || in.op == Op::csrrsi || in.op == Op::csrrci;
  const bool swap = in.op == Op::csrrw || in.op == Op::csrrwi;
  const std::uint64_t operand = immediate ? in.rs1 : x_[in.rs1];
  // csrrs and csrrc with x0 (or immediate 0) only read; csrrw into x0 only writes.
  const bool writes = swap || in.rs1 != 0;
  const bool reads = !swap || in.rd != discard_register;
  std::uint64_t old = 0;
  if ((writes && !csrs_.writable(number, privilege_)) || (reads && !csrs_.read(number, privilege_, old))) {
    illegal(in);
    return false;
  }
  if (writes) {
    const std::uint64_t base = csrs_.modify_base(number, old);
    const std::uint64_t value = swap                                        ? operand
                                : in.op == Op::csrrs || in.op == Op::csrrsi ? base | operand
                                                                            : base & ~operand;
    unsigned effects = 0;
    csrs_.write(number, privilege_, value, effects);
    apply(effects);
  }
  x_[in.rd] = old;
  return true;
}

bool Core::return_from_trap(const Instruction& in) {
  const bool machine = in.op == Op::mret;
  if (machine ? privilege_ != Privilege::machine
              : privilege_ == Privilege::user ||
                    (privilege_ == Privilege::supervisor && (csrs_.mstatus() & csr::tsr) != 0)) {
    illegal(in);
    return false;
  }
  // The xRET retires in the mode it ran in.
  ++retired_;
  account();
  unsigned effects = 0;
  pc_ = machine ? csrs_.mret(privilege_, effects) : csrs_.sret(privilege_, effects);
  apply(effects);
  local_ += cost_[static_cast<unsigned>(in.timing)];
  return false;  // done: the pc and the count are set
}

void Core::execute(const Instruction& in) {
  std::uint64_t* const x = x_.data();
  std::uint64_t next = pc_ + in.length;
  auto timing = static_cast<unsigned>(in.timing);
  std::uint64_t value = 0;
  switch (in.op) {
    case Op::illegal: return illegal(in);
    case Op::fence: break;
    case Op::fence_i: memory_.fence_instructions(); break;
    case Op::ecall:
      return raise(privilege_ == Privilege::user         ? Exception::user_ecall
                   : privilege_ == Privilege::supervisor ? Exception::supervisor_ecall
                                                         : Exception::machine_ecall,
                   0);
    case Op::ebreak: return raise(Exception::breakpoint, pc_);
    case Op::csrrw:
    case Op::csrrs:
    case Op::csrrc:
    case Op::csrrwi:
    case Op::csrrsi:
    case Op::csrrci:
      if (!csr_instruction(in)) return;
      break;
    case Op::mret:
    case Op::sret: return_from_trap(in); return;
    case Op::wfi:
      if (privilege_ == Privilege::user || (privilege_ == Privilege::supervisor && (csrs_.mstatus() & csr::tw) != 0))
        return illegal(in);
      if (!csrs_.wakes()) wfi_ = attention_ = true;
      break;
    case Op::sfence_vma:
      if (privilege_ == Privilege::user || (privilege_ == Privilege::supervisor && (csrs_.mstatus() & csr::tvm) != 0))
        return illegal(in);
      if (memory_.mmu() != nullptr)
        memory_.mmu()->flush(
            in.rs1 != 0 ? std::optional<std::uint64_t>(x[in.rs1]) : std::nullopt,
            in.rs2 != 0 ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(x[in.rs2])) : std::nullopt);
      break;
    case Op::lr_w:
    case Op::lr_d: {
      const unsigned size = in.op == Op::lr_w ? 4 : 8;
      const bool loaded = memory_.load_reserved(x[in.rs1], size, value, local_);
      if (loaded || !memory_.fault().watched) ++load_reserved_;
      if (!loaded) return raise(memory_.fault());
      x[in.rd] = size == 4 ? sext32(value) : value;
      break;
    }
    case Op::sc_w:
    case Op::sc_d: {
      bool stored = false;
      if (!memory_.store_conditional(x[in.rs1], in.op == Op::sc_w ? 4 : 8, x[in.rs2], stored, local_))
        return raise(memory_.fault());
      ++(stored ? store_conditional_ok_ : store_conditional_failed_);
      x[in.rd] = stored ? 0 : 1;
      break;
    }
#define AMO(op, size, combine)                                                                       \
  case Op::op:                                                                                       \
    if (!atomic(in, size, [](std::uint64_t old, std::uint64_t operand) { return combine; })) return; \
    break;
      AMO(amoswap_w, 4, (static_cast<void>(old), operand))
      AMO(amoadd_w, 4, old + operand)
      AMO(amoxor_w, 4, old ^ operand)
      AMO(amoand_w, 4, old & operand)
      AMO(amoor_w, 4, old | operand)
      AMO(amomin_w, 4, static_cast<std::int32_t>(old) < static_cast<std::int32_t>(operand) ? old : operand)
      AMO(amomax_w, 4, static_cast<std::int32_t>(old) > static_cast<std::int32_t>(operand) ? old : operand)
      AMO(amominu_w, 4, static_cast<std::uint32_t>(old) < static_cast<std::uint32_t>(operand) ? old : operand)
      AMO(amomaxu_w, 4, static_cast<std::uint32_t>(old) > static_cast<std::uint32_t>(operand) ? old : operand)
      AMO(amoswap_d, 8, (static_cast<void>(old), operand))
      AMO(amoadd_d, 8, old + operand)
      AMO(amoxor_d, 8, old ^ operand)
      AMO(amoand_d, 8, old & operand)
      AMO(amoor_d, 8, old | operand)
      AMO(amomin_d, 8, as_signed(old) < as_signed(operand) ? old : operand)
      AMO(amomax_d, 8, as_signed(old) > as_signed(operand) ? old : operand)
      AMO(amominu_d, 8, old < operand ? old : operand)
      AMO(amomaxu_d, 8, old > operand ? old : operand)
#undef AMO
    default:  // F and D
      if (!execute_float(in)) return;
      break;
  }
  pc_ = next;
  local_ += cost_[timing];
  ++retired_;
}

}  // namespace vmsim::rv64
