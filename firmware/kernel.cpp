#include "vmsim/firmware/kernel.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "vmsim/models/devices/disk_registers.h"
#include "vmsim/models/devices/gpio_registers.h"
#include "vmsim/models/mmu/mmu_registers.h"

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

TrapReturn resume(std::uint64_t value = 0) { return TrapReturn{TrapReturn::Action::resume, 0, value, true, false}; }
TrapReturn failed() { return TrapReturn{TrapReturn::Action::resume, 0, 0, false, false}; }

}  // namespace

std::uint64_t Kernel::minimum_frames(const PageTableFormat& format, std::uint64_t reserved) {
  // The kernel's mapping: one table per level on the way, plus a leaf table per 512 pages.
  const std::uint64_t leaf_tables = (reserved / page + 511) / 512;
  const std::uint64_t kernel = (format.levels - 2) + std::max<std::uint64_t>(leaf_tables, 1) + 1;
  // One process: its root; for each of two pages, a table per level below the root, and the page.
  const std::uint64_t process = 1 + 2 * (format.levels - 1) + 2;
  return kernel + process;
}

Kernel::Kernel(Hal& hal, const Config& config, StatGroup& stats, Timeline* timeline)
    : hal_(hal),
      config_(config),
      timeline_(timeline),
      format_(*config.format),
      timer_(hal, config.timer),
      interrupts_(hal, config.interrupt_controller),
      table_memory_(hal),
      tables_(*config.format, table_memory_),
      frames_(config.memory_base + config.reserved, config.memory_size - config.reserved, config.frame_limit),
      kernel_address_(~std::uint64_t{0} << (config.format->va_bits - 1)),
      fault_stats_(stats, "faults"),
      minor_faults_(fault_stats_, "minor", "Faults served by mapping a page (first touch)"),
      segfaults_(fault_stats_, "segfaults", "Processes killed: bad accesses, and out of memory"),
      syscalls_(stats, "syscalls", "System calls"),
      switches_(stats, "context_switches", "Times a hart started running another process"),
      shootdowns_(stats, "shootdowns", "TLB shootdowns (one per changed range, reaching every MMU)"),
      handler_cycles_(stats, "handler_cycles",
                      "CPU cycles charged for entering system calls, fault and interrupt handlers"),
      pin_waits_count_(stats, "pin_waits", "wait_pin system calls that had to sleep until the pin changed"),
      table_pages_(stats, "page_table_pages", "Page-table pages allocated"),
      frames_used_(stats, "frames_used", "Physical frames in use at the end",
                   [this] { return static_cast<double>(frames_.used()); }),
      frames_high_water_(stats, "frames_high_water", "Most physical frames in use at once",
                         [this] { return static_cast<double>(frames_.high_water()); }),
      interrupt_stats_(stats, "interrupts"),
      timer_interrupts_(interrupt_stats_, "timer", "Timer interrupts taken (time slices)"),
      ipis_(interrupt_stats_, "ipis", "Inter-processor interrupts sent to wake an idle hart"),
      device_interrupts_(interrupt_stats_, "devices", "Device interrupts taken (disk, GPIO)"),
      memory_waits_(stats, "memory_waits", "Faults that waited for a frame while pages went to or came from swap"),
      swap_stats_(stats, "swap"),
      major_faults_(fault_stats_, "major", "Faults served by reading the page back from swap"),
      swap_outs_(swap_stats_, "outs", "Pages written to swap when evicted"),
      swap_ins_(swap_stats_, "ins", "Pages read back from swap"),
      clean_drops_(swap_stats_, "clean_drops", "Evicted pages whose copy in swap was current: no write"),
      oom_kills_(swap_stats_, "oom_kills",
                 "Processes killed for memory: none free, none on its way, nothing in memory could go to swap"),
      io_waits_(swap_stats_, "io_waits", "Faults that blocked their process until its page was back from swap"),
      swap_used_(swap_stats_, "used_slots", "Swap slots holding a page at the end",
                 [this] { return static_cast<double>(slots_.size() - free_slots_); }),
      blocked_seconds_(swap_stats_, "blocked_seconds", "Simulated time processes spent blocked on swap I/O", [this] {
        return static_cast<double>(blocked_ticks_) / static_cast<double>(ticks_per_second_);
      }) {
  for (const Config::Hart& hart : config_.harts) {
    harts_.emplace_back();
    harts_.back().config = hart;
    if (timeline_ != nullptr) harts_.back().track = timeline_->track("kernel", hart.name);
  }
  if (timeline_ != nullptr) swap_track_ = timeline_->track("kernel", "swap");
  if (config_.swap.enabled) {
    disk_ = std::make_unique<DiskDriver>(hal_, config_.swap.disk);
    swap_policy_ = config_.swap.policy(config_.swap.seed);
  }
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

std::string Kernel::boot(sc_core::sc_time& delay) {
  if (disk_) {
    const std::uint64_t sector = hal_.read64(config_.swap.disk + disk_regs::sector_size, delay);
    const std::uint64_t capacity = hal_.read64(config_.swap.disk + disk_regs::capacity, delay) * sector;
    if (sector == 0 || page % sector != 0) return "the swap disk's sectors do not divide a 4KiB page";
    if (config_.swap.offset + config_.swap.size > capacity)
      return fmt::format("the swap area ends at byte {} of a {}-byte disk", config_.swap.offset + config_.swap.size,
                         capacity);
    sectors_per_page_ = page / sector;
    slots_.assign(config_.swap.size / page, false);
    free_slots_ = slots_.size();
  }
  ticks_per_second_ = config_.timebase_frequency;
  if (ticks_per_second_ == 0) return "the timer has no timebase frequency";
  slice_ticks_ = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(config_.time_slice.to_seconds() * static_cast<double>(ticks_per_second_) + 0.5));
  const auto root = zeroed_frame(delay);
  if (!root) return "memory cannot hold the kernel's page tables (frame_limit?)";
  kernel_root_ = *root;
  kernel_tables_.push_back(kernel_root_);
  ++table_pages_;
  // The kernel's memory, supervisor-only and global, at the bottom of the upper half.
  const AllocateTable allocate = [this](sc_core::sc_time& table_delay) {
    const auto frame = zeroed_frame(table_delay);
    if (frame) {
      kernel_tables_.push_back(*frame);
      ++table_pages_;
    }
    return frame;
  };
  const std::uint8_t flags = page_readable | page_writable | page_executable | page_global | page_accessed | page_dirty;
  for (std::uint64_t offset = 0; offset < config_.reserved; offset += page) {
    const EntryLocation leaf = tables_.find_or_create(kernel_root_, kernel_address_ + offset, 0, allocate, delay);
    if (!leaf.found()) return "memory cannot hold the kernel's page tables (frame_limit?)";
    hal_.write64(leaf.address, format_.encode_leaf(config_.memory_base + offset, flags, 0), delay);
  }
  kernel_root_entry_ = hal_.read64(tables_.root_entry(kernel_root_, kernel_address_), delay);
  // Every MMU translates from now on, in the kernel's address space until a process runs.
  for (unsigned h = 0; h < harts_.size(); ++h) {
    const Config::Hart& hart = harts_[h].config;
    hal_.write64(hart.mmu + mmu_regs::root, kernel_root_, delay);
    hal_.write64(hart.mmu + mmu_regs::asid, 0, delay);
    hal_.write64(hart.mmu + mmu_regs::flush_all, 0, delay);
    hal_.write64(hart.mmu + mmu_regs::control, mmu_regs::control_translate, delay);
    timer_.arm(h, ClintDriver::never, delay);
  }
  set_up_interrupts(delay);
  return {};
}

