#include "vmsim/models/core/protocol_checker.h"

#include <utility>

#include <fmt/format.h>

#include "vmsim/models/core/units.h"

namespace vmsim {
namespace {

const char* command_name(tlm::tlm_command command) {
  switch (command) {
    case tlm::TLM_READ_COMMAND: return "read";
    case tlm::TLM_WRITE_COMMAND: return "write";
    case tlm::TLM_IGNORE_COMMAND: break;
  }
  return "ignore";
}

bool is_base_phase(const tlm::tlm_phase& phase) {
  return phase == tlm::BEGIN_REQ || phase == tlm::END_REQ || phase == tlm::BEGIN_RESP || phase == tlm::END_RESP;
}

const char* phase_name(const tlm::tlm_phase& phase) {
  if (phase == tlm::BEGIN_REQ) return "BEGIN_REQ";
  if (phase == tlm::END_REQ) return "END_REQ";
  if (phase == tlm::BEGIN_RESP) return "BEGIN_RESP";
  if (phase == tlm::END_RESP) return "END_RESP";
  if (phase == tlm::UNINITIALIZED_PHASE) return "UNINITIALIZED_PHASE";
  return "an extended phase";
}

}  // namespace

ProtocolChecker::ProtocolChecker(const sc_core::sc_module_name& name, std::string path, Report report)
    : sc_core::sc_module(name), path_(std::move(path)), report_(std::move(report)) {
  target.bind(*this);
  initiator.bind(*this);
}

void ProtocolChecker::violation(const tlm::tlm_generic_payload& trans, const char* clause, const std::string& what) {
  report_(fmt::format("TLM-2.0 base protocol, {}: {} (IEEE 1666-2011 {}; {} of {} bytes at {:#x})", path_, what, clause,
                      command_name(trans.get_command()), trans.get_data_length(), trans.get_address()));
}

void ProtocolChecker::check_new(const tlm::tlm_generic_payload& trans, const char* call) {
  const bool ignore = trans.get_command() == tlm::TLM_IGNORE_COMMAND;
  if (trans.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE)
    violation(trans, "14.17",
              fmt::format("{} of a transaction whose response status is not TLM_INCOMPLETE_RESPONSE", call));
  if (!ignore && trans.get_data_ptr() == nullptr)
    violation(trans, "14.11", fmt::format("{} without a data pointer", call));
  if (!ignore && trans.get_data_length() == 0) violation(trans, "14.12", fmt::format("{} of length 0", call));
  if (trans.get_byte_enable_ptr() != nullptr && trans.get_byte_enable_length() == 0)
    violation(trans, "14.14", fmt::format("{} with a byte-enable pointer and a byte-enable length of 0", call));
  if (trans.get_streaming_width() == 0) violation(trans, "14.15", fmt::format("{} with a streaming width of 0", call));
  if (trans.is_dmi_allowed()) violation(trans, "14.16", fmt::format("{} with the DMI hint already set", call));
  if (trans.get_gp_option() != tlm::TLM_MIN_PAYLOAD)
    violation(trans, "14.8", fmt::format("{} with a payload option other than TLM_MIN_PAYLOAD", call));
}

ProtocolChecker::Attributes ProtocolChecker::attributes_of(const tlm::tlm_generic_payload& trans) {
  Attributes attributes{trans.get_command(),
                        trans.get_data_ptr(),
                        trans.get_data_length(),
                        trans.get_byte_enable_ptr(),
                        trans.get_byte_enable_length(),
                        trans.get_streaming_width(),
                        {},
                        {}};
  if (trans.get_command() == tlm::TLM_WRITE_COMMAND && trans.get_data_ptr() != nullptr)
    attributes.written.assign(trans.get_data_ptr(), trans.get_data_ptr() + trans.get_data_length());
  if (trans.get_byte_enable_ptr() != nullptr)
    attributes.enable_values.assign(trans.get_byte_enable_ptr(),
                                    trans.get_byte_enable_ptr() + trans.get_byte_enable_length());
  return attributes;
}

void ProtocolChecker::check_unchanged(const tlm::tlm_generic_payload& trans, const Attributes& before,
                                      const char* call) {
  const Attributes now = attributes_of(trans);
  const auto changed = [&](const char* attribute) {
    violation(trans, "14.7", fmt::format("the {} changed during {}", attribute, call));
  };
  if (now.command != before.command) changed("command");
  if (now.data != before.data) changed("data pointer");
  if (now.length != before.length) changed("data length");
  if (now.written != before.written) changed("data of a write");
  if (now.byte_enables != before.byte_enables) changed("byte-enable pointer");
  if (now.byte_enable_length != before.byte_enable_length || now.enable_values != before.enable_values)
    changed("byte enables");
  if (now.streaming_width != before.streaming_width) changed("streaming width");
}

void ProtocolChecker::check_response_set(const tlm::tlm_generic_payload& trans, const char* call) {
  if (trans.get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE)
    violation(trans, "14.17", fmt::format("{} with the response status left TLM_INCOMPLETE_RESPONSE", call));
}

void ProtocolChecker::check_time(const tlm::tlm_generic_payload& trans, InFlight& state, const sc_core::sc_time& delay,
                                 const char* call) {
  const sc_core::sc_time time = sc_core::sc_time_stamp() + delay;
  if (time < state.time)
    violation(trans, "15.2.7",
              fmt::format("{} at {}, before the transaction's previous call at {}", call, format_time(time),
                          format_time(state.time)));
  state.time = time;
}

void ProtocolChecker::check_memory_manager(const tlm::tlm_generic_payload& trans, const char* call) {
  if (!trans.has_mm())
    violation(trans, "14.5", fmt::format("{} of a transaction without a memory manager", call));
  else if (trans.get_ref_count() == 0)
    violation(trans, "14.5", fmt::format("{} of a transaction whose reference count is 0", call));
}

void ProtocolChecker::end(const tlm::tlm_generic_payload& trans) {
  if (request_in_progress_ == &trans) request_in_progress_ = nullptr;
  if (response_in_progress_ == &trans) response_in_progress_ = nullptr;
  in_flight_.erase(&trans);
}

void ProtocolChecker::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  ++calls_;
  check_new(trans, "b_transport");
  if (trans.has_mm() && trans.get_ref_count() == 0)
    violation(trans, "14.5", "b_transport of a transaction with a memory manager and a reference count of 0");
  if (in_flight_.count(&trans) != 0)
    violation(trans, "15.2.10", "b_transport of a transaction in the middle of its nb_transport phases");
  const Attributes before = attributes_of(trans);
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  ++blocking_[&trans];
  initiator->b_transport(trans, delay);
  if (--blocking_[&trans] == 0) blocking_.erase(&trans);
  check_response_set(trans, "return from b_transport");
  check_unchanged(trans, before, "b_transport");
  if (sc_core::sc_time_stamp() + delay < start)
    violation(trans, "11.1",
              fmt::format("b_transport returned at {}, before it was called at {}",
                          format_time(sc_core::sc_time_stamp() + delay), format_time(start)));
}

