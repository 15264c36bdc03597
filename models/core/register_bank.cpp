#include "vmsim/models/core/register_bank.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace vmsim {

RegisterBank::RegisterBank(const char* socket_name, Counters counters) : socket(socket_name), counters_(counters) {
  socket.register_b_transport(this, &RegisterBank::b_transport);
  socket.register_transport_dbg(this, &RegisterBank::transport_dbg);
}

Register& RegisterBank::add(const RegisterSpec& spec) {
  add_array(spec, 1, 0);
  return registers_.back();
}

void RegisterBank::add_array(const RegisterSpec& first, unsigned count, std::uint64_t stride) {
  for (unsigned index = 0; index < count; ++index) {
    const Register added(first, index, stride);
    const std::uint64_t offset = added.offset();
    const std::uint64_t last = offset + added.width() - 1;
    // Declaration mistakes are the model's, found the first time it is built.
    if (offset % added.width() != 0)
      throw std::logic_error(fmt::format("register {} at {:#x} is not aligned to its width", added.name(), offset));
    // A slot that holds a register is all that register's, so any slot the new one touches must be free.
    for (std::uint64_t slot = offset >> slot_shift_; slot <= last >> slot_shift_ && slot < decode_.size(); ++slot)
      if (decode_[slot] != nullptr)
        throw std::logic_error(fmt::format("register {} at {:#x} overlaps register {} at {:#x}", added.name(), offset,
                                           decode_[slot]->name(), decode_[slot]->offset()));
    for (const RegisterWindow& window : windows_)
      if (offset < window.offset + window.size && window.offset <= last)
        throw std::logic_error(
            fmt::format("register {} at {:#x} overlaps window {}", added.name(), offset, window.name));
    enter(registers_.emplace_back(added));
  }
}

void RegisterBank::enter(Register& added) {
  const auto shift = static_cast<unsigned>(__builtin_ctz(added.width()));
  if (shift < slot_shift_) {
    // A narrower register than any before: the table is divided into finer slots.
    std::vector<Register*> finer(decode_.size() << (slot_shift_ - shift), nullptr);
    for (std::size_t slot = 0; slot < finer.size(); ++slot) finer[slot] = decode_[slot >> (slot_shift_ - shift)];
    decode_ = std::move(finer);
    slot_shift_ = shift;
  }
  const std::uint64_t first_slot = added.offset() >> slot_shift_;
  const std::uint64_t end_slot = first_slot + (added.width() >> slot_shift_);
  if (decode_.size() < end_slot) decode_.resize(end_slot, nullptr);
  for (std::uint64_t slot = first_slot; slot < end_slot; ++slot) decode_[slot] = &added;
}

void RegisterBank::add_window(RegisterWindow window) {
  if (window.size == 0 || window.offset + window.size < window.offset || !window.read)
    throw std::logic_error(fmt::format("window {} needs a size and a read callback", window.name));
  const std::uint64_t end = window.offset + window.size;
  for (std::uint64_t slot = window.offset >> slot_shift_; slot < decode_.size() && (slot << slot_shift_) < end; ++slot)
    if (decode_[slot] != nullptr)
      throw std::logic_error(
          fmt::format("window {} at {:#x} overlaps register {}", window.name, window.offset, decode_[slot]->name()));
  for (const RegisterWindow& other : windows_)
    if (window.offset < other.offset + other.size && other.offset < window.offset + window.size)
      throw std::logic_error(fmt::format("window {} overlaps window {}", window.name, other.name));
  windows_.push_back(std::move(window));
}

const RegisterWindow* RegisterBank::window_at(std::uint64_t offset) const {
  for (const RegisterWindow& window : windows_)
    if (offset >= window.offset && offset - window.offset < window.size) return &window;
  return nullptr;
}

std::uint64_t RegisterBank::size() const {
  std::uint64_t end = decode_.size() << slot_shift_;
  for (const RegisterWindow& window : windows_) end = std::max(end, window.offset + window.size);
  return end;
}