void Kernel::set_up_interrupts(sc_core::sc_time& delay) {
  // Each hart takes its own timer and inter-processor interrupts from the CLINT; devices interrupt
  // hart 0, through its machine context.
  std::vector<unsigned> sources;
  if (disk_) sources.push_back(config_.swap.source);
  for (const auto& [name, device] : config_.devices)
    for (const unsigned source : device.pin_sources)
      if (source != 0) sources.push_back(source);
  std::vector<std::uint32_t> words;
  for (const unsigned source : sources) {
    interrupts_.set_priority(source, 1, delay);
    if (words.size() <= plic_regs::word_of(source)) words.resize(plic_regs::word_of(source) + 1, 0);
    words[plic_regs::word_of(source)] |= plic_regs::bit_of(source);
  }
  for (unsigned h = 0; h < harts_.size(); ++h) {
    const unsigned context = plic_regs::machine_context(h);
    for (unsigned word = 0; word < words.size(); ++word)
      interrupts_.enable(context, word, h == 0 ? words[word] : 0, delay);
    interrupts_.set_threshold(context, 0, delay);
  }
}

// ---- Traps ----

TrapReturn Kernel::trap(unsigned hart_number, const Trap& trap, sc_core::sc_time& delay) {
  Hart& hart = harts_.at(hart_number);
  trapping_hart_ = hart_number;
  if (timeline_ == nullptr || trap.cause == TrapCause::reset) return handle(hart, trap, delay);
  // A handler is a span on the track of the process it served (the hart's, for an interrupt); a
  // fault is named by the counter it moved.
  const sc_core::sc_time start = sc_core::sc_time_stamp() + delay;
  const Process* running = current(hart);
  const Timeline::Track track = running != nullptr && trap.cause != TrapCause::interrupt ? running->track : hart.track;
  const std::uint64_t minor = minor_faults_.value();
  const std::uint64_t major = major_faults_.value();
  const TrapReturn answer = handle(hart, trap, delay);
  const sc_core::sc_time end = sc_core::sc_time_stamp() + delay;
  switch (trap.cause) {
    case TrapCause::reset: break;
    case TrapCause::system_call:
      timeline_->span(track, "system call", start, end, {"call", static_cast<std::uint64_t>(trap.call)});
      break;
    case TrapCause::page_fault:
      timeline_->span(track,
                      major_faults_.value() != major   ? "major fault"
                      : minor_faults_.value() != minor ? "minor fault"
                                                       : "page fault",
                      start, end, {"va", trap.fault_address});
      break;
    case TrapCause::interrupt: timeline_->span(track, "interrupt", start, end); break;
  }
  return answer;
}

void Kernel::retry_completed(unsigned hart) {
  if (Process* running = current(harts_.at(hart))) running->unpin();
}

TrapReturn Kernel::handle(Hart& hart, const Trap& trap, sc_core::sc_time& delay) {
  switch (trap.cause) {
    case TrapCause::reset: return schedule(hart, false, delay);
    case TrapCause::system_call:
      enter(config_.syscall_cost, config_.syscall_cycles, delay);
      ++syscalls_;
      return system_call(hart, trap, delay);
    case TrapCause::page_fault: {
      enter(config_.fault_cost, config_.fault_cycles, delay);
      Process* running = current(hart);
      if (running == nullptr) return schedule(hart, true, delay);  // killed while it ran
      return page_fault(hart, *running, trap, delay);
    }
    case TrapCause::interrupt:
      enter(config_.interrupt_cost, config_.interrupt_cycles, delay);
      return interrupt(hart, trap.pending, delay);
  }
  return resume();
}

