// The kernel: firmware that manages the machine through its HAL (timed bus reads and writes) and is
// entered only through traps taken by harts. It owns the processes: their table, a run queue per
// hart, blocked and sleeping states and their wake-ups; physical frames; one address space per
// process (an ASID and page tables in simulated memory), regions mapped lazily and filled on first
// touch, shared memory objects, device mappings, mprotect and munmap with TLB shootdown; and
// swapping private pages to a disk when memory runs low.
//
// No handler waits for a device. A fault on a page out in swap starts the disk read and runs
// another process; the disk's interrupt maps the page and makes its process runnable again. Time
// slices are timer interrupts; a process woken for an idle hart reaches it by an inter-processor
// interrupt. Every handler costs its configured cycles plus every bus access it makes, on the
// timeline of the hart that trapped.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <systemc>

#include "vmsim/firmware/clint_driver.h"
#include "vmsim/firmware/disk_driver.h"
#include "vmsim/firmware/frame_allocator.h"
#include "vmsim/firmware/hal.h"
#include "vmsim/firmware/plic_driver.h"
#include "vmsim/firmware/swap/clock.h"
#include "vmsim/firmware/swap/swap_policy.h"
#include "vmsim/models/core/stats.h"
#include "vmsim/models/core/timeline.h"
#include "vmsim/models/core/trap.h"
#include "vmsim/models/mmu/page_table.h"
#include "vmsim/models/mmu/page_table_format.h"

namespace vmsim {

class Kernel final : private SwapPolicyHost {
 public:
  struct Config {
    const PageTableFormat* format = nullptr;
    std::uint64_t memory_base = 0;
    std::uint64_t memory_size = 0;
    std::uint64_t reserved = 0;  // the kernel's own memory at memory_base, mapped in every space
    sc_core::sc_time syscall_cost;
    sc_core::sc_time fault_cost;
    sc_core::sc_time interrupt_cost;
    std::uint64_t syscall_cycles = 0;
    std::uint64_t fault_cycles = 0;
    std::uint64_t interrupt_cycles = 0;
    bool asids = true;  // false: flush the TLBs on every switch instead of tagging entries
    std::uint64_t frame_limit = 0;  // frames in use at most (0: all of memory), to model less memory
    sc_core::sc_time time_slice;
    std::uint64_t timer = 0;                 // the CLINT's register base
    std::uint64_t timebase_frequency = 0;    // its MTIME's ticks per second
    std::uint64_t interrupt_controller = 0;  // the PLIC's register base
    // Each hart (hart h: MSIP and MTIMECMP h at the CLINT, contexts 2h and 2h+1 at the PLIC): its
    // name and its MMU's registers.
    struct Hart {
      std::string name;
      std::uint64_t mmu = 0;
    };
    std::vector<Hart> harts;
    // Devices processes may map: registers, who may, and for a GPIO the source number of each
    // pin's interrupt line (0: none).
    struct Device {
      std::uint64_t base = 0;
      std::uint64_t size = 0;
      std::vector<std::string> users;
      std::vector<unsigned> pin_sources;
    };
    std::map<std::string, Device> devices;
    // Swap: pages of private memory go to a disk area when free frames run low.
    struct Swap {
      bool enabled = false;
      std::uint64_t disk = 0;    // the disk's register base
      unsigned source = 0;       // its interrupt source
      std::uint64_t offset = 0;  // bytes into the disk
      std::uint64_t size = 0;    // bytes of swap area
      SwapPolicyFactory policy = swap_policy_of<ClockSwapPolicy>();
      std::uint64_t low = 0;   // evict when fewer frames are free...
      std::uint64_t high = 0;  // ...until this many are
      std::uint64_t seed = 0;  // of the policy's random stream
    } swap;
  };

  // Frames the kernel needs to make progress at all: its own tables, plus one process's root and the
  // tables and pages of one access spanning two pages.
  static std::uint64_t minimum_frames(const PageTableFormat& format, std::uint64_t reserved);

