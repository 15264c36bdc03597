#include "vmsim/models/memory/dram_controller.h"

#include <algorithm>

namespace vmsim {

DramController::DramController(const sc_core::sc_module_name& name, StatGroup& stats, DramTiming& timing,
                               const DramAddressMapping& mapping, const DramOrganisation& organisation,
                               Frequency clock, SparseStore& store, unsigned read_depth, unsigned write_depth,
                               Backward backward, Served served)
    : sc_core::sc_module(name),
      timing_(timing),
      mapping_(mapping),
      organisation_(organisation),
      clock_(clock),
      store_(store),
      read_depth_(read_depth),
      write_depth_(write_depth),
      backward_(std::move(backward)),
      served_(std::move(served)),
      queue_stats_(stats, "queue") {
  SC_THREAD(arrivals);
  SC_THREAD(scheduler);
  SC_THREAD(responses);
}

tlm::tlm_sync_enum DramController::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                                   sc_core::sc_time& delay) {
  if (phase == tlm::BEGIN_REQ) {
    arrival_queue_.notify(trans, delay);
    return tlm::TLM_ACCEPTED;
  }
  if (phase == tlm::END_RESP) {
    awaiting_end_response_ = false;
    end_response_.notify(delay);
    return tlm::TLM_COMPLETED;
  }
  SC_REPORT_ERROR("vmsim/dram", "unexpected phase on the forward path");
  return tlm::TLM_COMPLETED;
}

void DramController::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  sc_core::wait(delay);
  delay = sc_core::SC_ZERO_TIME;
  sc_core::sc_event done;
  blocking_.emplace_back(&trans, &done);
  arrival_queue_.notify(trans);
  sc_core::wait(done);
}

bool DramController::admit(tlm::tlm_generic_payload& trans) {
  const bool is_read = trans.is_read();
  if ((is_read ? queued_reads_ : queued_writes_) >= (is_read ? read_depth_ : write_depth_)) return false;
  occupancy_.sample(static_cast<double>(queue_.size()));
  const std::uint64_t burst_bytes = organisation_.burst_bytes();
  const std::uint64_t first = trans.get_address() / burst_bytes;
  const std::uint64_t last = (trans.get_address() + std::max(trans.get_data_length(), 1u) - 1) / burst_bytes;
  queue_.push_back(Request{&trans, mapping_.decode(first * burst_bytes), first, last, sc_core::sc_time_stamp()});
  ++(is_read ? queued_reads_ : queued_writes_);
  const bool blocking = std::any_of(blocking_.begin(), blocking_.end(), [&](const auto& b) { return b.first == &trans; });
  if (!blocking) {
    tlm::tlm_phase phase = tlm::END_REQ;
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    backward_(trans, phase, delay);
  }
  wake_scheduler_.notify(sc_core::SC_ZERO_TIME);
  return true;
}

void DramController::arrivals() {
  while (true) {
    sc_core::wait(arrival_queue_.get_event());
    while (tlm::tlm_generic_payload* trans = arrival_queue_.get_next_transaction()) {
      if (!blocked_.empty() || !admit(*trans)) {
        ++full_stalls_;
        blocked_.push_back(trans);
      }
    }
  }
}

bool DramController::ready(const Request& request, std::uint64_t now) const {
  // Issued once its data would start no earlier than the channel's bus frees: until then a younger
  // request may still overtake it.
  return timing_.bus_free(request.where.channel) <= now + timing_.lead_cycles(request.where, request.trans->is_read());
}

long DramController::choose(std::uint64_t now) const {
  long oldest = -1;
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    const Request& candidate = queue_[i];
    if (!ready(candidate, now)) continue;
    // No overtaking of an older request to the same bursts when either of them writes.
    bool hazard = false;
    for (std::size_t j = 0; j < i && !hazard; ++j) {
      const Request& older = queue_[j];
      hazard = (older.trans->is_write() || candidate.trans->is_write()) && older.first_burst <= candidate.last_burst &&
               candidate.first_burst <= older.last_burst;
    }
    if (hazard) continue;
    if (timing_.row_open(candidate.where)) return static_cast<long>(i);
    if (oldest < 0) oldest = static_cast<long>(i);
  }
  return oldest;
}

void DramController::serve(const Request& request, std::uint64_t now) {
  tlm::tlm_generic_payload& trans = *request.trans;
  const std::uint64_t offset = trans.get_address();
  if (trans.is_read())
    store_.read(offset, trans.get_data_ptr(), trans.get_data_length());
  else
    store_.write(offset, trans.get_data_ptr(), trans.get_data_length());
  const sc_core::sc_time done = clock_.cycles(timing_.access(trans.is_read(), offset, trans.get_data_length(), now));
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
  served_(trans, done - request.arrival);
  response_queue_.notify(trans, done - sc_core::sc_time_stamp());
}

void DramController::scheduler() {
  while (true) {
    if (queue_.empty()) {
      sc_core::wait(wake_scheduler_);
      continue;
    }
    const std::uint64_t now = now_cycle();
    const long chosen = choose(now);
    if (chosen < 0) {
      // Wait for a channel's bus to come within the look-ahead, or for a new arrival.
      std::uint64_t earliest = ~std::uint64_t{0};
      for (const Request& request : queue_) {
        const std::uint64_t bus = timing_.bus_free(request.where.channel);
        const std::uint64_t lead = timing_.lead_cycles(request.where, request.trans->is_read());
        earliest = std::min(earliest, bus > lead ? bus - lead : 0);
      }
      sc_core::wait(clock_.cycles(std::max(earliest, now + 1)) - sc_core::sc_time_stamp(), wake_scheduler_);
      continue;
    }
    const Request request = queue_[static_cast<std::size_t>(chosen)];
    if (chosen > 0) ++reordered_;
    queue_.erase(queue_.begin() + chosen);
    --(request.trans->is_read() ? queued_reads_ : queued_writes_);
    serve(request, now);
    while (!blocked_.empty() && admit(*blocked_.front())) blocked_.pop_front();
  }
}

void DramController::responses() {
  while (true) {
    sc_core::wait(response_queue_.get_event());
    while (tlm::tlm_generic_payload* trans = response_queue_.get_next_transaction()) {
      const auto blocking = std::find_if(blocking_.begin(), blocking_.end(), [&](const auto& b) { return b.first == trans; });
      if (blocking != blocking_.end()) {
        blocking->second->notify();
        blocking_.erase(blocking);
        continue;
      }
      // One response in flight at a time, as the base protocol requires.
      if (awaiting_end_response_) sc_core::wait(end_response_);
      tlm::tlm_phase phase = tlm::BEGIN_RESP;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      const tlm::tlm_sync_enum status = backward_(*trans, phase, delay);
      awaiting_end_response_ = status == tlm::TLM_ACCEPTED;
    }
  }
}

}  // namespace vmsim