TrapReturn Kernel::system_call(Hart& hart, const Trap& trap, sc_core::sc_time& delay) {
  if (trap.call == SystemCall::spawn) {
    const auto pid = spawn(hart, static_cast<unsigned>(trap.args[0]), std::string(trap.text), delay);
    return pid ? resume(*pid) : failed();
  }
  Process* owner = current(hart);
  if (owner == nullptr) return schedule(hart, true, delay);
  const std::uint64_t address = trap.args[0];
  const auto protection = static_cast<std::uint8_t>(trap.args[1]);
  switch (trap.call) {
    case SystemCall::spawn: break;
    case SystemCall::mmap: {
      const std::uint64_t length = trap.args[0];
      if (length == 0) return failed();
      const std::uint64_t size = (length + page - 1) / page * page;
      if (size > (std::uint64_t{1} << (format_.va_bits - 1)) - owner->next_address) return failed();
      SharedObject* object = nullptr;
      if (!trap.text.empty()) {
        auto& slot = shared_[std::string(trap.text)];
        if (!slot) {
          slot = std::make_unique<SharedObject>();
          slot->size = size;
          slot->frames.assign(size / page, 0);
        }
        if (slot->size < size) return failed();
        object = slot.get();
      }
      // Only the region is recorded: pages get frames when first touched. A guard page follows it.
      const std::uint64_t start = owner->next_address;
      owner->next_address += size + page;
      owner->regions.push_back(Region{start, size, protection, object, 0});
      return resume(start);
    }
    case SystemCall::mmap_device: {
      const auto it = config_.devices.find(std::string(trap.text));
      if (it == config_.devices.end()) return failed();
      const auto& users = it->second.users;
      if (std::find(users.begin(), users.end(), owner->name) == users.end()) return failed();
      const std::uint64_t size = (it->second.size + page - 1) / page * page;
      const std::uint64_t start = owner->next_address;
      owner->next_address += size + page;
      owner->regions.push_back(
          Region{start, size, static_cast<std::uint8_t>(protection & ~prot_exec), nullptr, it->second.base});
      return resume(start);
    }
    case SystemCall::mmap_all: {
      if (!owner->regions.empty()) return failed();
      const std::uint64_t top = std::uint64_t{1} << (format_.va_bits - 1);
      owner->regions.push_back(Region{page, top - page, prot_read | prot_write | prot_exec, nullptr, 0});
      owner->next_address = top;  // nothing else fits
      return resume(page);
    }
    case SystemCall::munmap: {
      const auto it = std::find_if(owner->regions.begin(), owner->regions.end(),
                                   [address](const Region& r) { return r.start == address; });
      if (it == owner->regions.end()) return failed();
      update_region(*owner, *it, 0, delay);
      owner->regions.erase(it);
      return resume();
    }
    case SystemCall::mprotect: {
      Region* region = region_at(*owner, address);
      if (region == nullptr || region->start != address || protection == 0) return failed();
      region->protection = protection;
      update_region(*owner, *region, protection, delay);
      return resume();
    }
    case SystemCall::wait_pin: return wait_pin(hart, *owner, trap, delay);
    case SystemCall::exit: end(*owner, "", delay); return schedule(hart, true, delay);
  }
  return failed();
}

std::optional<unsigned> Kernel::spawn(Hart& hart, unsigned context, std::string name, sc_core::sc_time& delay) {
  auto created = std::make_unique<Process>();
  created->pid = static_cast<unsigned>(processes_.size());
  created->name = std::move(name);
  created->hart = static_cast<unsigned>(&hart - harts_.data());
  created->context = context;
  created->asid = config_.asids ? static_cast<std::uint16_t>(processes_.size() + 1) : 0;
  Shortage shortage = Shortage::none;
  const auto root = user_frame(*created, true, shortage, delay);
  if (!root) return std::nullopt;
  ++table_pages_;
  hal_.write64(tables_.root_entry(*root, kernel_address_), kernel_root_entry_, delay);
  created->root = *root;
  created->tables.push_back(*root);
  created->next_address = user_base_;
  hart.run_queue.push_back(created->pid);
  ++hart.live;
  if (timeline_ != nullptr)
    created->track = timeline_->track("processes", fmt::format("{} (pid {})", created->name, created->pid));
  processes_.push_back(std::move(created));
  return processes_.back()->pid;
}

