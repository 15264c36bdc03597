// How the models of one run agree on when it starts and ends. Initiators start their work once every
// boot task (page tables, later the kernel's boot) has finished. The run ends when the last
// initiator finishes, at once when a model reports a failure (a self-check mismatch, an access
// no one answers), or when the software on the machine ends it (a power-off device, a scripted
// console's last step).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"
#include "vmsim/models/core/timeline.h"

namespace vmsim {

class VMSIM_API RunControl {
 public:
  // Called during elaboration by each model with boot work; it calls boot_finished() when done.
  void boot_started() { ++pending_boots_; }
  void boot_finished();
  // From an SC_THREAD: returns once no boot task is pending.
  void wait_for_boot();

  void initiator_started() { ++active_initiators_; }
  // The last initiator's finish ends the run: sc_stop(), unless whoever runs the simulation (with
  // other platforms in it, say) has said what to do instead.
  void initiator_finished();
  void when_finished(std::function<void()> action) { when_finished_ = std::move(action); }
  bool finished() const { return active_initiators_ == 0; }
  // When the last initiator finished, if one did (a platform's end, which another platform running
  // alongside may outlast).
  const std::optional<sc_core::sc_time>& finished_at() const { return finished_at_; }

  // The platform's quantum of temporal decoupling. Its initiators keep time with a QuantumKeeper,
  // which reads it here rather than from TLM's one global quantum, so that two platforms in one
  // process may each have their own.
  const sc_core::sc_time& quantum() const { return quantum_; }
  void set_quantum(const sc_core::sc_time& quantum) { quantum_ = quantum; }
  // Records the first failure, headed by the simulated time ("at 1.5 ms: "), and stops the
  // simulation; the caller returns from its process. The message names the component and, for an
  // access, the address. A failure during elaboration (a model that cannot create its file at its
  // end) has no time: it is found before the simulation starts, as failed_before_start() says.
  void fail(std::string message);
  // Ends the run early, but cleanly, for `reason` ("interrupted (SIGINT)", a limit of the run): the
  // statistics so far are its result, marked partial. From a SystemC process, or between two
  // sc_start() slices; the first reason is kept.
  void stop(std::string reason);
  bool stopped_early() const { return !stop_reason_.empty(); }
  const std::string& stop_reason() const { return stop_reason_; }

  // Ends the run as the software on the machine asks (a test finisher, a program's exit through the
  // HTIF, a scripted console), whatever the initiators had left: the run is complete, its
  // statistics are written, and vmsim exits with `status`, printing `message` (if any) as its one
  // line. From a SystemC process, or once the simulation has returned; the first request is kept.
  void finish(int status, std::string message = {});
  // The exit status that finish() asked for, if it was called.
  const std::optional<int>& exit_status() const { return exit_status_; }
  const std::string& exit_message() const { return exit_message_; }

  bool failed() const { return !failure_.empty(); }
  bool failed_before_start() const { return failed_before_start_; }
  // Whether some initiator had not finished when the simulation ran out of events.
  bool unfinished() const { return !exit_status_ && active_initiators_ != 0; }
  // A model that holds work (the kernel's processes) tells what is left, one line per item, when a
  // run ends unfinished.
  void report_unfinished(std::function<std::vector<std::string>()> reporter) {
    unfinished_reporters_.push_back(std::move(reporter));
  }
  std::vector<std::string> unfinished_work() const;
  // A model that writes a file of results when the run is over (a profile) registers the writer;
  // the platform calls run_over() once the simulation has stopped, however it stopped.
  void at_end(std::function<void()> writer) { end_writers_.push_back(std::move(writer)); }
  void run_over() {
    for (const auto& writer : end_writers_) writer();
  }
  const std::string& failure() const { return failure_; }

  // Initiators register their access counters, so a run knows its total for host speed; harts
  // that execute instructions register their count of retired instructions too.
  void count_accesses(const Counter& counter) { access_counters_.push_back(&counter); }
  std::uint64_t accesses() const;
  void count_instructions(const Counter& counter) { instruction_counters_.push_back(&counter); }
  std::uint64_t instructions() const;

  // The device tree the platform generated, as a flattened blob (empty when the configuration asks
  // for none), for the boot code to place in memory. Set before the end of elaboration.
  const std::vector<std::uint8_t>& device_tree_blob() const { return device_tree_blob_; }
  void set_device_tree_blob(std::vector<std::uint8_t> blob) { device_tree_blob_ = std::move(blob); }

  // Where models record their events for a trace viewer; null when the run keeps no timeline.
  Timeline* timeline() const { return timeline_; }
  void set_timeline(Timeline* timeline) { timeline_ = timeline; }

  // An object the models of this run share by name, made from `args` on first use: for example the
  // self-check's copy of a shared-memory object that processes on several CPUs write. Keys name
  // their owner ("traffic_gen/shadow/board"), and every user of a key asks for the same type.
  template <typename T, typename... Args>
  T& shared(const std::string& key, Args&&... args) {
    std::shared_ptr<void>& slot = shared_[key];
    if (!slot) slot = std::make_shared<T>(std::forward<Args>(args)...);
    return *static_cast<T*>(slot.get());
  }

 private:
  void stop_simulation();

  unsigned pending_boots_ = 0;
  sc_core::sc_event booted_;
  unsigned active_initiators_ = 0;
  std::function<void()> when_finished_;
  std::optional<sc_core::sc_time> finished_at_;
  sc_core::sc_time quantum_ = sc_core::sc_time(1, sc_core::SC_US);
  std::string failure_;
  bool failed_before_start_ = false;
  std::string stop_reason_;
  std::optional<int> exit_status_;
  std::string exit_message_;
  std::vector<std::uint8_t> device_tree_blob_;
  std::vector<const Counter*> access_counters_;
  std::vector<const Counter*> instruction_counters_;
  std::vector<std::function<std::vector<std::string>()>> unfinished_reporters_;
  std::vector<std::function<void()>> end_writers_;
  std::map<std::string, std::shared_ptr<void>> shared_;
  Timeline* timeline_ = nullptr;
};

}  // namespace vmsim
