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

  trans_.set_data_ptr(buffer_.data());
  trans_.set_byte_enable_ptr(nullptr);
  trans_.set_dmi_allowed(false);
  trans_.set_extension(new AccessExtension);
  trans_.set_extension(new TranslationFault);
  context.run.count_accesses(accesses_);
  if (!phases_.empty() && !params.listing()) {
    context.run.initiator_started();
    SC_THREAD(run_workload);
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
  const std::string stream = fmt::format("{}/{}", name(), process_name_);
  data_random_ = Random(Random::derive(seed_, stream + "/data"));
  for (std::size_t index = 0; index < phases_.size(); ++index) {
    const Phase& phase = phases_[index];
    AccessPattern pattern(phase.pattern, Random::derive(seed_, fmt::format("{}/phase{}", stream, index)));
    const std::uint64_t length = phase.pattern.access_size;
    for (std::uint64_t i = 0; i < phase.count; ++i) {
      const bool is_read = phase.all_reads || data_random_.next() < phase.read_threshold;
      // The access is issued at the generator's local time, ahead of the kernel's by up to a quantum.
      sc_core::sc_time local = quantum.get_local_time();
      if (!access(pattern.next(), is_read, length, local)) return;
      quantum.set(local + phase.think_time);
      if (quantum.need_sync()) quantum.sync();
    }
  }
  quantum.sync();
  run().initiator_finished();
}

bool TrafficGen::access(std::uint64_t address, bool is_read, std::uint64_t length, sc_core::sc_time& local) {
  if (!is_read) {
    for (std::uint64_t offset = 0; offset < length; offset += 8) {
      const std::uint64_t word = data_random_.next();
      std::memcpy(buffer_.data() + offset, &word, std::min<std::uint64_t>(8, length - offset));
    }
    if (shadow_) shadow_->write(address - shadow_base_, buffer_.data(), length);
  }
  trans_.set_command(is_read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
  trans_.set_address(address);
  trans_.set_data_length(static_cast<unsigned>(length));
  trans_.set_streaming_width(static_cast<unsigned>(length));
  trans_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  auto* access = trans_.get_extension<AccessExtension>();
  access->kind = is_read ? AccessKind::load : AccessKind::store;
  access->privilege = privilege_;
  auto* fault = trans_.get_extension<TranslationFault>();
  fault->cause = FaultCause::none;
  const sc_core::sc_time issued = local;
  initiator->b_transport(trans_, local);

  if (!trans_.is_response_ok()) {
    const char* what = is_read ? "load" : "store";
    if (fault->cause != FaultCause::none)
      run().fail(fmt::format("{}: {}: page fault ({}) on a {} at {:#x}, and no kernel to handle it", name(),
                             process_name_, to_string(fault->cause), what, fault->address));
    else
      run().fail(fmt::format("{}: {} of {} bytes at {:#x} failed: {}", name(), what, length, address,
                             trans_.get_response_string()));
    return false;
  }
  ++accesses_;
  transfers_.record(is_read, length);
  latency_->sample(to_ns(local - issued));
  if (!is_read || !shadow_) return true;
  ++checked_reads_;
  const std::uint8_t* expected = shadow_->at(address - shadow_base_);
  if (std::memcmp(expected, buffer_.data(), length) == 0) return true;
  std::uint64_t got = 0;
  std::uint64_t want = 0;
  std::memcpy(&got, buffer_.data(), std::min<std::uint64_t>(8, length));
  std::memcpy(&want, expected, std::min<std::uint64_t>(8, length));
  run().fail(fmt::format("{}: self-check failed: load of {} bytes at {:#x} returned {:#x}, last stored {:#x}", name(),
                         length, address, got, want));
  return false;
}

}  // namespace vmsim