TrapReturn Kernel::page_fault(Hart& hart, Process& owner, const Trap& trap, sc_core::sc_time& delay) {
  const std::uint64_t address = trap.fault_address;
  const AccessKind kind = trap.kind;
  Region* region = region_at(owner, address);
  if (region == nullptr) {
    end(owner, fmt::format("{} at {:#x} outside every region", kind_name(kind), address), delay);
    return schedule(hart, true, delay);
  }
  const std::uint8_t needed = kind == AccessKind::load ? prot_read : kind == AccessKind::store ? prot_write : prot_exec;
  if ((region->protection & needed) == 0) {
    end(owner, fmt::format("{} at {:#x} in a {} region", kind_name(kind), address, protection_name(region->protection)),
        delay);
    return schedule(hart, true, delay);
  }
  if (trap.fault != FaultCause::not_present) {
    end(owner, fmt::format("{} at {:#x}: {}", kind_name(kind), address, to_string(trap.fault)), delay);
    return schedule(hart, true, delay);
  }
  // The access's pages stay resident while it retries: mapping its second page must not evict its
  // first.
  const std::uint64_t first = trap.access_address / page * page;
  const std::uint64_t last = (trap.access_address + std::max<std::uint64_t>(trap.access_length, 1) - 1) / page * page;
  owner.pinned = {first, last};
  const std::uint64_t page_address = address / page * page;
  const auto key = page_key(owner.pid, page_address);
  if (const auto moving = transit_.find(key); moving != transit_.end()) {
    moving->second.waiters.push_back(owner.pid);
    return block(hart, owner, fmt::format("its page {:#x} on its way to or from swap", page_address), delay);
  }
  Shortage shortage = Shortage::none;
  const auto entry = new_leaf(owner, address, shortage, delay);
  const auto short_of_frames = [&] {
    if (shortage == Shortage::wait) {
      ++memory_waits_;
      memory_waiters_.push_back(owner.pid);
      return block(hart, owner,
                   writes_in_flight_ > 0 ? "a free frame (dirty pages are being written to swap)"
                                         : "a page to evict for a frame (pages are coming back from swap)",
                   delay);
    }
    if (owner.state != State::ended) end(owner, fmt::format("out of memory at {:#x}", address), delay);
    return schedule(hart, true, delay);
  };
  if (!entry) return short_of_frames();
  const std::uint64_t raw = hal_.read64(*entry, delay);
  if (const std::optional<std::uint64_t> swapped = format_.decode_swap(raw)) {
    // A swap entry: the page comes back from the disk while other processes run.
    const std::uint64_t slot = *swapped;
    const auto frame = user_frame(owner, false, shortage, delay);
    if (!frame) return short_of_frames();
    ++major_faults_;
    ++io_waits_;
    ++reads_in_flight_;
    transit_[key].waiters.push_back(owner.pid);
    owner.blocked_at = timer_.now(delay);
    const unsigned pid = owner.pid;
    disk_->read(
        config_.swap.offset / page * sectors_per_page_ + slot * sectors_per_page_, sectors_per_page_, *frame,
        [this, pid, page_address, frame = *frame, slot, started = sc_core::sc_time_stamp() + delay](
            bool ok, sc_core::sc_time& done_delay) {
          if (timeline_ != nullptr)
            timeline_->span(swap_track_, "swap in", started, sc_core::sc_time_stamp() + done_delay,
                            {"va", page_address}, {"pid", pid}, true);
          swap_in_done(pid, page_address, frame, slot, ok, done_delay);
        },
        delay);
    return block(hart, owner, fmt::format("its page {:#x} to come back from swap", page_address), delay);
  }
  std::optional<std::uint64_t> frame;
  if (region->device != 0) {
    frame = region->device + (address - region->start) / page * page;
  } else if (region->shared != nullptr) {
    std::uint64_t& shared_frame = region->shared->frames[(address - region->start) / page];
    if (shared_frame == 0) {
      if (const auto fresh = user_frame(owner, true, shortage, delay)) shared_frame = *fresh;
    }
    if (shared_frame != 0) frame = shared_frame;
  } else {
    frame = user_frame(owner, true, shortage, delay);
  }
  if (!frame) return short_of_frames();
  ++minor_faults_;
  hal_.write64(*entry, format_.encode_leaf(*frame, page_flags(region->protection), 0), delay);
  if (region->shared == nullptr && region->device == 0 && disk_) make_resident(owner.pid, page_address, no_slot);
  return TrapReturn{TrapReturn::Action::retry, 0, 0, true, false};
}

TrapReturn Kernel::wait_pin(Hart& hart, Process& owner, const Trap& trap, sc_core::sc_time& delay) {
  const std::string device(trap.text);
  const auto it = config_.devices.find(device);
  const auto pin = static_cast<unsigned>(trap.args[0]);
  const bool level = trap.args[1] != 0;
  if (it == config_.devices.end() || pin >= gpio_regs::max_pins) return failed();
  const Config::Device& gpio = it->second;
  const std::uint32_t bit = std::uint32_t{1} << pin;
  if (std::uint32_t& inputs = gpio_inputs_[device]; (inputs & bit) == 0) {
    inputs |= bit;
    hal_.write32(gpio.base + gpio_regs::input_en, inputs, delay);
  }
  const auto at_level = [&] { return ((hal_.read32(gpio.base + gpio_regs::input_val, delay) & bit) != 0) == level; };
  if (at_level()) return resume();
  if (pin >= gpio.pin_sources.size() || gpio.pin_sources[pin] == 0) return failed();  // it could never wake
  ++pin_waits_count_;
  // An edge from before the wait is no reason to look: its pending bit goes before it is enabled.
  hal_.write32(gpio.base + (level ? gpio_regs::rise_ip : gpio_regs::fall_ip), bit, delay);
  pin_waits_.push_back(PinWait{owner.pid, device, pin, level});
  update_pin_interrupts(device, delay);
  // The pin may have moved before its edge was armed.
  if (at_level()) {
    pin_waits_.pop_back();
    update_pin_interrupts(device, delay);
    return resume();
  }
  return block(hart, owner, fmt::format("pin {} of {} to be {}", pin, device, level ? 1 : 0), delay);
}

