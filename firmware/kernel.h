// The mini kernel: physical frames, one address space per process (an ASID and page tables kept in
// simulated memory), regions mapped lazily and filled on the first touch (demand paging), shared
// memory objects, device mappings, mprotect and munmap with TLB shootdown, context switches,
// segmentation faults, and swapping private pages to a disk when memory runs low.
// It is written against the HAL alone; every page-table or MMU-register access it makes is a timed
// bus transaction on the timeline of the CPU it runs for.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include <list>
#include <unordered_map>

#include "firmware/disk_driver.h"
#include "firmware/frame_allocator.h"
#include "models/core/random.h"
#include "firmware/hal.h"
#include "models/core/access_extension.h"
#include "models/core/stats.h"
#include "models/core/translation_fault.h"
#include "models/mmu/page_table_format.h"

namespace vmsim {

// Region permissions, as mmap and mprotect take them.
enum Protection : std::uint8_t { prot_read = 1, prot_write = 2, prot_exec = 4 };

class Kernel {
 public:
  struct Config {
    const PageTableFormat* format = nullptr;
    std::uint64_t memory_base = 0;
    std::uint64_t memory_size = 0;
    std::uint64_t reserved = 0;  // the kernel's own memory at memory_base, mapped in every space
    sc_core::sc_time syscall_cost;
    sc_core::sc_time fault_cost;
    std::uint64_t syscall_cycles = 0;
    std::uint64_t fault_cycles = 0;
    bool asids = true;  // false: flush the TLBs on every switch instead of tagging entries
    std::uint64_t frame_limit = 0;  // frames in use at most (0: all of memory), to model less memory
    // Swap: pages of private memory go to a disk area when free frames run low.
    struct Swap {
      enum class Policy { lru, clock, fifo, random };
      bool enabled = false;
      std::uint64_t disk = 0;      // the disk's register base
      unsigned interrupt = 0;      // its line at the interrupt controller
      std::uint64_t offset = 0;    // bytes into the disk
      std::uint64_t size = 0;      // bytes of swap area
      Policy policy = Policy::clock;
      std::uint64_t low = 0;       // evict when fewer frames are free...
      std::uint64_t high = 0;      // ...until this many are
      std::uint64_t seed = 0;
    } swap;
  };
  enum class FaultOutcome { retry, killed };

  Kernel(Hal& hal, const Config& config, StatGroup& stats);

  // Registers a CPU by its MMU's control-register base, before boot; returns the CPU's number.
  unsigned attach_cpu(std::uint64_t mmu_registers);
  // Builds the kernel's mapping, shared by every address space, and turns every MMU's translation
  // on in the kernel's address space. Timed, on the kernel's own timeline, before any CPU starts.
  // False if memory cannot even hold the kernel's tables, or the swap area does not fit its disk.
  bool boot(sc_core::sc_time& delay);

  // System calls. Each costs syscall_cost plus the bus traffic it makes; `delay` is the caller's.
  std::optional<unsigned> create_process(const std::string& name, sc_core::sc_time& delay);
  std::optional<std::uint64_t> mmap(unsigned pid, std::uint64_t length, std::uint8_t protection,
                                    const std::string& shared_object, sc_core::sc_time& delay);
  bool munmap(unsigned pid, std::uint64_t address, sc_core::sc_time& delay);
  // Maps all of the user half (but page 0) as demand-paged anonymous memory, for a process that
  // replays a recorded program's addresses; false if the process has regions already.
  bool mmap_catch_all(unsigned pid, sc_core::sc_time& delay);
  // Maps a device's register page, if the configuration lets the process have it (never executable).
  std::optional<std::uint64_t> mmap_device(unsigned pid, const std::string& device, std::uint8_t protection,
                                           sc_core::sc_time& delay);
  // Whether `pin` of GPIO `device` is at `level` now (a system call that does not sleep).
  std::optional<bool> pin_at(unsigned pid, const std::string& device, unsigned pin, bool level, sc_core::sc_time& delay);
  // Blocks the calling CPU until `pin` of GPIO `device` is at `level`, through the device's
  // interrupt; false if there is no such GPIO. A CPU calls it when all its processes sleep.
  bool wait_pin(unsigned pid, const std::string& device, unsigned pin, bool level, sc_core::sc_time& delay);
  bool mprotect(unsigned pid, std::uint64_t address, std::uint8_t protection, sc_core::sc_time& delay);
  void switch_to(unsigned cpu, unsigned pid, sc_core::sc_time& delay);
  void exit(unsigned pid, sc_core::sc_time& delay);