Register* RegisterBank::find(std::uint64_t offset) const {
  const std::uint64_t slot = offset >> slot_shift_;
  if (slot >= decode_.size()) return nullptr;
  Register* found = decode_[slot];
  return found != nullptr && found->offset() == offset ? found : nullptr;
}

Register& RegisterBank::at(std::uint64_t offset) { return starting_at(offset); }

const Register& RegisterBank::at(std::uint64_t offset) const { return starting_at(offset); }

Register& RegisterBank::starting_at(std::uint64_t offset) const {
  Register* found = find(offset);
  if (found == nullptr) throw std::out_of_range(fmt::format("no register starts at {:#x}", offset));
  return *found;
}

void RegisterBank::reset() {
  for (Register& each : registers_) each.reset();
}

void RegisterBank::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const tlm::tlm_response_status status = access(trans, sc_core::sc_time_stamp() + delay, false);
  trans.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE && counters_.errors != nullptr) ++*counters_.errors;
  delay += latency_;
}

unsigned RegisterBank::transport_dbg(tlm::tlm_generic_payload& trans) {
  trans.set_response_status(access(trans, sc_core::sc_time_stamp(), true));
  return trans.is_response_ok() ? trans.get_data_length() : 0;
}

tlm::tlm_response_status RegisterBank::decode(const tlm::tlm_generic_payload& trans, Register*& target,
                                              unsigned& part) const {
  const unsigned length = trans.get_data_length();
  if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (trans.get_streaming_width() < length) return tlm::TLM_BURST_ERROR_RESPONSE;
  const std::uint64_t address = trans.get_address();
  const std::uint64_t slot = address >> slot_shift_;
  target = slot < decode_.size() ? decode_[slot] : nullptr;
  if (target == nullptr) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  part = static_cast<unsigned>(address - target->offset());
  if (target->halves() && length == 4 && part % 4 == 0) return tlm::TLM_OK_RESPONSE;
  if (part != 0) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (length != target->width()) return tlm::TLM_BURST_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status RegisterBank::access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at, bool debug) {
  if (!windows_.empty())
    if (const RegisterWindow* window = window_at(trans.get_address())) return access_window(trans, *window, debug);
  Register* target = nullptr;
  unsigned part = 0;
  if (const auto status = decode(trans, target, part); status != tlm::TLM_OK_RESPONSE) return status;
  const unsigned length = trans.get_data_length();
  if (trans.is_read()) {
    if (!target->readable()) return tlm::TLM_COMMAND_ERROR_RESPONSE;
    const std::uint64_t value = target->read(at, debug) >> (8 * part);
    std::memcpy(trans.get_data_ptr(), &value, length);  // the host's byte order, as TLM-2.0 asks
    if (!debug && counters_.reads != nullptr) ++*counters_.reads;
    return tlm::TLM_OK_RESPONSE;
  }
  if (!trans.is_write() || !target->writable() || (debug && target->write_has_effects()))
    return tlm::TLM_COMMAND_ERROR_RESPONSE;
  std::uint64_t value = 0;
  std::memcpy(&value, trans.get_data_ptr(), length);
  if (length < target->width()) value = target->whole_write(value, part, at);
  target->write(value, at, debug);
  if (!debug && counters_.writes != nullptr) ++*counters_.writes;
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status RegisterBank::access_window(tlm::tlm_generic_payload& trans, const RegisterWindow& window,
                                                     bool debug) {
  const unsigned length = trans.get_data_length();
  const std::uint64_t offset = trans.get_address() - window.offset;
  if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (trans.get_streaming_width() < length || (length != 1 && length != 2 && length != 4 && length != 8) ||
      length > window.size - offset)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  if (trans.get_address() % length != 0) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (trans.is_read()) {
    window.read(offset, trans.get_data_ptr(), length, debug);
    if (!debug && counters_.reads != nullptr) ++*counters_.reads;
    return tlm::TLM_OK_RESPONSE;
  }
  if (!trans.is_write() || !window.write || debug) return tlm::TLM_COMMAND_ERROR_RESPONSE;
  window.write(offset, trans.get_data_ptr(), length);
  if (counters_.writes != nullptr) ++*counters_.writes;
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace vmsim