void Kernel::update_pin_interrupts(const std::string& device, sc_core::sc_time& delay) {
  std::uint32_t rise = 0;
  std::uint32_t fall = 0;
  for (const PinWait& wait : pin_waits_)
    if (wait.device == device) (wait.level ? rise : fall) |= std::uint32_t{1} << wait.pin;
  const std::uint64_t base = config_.devices.at(device).base;
  hal_.write32(base + gpio_regs::rise_ie, rise, delay);
  hal_.write32(base + gpio_regs::fall_ie, fall, delay);
}

void Kernel::handle_gpio(const std::string& device, unsigned pin, sc_core::sc_time& delay) {
  const std::uint64_t base = config_.devices.at(device).base;
  const std::uint32_t bit = std::uint32_t{1} << pin;
  hal_.write32(base + gpio_regs::rise_ip, bit, delay);  // acknowledge: the pin's line falls
  hal_.write32(base + gpio_regs::fall_ip, bit, delay);
  const bool level = (hal_.read32(base + gpio_regs::input_val, delay) & bit) != 0;
  std::vector<unsigned> woken;
  pin_waits_.erase(std::remove_if(pin_waits_.begin(), pin_waits_.end(),
                                  [&](const PinWait& wait) {
                                    const bool ready = wait.device == device && wait.pin == pin && wait.level == level;
                                    if (ready) woken.push_back(wait.pid);
                                    return ready;
                                  }),
                   pin_waits_.end());
  update_pin_interrupts(device, delay);
  for (const unsigned pid : woken) wake(pid, delay);
}

TrapReturn Kernel::interrupt(Hart& hart, std::uint64_t pending, sc_core::sc_time& delay) {
  const auto number = static_cast<unsigned>(&hart - harts_.data());
  bool slice_over = false;
  if ((pending & hart_irq::bit(hart_irq::machine_timer)) != 0) {
    ++timer_interrupts_;
    slice_over = true;
    timer_.arm(number, ClintDriver::never, delay);
  }
  if ((pending & hart_irq::bit(hart_irq::machine_software)) != 0) timer_.clear_ipi(number, delay);
  if ((pending & hart_irq::bit(hart_irq::machine_external)) != 0) {
    const unsigned context = plic_regs::machine_context(number);
    while (const unsigned source = interrupts_.claim(context, delay)) {
      ++device_interrupts_;
      if (disk_ && source == config_.swap.source) {
        disk_->interrupt(delay);
      } else {
        for (const auto& [name, device] : config_.devices) {
          const auto line = std::find(device.pin_sources.begin(), device.pin_sources.end(), source);
          if (line != device.pin_sources.end())
            handle_gpio(name, static_cast<unsigned>(line - device.pin_sources.begin()), delay);
        }
      }
      interrupts_.complete(context, source, delay);
    }
  }
  Process* running = current(hart);
  if (running == nullptr) return schedule(hart, false, delay);
  if (slice_over) {
    if (!hart.run_queue.empty()) {
      running->state = State::runnable;
      hart.run_queue.push_back(running->pid);
      return schedule(hart, false, delay);
    }
    arm_timer(hart, delay);  // alone: it goes on for another slice
  }
  return resume();
}

// ---- Scheduling ----

TrapReturn Kernel::schedule(Hart& hart, bool ended, sc_core::sc_time& delay) {
  // The process leaving the hart lets its access's pages go: one that blocked retries it when it
  // runs again, faulting for whatever left memory meanwhile.
  if (Process* leaving = current(hart)) leaving->unpin();
  hart.current.reset();
  ended = ended || hart.current_ended;
  hart.current_ended = false;
  while (!hart.run_queue.empty()) {
    Process* next = process(hart.run_queue.front());
    hart.run_queue.pop_front();
    if (next == nullptr || next->state != State::runnable) continue;
    switch_to(hart, *next, delay);
    return TrapReturn{TrapReturn::Action::run, next->context, 0, true, ended};
  }
  const auto number = static_cast<unsigned>(&hart - harts_.data());
  timer_.arm(number, ClintDriver::never, delay);
  if (hart.live == 0) return TrapReturn{TrapReturn::Action::halt, 0, 0, true, ended};
  return TrapReturn{TrapReturn::Action::idle, 0, 0, true, ended};
}

TrapReturn Kernel::block(Hart& hart, Process& owner, std::string reason, sc_core::sc_time& delay) {
  owner.state = State::blocked;
  owner.waiting_for = std::move(reason);
  return schedule(hart, false, delay);
}

void Kernel::wake(unsigned pid, sc_core::sc_time& delay) {
  Process* woken = process(pid);
  if (woken == nullptr || woken->state != State::blocked) return;
  woken->state = State::runnable;
  woken->waiting_for.clear();
  Hart& hart = harts_[woken->hart];
  hart.run_queue.push_back(pid);
  if (!hart.current && woken->hart != trapping_hart_) {
    ++ipis_;
    timer_.send_ipi(woken->hart, delay);
  }
}

void Kernel::switch_to(Hart& hart, Process& next, sc_core::sc_time& delay) {
  next.state = State::running;
  hart.current = next.pid;
  if (hart.last != next.pid) {
    ++switches_;
    if (timeline_ != nullptr) {
      const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
      timeline_->instant(hart.track, "context switch", at, {"pid", next.pid});
      timeline_->instant(next.track, "scheduled", at, {"hart", static_cast<std::uint64_t>(&hart - harts_.data())});
    }
    hart.last = next.pid;
    const std::uint64_t mmu = hart.config.mmu;
    hal_.write64(mmu + mmu_regs::root, next.root, delay);
    hal_.write64(mmu + mmu_regs::asid, next.asid, delay);
    if (!config_.asids) hal_.write64(mmu + mmu_regs::flush_all, 0, delay);
    hal_.write64(mmu + mmu_regs::control, mmu_regs::control_translate, delay);
  }
  arm_timer(hart, delay);
}