  // The trap for a translation fault of process `pid`: maps the page and asks for a retry, or kills
  // the process (segmentation fault) and says why in kill_reason().
  FaultOutcome page_fault(unsigned pid, std::uint64_t address, AccessKind kind, FaultCause cause,
                          sc_core::sc_time& delay);
  bool alive(unsigned pid) const;
  // Whether the page of `address` is out in swap, so that its fault needs the disk.
  bool swapped(unsigned pid, std::uint64_t address, sc_core::sc_time& delay);
  // Exact LRU needs to see every access; the CPU reports each when the policy asks for it.
  bool wants_touches() const { return config_.swap.enabled && config_.swap.policy == Config::Swap::Policy::lru; }
  void touched(unsigned pid, std::uint64_t address);
  const std::string& kill_reason(unsigned pid) const;

  // A device processes may map: its registers and who may map them; `interrupt` is its line at
  // the interrupt controller, if it has one.
  struct Device {
    std::uint64_t base = 0;
    std::uint64_t size = 0;
    std::vector<std::string> users;
    std::optional<unsigned> interrupt;
  };
  void add_device(const std::string& name, Device device) { devices_[name] = std::move(device); }

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
  struct Process {
    std::string name;
    std::uint16_t asid;
    std::uint64_t root;
    std::vector<Region> regions;
    std::vector<std::uint64_t> tables;  // every table page it owns, the root first
    std::uint64_t next_address;
    bool alive = true;
    std::string kill_reason;
  };

  Process* process(unsigned pid);
  Process kernel_space_;  // the page tables of the kernel's own mapping
  Region* region_at(Process& process, std::uint64_t address);
  std::optional<std::uint64_t> zeroed_frame(sc_core::sc_time& delay);
  // A frame for a page of `pid`, evicting to swap or killing the largest process (out of memory)
  // if need be; nothing if `pid` itself was killed.
  std::optional<std::uint64_t> user_frame(Process& requester, bool zeroed, sc_core::sc_time& delay);
  bool evict(sc_core::sc_time& delay);
  void forget(std::uint64_t frame);  // a swappable page left memory
  void release_entry(std::uint64_t raw, const Region& region);  // frees what a leaf entry holds
  std::optional<std::uint64_t> take_slot();
  // The address of the leaf entry for `address`, creating the tables on the way if `create`.
  // Without `create`, a missing table sets `missing` to the span of addresses it would have covered.
  std::optional<std::uint64_t> leaf_entry(Process& process, std::uint64_t address, bool create,
                                          sc_core::sc_time& delay, std::uint64_t* missing = nullptr);
  std::uint8_t page_flags(std::uint8_t protection) const;
  // Rewrites (or with protection 0, clears) the present entries of a region; frees private frames
  // when clearing. Then shoots the changed translations down in every MMU.
  void update_region(Process& process, const Region& region, std::uint8_t protection, sc_core::sc_time& delay);
  void shootdown(const Process& process, std::uint64_t start, std::uint64_t size, sc_core::sc_time& delay);
  void kill(Process& process, std::string reason, sc_core::sc_time& delay);
  void enter(const sc_core::sc_time& cost, std::uint64_t cycles, sc_core::sc_time& delay);

  Hal& hal_;
  Config config_;
  const PageTableFormat& format_;
  FrameAllocator frames_;
  std::uint64_t kernel_address_;  // where the kernel's memory appears in every address space
  std::uint64_t kernel_root_entry_ = 0;
  static constexpr std::uint64_t user_base_ = 0x10000000;  // where mmap starts placing regions
  std::vector<std::uint64_t> mmus_;
  std::vector<std::unique_ptr<Process>> processes_;  // by pid
  std::map<std::string, std::unique_ptr<SharedObject>> shared_;
  std::map<std::string, Device> devices_;


  StatGroup fault_stats_;
  Counter minor_faults_;
  Counter segfaults_;
  Counter syscalls_;
  Counter switches_;
  Counter shootdowns_;
  Counter handler_cycles_;
  Counter pin_waits_;
  Counter table_pages_;
  Formula frames_used_;
  Formula frames_high_water_;

  // Swap state: the resident private pages in eviction order (loading or, for lru, use), the slots.
  struct Resident {
    unsigned pid;
    std::uint64_t address;  // the page's virtual address
    std::uint64_t frame;
    std::uint64_t slot;     // swap slot holding a copy, or no_slot
  };
  static constexpr std::uint64_t no_slot = ~std::uint64_t{0};
  std::list<Resident> resident_;
  std::list<Resident>::iterator hand_ = resident_.end();  // clock
  std::unordered_map<std::uint64_t, std::list<Resident>::iterator> by_frame_;
  std::unordered_map<std::uint64_t, std::list<Resident>::iterator> by_page_;  // lru: (pid, page) -> entry
  std::vector<bool> slots_;
  std::unique_ptr<DiskDriver> disk_;
  std::uint64_t sectors_per_page_ = 8;
  Random victims_{0};
  StatGroup swap_stats_;
  Counter major_faults_;  // in faults
  Counter swap_outs_;
  Counter swap_ins_;
  Counter clean_drops_;
  Counter oom_kills_;
  sc_core::sc_time blocked_;
  Formula swap_used_;
  Formula blocked_seconds_;
};

}  // namespace vmsim