  // With a `timeline`, the kernel records its handlers on each hart's track and each process's,
  // context switches, and swap I/O.
  Kernel(Hal& hal, const Config& config, StatGroup& stats, Timeline* timeline = nullptr);

  // Builds the kernel's mapping, shared by every address space, turns every MMU's translation on in
  // the kernel's address space, and sets the timer and interrupt controller up. Timed, on the
  // caller's timeline. Returns why it failed, or an empty string.
  std::string boot(sc_core::sc_time& delay);

  TrapReturn trap(unsigned hart, const Trap& trap, sc_core::sc_time& delay);
  // The access of the process running on `hart` that faulted has completed: its pages are no
  // longer pinned.
  void retry_completed(unsigned hart);

  // A swap policy may see every access a hart completes (exact LRU does).
  bool wants_accesses() const { return swap_policy_ && swap_policy_->wants_accesses(); }
  void accessed(unsigned hart, std::uint64_t address, std::uint64_t length);

  // Processes that still have work, each with what it waits for; empty when all have ended.
  std::vector<std::string> unfinished() const;

 private:
  struct SharedObject {
    std::uint64_t size = 0;
    std::vector<std::uint64_t> frames;  // 0 until first touched
  };
  struct Region {
    std::uint64_t start;
    std::uint64_t size;
    std::uint8_t protection;
    SharedObject* shared;  // null for private anonymous memory
    std::uint64_t device;  // physical base of a device's registers, or 0
  };
  enum class State { runnable, running, blocked, ended };
  struct Process {
    unsigned pid = 0;
    std::string name;
    unsigned hart = 0;
    unsigned context = 0;
    std::uint16_t asid = 0;
    std::uint64_t root = 0;
    std::vector<Region> regions;
    std::vector<std::uint64_t> tables;  // every table page it owns, the root first
    std::uint64_t next_address = 0;
    State state = State::runnable;
    std::string waiting_for;       // while blocked
    std::uint64_t blocked_at = 0;  // timer ticks, while blocked on swap
    // The pages of its faulting access, never chosen as victims while it retries: from the fault
    // until the access completes or the process leaves its hart (blocks, is switched out, ends).
    std::array<std::uint64_t, 2> pinned{~std::uint64_t{0}, ~std::uint64_t{0}};
    void unpin() { pinned.fill(~std::uint64_t{0}); }
    Timeline::Track track = 0;  // on the timeline, if there is one
  };
  struct Hart {
    Config::Hart config;
    std::deque<unsigned> run_queue;
    std::optional<unsigned> current;
    std::optional<unsigned> last;  // the process whose address space the MMU holds
    unsigned live = 0;             // processes of this hart that have not ended
    bool current_ended = false;    // its running process was killed from another hart
    Timeline::Track track = 0;     // on the timeline, if there is one
  };
  // A page on its way to or from the disk; faults on it wait for it.
  struct Transit {
    std::vector<unsigned> waiters;
  };
  struct PinWait {
    unsigned pid;
    std::string device;
    unsigned pin;
    bool level;
  };
  enum class Shortage { none, wait, killed };

  // Trap handlers.
  TrapReturn handle(Hart& hart, const Trap& trap, sc_core::sc_time& delay);
  TrapReturn system_call(Hart& hart, const Trap& trap, sc_core::sc_time& delay);
  TrapReturn page_fault(Hart& hart, Process& process, const Trap& trap, sc_core::sc_time& delay);
  // Takes the interrupts `pending` (mip bits) says are pending.
  TrapReturn interrupt(Hart& hart, std::uint64_t pending, sc_core::sc_time& delay);
  TrapReturn wait_pin(Hart& hart, Process& process, const Trap& trap, sc_core::sc_time& delay);
  std::optional<unsigned> spawn(Hart& hart, unsigned context, std::string name, sc_core::sc_time& delay);