std::uint64_t Kernel::now(sc_core::sc_time& delay) { return timer_.now(delay); }

void Kernel::arm_timer(Hart& hart, sc_core::sc_time& delay) {
  const auto number = static_cast<unsigned>(&hart - harts_.data());
  timer_.arm(number, now(delay) + slice_ticks_, delay);
}

std::vector<std::string> Kernel::unfinished() const {
  std::vector<std::string> left;
  for (const auto& candidate : processes_) {
    if (candidate->state == State::ended) continue;
    const std::string& hart = harts_[candidate->hart].config.name;
    if (candidate->state == State::blocked)
      left.push_back(fmt::format("{} on {} waits for {}", candidate->name, hart, candidate->waiting_for));
    else
      left.push_back(fmt::format("{} on {} is runnable", candidate->name, hart));
  }
  return left;
}

// ---- Memory ----

Kernel::Process* Kernel::process(unsigned pid) {
  return pid < processes_.size() && processes_[pid]->state != State::ended ? processes_[pid].get() : nullptr;
}

Kernel::Region* Kernel::region_at(Process& owner, std::uint64_t address) {
  for (Region& region : owner.regions)
    if (address >= region.start && address - region.start < region.size) return &region;
  return nullptr;
}

std::optional<std::uint64_t> Kernel::existing_leaf(Process& owner, std::uint64_t address, sc_core::sc_time& delay) {
  const EntryLocation leaf = tables_.find(owner.root, address, delay);
  if (!leaf.found()) return std::nullopt;
  return leaf.address;
}

std::optional<std::uint64_t> Kernel::new_leaf(Process& owner, std::uint64_t address, Shortage& shortage,
                                              sc_core::sc_time& delay) {
  const AllocateTable allocate = [&](sc_core::sc_time& table_delay) {
    const auto frame = user_frame(owner, true, shortage, table_delay);  // tables too may push pages out
    if (frame) {
      owner.tables.push_back(*frame);
      ++table_pages_;
    }
    return frame;
  };
  const EntryLocation leaf = tables_.find_or_create(owner.root, address, 0, allocate, delay);
  if (!leaf.found()) return std::nullopt;
  return leaf.address;
}

std::optional<std::uint64_t> Kernel::user_frame(Process& requester, bool zeroed, Shortage& shortage,
                                                sc_core::sc_time& delay) {
  shortage = Shortage::none;
  // Below the low watermark, evict down to the high one (counting frames on their way back).
  if (disk_ && frames_.free() + writes_in_flight_ < config_.swap.low)
    while (frames_.free() + writes_in_flight_ < config_.swap.high && evict(delay) != Eviction::none) {
    }
  while (true) {
    if (const auto frame = zeroed ? zeroed_frame(delay) : frames_.allocate()) return frame;
    if (disk_) {
      const Eviction eviction = evict(delay);
      if (eviction == Eviction::freed) continue;
      // Nothing to evict now; a page on its way out frees its frame, one on its way in becomes a
      // page to evict.
      if (eviction == Eviction::writing || writes_in_flight_ > 0 || reads_in_flight_ > 0) {
        shortage = Shortage::wait;
        return std::nullopt;
      }
    }
    // Out of memory: the process with the most memory goes, as a documented policy.
    const std::string reason = fmt::format("killed for memory: {}", out_of_memory());
    Process* largest = nullptr;
    std::uint64_t most = 0;
    for (auto& candidate : processes_) {
      if (candidate->state == State::ended) continue;
      std::uint64_t pages = 0;
      for (const Region& region : candidate->regions) pages += region.size / page;
      if (largest == nullptr || pages > most) {
        largest = candidate.get();
        most = pages;
      }
    }
    if (largest == nullptr || largest == &requester) {
      ++oom_kills_;
      shortage = Shortage::killed;
      if (requester.state != State::ended && requester.root != 0) end(requester, reason, delay);
      return std::nullopt;
    }
    ++oom_kills_;
    end(*largest, reason, delay);
  }
}

std::string Kernel::out_of_memory() const {
  if (!disk_) return "memory is full and there is no swap";
  // Nothing was evictable: every unpinned page lacks a slot while swap is full, or none is unpinned.
  const bool unpinned =
      std::any_of(resident_.begin(), resident_.end(), [this](const auto& entry) { return !pinned(entry.second.page); });
  if (unpinned) return "memory and swap are full";
  return "memory is full of pages that cannot go to swap (page tables, shared memory, the pages of accesses in "
         "progress)";
}

std::uint64_t Kernel::take_slot() {
  const auto free = std::find(slots_.begin(), slots_.end(), false);
  *free = true;
  --free_slots_;
  return static_cast<std::uint64_t>(free - slots_.begin());
}

void Kernel::release_slot(std::uint64_t slot) {
  slots_[slot] = false;
  ++free_slots_;
}

bool Kernel::pinned(const ResidentPage& resident) const {
  const Process& owner = *processes_[resident.pid];
  return owner.pinned[0] == resident.address || owner.pinned[1] == resident.address;
}

