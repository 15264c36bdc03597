// A CPU as a source of memory traffic: a hart that runs the processes of its workload, each a
// context of its own (a list of phases: access patterns over an address range or a region, or
// system calls; or the replay of a recorded trace), with one access outstanding and loosely-timed
// temporal decoupling, or with several in flight through the non-blocking protocol (`outstanding`).
// Under a kernel it traps: at reset to offer its contexts, on page faults, on system calls (its
// processes map their regions with mmap as they start), and on interrupts; the kernel's answer says
// whether the access runs again, which context runs next, or whether the hart idles until an
// interrupt. In self-checking mode every load is compared with a shadow copy of the memory object it
// reads, as this CPU's stores left it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tlm_utils/peq_with_get.h>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/quantum_keeper.h"
#include "vmsim/models/core/transfer_stats.h"
#include "vmsim/models/core/translation_fault.h"
#include "vmsim/models/core/trap.h"
#include "vmsim/models/core/units.h"
#include "vmsim/models/cpu/access_pattern.h"
#include "vmsim/models/cpu/hart.h"
#include "vmsim/models/cpu/trace_reader.h"
#include "vmsim/models/memory/sparse_store.h"

namespace vmsim {

class VMSIM_API TrafficGen final : public Hart {
 public:
  static constexpr std::uint64_t max_access_size = 4096;

  SC_HAS_PROCESS(TrafficGen);
  static ParamSchema parameters();
  // Those of each process in the CPU's entry of the workload section.
  static ParamSchema workload_parameters();
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
    std::string where;          // of its size in the configuration, for messages
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
  // What a phase's `pattern` names: the kind of phase, and of access pattern for one that accesses.
  struct PatternChoice {
    Phase::Kind phase;
    AccessPattern::Kind access;
    bool operator==(const PatternChoice& other) const { return phase == other.phase && access == other.access; }
  };
  enum class UnmappedAddress { map, segfault };
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
  // One step of a context: what it does next, and what completing it means for its program.
  struct Step {
    enum class Kind { access, system_call, think, none } kind = Kind::none;
    enum class Purpose {
      phase_access,
      chase_store,
      chase_load,
      trace_access,
      map_region,
      map_all,
      phase_call,
      idle,
      exit
    } purpose = Purpose::exit;
    // access
    std::uint64_t address = 0;
    AccessKind access = AccessKind::load;
    std::uint64_t length = 0;
    std::optional<std::uint64_t> value;
    SparseStore* shadow = nullptr;
    std::uint64_t shadow_base = 0;
    // system_call
    SystemCall call = SystemCall::exit;
    std::array<std::uint64_t, 2> args{};
    std::string_view text;
    // think
    sc_core::sc_time time;
  };
  // A process of the workload, as the hart runs it: its program and where it is in it.
  struct Context {
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
    bool finished = false;
    std::size_t mapped = 0;       // regions mapped so far (or, for a trace, whether its space is)
    std::optional<Step> pending;  // the step under way: an access that trapped runs again from here
    std::size_t phase = 0;
    std::uint64_t done = 0;  // accesses of the current phase
    std::uint64_t visits = 0;
    sc_core::sc_time phase_started;
    bool phase_begun = false;
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
    // Its extensions, at hand: get_extension() is a library call, and each access needs both.
    AccessExtension* access = nullptr;
    TranslationFault* fault = nullptr;
    Context* context = nullptr;
    std::array<std::uint8_t, max_access_size> data{};
    std::array<std::uint8_t, max_access_size> expected{};
    sc_core::sc_time issued;
    bool checked = false;  // a load compared with the shadow
    bool busy = false;
  };

  void read_process(Params& params);
  Phase read_phase(Params& params, Context& context);
  std::size_t find_region(Params& params, const Context& context);

  void run_workload();
  // Runs `context` until it traps to something other than going on; returns the handler's answer,
  // or nothing when the run must stop.
  std::optional<TrapReturn> execute(Context& context);
  // The next step of a context's program.
  Step next_step(Context& context);
  Step next_phase_step(Context& context);
  Step next_trace_step(Context& context);
  // Accounts a completed step in the program; false when the run must stop.
  bool commit(Context& context, const Step& step, const TrapReturn& answer);
  // One access; traps on a fault and retries while the handler says so. Returns the handler's
  // answer when it says anything else (the access stays pending), resume when it completed, or
  // nothing when the run must stop.
  std::optional<TrapReturn> access(Context& context, const Step& step);
  TrapReturn take_trap(const Trap& trap);
  // The inputs the hart takes interrupts from that are high: its kernel runs in machine mode, so
  // those of machine mode (a supervisor context of its PLIC could be enabled, but never reaches it).
  std::uint64_t pending_interrupts() const {
    return interrupt_inputs() & (hart_irq::bit(hart_irq::machine_software) | hart_irq::bit(hart_irq::machine_timer) |
                                 hart_irq::bit(hart_irq::machine_external));
  }
  TrapReturn take_interrupt();
  TrapReturn wait_for_interrupt();  // idles until the interrupt input is high, then takes it
  // Ends the current phase and picks the next (in order, or by the state machine's weights).
  void finish_phase(Context& context);
  // After a chase load: follows the pointer it returned; false when the run must stop.
  bool follow_chase(Context& context);
  std::uint64_t chase_base(const Context& context, const Phase& phase) const;

  // Fills `slot` for an access: a store's data (and the shadow), or a load's expected bytes.
  void prepare(Slot& slot, Context& context, const Step& step);
  // Accounts a finished access; returns false (after reporting the failure) when the run must stop.
  bool complete(Slot& slot, Context& context, const sc_core::sc_time& latency);
  // Approximately timed: issues one access when a slot is free; false when the run must stop.
  bool issue(Context& context, const Step& step);
  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                     sc_core::sc_time& delay) override;
  void collect_responses();
  Slot& slot_of(const tlm::tlm_generic_payload& trans);

  bool self_check_ = true;
  std::uint64_t seed_ = 0;
  std::string kernel_name_;
  std::string kernel_where_;
  TrapHandler* handler_ = nullptr;
  AccessProbe* probe_ = nullptr;
  bool probing_ = false;  // the probe wants every access
  unsigned hart_ = 0;
  std::vector<Context> contexts_;
  // Shadows: one per memory object (private region or shared object), or one over every phase's
  // physical range without a kernel.
  std::vector<std::unique_ptr<SparseStore>> shadows_;
  SparseStore* physical_shadow_ = nullptr;
  std::uint64_t physical_shadow_base_ = 0;

  std::vector<std::unique_ptr<Slot>> slots_;  // `outstanding` of them
  // The memory manager the base protocol requires of a non-blocking transaction: the slots own their
  // payloads, so the last release frees nothing.
  struct SlotPayloads final : tlm::tlm_mm_interface {
    void free(tlm::tlm_generic_payload*) override {}
  } slot_payloads_;
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
  std::unique_ptr<Distribution> latency_;
  StatGroup process_stats_{stats(), "processes"};
};

}  // namespace vmsim
