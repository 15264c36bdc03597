#include "stand_in_hart.h"

#include <cstring>

namespace vmsim::test {
namespace {

constexpr unsigned s0 = 8;
constexpr unsigned a0 = 10;
constexpr unsigned a1 = 11;
constexpr std::uint64_t load_page_fault = 13;
constexpr std::uint64_t fault_value = 0xdead000;
constexpr std::uint64_t handler_offset = 0x400;
// RV64IMAFDC.
constexpr std::uint64_t misa =
    (std::uint64_t{2} << 62) | (1u << 0) | (1u << 2) | (1u << 3) | (1u << 5) | (1u << 8) | (1u << 12);
// mstatus.UXL and SXL: 64 bits.
constexpr std::uint64_t mstatus_reset = (std::uint64_t{2} << 32) | (std::uint64_t{2} << 34);

// The offset from s0 of the load or store that instruction k makes.
std::uint64_t slot_offset(std::uint64_t k) { return 8 * ((k / 8) % 16); }

}  // namespace

ParamSchema StandInHart::parameters() {
  ParamSchema schema;
  schema.optional<std::uint64_t>("hart_id", 0, "Hart id");
  schema.optional<Address>("entry", Address{0x80000000}, "Where the program starts");
  schema.optional<Bytes>("memory_size", Bytes{0x10000}, "Memory from the entry on");
  schema.optional<Address>("data", Address{0x80008000}, "Where loads and stores go (s0 at reset)");
  schema.optional<std::uint64_t>("instructions", 100, "Instructions retired before the program exits");
  schema.optional<bool>("exits", true, "Whether the hart's end is the program's exit");
  schema.optional<std::uint64_t>("exit_code", 0, "The program's exit code");
  schema.optional<std::uint64_t>("fault_after", 0, "The instruction (from 1) that raises a load page fault; 0: none");
  schema.optional<std::uint64_t>("sleep_after", 0, "The instruction (from 1) after which the hart sleeps; 0: none");
  schema.optional<sc_core::sc_time>("sleep_for", sc_core::sc_time(1, sc_core::SC_US), "How long it sleeps");
  schema.optional<Frequency>("frequency", Frequency{1'000'000'000}, "One instruction per cycle");
  return schema;
}

StandInHart::StandInHart(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  hart_id_ = params.get<std::uint64_t>("hart_id");
  entry_ = params.get<Address>("entry").value;
  base_ = entry_;
  memory_.resize(params.get<Bytes>("memory_size").value);
  data_ = params.get<Address>("data").value;
  instructions_ = params.get<std::uint64_t>("instructions");
  exits_ = params.get<bool>("exits");
  exit_code_ = params.get<std::uint64_t>("exit_code");
  fault_after_ = params.get<std::uint64_t>("fault_after");
  sleep_after_ = params.get<std::uint64_t>("sleep_after");
  sleep_for_ = params.get<sc_core::sc_time>("sleep_for");
  period_ = params.get<Frequency>("frequency").period();
  for (std::uint64_t address = entry_; address + 4 <= std::min(data_, base_ + memory_.size()); address += 4) {
    const std::uint32_t word = encoding(entry_, address);
    std::memcpy(at(address, 4), &word, 4);
  }
  run().initiator_started();
  SC_THREAD(execute);
}

std::uint32_t StandInHart::encoding(std::uint64_t entry, std::uint64_t address) {
  const std::uint64_t k = (address - entry) / 4;
  const auto offset = static_cast<std::uint32_t>(slot_offset(k));
  if (k % 8 == 3) return (offset << 20) | (s0 << 15) | (3u << 12) | (a1 << 7) | 0x03;  // ld a1, offset(s0)
  if (k % 8 == 7)
    return ((offset >> 5) << 25) | (a0 << 20) | (s0 << 15) | (3u << 12) | ((offset & 31) << 7) | 0x23;  // sd
  return (1u << 20) | (a0 << 15) | (a0 << 7) | 0x13;  // addi a0, a0, 1
}

void StandInHart::execute() {
  run().wait_for_boot();
  x_[s0] = data_;
  pc_ = entry_;
  mstatus_ = mstatus_reset;
  mtvec_ = entry_ + handler_offset;
  while (retired_ < instructions_) {
    if (!debug_.at_boundary(pc_)) return;
    if (!step()) continue;
    quantum_.inc(period_);
    if (sleep_after_ != 0 && retired_ == sleep_after_ && !sleep()) return;
    if (quantum_.need_sync()) quantum_.sync();
  }
  quantum_.sync();
  if (exits_) debug_.exited(static_cast<int>(exit_code_));
  run().initiator_finished();
}

bool StandInHart::step() {
  if (!faulted_ && retired_ + 1 == fault_after_) {
    faulted_ = true;
    mepc_ = pc_;
    mcause_ = load_page_fault;
    mtval_ = fault_value;
    pc_ = mtvec_;
    ++exceptions_;
    debug_.trap_taken(load_page_fault, mepc_, fault_value);
    return true;
  }
  const std::uint64_t k = (pc_ - entry_) / 4;
  const std::uint64_t address = x_[s0] + slot_offset(k);
  if (k % 8 == 3 || k % 8 == 7) {
    const bool store = k % 8 == 7;
    if (debug_.watch_hit(address, 8, store ? AccessKind::store : AccessKind::load)) return false;
    std::uint8_t* cell = at(address, 8);
    if (store) {
      if (cell != nullptr) std::memcpy(cell, &x_[a0], 8);
      ++stores_;
    } else {
      x_[a1] = 0;
      if (cell != nullptr) std::memcpy(&x_[a1], cell, 8);
      ++loads_;
    }
  } else {
    ++x_[a0];
  }
  pc_ += 4;
  ++retired_;
  ++instructions_retired_;
  return true;
}

bool StandInHart::sleep() {
  quantum_.sync();
  const sc_core::sc_time until = sc_core::sc_time_stamp() + sleep_for_;
  while (sc_core::sc_time_stamp() < until) {
    sc_core::wait(until - sc_core::sc_time_stamp(), debug_.attention());
    if (!debug_.while_asleep(sc_core::sc_time_stamp() >= until)) return false;
  }
  return true;
}

std::uint8_t* StandInHart::at(std::uint64_t address, std::size_t length) {
  if (address < base_ || address - base_ > memory_.size() || length > memory_.size() - (address - base_))
    return nullptr;
  return memory_.data() + (address - base_);
}

bool StandInHart::read_register(unsigned number, std::uint64_t& value) {
  namespace r = debug_register;
  if (number < 32) {
    value = number == 0 ? 0 : x_[number];
  } else if (number == r::pc) {
    value = pc_;
  } else if (number >= r::f0 && number < r::f0 + 32) {
    value = f_[number - r::f0];
  } else if (number == r::privilege) {
    value = privilege_;
  } else {
    switch (number - r::csr0) {
      case 0x001: value = fcsr_ & 0x1f; break;
      case 0x002: value = (fcsr_ >> 5) & 7; break;
      case 0x003: value = fcsr_; break;
      case 0x300: value = mstatus_; break;
      case 0x301: value = misa; break;
      case 0x305: value = mtvec_; break;
      case 0x340: value = mscratch_; break;
      case 0x341: value = mepc_; break;
      case 0x342: value = mcause_; break;
      case 0x343: value = mtval_; break;
      case 0xb02: value = retired_; break;
      case 0xf14: value = hart_id_; break;
      default: return false;
    }
  }
  return true;
}

bool StandInHart::write_register(unsigned number, std::uint64_t value) {
  namespace r = debug_register;
  if (number < 32) {
    if (number != 0) x_[number] = value;
  } else if (number == r::pc) {
    pc_ = value;
  } else if (number >= r::f0 && number < r::f0 + 32) {
    f_[number - r::f0] = value;
  } else if (number == r::privilege) {
    if (value == 2 || value > 3) return false;
    privilege_ = value;
  } else {
    switch (number - r::csr0) {
      case 0x001: fcsr_ = (fcsr_ & ~std::uint64_t{0x1f}) | (value & 0x1f); break;
      case 0x002: fcsr_ = (fcsr_ & 0x1f) | ((value & 7) << 5); break;
      case 0x003: fcsr_ = value & 0xff; break;
      case 0x300: mstatus_ = value; break;
      case 0x301: break;  // misa is WARL: no extension can be turned off
      case 0x305: mtvec_ = value & ~std::uint64_t{3}; break;
      case 0x340: mscratch_ = value; break;
      case 0x341: mepc_ = value & ~std::uint64_t{1}; break;
      case 0x342: mcause_ = value; break;
      case 0x343: mtval_ = value; break;
      default: return false;  // minstret and mhartid are read-only here, and the rest absent
    }
  }
  return true;
}

std::size_t StandInHart::read_memory(std::uint64_t address, std::uint8_t* data, std::size_t length) {
  std::size_t moved = 0;
  for (; moved < length; ++moved) {
    const std::uint8_t* cell = at(address + moved, 1);
    if (cell == nullptr) break;
    data[moved] = *cell;
  }
  return moved;
}

std::size_t StandInHart::write_memory(std::uint64_t address, const std::uint8_t* data, std::size_t length) {
  std::size_t moved = 0;
  for (; moved < length; ++moved) {
    std::uint8_t* cell = at(address + moved, 1);
    if (cell == nullptr) break;
    *cell = data[moved];
  }
  return moved;
}

}  // namespace vmsim::test