bool Kernel::evictable(const ResidentPage& resident) const {
  if (pinned(resident)) return false;
  // A page with no copy in swap needs a free slot to go to.
  return free_slots_ > 0 || resident_.at(resident.key()).slot != no_slot;
}

bool Kernel::test_and_clear_accessed(const ResidentPage& resident, sc_core::sc_time& delay) {
  Process& owner = *processes_[resident.pid];
  const std::uint64_t entry = *existing_leaf(owner, resident.address, delay);
  std::uint64_t raw = hal_.read64(entry, delay);
  const Pte pte = format_.decode(raw, 0);
  const bool accessed = (pte.flags & page_accessed) != 0;
  if (accessed) {
    // Cleared in the entry and in every cached copy, so that the next access sets it again.
    raw = format_.encode_leaf(pte.address, pte.flags & ~page_accessed, 0);
    hal_.write64(entry, raw, delay);
    shootdown(owner, resident.address, page, delay);
  }
  tested_ = TestedEntry{resident, entry, raw};
  return accessed;
}

Kernel::Eviction Kernel::evict(sc_core::sc_time& delay) {
  tested_.reset();
  const std::optional<ResidentPage> victim = swap_policy_->victim(*this, delay);
  if (!victim) return Eviction::none;
  Process& owner = *processes_[victim->pid];
  const bool tested = tested_ && tested_->page == *victim;
  const std::uint64_t entry = tested ? tested_->address : *existing_leaf(owner, victim->address, delay);
  const Pte pte = format_.decode(tested ? tested_->raw : hal_.read64(entry, delay), 0);
  Resident& record = resident_.at(victim->key());
  const bool dirty = (pte.flags & page_dirty) != 0 || record.slot == no_slot;
  if (record.slot == no_slot) record.slot = take_slot();  // a victim is evictable: one is free
  // Unmapped before the copy is taken: an access while the disk works faults, and waits for the
  // page, instead of landing in a frame whose copy is already on its way out.
  const std::uint64_t frame = pte.address;
  const std::uint64_t slot = record.slot;
  hal_.write64(entry, format_.encode_swap(slot), delay);  // not present, the slot recorded
  shootdown(owner, victim->address, page, delay);
  forget(*victim);
  if (!dirty) {
    ++clean_drops_;
    frames_.release(frame);
    return Eviction::freed;
  }
  ++writes_in_flight_;
  transit_[page_key(victim->pid, victim->address)];
  disk_->write(
      config_.swap.offset / page * sectors_per_page_ + slot * sectors_per_page_, sectors_per_page_, frame,
      [this, pid = victim->pid, address = victim->address, frame, started = sc_core::sc_time_stamp() + delay](
          bool ok, sc_core::sc_time& done) {
        if (timeline_ != nullptr)
          timeline_->span(swap_track_, "swap out", started, sc_core::sc_time_stamp() + done, {"va", address},
                          {"pid", pid}, true);
        swap_out_done(pid, address, frame, ok, done);
      },
      delay);
  return Eviction::writing;
}

void Kernel::swap_out_done(unsigned pid, std::uint64_t address, std::uint64_t frame, bool ok, sc_core::sc_time& delay) {
  --writes_in_flight_;
  frames_.release(frame);
  if (ok) {
    ++swap_outs_;
  } else if (Process* owner = process(pid)) {
    end(*owner, fmt::format("the swap disk failed writing {:#x} out", address), delay);
  }
  end_transit(pid, address, delay);
  wake_memory_waiters(delay);
}

void Kernel::swap_in_done(unsigned pid, std::uint64_t address, std::uint64_t frame, std::uint64_t slot, bool ok,
                          sc_core::sc_time& delay) {
  --reads_in_flight_;
  Process* owner = process(pid);
  if (owner != nullptr) blocked_ticks_ += now(delay) - owner->blocked_at;
  Region* region = owner == nullptr ? nullptr : region_at(*owner, address);
  if (ok && region != nullptr) {
    ++swap_ins_;
    const auto entry = existing_leaf(*owner, address, delay);
    hal_.write64(*entry, format_.encode_leaf(frame, page_flags(region->protection), 0), delay);
    make_resident(pid, address, slot);
  } else {
    frames_.release(frame);
    if (owner != nullptr && !ok) end(*owner, fmt::format("the swap disk failed reading {:#x} back", address), delay);
  }
  end_transit(pid, address, delay);
  // The page (or its frame) is one to evict for those who found none; while writes are in flight,
  // waiters wait for those.
  if (writes_in_flight_ == 0) wake_memory_waiters(delay);
}

void Kernel::wake_memory_waiters(sc_core::sc_time& delay) {
  std::vector<unsigned> waiting;
  waiting.swap(memory_waiters_);
  for (const unsigned waiter : waiting) wake(waiter, delay);
}

void Kernel::end_transit(unsigned pid, std::uint64_t address, sc_core::sc_time& delay) {
  const auto found = transit_.find(page_key(pid, address));
  if (found == transit_.end()) return;
  const std::vector<unsigned> waiters = std::move(found->second.waiters);
  transit_.erase(found);
  for (const unsigned waiter : waiters) wake(waiter, delay);
}

void Kernel::make_resident(unsigned pid, std::uint64_t address, std::uint64_t slot) {
  const ResidentPage resident{pid, address};
  resident_[resident.key()] = Resident{resident, slot};
  swap_policy_->resident(resident);
}

