// The approximately-timed front end of a detailed DRAM: requests arrive through the TLM base
// protocol (BEGIN_REQ, END_REQ, BEGIN_RESP, END_RESP), wait in a read queue and a write queue of
// bounded depth, and are served first-ready first-come-first-served: the oldest request to an open
// row goes first, else the oldest request. A request does not pass an older one to the same burst
// when either writes. A request is issued to the device array once its commands (precharge,
// activate, column) would bring its data no earlier than its channel's data bus frees, so that
// younger row hits can still overtake it until then.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/peq_with_get.h>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"
#include "vmsim/models/memory/dram_timing.h"
#include "vmsim/models/memory/sparse_store.h"

namespace vmsim {

class VMSIM_API DramController final : public sc_core::sc_module {
 public:
  using Backward = std::function<tlm::tlm_sync_enum(tlm::tlm_generic_payload&, tlm::tlm_phase&, sc_core::sc_time&)>;
  // Told of every request served, with the time from its arrival to its last data.
  using Served = std::function<void(const tlm::tlm_generic_payload&, const sc_core::sc_time&)>;

  SC_HAS_PROCESS(DramController);
  DramController(const sc_core::sc_module_name& name, StatGroup& stats, DramTiming& timing,
                 const DramAddressMapping& mapping, const DramOrganisation& organisation, Frequency clock,
                 SparseStore& store, unsigned read_depth, unsigned write_depth, Backward backward, Served served);

  tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  // A blocking access through the queues, from a SystemC thread.
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

 private:
  struct Request {
    tlm::tlm_generic_payload* trans;
    DramCoordinates where;
    std::uint64_t first_burst;
    std::uint64_t last_burst;
    sc_core::sc_time arrival;
  };

  void arrivals();
  void scheduler();
  void responses();
  bool admit(tlm::tlm_generic_payload& trans);
  // The index of the request FR-FCFS serves next, or -1 when none may issue before cycle `now`.
  long choose(std::uint64_t now) const;
  bool ready(const Request& request, std::uint64_t now) const;
  void serve(const Request& request, std::uint64_t now);
  std::uint64_t now_cycle() const { return clock_.cycle_at(sc_core::sc_time_stamp()); }

  DramTiming& timing_;
  const DramAddressMapping& mapping_;
  DramOrganisation organisation_;
  Frequency clock_;
  SparseStore& store_;
  unsigned read_depth_;
  unsigned write_depth_;
  Backward backward_;
  Served served_;

  std::vector<Request> queue_;  // in arrival order
  unsigned queued_reads_ = 0;
  unsigned queued_writes_ = 0;
  std::deque<tlm::tlm_generic_payload*> blocked_;  // arrived while their queue was full
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> arrival_queue_{"arrival_queue"};
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> response_queue_{"response_queue"};
  sc_core::sc_event wake_scheduler_;
  sc_core::sc_event end_response_;
  bool awaiting_end_response_ = false;
  // Blocking callers wait on their own event; the response goes to it instead of the backward path.
  std::vector<std::pair<tlm::tlm_generic_payload*, sc_core::sc_event*>> blocking_;

  StatGroup queue_stats_;
  Counter reordered_{queue_stats_, "reordered", "Requests served ahead of an older queued request"};
  Counter full_stalls_{queue_stats_, "full_stalls", "Requests that waited for room in their queue"};
  Average occupancy_{queue_stats_, "avg_occupancy", "Requests already queued when a request arrives"};
};

}  // namespace vmsim
