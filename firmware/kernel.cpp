#include "firmware/kernel.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "models/devices/disk.h"
#include "models/devices/gpio.h"
#include "models/mmu/mmu.h"
#include "models/mmu/tlb.h"

namespace vmsim {
namespace {

constexpr std::uint64_t page = FrameAllocator::frame_size;
// Beyond this many pages a shootdown flushes the whole ASID rather than page by page.
constexpr std::uint64_t shootdown_pages = 32;

const char* kind_name(AccessKind kind) {
  return kind == AccessKind::load ? "load" : kind == AccessKind::store ? "store" : "fetch";
}

std::string protection_name(std::uint8_t protection) {
  std::string letters;
  letters += (protection & prot_read) ? 'r' : '-';
  letters += (protection & prot_write) ? 'w' : '-';
  letters += (protection & prot_exec) ? 'x' : '-';
  return letters;
}

}  // namespace

Kernel::Kernel(Hal& hal, const Config& config, StatGroup& stats)
    : hal_(hal),
      config_(config),
      format_(*config.format),
      frames_(config.memory_base + config.reserved, config.memory_size - config.reserved, config.frame_limit),
      kernel_address_(~std::uint64_t{0} << (config.format->va_bits - 1)),
      fault_stats_(stats, "faults"),
      minor_faults_(fault_stats_, "minor", "Faults served by mapping a page (first touch)"),
      segfaults_(fault_stats_, "segfaults", "Faults that killed their process"),
      syscalls_(stats, "syscalls", "System calls"),
      switches_(stats, "context_switches", "Context switches"),
      shootdowns_(stats, "shootdowns", "TLB shootdowns (one per changed range, reaching every MMU)"),
      handler_cycles_(stats, "handler_cycles", "CPU cycles charged for entering system calls and fault handlers"),
      pin_waits_(stats, "pin_waits", "wait_pin system calls that had to sleep until the pin changed"),
      table_pages_(stats, "page_table_pages", "Page-table pages allocated"),
      frames_used_(stats, "frames_used", "Physical frames in use at the end",
                   [this] { return static_cast<double>(frames_.used()); }),
      frames_high_water_(stats, "frames_high_water", "Most physical frames in use at once",
                         [this] { return static_cast<double>(frames_.high_water()); }),
      victims_(config.swap.seed),
      swap_stats_(stats, "swap"),
      major_faults_(fault_stats_, "major", "Faults served by reading the page back from swap"),
      swap_outs_(swap_stats_, "outs", "Pages written to swap when evicted"),
      swap_ins_(swap_stats_, "ins", "Pages read back from swap"),
      clean_drops_(swap_stats_, "clean_drops", "Evicted pages whose copy in swap was current: no write"),
      oom_kills_(swap_stats_, "oom_kills", "Processes killed because memory and swap were full"),
      swap_used_(swap_stats_, "used_slots", "Swap slots holding a page at the end",
                 [this] { return static_cast<double>(std::count(slots_.begin(), slots_.end(), true)); }),
      blocked_seconds_(swap_stats_, "blocked_seconds", "Simulated time CPUs waited for swap I/O",
                       [this] { return to_seconds(blocked_); }) {
  if (config_.swap.enabled) disk_ = std::make_unique<DiskDriver>(hal_, config_.swap.disk, config_.swap.interrupt);
}

void Kernel::enter(const sc_core::sc_time& cost, std::uint64_t cycles, sc_core::sc_time& delay) {
  delay += cost;
  handler_cycles_ += cycles;
}

std::optional<std::uint64_t> Kernel::zeroed_frame(sc_core::sc_time& delay) {
  const auto frame = frames_.allocate();
  if (!frame) return std::nullopt;
  static const std::array<std::uint8_t, page> zeroes{};
  hal_.write(*frame, zeroes.data(), page, delay);
  return frame;
}

bool Kernel::boot(sc_core::sc_time& delay) {
  if (disk_) {
    const std::uint64_t sector = hal_.read64(config_.swap.disk + Disk::reg_sector_size, delay);
    const std::uint64_t capacity = hal_.read64(config_.swap.disk + Disk::reg_capacity, delay) * sector;
    if (sector == 0 || page % sector != 0 || config_.swap.offset + config_.swap.size > capacity) return false;
    sectors_per_page_ = page / sector;
    slots_.assign(config_.swap.size / page, false);
  }
  const auto root = zeroed_frame(delay);
  if (!root) return false;
  kernel_space_.root = *root;
  kernel_space_.tables.push_back(kernel_space_.root);
  ++table_pages_;
  // The kernel's memory, supervisor-only and global, at the bottom of the upper half.
  const std::uint8_t flags = page_readable | page_writable | page_executable | page_global | page_accessed | page_dirty;
  for (std::uint64_t offset = 0; offset < config_.reserved; offset += page) {
    const auto entry = leaf_entry(kernel_space_, kernel_address_ + offset, true, delay);
    if (!entry) return false;
    hal_.write64(*entry, format_.encode_leaf(config_.memory_base + offset, flags, 0), delay);
  }
  const unsigned top = format_.levels - 1;
  kernel_root_entry_ =
      hal_.read64(kernel_space_.root + PageTableFormat::index(kernel_address_, top) * PageTableFormat::pte_bytes, delay);
  // Every MMU translates from now on, in the kernel's address space until a process runs.
  for (const std::uint64_t mmu : mmus_) {
    hal_.write64(mmu + Mmu::reg_root, kernel_space_.root, delay);
    hal_.write64(mmu + Mmu::reg_asid, 0, delay);
    hal_.write64(mmu + Mmu::reg_flush_all, 0, delay);
    hal_.write64(mmu + Mmu::reg_control, Mmu::control_translate, delay);
  }
  return true;
}

unsigned Kernel::attach_cpu(std::uint64_t mmu_registers) {
  mmus_.push_back(mmu_registers);
  return static_cast<unsigned>(mmus_.size() - 1);
}

Kernel::Process* Kernel::process(unsigned pid) {
  return pid < processes_.size() && processes_[pid]->alive ? processes_[pid].get() : nullptr;
}

bool Kernel::alive(unsigned pid) const { return pid < processes_.size() && processes_[pid]->alive; }

const std::string& Kernel::kill_reason(unsigned pid) const { return processes_.at(pid)->kill_reason; }

Kernel::Region* Kernel::region_at(Process& process, std::uint64_t address) {
  for (Region& region : process.regions)
    if (address >= region.start && address - region.start < region.size) return &region;
  return nullptr;
}

std::optional<std::uint64_t> Kernel::leaf_entry(Process& process, std::uint64_t address, bool create,
                                                sc_core::sc_time& delay, std::uint64_t* missing) {
  std::uint64_t table = process.root;
  for (unsigned level = format_.levels - 1; level > 0; --level) {
    const std::uint64_t entry = table + PageTableFormat::index(address, level) * PageTableFormat::pte_bytes;
    const Pte pte = format_.decode(hal_.read64(entry, delay), level);
    if (pte.present) {
      table = pte.address;
      continue;
    }
    if (!create) {
      if (missing != nullptr) *missing = std::uint64_t{1} << PageTableFormat::page_shift(level);
      return std::nullopt;
    }
    const auto frame = user_frame(process, true, delay);  // tables too may push pages out
    if (!frame) return std::nullopt;
    hal_.write64(entry, format_.encode_table(*frame), delay);
    process.tables.push_back(*frame);
    ++table_pages_;
    table = *frame;
  }
  return table + PageTableFormat::index(address, 0) * PageTableFormat::pte_bytes;
}

bool Kernel::mmap_catch_all(unsigned pid, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  Process* owner = process(pid);
  if (owner == nullptr || !owner->regions.empty()) return false;
  const std::uint64_t top = std::uint64_t{1} << (format_.va_bits - 1);
  owner->regions.push_back(Region{page, top - page, prot_read | prot_write | prot_exec, nullptr, 0});
  owner->next_address = top;  // nothing else fits
  return true;
}

std::optional<std::uint64_t> Kernel::mmap_device(unsigned pid, const std::string& device, std::uint8_t protection,
                                                 sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  Process* owner = process(pid);
  const auto it = devices_.find(device);
  if (owner == nullptr || it == devices_.end()) return std::nullopt;
  const auto& users = it->second.users;
  if (std::find(users.begin(), users.end(), owner->name) == users.end()) return std::nullopt;
  const std::uint64_t size = (it->second.size + page - 1) / page * page;
  const std::uint64_t start = owner->next_address;
  owner->next_address += size + page;
  owner->regions.push_back(Region{start, size, static_cast<std::uint8_t>(protection & ~prot_exec), nullptr, it->second.base});
  return start;
}

std::optional<bool> Kernel::pin_at(unsigned pid, const std::string& device, unsigned pin, bool level,
                                   sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  const auto it = devices_.find(device);
  if (process(pid) == nullptr || it == devices_.end() || pin >= 64) return std::nullopt;
  return ((hal_.read64(it->second.base + Gpio::reg_data_in, delay) >> pin) & 1) == (level ? 1u : 0u);
}

bool Kernel::wait_pin(unsigned pid, const std::string& device, unsigned pin, bool level, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  const auto it = devices_.find(device);
  if (process(pid) == nullptr || it == devices_.end() || !it->second.interrupt || pin >= 64) return false;
  const std::uint64_t gpio = it->second.base;
  const std::uint64_t bit = std::uint64_t{1} << pin;
  const auto at_level = [&] { return ((hal_.read64(gpio + Gpio::reg_data_in, delay) & bit) != 0) == level; };
  if (at_level()) return true;
  ++pin_waits_;
  // Interrupt on the edge that brings the pin to `level`, then sleep until it comes.
  const Gpio::Register edge = level ? Gpio::reg_irq_rise : Gpio::reg_irq_fall;
  hal_.write64(gpio + edge, hal_.read64(gpio + edge, delay) | bit, delay);
  hal_.write64(gpio + Gpio::reg_irq_enable, hal_.read64(gpio + Gpio::reg_irq_enable, delay) | bit, delay);
  do {
    hal_.sync(delay);
    hal_.wait_for_interrupt(*it->second.interrupt);
    hal_.write64(gpio + Gpio::reg_irq_status, bit, delay);  // acknowledge
  } while (!at_level());
  hal_.write64(gpio + Gpio::reg_irq_enable, hal_.read64(gpio + Gpio::reg_irq_enable, delay) & ~bit, delay);
  return true;
}

std::optional<std::uint64_t> Kernel::user_frame(Process& requester, bool zeroed, sc_core::sc_time& delay) {
  // Below the low watermark, evict down to the high one while there is anything to evict.
  if (disk_ && frames_.free() < config_.swap.low)
    while (frames_.free() < config_.swap.high && evict(delay)) {
    }
  while (true) {
    if (const auto frame = zeroed ? zeroed_frame(delay) : frames_.allocate()) return frame;
    if (disk_ && evict(delay)) continue;
    // Out of memory and of swap: the process with the most memory goes, as a documented policy.
    Process* largest = nullptr;
    std::uint64_t most = 0;
    for (auto& candidate : processes_) {
      if (!candidate->alive) continue;
      std::uint64_t pages = 0;
      for (const Region& region : candidate->regions) pages += region.size / page;
      if (largest == nullptr || pages > most) {
        largest = candidate.get();
        most = pages;
      }
    }
    if (largest == nullptr) return std::nullopt;
    ++oom_kills_;
    const bool self = largest == &requester;
    kill(*largest, "killed for memory: memory and swap are full", delay);
    if (self) return std::nullopt;
  }
}

std::optional<std::uint64_t> Kernel::take_slot() {
  const auto free = std::find(slots_.begin(), slots_.end(), false);
  if (free == slots_.end()) return std::nullopt;
  *free = true;
  return static_cast<std::uint64_t>(free - slots_.begin());
}

bool Kernel::evict(sc_core::sc_time& delay) {
  using Policy = Config::Swap::Policy;
  for (std::size_t tries = 0; !resident_.empty() && tries < 2 * resident_.size() + 1; ++tries) {
    auto victim = resident_.begin();  // fifo and lru: the front is the oldest
    if (config_.swap.policy == Policy::random) {
      std::advance(victim, static_cast<long>(victims_.below(resident_.size())));
    } else if (config_.swap.policy == Policy::clock) {
      if (hand_ == resident_.end()) hand_ = resident_.begin();
      victim = hand_++;
    }
    Process& owner = *processes_[victim->pid];
    const auto entry = leaf_entry(owner, victim->address, false, delay);
    const std::uint64_t raw = hal_.read64(*entry, delay);
    const Pte pte = format_.decode(raw, 0);
    if (config_.swap.policy == Policy::clock && (pte.flags & page_accessed) != 0) {
      // Second chance: clear the accessed bit (and its cached copies) and move on.
      hal_.write64(*entry, format_.encode_leaf(pte.address, pte.flags & ~page_accessed, 0), delay);
      shootdown(owner, victim->address, page, delay);
      continue;
    }
    const bool dirty = (pte.flags & page_dirty) != 0 || victim->slot == no_slot;
    if (victim->slot == no_slot) {
      const auto slot = take_slot();
      if (!slot) return false;  // swap full
      victim->slot = *slot;
    }
    // Unmapped before the copy is taken: a store while the disk works faults, and waits for the page
    // to come back, instead of landing in a frame whose copy is already on its way out.
    hal_.write64(*entry, (victim->slot + 1) << 1, delay);  // not present, the slot recorded
    shootdown(owner, victim->address, page, delay);
    if (dirty) {
      const sc_core::sc_time before = sc_core::sc_time_stamp() + delay;
      const bool written = disk_->write(config_.swap.offset / page * sectors_per_page_ + victim->slot * sectors_per_page_,
                                        sectors_per_page_, victim->frame, delay);
      blocked_ += sc_core::sc_time_stamp() + delay - before;
      if (!written) return false;
      ++swap_outs_;
    } else {
      ++clean_drops_;
    }
    const std::uint64_t frame = victim->frame;
    forget(frame);
    frames_.release(frame);
    return true;
  }
  return false;
}

void Kernel::forget(std::uint64_t frame) {
  const auto found = by_frame_.find(frame);
  if (found == by_frame_.end()) return;
  const auto entry = found->second;
  if (hand_ == entry) ++hand_;
  by_page_.erase((std::uint64_t{entry->pid} << 52) | (entry->address >> 12));
  by_frame_.erase(found);
  resident_.erase(entry);
}

void Kernel::release_entry(std::uint64_t raw, const Region& region) {
  const Pte pte = format_.decode(raw, 0);
  if (pte.present) {
    if (region.shared != nullptr || region.device != 0) return;
    const auto found = by_frame_.find(pte.address);
    if (found != by_frame_.end() && found->second->slot != no_slot) slots_[found->second->slot] = false;
    forget(pte.address);
    frames_.release(pte.address);
  } else if (raw != 0) {
    slots_[(raw >> 1) - 1] = false;  // swapped out
  }
}

bool Kernel::swapped(unsigned pid, std::uint64_t address, sc_core::sc_time& delay) {
  Process* owner = process(pid);
  if (owner == nullptr || !disk_) return false;
  const auto entry = leaf_entry(*owner, address, false, delay);
  if (!entry) return false;
  const std::uint64_t raw = hal_.read64(*entry, delay);
  return raw != 0 && !format_.decode(raw, 0).present;
}

void Kernel::touched(unsigned pid, std::uint64_t address) {
  const auto found = by_page_.find((std::uint64_t{pid} << 52) | (address >> 12));
  if (found == by_page_.end()) return;
  resident_.splice(resident_.end(), resident_, found->second);  // now the most recently used
}

std::uint8_t Kernel::page_flags(std::uint8_t protection) const {
  std::uint8_t flags = page_user;
  // A writable page is readable too: RISC-V reserves write-only entries.
  if (protection & (prot_read | prot_write)) flags |= page_readable;
  if (protection & prot_write) flags |= page_writable;
  if (protection & prot_exec) flags |= page_executable;
  return flags;
}

std::optional<unsigned> Kernel::create_process(const std::string& name, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  const auto root = zeroed_frame(delay);
  if (!root) return std::nullopt;
  ++table_pages_;
  const unsigned top = format_.levels - 1;
  hal_.write64(*root + PageTableFormat::index(kernel_address_, top) * PageTableFormat::pte_bytes, kernel_root_entry_,
               delay);
  auto created = std::make_unique<Process>();
  created->name = name;
  created->asid = config_.asids ? static_cast<std::uint16_t>(processes_.size() + 1) : 0;
  created->root = *root;
  created->tables.push_back(*root);
  created->next_address = user_base_;
  processes_.push_back(std::move(created));
  return static_cast<unsigned>(processes_.size() - 1);
}

std::optional<std::uint64_t> Kernel::mmap(unsigned pid, std::uint64_t length, std::uint8_t protection,
                                          const std::string& shared_object, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  Process* owner = process(pid);
  if (owner == nullptr || length == 0) return std::nullopt;
  const std::uint64_t size = (length + page - 1) / page * page;
  SharedObject* object = nullptr;
  if (!shared_object.empty()) {
    auto& slot = shared_[shared_object];
    if (!slot) {
      slot = std::make_unique<SharedObject>();
      slot->size = size;
      slot->frames.assign(size / page, 0);
    }
    if (slot->size < size) return std::nullopt;
    object = slot.get();
  }
  // Only the region is recorded: pages get frames when first touched. A guard page follows it.
  const std::uint64_t start = owner->next_address;
  owner->next_address += size + page;
  owner->regions.push_back(Region{start, size, protection, object, 0});
  return start;
}

Kernel::FaultOutcome Kernel::page_fault(unsigned pid, std::uint64_t address, AccessKind kind, FaultCause cause,
                                        sc_core::sc_time& delay) {
  enter(config_.fault_cost, config_.fault_cycles, delay);
  Process* owner = process(pid);
  if (owner == nullptr) return FaultOutcome::killed;
  Region* region = region_at(*owner, address);
  if (region == nullptr) {
    kill(*owner, fmt::format("{} at {:#x} outside every region", kind_name(kind), address), delay);
    return FaultOutcome::killed;
  }
  const std::uint8_t needed = kind == AccessKind::load ? prot_read : kind == AccessKind::store ? prot_write : prot_exec;
  if ((region->protection & needed) == 0) {
    kill(*owner, fmt::format("{} at {:#x} in a {} region", kind_name(kind), address, protection_name(region->protection)),
         delay);
    return FaultOutcome::killed;
  }
  if (cause != FaultCause::not_present) {
    kill(*owner, fmt::format("{} at {:#x}: {}", kind_name(kind), address, to_string(cause)), delay);
    return FaultOutcome::killed;
  }
  const auto entry = leaf_entry(*owner, address, true, delay);
  if (!entry) {
    if (owner->alive) kill(*owner, "out of memory for page tables", delay);
    return FaultOutcome::killed;
  }
  const std::uint64_t page_address = address / page * page;
  const std::uint64_t raw = hal_.read64(*entry, delay);
  std::optional<std::uint64_t> frame;
  std::uint64_t slot = no_slot;
  if (raw != 0 && !format_.decode(raw, 0).present) {
    // A swap entry: the page comes back from the disk.
    slot = (raw >> 1) - 1;
    frame = user_frame(*owner, false, delay);
    if (!frame) return FaultOutcome::killed;
    const sc_core::sc_time before = sc_core::sc_time_stamp() + delay;
    const bool read = disk_->read(config_.swap.offset / page * sectors_per_page_ + slot * sectors_per_page_,
                                  sectors_per_page_, *frame, delay);
    blocked_ += sc_core::sc_time_stamp() + delay - before;
    if (!read) {
      frames_.release(*frame);
      kill(*owner, fmt::format("the swap disk failed reading {:#x} back", address), delay);
      return FaultOutcome::killed;
    }
    ++swap_ins_;
    ++major_faults_;
  } else if (region->device != 0) {
    frame = region->device + (address - region->start) / page * page;
  } else if (region->shared != nullptr) {
    std::uint64_t& shared_frame = region->shared->frames[(address - region->start) / page];
    if (shared_frame == 0) {
      if (const auto fresh = user_frame(*owner, true, delay)) shared_frame = *fresh;
    }
    if (shared_frame != 0) frame = shared_frame;
  } else {
    frame = user_frame(*owner, true, delay);
  }
  if (!frame) {
    if (alive(pid)) kill(*owner, fmt::format("out of memory at {:#x}", address), delay);
    return FaultOutcome::killed;
  }
  if (slot == no_slot) ++minor_faults_;
  hal_.write64(*entry, format_.encode_leaf(*frame, page_flags(region->protection), 0), delay);
  if (region->shared == nullptr && region->device == 0 && disk_) {
    resident_.push_back(Resident{pid, page_address, *frame, slot});
    by_frame_[*frame] = std::prev(resident_.end());
    if (wants_touches()) by_page_[(std::uint64_t{pid} << 52) | (page_address >> 12)] = std::prev(resident_.end());
  }
  return FaultOutcome::retry;
}

void Kernel::update_region(Process& owner, const Region& region, std::uint8_t protection, sc_core::sc_time& delay) {
  for (std::uint64_t address = region.start; address < region.start + region.size;) {
    std::uint64_t missing = 0;
    const auto entry = leaf_entry(owner, address, false, delay, &missing);
    if (!entry) {
      address = (address / missing + 1) * missing;  // no table: nothing mapped in that span
      continue;
    }
    const std::uint64_t raw = hal_.read64(*entry, delay);
    const Pte pte = format_.decode(raw, 0);
    if (protection == 0 && raw != 0) {
      release_entry(raw, region);
      hal_.write64(*entry, 0, delay);
    } else if (pte.present) {
      const std::uint8_t kept = pte.flags & (page_accessed | page_dirty);
      hal_.write64(*entry, format_.encode_leaf(pte.address, page_flags(protection) | kept, 0), delay);
    }
    address += page;
  }
  shootdown(owner, region.start, region.size, delay);
}

void Kernel::shootdown(const Process& owner, std::uint64_t start, std::uint64_t size, sc_core::sc_time& delay) {
  ++shootdowns_;
  for (const std::uint64_t mmu : mmus_) {
    if (!config_.asids) {
      hal_.write64(mmu + Mmu::reg_flush_all, 0, delay);
    } else if (size / page > shootdown_pages) {
      hal_.write64(mmu + Mmu::reg_flush_asid, owner.asid, delay);
    } else {
      hal_.write64(mmu + Mmu::reg_flush_address_asid, owner.asid, delay);
      for (std::uint64_t address = start; address < start + size; address += page)
        hal_.write64(mmu + Mmu::reg_flush_address, address, delay);
    }
  }
}

bool Kernel::munmap(unsigned pid, std::uint64_t address, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  Process* owner = process(pid);
  if (owner == nullptr) return false;
  const auto it = std::find_if(owner->regions.begin(), owner->regions.end(),
                               [address](const Region& r) { return r.start == address; });
  if (it == owner->regions.end()) return false;
  update_region(*owner, *it, 0, delay);
  owner->regions.erase(it);
  return true;
}

bool Kernel::mprotect(unsigned pid, std::uint64_t address, std::uint8_t protection, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  Process* owner = process(pid);
  Region* region = owner == nullptr ? nullptr : region_at(*owner, address);
  if (region == nullptr || region->start != address || protection == 0) return false;
  region->protection = protection;
  update_region(*owner, *region, protection, delay);
  return true;
}

void Kernel::switch_to(unsigned cpu, unsigned pid, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++switches_;
  const Process& next = *processes_.at(pid);
  const std::uint64_t mmu = mmus_.at(cpu);
  hal_.write64(mmu + Mmu::reg_root, next.root, delay);
  hal_.write64(mmu + Mmu::reg_asid, next.asid, delay);
  if (!config_.asids) hal_.write64(mmu + Mmu::reg_flush_all, 0, delay);
  hal_.write64(mmu + Mmu::reg_control, Mmu::control_translate, delay);
}

void Kernel::exit(unsigned pid, sc_core::sc_time& delay) {
  enter(config_.syscall_cost, config_.syscall_cycles, delay);
  ++syscalls_;
  if (Process* owner = process(pid)) kill(*owner, "exited", delay);
}

void Kernel::kill(Process& owner, std::string reason, sc_core::sc_time& delay) {
  if (reason != "exited") ++segfaults_;
  owner.kill_reason = std::move(reason);
  for (const Region& region : owner.regions) {
    for (std::uint64_t address = region.start; address < region.start + region.size;) {
      std::uint64_t missing = 0;
      const auto entry = leaf_entry(owner, address, false, delay, &missing);
      if (!entry) {
        address = (address / missing + 1) * missing;
        continue;
      }
      release_entry(hal_.read64(*entry, delay), region);
      address += page;
    }
  }
  owner.regions.clear();
  for (const std::uint64_t table : owner.tables) frames_.release(table);
  owner.tables.clear();
  owner.alive = false;
  // Its ASID is never reused, but its translations must not outlive its frames.
  for (const std::uint64_t mmu : mmus_)
    hal_.write64(mmu + (config_.asids ? Mmu::reg_flush_asid : Mmu::reg_flush_all), owner.asid, delay);
}

}  // namespace vmsim
