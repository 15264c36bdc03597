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
    // Declaration mistakes are the model's, found the first time it is built.
    if (offset % added.width() != 0)
      throw std::logic_error(fmt::format("register {} at {:#x} is not aligned to its width", added.name(), offset));
    const std::uint64_t first_slot = offset / slot_bytes;
    const std::uint64_t end_slot = first_slot + added.width() / slot_bytes;
    for (std::uint64_t slot = first_slot; slot < std::min<std::uint64_t>(end_slot, decode_.size()); ++slot)
      if (decode_[slot] != nullptr)
        throw std::logic_error(fmt::format("register {} at {:#x} overlaps register {} at {:#x}", added.name(), offset,
                                           decode_[slot]->name(), decode_[slot]->offset()));
    Register& stored = registers_.emplace_back(added);
    if (decode_.size() < end_slot) decode_.resize(end_slot, nullptr);
    for (std::uint64_t slot = first_slot; slot < end_slot; ++slot) decode_[slot] = &stored;
  }
}

Register* RegisterBank::find(std::uint64_t offset) const {
  if (offset % slot_bytes != 0 || offset / slot_bytes >= decode_.size()) return nullptr;
  Register* found = decode_[offset / slot_bytes];
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

tlm::tlm_response_status RegisterBank::decode(const tlm::tlm_generic_payload& trans, Register*& target) const {
  const unsigned length = trans.get_data_length();
  if (trans.get_byte_enable_ptr() != nullptr) return tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
  if (trans.get_streaming_width() < length) return tlm::TLM_BURST_ERROR_RESPONSE;
  target = find(trans.get_address());
  if (target == nullptr) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  if (length != target->width()) return tlm::TLM_BURST_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status RegisterBank::access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& at, bool debug) {
  Register* target = nullptr;
  if (const auto status = decode(trans, target); status != tlm::TLM_OK_RESPONSE) return status;
  const unsigned width = target->width();
  if (trans.is_read()) {
    if (!target->readable()) return tlm::TLM_COMMAND_ERROR_RESPONSE;
    const std::uint64_t value = target->read(at, debug);
    std::memcpy(trans.get_data_ptr(), &value, width);  // the host's byte order, as TLM-2.0 asks
    if (!debug && counters_.reads != nullptr) ++*counters_.reads;
    return tlm::TLM_OK_RESPONSE;
  }
  if (!trans.is_write() || !target->writable() || (debug && target->write_has_effects()))
    return tlm::TLM_COMMAND_ERROR_RESPONSE;
  std::uint64_t value = 0;
  std::memcpy(&value, trans.get_data_ptr(), width);
  target->write(value, at, debug);
  if (!debug && counters_.writes != nullptr) ++*counters_.writes;
  return tlm::TLM_OK_RESPONSE;
}

}  // namespace vmsim
