#include "models/memory/dram.h"

namespace vmsim {

Dram::Dram(const sc_core::sc_module_name& name, ComponentContext& context)
    : Component(name, context), store_(map_on_bus(target, context.params, 1ull << 30, "memory")) {
  Params& params = context.params;
  params.choose("timing", "fixed", {"fixed"}, "Timing model: fixed = every access takes the configured latency");
  read_latency_ = params.get<sc_core::sc_time>("read_latency", sc_core::sc_time(50, sc_core::SC_NS),
                                               "Latency of a read, with timing: fixed");
  write_latency_ = params.get<sc_core::sc_time>("write_latency", sc_core::sc_time(50, sc_core::SC_NS),
                                                "Latency of a write, with timing: fixed");
  read_latency_ns_ = to_ns(read_latency_);
  write_latency_ns_ = to_ns(write_latency_);
  target.register_b_transport(this, &Dram::b_transport);
  target.register_transport_dbg(this, &Dram::transport_dbg);
}

bool Dram::accept(tlm::tlm_generic_payload& trans) const {
  const std::uint64_t offset = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  if (offset >= store_.size() || length > store_.size() - offset) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_byte_enable_ptr() != nullptr) {
    trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_streaming_width() < length) {
    trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (trans.get_command() == tlm::TLM_IGNORE_COMMAND) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  return true;
}

void Dram::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (!accept(trans)) {
    ++errors_;
    return;
  }
  const std::uint64_t length = trans.get_data_length();
  transfers_.record(trans.is_read(), length);
  if (trans.is_read()) {
    store_.read(trans.get_address(), trans.get_data_ptr(), length);
    delay += read_latency_;
    latency_.sample(read_latency_ns_);
  } else {
    store_.write(trans.get_address(), trans.get_data_ptr(), length);
    delay += write_latency_;
    latency_.sample(write_latency_ns_);
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& trans) {
  if (!accept(trans)) return 0;
  if (trans.is_read())
    store_.read(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
  else
    store_.write(trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  return trans.get_data_length();
}

}  // namespace vmsim