tlm::tlm_sync_enum ProtocolChecker::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  ++calls_;
  check_memory_manager(trans, "nb_transport_fw");
  const auto found = in_flight_.find(&trans);
  if (phase == tlm::BEGIN_REQ) {
    check_new(trans, "BEGIN_REQ");
    if (found != in_flight_.end() && found->second.phase != tlm::END_RESP)
      violation(trans, "15.2.4",
                fmt::format("BEGIN_REQ of a transaction still in phase {}", phase_name(found->second.phase)));
    if (request_in_progress_ != nullptr)
      violation(trans, "15.2.6", "BEGIN_REQ before the previous request's END_REQ (request exclusion)");
    if (blocking_.count(&trans) != 0)
      violation(trans, "15.2.10", "nb_transport_fw of a transaction in the middle of its b_transport");
    request_in_progress_ = &trans;
    in_flight_[&trans] = InFlight{phase, sc_core::SC_ZERO_TIME, attributes_of(trans)};
  } else if (phase == tlm::END_RESP) {
    if (found == in_flight_.end() || found->second.phase != tlm::BEGIN_RESP)
      violation(trans, "15.2.4", "END_RESP of a transaction not in phase BEGIN_RESP");
    if (response_in_progress_ == &trans) response_in_progress_ = nullptr;
    if (found != in_flight_.end()) found->second.phase = phase;
  } else if (is_base_phase(phase)) {
    violation(trans, "15.2.3", fmt::format("{} sent on the forward path", phase_name(phase)));
  }
  InFlight* state = in_flight_.count(&trans) != 0 ? &in_flight_[&trans] : nullptr;
  if (state != nullptr) check_time(trans, *state, delay, "nb_transport_fw");

  const tlm::tlm_phase sent = phase;
  const tlm::tlm_sync_enum status = initiator->nb_transport_fw(trans, phase, delay);

  state = in_flight_.count(&trans) != 0 ? &in_flight_[&trans] : nullptr;
  if (state != nullptr) check_unchanged(trans, state->attributes, "nb_transport_fw");
  if (status == tlm::TLM_UPDATED && state != nullptr) {
    if (sent == tlm::END_RESP)
      violation(trans, "15.2.4", fmt::format("{} returned with TLM_UPDATED for END_RESP", phase_name(phase)));
    else
      target_phase(trans, *state, phase, "return from nb_transport_fw");
    check_time(trans, *state, delay, "return from nb_transport_fw");
  } else if (status == tlm::TLM_COMPLETED) {
    if (sent == tlm::BEGIN_REQ) check_response_set(trans, "TLM_COMPLETED for BEGIN_REQ");
    end(trans);
  } else if (sent == tlm::END_RESP && status == tlm::TLM_ACCEPTED) {
    end(trans);
  }
  return status;
}