  // Scheduling.
  TrapReturn schedule(Hart& hart, bool ended, sc_core::sc_time& delay);  // runs the next, or idles
  TrapReturn block(Hart& hart, Process& process, std::string reason, sc_core::sc_time& delay);
  void wake(unsigned pid, sc_core::sc_time& delay);
  void switch_to(Hart& hart, Process& next, sc_core::sc_time& delay);
  std::uint64_t now(sc_core::sc_time& delay);  // the timer's ticks
  void arm_timer(Hart& hart, sc_core::sc_time& delay);
  // Device interrupts come to hart 0's machine context, with a priority of 1 each.
  void set_up_interrupts(sc_core::sc_time& delay);
  // A GPIO's interrupt for `pin`: acknowledged, and the processes waiting for its level woken.
  void handle_gpio(const std::string& device, unsigned pin, sc_core::sc_time& delay);
  // The GPIO's edge interrupts enabled for the pins processes wait on.
  void update_pin_interrupts(const std::string& device, sc_core::sc_time& delay);

  // Memory.
  Process* process(unsigned pid);
  Process* current(Hart& hart) { return hart.current ? process(*hart.current) : nullptr; }
  Region* region_at(Process& process, std::uint64_t address);
  std::optional<std::uint64_t> zeroed_frame(sc_core::sc_time& delay);
  // A frame for a page or table of `requester`: evicting to swap, or killing the largest process
  // when nothing can be. Without one, `shortage` says whether frames are on their way (dirty
  // victims being written out, or pages read in that can then be evicted) or the requester itself
  // was killed.
  std::optional<std::uint64_t> user_frame(Process& requester, bool zeroed, Shortage& shortage, sc_core::sc_time& delay);
  // Why no frame could be found, none being free or on its way, for the process killed for it.
  std::string out_of_memory() const;
  enum class Eviction { freed, writing, none };
  Eviction evict(sc_core::sc_time& delay);
  void swap_in_done(unsigned pid, std::uint64_t page, std::uint64_t frame, std::uint64_t slot, bool ok,
                    sc_core::sc_time& delay);
  void swap_out_done(unsigned pid, std::uint64_t page, std::uint64_t frame, bool ok, sc_core::sc_time& delay);
  void end_transit(unsigned pid, std::uint64_t page, sc_core::sc_time& delay);
  void wake_memory_waiters(sc_core::sc_time& delay);
  bool pinned(const ResidentPage& page) const;
  // What the swap policy may ask while it looks for a victim.
  bool evictable(const ResidentPage& page) const override;
  bool test_and_clear_accessed(const ResidentPage& page, sc_core::sc_time& delay) override;
  // A private page now mapped, with a copy in `slot` (or no_slot), recorded and given to the policy.
  void make_resident(unsigned pid, std::uint64_t address, std::uint64_t slot);
  void forget(const ResidentPage& page);  // a swappable page left memory
  // Frees what the leaf entry of `page` (of a process in `region`) holds.
  void release_entry(std::uint64_t raw, const Region& region, const ResidentPage& page);
  std::uint64_t take_slot();  // one must be free
  void release_slot(std::uint64_t slot);
  // The address of the leaf entry for `address`, if its tables exist; new_leaf() creates them,
  // which may fail for want of a frame (see user_frame).
  std::optional<std::uint64_t> existing_leaf(Process& process, std::uint64_t address, sc_core::sc_time& delay);
  std::optional<std::uint64_t> new_leaf(Process& process, std::uint64_t address, Shortage& shortage,
                                        sc_core::sc_time& delay);
  // Calls visit(entry address, virtual address) for every leaf entry of `region` whose tables exist.
  template <typename Visit>
  void for_each_leaf(Process& process, const Region& region, sc_core::sc_time& delay, Visit visit);
  std::uint8_t page_flags(std::uint8_t protection) const;
  // Rewrites (or with protection 0, clears) the present entries of a region; frees private frames
  // when clearing. Then shoots the changed translations down in every MMU.
  void update_region(Process& process, const Region& region, std::uint8_t protection, sc_core::sc_time& delay);
  void shootdown(const Process& process, std::uint64_t start, std::uint64_t size, sc_core::sc_time& delay);
  // Ends a process and frees its memory; a killed one is reported with `reason`.
  void end(Process& process, const std::string& reason, sc_core::sc_time& delay);
  void enter(const sc_core::sc_time& cost, std::uint64_t cycles, sc_core::sc_time& delay);
  static std::uint64_t page_key(unsigned pid, std::uint64_t address) { return ResidentPage{pid, address}.key(); }

