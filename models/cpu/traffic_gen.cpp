#include "models/cpu/traffic_gen.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/core/access_extension.h"
#include "models/core/translation_fault.h"

namespace vmsim {

TrafficGen::TrafficGen(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  frequency_ = params.get<Frequency>("frequency", Frequency{2'000'000'000}, "Clock that think times count in");
  self_check_ = params.get<bool>("self_check", true,
                                 "Compare every load with a shadow copy of this generator's stores; a "
                                 "mismatch fails the run (assumes no other writer of the same memory)");
  connect(initiator, params, "port", "bus", "Component the generator's accesses go to");
  latency_ = latency_distribution(params, "latency_histogram", stats(), "latency_ns", "Latency of each access, in ns",
                                  sc_core::sc_time(500, sc_core::SC_NS));

  seed_ = context.seed;
  if (context.workload != nullptr) {
    if (context.workload->size() > 1)
      context.workload->at(1).fail("a CPU without a kernel runs one process; time-slicing several needs the kernel");
    for (Params& process : *context.workload) read_process(process);
  }

  const auto outstanding = params.get<unsigned>(
      "outstanding", 1, "Accesses in flight at once: 1 is loosely timed (blocking), more approximately timed");
  if (outstanding == 0 || outstanding > 256) params.fail("outstanding", "must be from 1 to 256");
  for (unsigned i = 0; i < outstanding; ++i) {
    auto slot = std::make_unique<Slot>();
    slot->trans.set_data_ptr(slot->data.data());
    slot->trans.set_byte_enable_ptr(nullptr);
    slot->trans.set_dmi_allowed(false);
    slot->trans.set_extension(new AccessExtension);
    slot->trans.set_extension(new TranslationFault);
    slots_.push_back(std::move(slot));
  }
  initiator.register_nb_transport_bw(this, &TrafficGen::nb_transport_bw);
  context.run.count_accesses(accesses_);
  if (!phases_.empty() && !params.listing()) {
    context.run.initiator_started();
    SC_THREAD(run_workload);
    if (outstanding > 1) SC_THREAD(collect_responses);
  }
}

void TrafficGen::read_process(Params& process) {
  process_name_ = process.require<std::string>("name", "Name of the process, for statistics and messages");
  privilege_ = process.choose("privilege", "user", {"user", "supervisor"}, "Privilege its accesses carry") == 0
                   ? Privilege::user
                   : Privilege::supervisor;
  for (Params& phase : process.list("phases", "Access phases, run in order")) {
    phases_.push_back(read_phase(phase));
    phase.reject_unknown();
  }
  process.reject_unknown();
  if (process.listing()) return;
  if (phases_.empty()) process.fail("phases", "a process needs at least one phase");

  // The shadow covers every phase's range, so overlapping phases check each other's stores.
  std::uint64_t low = ~std::uint64_t{0};
  std::uint64_t high = 0;
  for (const Phase& phase : phases_) {
    low = std::min(low, phase.pattern.base);
    high = std::max(high, phase.pattern.base + phase.pattern.size);
  }
  shadow_base_ = low;
  if (self_check_) shadow_ = std::make_unique<SparseStore>(high - low);
}

TrafficGen::Phase TrafficGen::read_phase(Params& params) {
  Phase phase;
  AccessPattern::Spec& pattern = phase.pattern;
  const std::size_t kind = params.choose("pattern", "linear", {"linear", "random"},
                                         "linear: base, base+stride, ... wrapping within size; random: uniform "
                                         "over the range, aligned to access_size");
  pattern.kind = kind == 0 ? AccessPattern::Kind::linear : AccessPattern::Kind::random;
  pattern.base = params.require<Address>("base", "Lowest address of the range the phase accesses").value;
  pattern.size = params.require<Bytes>("size", "Size of the range the phase accesses").value;
  pattern.access_size = params.get<Bytes>("access_size", Bytes{8}, "Bytes per access (a power of two)").value;
  pattern.stride = params.get<Bytes>("stride", Bytes{pattern.access_size}, "Distance between linear accesses").value;
  phase.count = params.require<std::uint64_t>("count", "Number of accesses in the phase");
  const auto read_fraction = params.get<double>("read_fraction", 0.5, "Share of accesses that are loads");
  const auto think_cycles = params.get<std::uint64_t>("think_cycles", 0, "CPU cycles between two accesses");
  if (params.listing()) return phase;

  const std::uint64_t access_size = pattern.access_size;
  if (access_size == 0 || (access_size & (access_size - 1)) != 0 || access_size > max_access_size)
    params.fail("access_size", fmt::format("must be a power of two from 1 to {}", max_access_size));
  if (pattern.size < access_size) params.fail("size", "must hold at least one access");
  if (pattern.base + (pattern.size - 1) < pattern.base) params.fail("size", "the range wraps past 2^64");
  if (pattern.stride == 0 && pattern.kind == AccessPattern::Kind::linear) params.fail("stride", "must not be zero");
  if (!(read_fraction >= 0.0 && read_fraction <= 1.0)) params.fail("read_fraction", "must be between 0 and 1");
  phase.all_reads = read_fraction == 1.0;
  if (!phase.all_reads) phase.read_threshold = static_cast<std::uint64_t>(std::ldexp(read_fraction, 64));
  phase.think_time = frequency_.cycles(think_cycles);
  return phase;
}

void TrafficGen::run_workload() {
  run().wait_for_boot();
  tlm_utils::tlm_quantumkeeper quantum;
  quantum.reset();
  const bool blocking = slots_.size() == 1;
  const std::string stream = fmt::format("{}/{}", name(), process_name_);
  data_random_ = Random(Random::derive(seed_, stream + "/data"));
  for (std::size_t index = 0; index < phases_.size(); ++index) {
    const Phase& phase = phases_[index];
    AccessPattern pattern(phase.pattern, Random::derive(seed_, fmt::format("{}/phase{}", stream, index)));
    const std::uint64_t length = phase.pattern.access_size;
    for (std::uint64_t i = 0; i < phase.count; ++i) {
      const bool is_read = phase.all_reads || data_random_.next() < phase.read_threshold;
      if (!blocking) {
        if (!issue(pattern.next(), is_read, length)) return;
        if (phase.think_time != sc_core::SC_ZERO_TIME) sc_core::wait(phase.think_time);
        continue;
      }
      // Issued at the generator's local time, ahead of the kernel's by up to a quantum.
      Slot& slot = *slots_.front();
      prepare(slot, pattern.next(), is_read, length);
      sc_core::sc_time local = quantum.get_local_time();
      const sc_core::sc_time issued = sc_core::sc_time_stamp() + local;
      initiator->b_transport(slot.trans, local);  // a target may also wait() inside
      if (!complete(slot, sc_core::sc_time_stamp() + local - issued)) return;
      quantum.set(local + phase.think_time);
      if (quantum.need_sync()) quantum.sync();
    }
  }
  quantum.sync();
  while (in_flight_ != 0) sc_core::wait(slot_freed_);
  if (!run().failed()) run().initiator_finished();
}

void TrafficGen::prepare(Slot& slot, std::uint64_t address, bool is_read, std::uint64_t length) {
  if (is_read) {
    if (shadow_) std::memcpy(slot.expected.data(), shadow_->at(address - shadow_base_), length);
  } else {
    for (std::uint64_t offset = 0; offset < length; offset += 8) {
      const std::uint64_t word = data_random_.next();
      std::memcpy(slot.data.data() + offset, &word, std::min<std::uint64_t>(8, length - offset));
    }
    if (shadow_) shadow_->write(address - shadow_base_, slot.data.data(), length);
  }
  tlm::tlm_generic_payload& trans = slot.trans;
  trans.set_command(is_read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
  trans.set_address(address);
  trans.set_data_length(static_cast<unsigned>(length));
  trans.set_streaming_width(static_cast<unsigned>(length));
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  auto* access = trans.get_extension<AccessExtension>();
  access->kind = is_read ? AccessKind::load : AccessKind::store;
  access->privilege = privilege_;
  trans.get_extension<TranslationFault>()->cause = FaultCause::none;
}

bool TrafficGen::complete(Slot& slot, const sc_core::sc_time& latency) {
  const tlm::tlm_generic_payload& trans = slot.trans;
  const bool is_read = trans.is_read();
  const std::uint64_t address = trans.get_address();
  const std::uint64_t length = trans.get_data_length();
  if (!trans.is_response_ok()) {
    const char* what = is_read ? "load" : "store";
    const auto* fault = trans.get_extension<TranslationFault>();
    if (fault->cause != FaultCause::none)
      run().fail(fmt::format("{}: {}: page fault ({}) on a {} at {:#x}, and no kernel to handle it", name(),
                             process_name_, to_string(fault->cause), what, fault->address));
    else
      run().fail(fmt::format("{}: {} of {} bytes at {:#x} failed: {}", name(), what, length, address,
                             trans.get_response_string()));
    return false;
  }
  ++accesses_;
  transfers_.record(is_read, length);
  latency_->sample(to_ns(latency));
  if (!is_read || !shadow_) return true;
  ++checked_reads_;
  if (std::memcmp(slot.expected.data(), slot.data.data(), length) == 0) return true;
  std::uint64_t got = 0;
  std::uint64_t want = 0;
  std::memcpy(&got, slot.data.data(), std::min<std::uint64_t>(8, length));
  std::memcpy(&want, slot.expected.data(), std::min<std::uint64_t>(8, length));
  run().fail(fmt::format("{}: self-check failed: load of {} bytes at {:#x} returned {:#x}, last stored {:#x}", name(),
                         length, address, got, want));
  return false;
}

bool TrafficGen::issue(std::uint64_t address, bool is_read, std::uint64_t length) {
  while (in_flight_ == slots_.size()) sc_core::wait(slot_freed_);
  if (run().failed()) return false;
  Slot& slot = **std::find_if(slots_.begin(), slots_.end(), [](const auto& s) { return !s->busy; });
  prepare(slot, address, is_read, length);
  slot.busy = true;
  ++in_flight_;
  slot.issued = sc_core::sc_time_stamp();
  tlm::tlm_phase phase = tlm::BEGIN_REQ;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  awaiting_end_request_ = true;
  const tlm::tlm_sync_enum status = initiator->nb_transport_fw(slot.trans, phase, delay);
  if (status == tlm::TLM_COMPLETED || (status == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP)) {
    awaiting_end_request_ = false;
    responses_.notify(slot.trans, delay);
  } else if (status == tlm::TLM_UPDATED) {
    awaiting_end_request_ = false;
    sc_core::wait(delay);
  }
  // The base protocol allows one request phase at a time.
  while (awaiting_end_request_) sc_core::wait(end_request_);
  return !run().failed();
}

tlm::tlm_sync_enum TrafficGen::nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                               sc_core::sc_time& delay) {
  // A response implies the end of the request.
  awaiting_end_request_ = false;
  end_request_.notify(delay);
  if (phase == tlm::BEGIN_RESP) {
    responses_.notify(trans, delay);
    phase = tlm::END_RESP;
    return tlm::TLM_COMPLETED;
  }
  return tlm::TLM_ACCEPTED;
}

void TrafficGen::collect_responses() {
  while (true) {
    sc_core::wait(responses_.get_event());
    while (tlm::tlm_generic_payload* trans = responses_.get_next_transaction()) {
      Slot& slot = slot_of(*trans);
      const bool ok = complete(slot, sc_core::sc_time_stamp() - slot.issued);
      slot.busy = false;
      --in_flight_;
      slot_freed_.notify();
      if (!ok) return;
    }
  }
}

TrafficGen::Slot& TrafficGen::slot_of(const tlm::tlm_generic_payload& trans) {
  for (auto& slot : slots_)
    if (&slot->trans == &trans) return *slot;
  SC_REPORT_FATAL("vmsim/traffic_gen", "a response for a transaction this generator did not issue");
  return *slots_.front();
}

}  // namespace vmsim
