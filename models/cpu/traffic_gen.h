// A CPU as a source of memory traffic: runs the processes of its workload, each a list of phases
// (access patterns over an address range or a region, or system calls), with one access
// outstanding and loosely-timed temporal decoupling, or with several in flight through the
// non-blocking protocol (`outstanding`). Under a kernel, processes map their regions with mmap,
// share the CPU in time slices, and trap to the kernel on page faults; the faulting access is
// retried, or the process is killed and the others go on. In self-checking mode every load is
// compared with a shadow copy of the memory object it reads, as this CPU's stores left it.
#pragma once

#include <array>
#include <deque>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tlm_utils/peq_with_get.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/core/access_extension.h"
#include "models/core/component.h"
#include "models/core/transfer_stats.h"
#include "models/core/translation_fault.h"
#include "models/core/units.h"
#include "models/cpu/access_pattern.h"
#include "models/cpu/trace_reader.h"
#include "models/memory/sparse_store.h"

namespace vmsim {

class Kernel;
class KernelModel;

class TrafficGen final : public Component {
 public:
  static constexpr std::uint64_t max_access_size = 4096;

  tlm_utils::simple_initiator_socket<TrafficGen> initiator{"initiator"};

  SC_HAS_PROCESS(TrafficGen);
  TrafficGen(const sc_core::sc_module_name& name, ComponentContext& context);

  void resolve(const Lookup& find) override;

 private:
  struct Region {
    std::string name;
    std::uint64_t size = 0;
    std::uint8_t protection = 0;
    std::string shared;  // shared-memory object name, or empty for private memory
    std::string device;  // a device whose register page is mapped, or empty
    std::uint64_t address = 0;  // where mmap placed it
    SparseStore* shadow = nullptr;
  };
  struct Phase {
    enum class Kind { access, pointer_chase, idle, mprotect, munmap, wait_pin } kind = Kind::access;
    std::string name;
    AccessPattern::Spec pattern;  // base relative to the region, if the phase names one
    std::size_t region = ~std::size_t{0};
    std::uint8_t protection = 0;  // mprotect
    unsigned pin = 0;             // wait_pin
    bool level = true;            // wait_pin
    std::optional<std::uint64_t> value;  // what stores write, instead of random data
    std::uint64_t count = 0;                // 0 with a duration: until it ends
    sc_core::sc_time duration;              // zero: until count accesses
    std::uint64_t read_threshold = 0;   // a 64-bit draw below this is a load,
    std::uint64_t fetch_threshold = 0;  // else below this a fetch, else a store
    bool all_reads = false;
    sc_core::sc_time think_time;
    std::vector<std::pair<std::size_t, double>> next;  // a state machine's weighted successors
    std::vector<std::pair<std::string, double>> next_names;
  };
  // Per-phase statistics (phase_stats: true): system.<cpu>.processes.<name>.phases.<phase>.*
  struct PhaseStats {
    PhaseStats(StatGroup& parent, const std::string& name);
    StatGroup group;
    Counter visits;
    Counter accesses;
    Average latency;
  };
  // Statistics of one process: system.<cpu>.processes.<name>.*
  struct ProcessStats {
    ProcessStats(StatGroup& parent, const std::string& name);
    StatGroup group;
    Counter loads;
    Counter stores;
    Counter fetches;
    Counter faults;
    Average latency;
    StatGroup phases;
  };
  struct Trace {
    std::string file;
    TraceReader::Format format = TraceReader::Format::lackey;
    bool fetches = true;
    std::uint64_t skip = 0;
    std::uint64_t limit = 0;  // 0: the whole trace
    bool map_unmapped = true;
    std::unique_ptr<TraceReader> reader;
    std::uint64_t replayed = 0;
  };
  struct Process {
    std::string name;
    std::unique_ptr<Trace> trace;  // replays a trace instead of running phases
    std::unique_ptr<ProcessStats> stats;
    Privilege privilege = Privilege::user;
    std::vector<Region> regions;
    std::vector<Phase> phases;
    std::uint64_t repeat = 1;  // times the phases run
    std::uint64_t steps = 0;   // a state machine's phase visits at most (0: no state machine)
    std::vector<std::unique_ptr<PhaseStats>> phase_stats;
    // Progress.
    unsigned pid = 0;
    bool alive = true;
    bool sleeping = false;  // in wait_pin, while other processes run
    bool io_wait = false;   // a page of it is coming back from swap, while other processes run
    // The access that faulted on a swapped page, issued again when the page is back.
    struct Pending {
      enum class Source { phase, chase_store, chase_load, trace } source;
      std::uint64_t address;
      AccessKind kind;
      std::uint64_t length;
      std::optional<std::uint64_t> value;
    };
    std::optional<Pending> pending;
    std::size_t phase = 0;
    std::uint64_t done = 0;  // accesses of the current phase
    std::uint64_t visits = 0;
    sc_core::sc_time phase_started;
    std::optional<AccessPattern> pattern;
    std::vector<std::uint32_t> chase_next;  // pointer_chase: the chain still to write
    std::uint64_t chase_written = 0;
    std::uint64_t chase_at = 0;              // the address the next load follows
    Random phase_random{0};                  // chooses a state machine's next phase
    Random random{0};
  };
  // One access in flight: its payload, its data, and for a load the bytes it must return.
  struct Slot {
    tlm::tlm_generic_payload trans;
    Process* process = nullptr;
    std::array<std::uint8_t, max_access_size> data{};
    std::array<std::uint8_t, max_access_size> expected{};
    sc_core::sc_time issued;
    bool busy = false;
  };