void Kernel::forget(const ResidentPage& resident) {
  swap_policy_->left(resident);
  resident_.erase(resident.key());
}

void Kernel::release_entry(std::uint64_t raw, const Region& region, const ResidentPage& resident) {
  const Pte pte = format_.decode(raw, 0);
  if (pte.present) {
    if (region.shared != nullptr || region.device != 0) return;
    frames_.release(pte.address);
    const auto found = resident_.find(resident.key());
    if (found == resident_.end()) return;  // no swap
    if (found->second.slot != no_slot) release_slot(found->second.slot);
    forget(resident);
  } else if (const std::optional<std::uint64_t> slot = format_.decode_swap(raw)) {
    release_slot(*slot);  // swapped out
  }
}

void Kernel::accessed(unsigned hart, std::uint64_t address, std::uint64_t length) {
  const Hart& runner = harts_[hart];
  if (!runner.current) return;
  const std::uint64_t last = (address + std::max<std::uint64_t>(length, 1) - 1) / page * page;
  for (std::uint64_t at = address / page * page;; at += page) {
    swap_policy_->accessed(ResidentPage{*runner.current, at});
    if (at == last) break;
  }
}

std::uint8_t Kernel::page_flags(std::uint8_t protection) const {
  std::uint8_t flags = page_user;
  // A writable page is readable too: RISC-V reserves write-only entries.
  if (protection & (prot_read | prot_write)) flags |= page_readable;
  if (protection & prot_write) flags |= page_writable;
  if (protection & prot_exec) flags |= page_executable;
  return flags;
}

void Kernel::update_region(Process& owner, const Region& region, std::uint8_t protection, sc_core::sc_time& delay) {
  for_each_leaf(owner, region, delay, [&](std::uint64_t entry, std::uint64_t address) {
    const std::uint64_t raw = hal_.read64(entry, delay);
    const Pte pte = format_.decode(raw, 0);
    if (protection == 0 && raw != 0) {
      release_entry(raw, region, ResidentPage{owner.pid, address});
      hal_.write64(entry, 0, delay);
    } else if (pte.present) {
      const std::uint8_t kept = pte.flags & (page_accessed | page_dirty);
      hal_.write64(entry, format_.encode_leaf(pte.address, page_flags(protection) | kept, 0), delay);
    }
  });
  shootdown(owner, region.start, region.size, delay);
}

template <typename Visit>
void Kernel::for_each_leaf(Process& owner, const Region& region, sc_core::sc_time& delay, Visit visit) {
  EntryLocation leaf;
  for (std::uint64_t address = region.start; address < region.start + region.size; address = leaf.next(address)) {
    leaf = tables_.find(owner.root, address, delay);  // no table: nothing mapped in its whole span
    if (leaf.found()) visit(leaf.address, address);
  }
}

void Kernel::shootdown(const Process& owner, std::uint64_t start, std::uint64_t size, sc_core::sc_time& delay) {
  ++shootdowns_;
  for (const Hart& hart : harts_) {
    const std::uint64_t mmu = hart.config.mmu;
    if (!config_.asids) {
      hal_.write64(mmu + mmu_regs::flush_all, 0, delay);
    } else if (size / page > shootdown_pages) {
      hal_.write64(mmu + mmu_regs::flush_asid, owner.asid, delay);
    } else {
      hal_.write64(mmu + mmu_regs::flush_address_asid, owner.asid, delay);
      for (std::uint64_t address = start; address < start + size; address += page)
        hal_.write64(mmu + mmu_regs::flush_address, address, delay);
    }
  }
}

void Kernel::end(Process& owner, const std::string& reason, sc_core::sc_time& delay) {
  if (!reason.empty()) {
    ++segfaults_;
    fmt::print(stderr, "vmsim: kernel: process {} on {} killed: {}\n", owner.name, harts_[owner.hart].config.name,
               reason);
  }
  const State was = owner.state;
  owner.state = State::ended;
  for (const Region& region : owner.regions)
    for_each_leaf(owner, region, delay, [&](std::uint64_t entry, std::uint64_t address) {
      release_entry(hal_.read64(entry, delay), region, ResidentPage{owner.pid, address});
    });
  owner.regions.clear();
  for (const std::uint64_t table : owner.tables) frames_.release(table);
  owner.tables.clear();
  owner.unpin();
  memory_waiters_.erase(std::remove(memory_waiters_.begin(), memory_waiters_.end(), owner.pid), memory_waiters_.end());
  pin_waits_.erase(
      std::remove_if(pin_waits_.begin(), pin_waits_.end(), [&](const PinWait& wait) { return wait.pid == owner.pid; }),
      pin_waits_.end());
  Hart& hart = harts_[owner.hart];
  --hart.live;
  // A process killed while its hart runs it: that MMU goes back to the kernel's space, so that its
  // next access traps and the hart moves on, instead of walking tables that are gone.
  if (was == State::running && hart.last == owner.pid) {
    hart.last.reset();
    hal_.write64(hart.config.mmu + mmu_regs::root, kernel_root_, delay);
    hal_.write64(hart.config.mmu + mmu_regs::asid, 0, delay);
  }
  if (hart.current == owner.pid) {
    hart.current.reset();
    hart.current_ended = true;
  }
  // Its ASID is never reused, but its translations must not outlive its frames.
  for (const Hart& each : harts_)
    hal_.write64(each.config.mmu + (config_.asids ? mmu_regs::flush_asid : mmu_regs::flush_all), owner.asid, delay);
}

}  // namespace vmsim