  Hal& hal_;
  Config config_;
  Timeline* timeline_;
  Timeline::Track swap_track_ = 0;
  const PageTableFormat& format_;
  ClintDriver timer_;
  PlicDriver interrupts_;
  // Page tables in simulated memory, through the HAL.
  class TableMemory final : public PageTableMemory {
   public:
    explicit TableMemory(Hal& hal) : hal_(hal) {}
    bool read(std::uint64_t address, std::uint64_t& raw, sc_core::sc_time& delay) override {
      return hal_.read(address, &raw, sizeof raw, delay);
    }
    bool write(std::uint64_t address, std::uint64_t raw, sc_core::sc_time& delay) override {
      return hal_.write64(address, raw, delay);
    }

   private:
    Hal& hal_;
  };
  TableMemory table_memory_;
  PageTable tables_;
  FrameAllocator frames_;
  std::uint64_t kernel_address_;  // where the kernel's memory appears in every address space
  std::uint64_t kernel_root_entry_ = 0;
  std::uint64_t kernel_root_ = 0;
  std::vector<std::uint64_t> kernel_tables_;
  std::uint64_t slice_ticks_ = 0;
  static constexpr std::uint64_t user_base_ = 0x10000000;  // where mmap starts placing regions
  std::vector<Hart> harts_;
  unsigned trapping_hart_ = 0;
  std::vector<std::unique_ptr<Process>> processes_;  // by pid
  std::map<std::string, std::unique_ptr<SharedObject>> shared_;
  std::vector<PinWait> pin_waits_;
  std::map<std::string, std::uint32_t> gpio_inputs_;    // the pins whose input the kernel enabled, by GPIO
  std::vector<unsigned> memory_waiters_;                // processes waiting for a frame, until swap I/O ends
  std::unordered_map<std::uint64_t, Transit> transit_;  // by page_key
  std::uint64_t writes_in_flight_ = 0;
  std::uint64_t reads_in_flight_ = 0;

  StatGroup fault_stats_;
  Counter minor_faults_;
  Counter segfaults_;
  Counter syscalls_;
  Counter switches_;
  Counter shootdowns_;
  Counter handler_cycles_;
  Counter pin_waits_count_;
  Counter table_pages_;
  Formula frames_used_;
  Formula frames_high_water_;
  StatGroup interrupt_stats_;
  Counter timer_interrupts_;
  Counter ipis_;
  Counter device_interrupts_;
  Counter memory_waits_;

  // Swap state: the resident private pages by ResidentPage::key() (their order is the policy's),
  // the slots.
  struct Resident {
    ResidentPage page;
    std::uint64_t slot;  // swap slot holding a copy, or no_slot
  };
  static constexpr std::uint64_t no_slot = ~std::uint64_t{0};
  std::unordered_map<std::uint64_t, Resident> resident_;
  std::unique_ptr<SwapPolicy> swap_policy_;
  // The leaf entry the policy had tested last, as the test left it: a search that ends by testing
  // its victim (clock, two_list) hands the eviction that entry, which it need not read again.
  struct TestedEntry {
    ResidentPage page;
    std::uint64_t address;
    std::uint64_t raw;
  };
  std::optional<TestedEntry> tested_;
  std::vector<bool> slots_;
  std::uint64_t free_slots_ = 0;
  std::unique_ptr<DiskDriver> disk_;
  std::uint64_t sectors_per_page_ = 8;
  StatGroup swap_stats_;
  Counter major_faults_;  // in faults
  Counter swap_outs_;
  Counter swap_ins_;
  Counter clean_drops_;
  Counter oom_kills_;
  Counter io_waits_;
  std::uint64_t blocked_ticks_ = 0;
  std::uint64_t ticks_per_second_ = 1;
  Formula swap_used_;
  Formula blocked_seconds_;
};

}  // namespace vmsim