void ProtocolChecker::target_phase(const tlm::tlm_generic_payload& trans, InFlight& state, const tlm::tlm_phase& phase,
                                   const char* call) {
  if (phase == tlm::END_REQ) {
    if (state.phase != tlm::BEGIN_REQ)
      violation(trans, "15.2.4",
                fmt::format("END_REQ ({}) of a transaction in phase {}", call, phase_name(state.phase)));
    if (request_in_progress_ == &trans) request_in_progress_ = nullptr;
  } else if (phase == tlm::BEGIN_RESP) {
    if (state.phase != tlm::BEGIN_REQ && state.phase != tlm::END_REQ)
      violation(trans, "15.2.4",
                fmt::format("BEGIN_RESP ({}) of a transaction in phase {}", call, phase_name(state.phase)));
    if (request_in_progress_ == &trans) request_in_progress_ = nullptr;
    if (response_in_progress_ != nullptr && response_in_progress_ != &trans)
      violation(trans, "15.2.6", fmt::format("BEGIN_RESP ({}) before the previous response's END_RESP", call));
    response_in_progress_ = &trans;
    check_response_set(trans, "BEGIN_RESP");
  } else if (is_base_phase(phase)) {
    violation(trans, "15.2.3", fmt::format("{} sent on the backward path ({})", phase_name(phase), call));
    return;
  } else {
    return;  // an extended phase: not the base protocol's business
  }
  state.phase = phase;
}

tlm::tlm_sync_enum ProtocolChecker::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                    sc_core::sc_time& delay) {
  ++calls_;
  check_memory_manager(trans, "nb_transport_bw");
  const auto found = in_flight_.find(&trans);
  if (found == in_flight_.end()) {
    violation(trans, "15.2.4",
              fmt::format("nb_transport_bw ({}) of a transaction with no request in progress", phase_name(phase)));
    return target->nb_transport_bw(trans, phase, delay);
  }
  target_phase(trans, found->second, phase, "nb_transport_bw");
  check_time(trans, found->second, delay, "nb_transport_bw");
  check_unchanged(trans, found->second.attributes, "nb_transport_bw");

  const tlm::tlm_sync_enum status = target->nb_transport_bw(trans, phase, delay);

  if (status == tlm::TLM_UPDATED) {
    const auto state = in_flight_.find(&trans);
    if (phase != tlm::END_RESP || state == in_flight_.end() || state->second.phase != tlm::BEGIN_RESP)
      violation(trans, "15.2.4", fmt::format("{} returned with TLM_UPDATED from nb_transport_bw", phase_name(phase)));
    if (state != in_flight_.end()) check_time(trans, state->second, delay, "return from nb_transport_bw");
    end(trans);
  } else if (status == tlm::TLM_COMPLETED) {
    end(trans);
  }
  return status;
}

unsigned ProtocolChecker::transport_dbg(tlm::tlm_generic_payload& trans) {
  ++calls_;
  if (trans.get_data_length() != 0 && trans.get_data_ptr() == nullptr)
    violation(trans, "11.3.4", "transport_dbg of a length without a data pointer");
  const unsigned count = initiator->transport_dbg(trans);
  if (count > trans.get_data_length())
    violation(trans, "11.3.4", fmt::format("transport_dbg answered {} bytes, more than the length", count));
  return count;
}

bool ProtocolChecker::get_direct_mem_ptr(tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  ++calls_;
  if (dmi.get_dmi_ptr() != nullptr || !dmi.is_none_allowed() || dmi.get_start_address() != 0 ||
      dmi.get_end_address() != ~sc_dt::uint64{0} || dmi.get_read_latency() != sc_core::SC_ZERO_TIME ||
      dmi.get_write_latency() != sc_core::SC_ZERO_TIME)
    violation(trans, "11.2.5", "get_direct_mem_ptr with a DMI descriptor not in its initial state");
  const sc_dt::uint64 address = trans.get_address();
  const bool granted = initiator->get_direct_mem_ptr(trans, dmi);
  if (address < dmi.get_start_address() || address > dmi.get_end_address())
    violation(trans, "11.2.5",
              fmt::format("get_direct_mem_ptr {} a range [{:#x}, {:#x}] without the address",
                          granted ? "granted" : "refused", dmi.get_start_address(), dmi.get_end_address()));
  if (granted) {
    if (dmi.get_dmi_ptr() == nullptr) violation(trans, "11.2.5", "get_direct_mem_ptr granted DMI without a pointer");
    if ((trans.is_read() && !dmi.is_read_allowed()) || (trans.is_write() && !dmi.is_write_allowed()))
      violation(trans, "11.2.5", "get_direct_mem_ptr granted DMI without the access asked for");
  }
  return granted;
}

void ProtocolChecker::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  ++calls_;
  if (start > end)
    report_(
        fmt::format("TLM-2.0 base protocol, {}: invalidate_direct_mem_ptr of [{:#x}, {:#x}], an empty range "
                    "(IEEE 1666-2011 11.2.8)",
                    path_, start, end));
  target->invalidate_direct_mem_ptr(start, end);
}

}  // namespace vmsim