  void read_process(Params& params);
  Phase read_phase(Params& params, Process& process);
  std::size_t find_region(Params& params, const Process& process, std::string_view key);

  void run_workload();
  // Starts the processes under the kernel: create, mmap their regions, run the first.
  bool start_processes(tlm_utils::tlm_quantumkeeper& quantum);
  // Runs `process` until its time slice ends, it finishes or it dies; false when the run must stop.
  bool run_slice(Process& process, tlm_utils::tlm_quantumkeeper& quantum);
  // One access, retried after the kernel maps the page; false when the run must stop. A fault on a
  // page out in swap, while other processes could run, blocks the process instead (io_wait, with
  // the access kept as pending) and a worker brings the page back.
  bool blocking_access(Process& process, std::uint64_t address, AccessKind kind, std::uint64_t length,
                       const std::optional<std::uint64_t>& value, tlm_utils::tlm_quantumkeeper& quantum,
                       Process::Pending::Source source);
  // Completes a blocked process's pending access; false when the run must stop.
  bool resume(Process& process, const Phase* phase, tlm_utils::tlm_quantumkeeper& quantum);
  void serve_faults();  // the fault worker: swap-ins for blocked processes
  // Enters the kernel for the guard's lifetime, syncing this CPU's time first if it must wait.
  class KernelEntry {
   public:
    KernelEntry(TrafficGen& cpu, tlm_utils::tlm_quantumkeeper* quantum);
    ~KernelEntry();
    KernelEntry(const KernelEntry&) = delete;
    KernelEntry& operator=(const KernelEntry&) = delete;
    Kernel* operator->() const { return &kernel_; }

   private:
    sc_core::sc_mutex& lock_;
    Kernel& kernel_;
  };
  // The next access of a trace-replaying process; false when the run must stop.
  bool replay(Process& process, tlm_utils::tlm_quantumkeeper& quantum);
  // The next access of a pointer_chase phase: first the chain's stores, then loads that follow it.
  bool chase(Process& process, const Phase& phase, tlm_utils::tlm_quantumkeeper& quantum);
  // After a chase load: counts it and follows the pointer it returned.
  bool follow_chase(Process& process, const Phase& phase);
  // Ends the current phase and picks the next (in order, or by the state machine's weights).
  void finish_phase(Process& process);
  bool system_call(Process& process, const Phase& phase, tlm_utils::tlm_quantumkeeper& quantum);
  void kill(Process& process, const std::string& reason);

  // Fills `slot` for an access: a store's data (and the shadow), or a load's expected bytes.
  void prepare(Slot& slot, Process& process, std::uint64_t address, AccessKind kind, std::uint64_t length,
               const std::optional<std::uint64_t>& value = std::nullopt);
  // Accounts a finished access; returns false (after reporting the failure) when the run must stop.
  bool complete(Slot& slot, Process& process, const sc_core::sc_time& latency);
  // Approximately timed: issues one access when a slot is free; false when the run must stop.
  bool issue(Process& process, std::uint64_t address, AccessKind kind, std::uint64_t length);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase, sc_core::sc_time& delay);
  void collect_responses();
  Slot& slot_of(const tlm::tlm_generic_payload& trans);

  Frequency frequency_;
  bool self_check_ = true;
  std::uint64_t seed_ = 0;
  std::string kernel_name_;
  std::string kernel_where_;
  KernelModel* kernel_ = nullptr;
  unsigned cpu_ = 0;
  sc_core::sc_time time_slice_;
  std::vector<Process> processes_;
  // Shadows: one per memory object (private region or shared object), or one over every phase's
  // physical range without a kernel.
  std::vector<std::unique_ptr<SparseStore>> shadows_;
  SparseStore* shadow_ = nullptr;  // of the running phase
  std::uint64_t shadow_base_ = 0;

  struct QueuedFault {
    Process* process;
    std::uint64_t address;
    AccessKind kind;
    FaultCause cause;
  };
  std::deque<QueuedFault> queued_faults_;
  sc_core::sc_event fault_queued_;
  sc_core::sc_event io_done_;
  std::vector<std::unique_ptr<Slot>> slots_;  // `outstanding` of them
  unsigned in_flight_ = 0;
  bool awaiting_end_request_ = false;
  sc_core::sc_event end_request_;
  sc_core::sc_event slot_freed_;
  tlm_utils::peq_with_get<tlm::tlm_generic_payload> responses_{"responses"};

  Counter accesses_{stats(), "accesses", "Loads and stores completed (each counted once, retries included)"};
  TransferStats transfers_{stats()};
  Counter fetches_{stats(), "fetches", "Instruction fetches (counted among the reads)"};
  Counter checked_reads_{stats(), "checked_reads", "Loads compared with the shadow copy"};
  Counter faults_{stats(), "faults", "Accesses that trapped to the kernel with a translation fault"};
  Counter killed_{stats(), "killed_processes", "Processes the kernel killed"};
  Counter io_waits_{stats(), "io_waits", "Faults on swapped-out pages that blocked their process while others ran"};
  std::unique_ptr<Distribution> latency_;
  StatGroup process_stats_{stats(), "processes"};
};

}  // namespace vmsim
