#include "vmsim/firmware/kernel_model.h"

#include <sstream>

#include <fmt/format.h>

#include "vmsim/firmware/swap/registry.h"
#include "vmsim/models/core/block_device.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/random.h"
#include "vmsim/models/core/time_source.h"
#include "vmsim/models/devices/gpio_registers.h"

namespace vmsim {
namespace {

const Connection port{"port", "bus", "Component the kernel's bus accesses go to", {{"router"}}};

}  // namespace

ParamSchema KernelModel::parameters() {
  ParamSchema schema;
  declare_connection(schema, port);
  schema.optional<std::string>("memory", "dram", "The main memory the kernel manages");
  schema.required<std::string>(
      "timer",
      "The timer (a clint) whose timer interrupts end time slices and whose software interrupts wake harts; "
      "each of the kernel's CPUs names it in its timer too");
  schema.required<std::string>("interrupt_controller",
                               "The interrupt controller (a plic) that device interrupts come through; each of the "
                               "kernel's CPUs names it in its interrupt_controller too");
  schema.optional<Bytes>("reserved", Bytes{1 << 20},
                         "Kernel memory at the bottom of main memory, mapped supervisor-only in every address space");
  schema.optional<Frequency>("frequency", Frequency{2'000'000'000}, "Clock that handler costs count in");
  schema.optional<std::uint64_t>("syscall_cycles", 200, "Cycles to enter and leave a system call");
  schema.optional<std::uint64_t>("fault_cycles", 500, "Cycles to enter and leave the page-fault handler");
  schema.optional<std::uint64_t>("interrupt_cycles", 200, "Cycles to enter and leave the interrupt handler");
  schema.optional<bool>("asids", true, "Tag each address space with an ASID; false flushes the TLBs on every switch");
  schema.optional<sc_core::sc_time>(
      "time_slice", sc_core::sc_time(100, sc_core::SC_US),
      "Time a process runs before the next runnable one on its hart gets the hart (a timer interrupt)");
  schema.scope("devices", "Devices processes may map: device name: the processes allowed, separated by spaces")
      .declare_members()
      .required<std::string>("<device>", "Processes allowed to map the device");
  schema.optional<std::uint64_t>("frame_limit", 0,
                                 "Physical frames the kernel may use at most (0: all of memory), to model less memory");
  ParamSchema& swap =
      schema.scope("swap", "Swapping private pages to a disk when free frames run low").declare_members();
  swap.optional<std::string>("disk", "", "The disk holding the swap area (empty: no swap)");
  swap.optional<Bytes>("offset", Bytes{0}, "Where the swap area starts on the disk");
  swap.optional<Bytes>("size", Bytes{64 << 20}, "Size of the swap area");
  swap_policies().declare(swap, "policy", "clock",
                          "How the page to evict is chosen (each is described at the end of `vmsim params`)");
  swap.optional<std::uint64_t>("low_watermark", 0, "Evict when fewer frames than this are free");
  swap.optional<std::uint64_t>("high_watermark", 0, "...until this many are");
  return schema;
}

KernelModel::KernelModel(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  connect(initiator, params, port);
  memory_name_ = params.get<std::string>("memory");
  memory_where_ = params.locate("memory");
  timer_name_ = params.get<std::string>("timer");
  timer_where_ = params.locate("timer");
  controller_name_ = params.get<std::string>("interrupt_controller");
  controller_where_ = params.locate("interrupt_controller");
  config_.reserved = params.get<Bytes>("reserved").value;
  frequency_ = params.get<Frequency>("frequency");
  config_.syscall_cycles = params.get<std::uint64_t>("syscall_cycles");
  config_.fault_cycles = params.get<std::uint64_t>("fault_cycles");
  config_.interrupt_cycles = params.get<std::uint64_t>("interrupt_cycles");
  config_.asids = params.get<bool>("asids");
  config_.time_slice = params.get<sc_core::sc_time>("time_slice");
  Params devices = params.scope("devices");
  for (const std::string& device : devices.keys()) {
    DeviceGrant grant;
    grant.name = device;
    grant.where = devices.locate(device);
    std::istringstream names(devices.get<std::string>(device));
    for (std::string user; names >> user;) grant.users.push_back(user);
    devices_.push_back(std::move(grant));
  }
  devices.reject_unknown();
  config_.frame_limit = params.get<std::uint64_t>("frame_limit");
  frame_limit_where_ = params.locate("frame_limit");
  Params swap = params.scope("swap");
  swap_disk_ = swap.get<std::string>("disk");
  swap_where_ = swap.locate("disk");
  config_.swap.offset = swap.get<Bytes>("offset").value;
  config_.swap.size = swap.get<Bytes>("size").value;
  swap_size_where_ = swap.locate("size");
  config_.swap.policy = swap_policies().choose(swap, "policy");
  config_.swap.low = swap.get<std::uint64_t>("low_watermark");
  config_.swap.high = swap.get<std::uint64_t>("high_watermark");
  config_.swap.seed = Random::derive(context.seed, fmt::format("{}/swap", basename()));
  swap.reject_unknown();
  if (config_.swap.offset % 4096 != 0 || config_.swap.size % 4096 != 0)
    swap.fail("size", "the swap area's offset and size are whole 4KiB pages");
  if (config_.swap.high < config_.swap.low) swap.fail("high_watermark", "must be at least the low watermark");
  if (config_.time_slice == sc_core::SC_ZERO_TIME) params.fail("time_slice", "must be above zero");
  config_.syscall_cost = frequency_.cycles(config_.syscall_cycles);
  config_.fault_cost = frequency_.cycles(config_.fault_cycles);
  config_.interrupt_cost = frequency_.cycles(config_.interrupt_cycles);
  if (config_.reserved % 4096 != 0) params.fail("reserved", "must be a whole number of 4KiB pages");
  context.run.boot_started();
  context.run.report_unfinished([this] { return kernel_ ? kernel_->unfinished() : std::vector<std::string>{}; });
  SC_THREAD(boot);
}

std::uint64_t KernelModel::registers_of(const Lookup& find, const std::string& name, const std::string& where,
                                        const std::string& path, std::string_view what) {
  const Component& component = find(name, where, path);
  if (component.mapped_targets().empty())
    throw ConfigError(fmt::format("{}: {}: '{}' has no {}", where, path, name, what));
  return component.mapped_targets().front().base;
}

void KernelModel::resolve(const Lookup& find) {
  const auto path = [this](std::string_view key) { return fmt::format("components.{}.{}", basename(), key); };
  const Component& memory = find(memory_name_, memory_where_, path("memory"));
  if (memory.mapped_targets().empty())
    throw ConfigError(fmt::format("{}: {}: '{}' has no address range", memory_where_, path("memory"), memory_name_));
  config_.memory_base = memory.mapped_targets().front().base;
  config_.memory_size = memory.mapped_targets().front().size;
  memory_base_where_ = memory.mapped_targets().front().where;
  if (config_.memory_base % 4096 != 0 || config_.memory_size % 4096 != 0)
    throw ConfigError(
        fmt::format("{}: components.{}.base: the kernel manages 4KiB frames, so '{}' needs a 4KiB-aligned "
                    "base and size (not {:#x} and {:#x})",
                    memory_base_where_, memory_name_, memory_name_, config_.memory_base, config_.memory_size));
  if (config_.reserved >= config_.memory_size)
    throw ConfigError(fmt::format("{}: {}: the kernel's reserved memory fills all of '{}'", memory_where_,
                                  path("memory"), memory_name_));
  check_memory_reachable();
  config_.timer = registers_of(find, timer_name_, timer_where_, path("timer"), "registers");
  if (dynamic_cast<const TimeSource*>(&find(timer_name_, timer_where_, path("timer"))) == nullptr)
    throw ConfigError(fmt::format("{}: {}: '{}' is not a timer", timer_where_, path("timer"), timer_name_));
  Component& controller = find(controller_name_, controller_where_, path("interrupt_controller"));
  controller_ = dynamic_cast<InterruptController*>(&controller);
  if (controller_ == nullptr || controller.mapped_targets().empty())
    throw ConfigError(fmt::format("{}: {}: '{}' is not an interrupt controller", controller_where_,
                                  path("interrupt_controller"), controller_name_));
  config_.interrupt_controller = controller.mapped_targets().front().base;
  for (const DeviceGrant& grant : devices_) {
    const std::string device_path = path("devices." + grant.name);
    const Component& device = find(grant.name, grant.where, device_path);
    if (device.mapped_targets().empty())
      throw ConfigError(fmt::format("{}: {}: '{}' has no registers to map", grant.where, device_path, grant.name));
    Kernel::Config::Device& entry = config_.devices[grant.name];
    entry.base = device.mapped_targets().front().base;
    entry.size = device.mapped_targets().front().size;
    entry.users = grant.users;
  }
  if (!swap_disk_.empty()) {
    config_.swap.enabled = true;
    config_.swap.disk = registers_of(find, swap_disk_, swap_where_, path("swap.disk"), "registers");
    const auto* disk = dynamic_cast<const BlockDevice*>(&find(swap_disk_, swap_where_, path("swap.disk")));
    if (disk == nullptr)
      throw ConfigError(fmt::format("{}: {}: '{}' is not a disk", swap_where_, path("swap.disk"), swap_disk_));
    if (4096 % disk->sector_bytes() != 0)
      throw ConfigError(fmt::format("{}: {}: the sectors of '{}' ({} bytes) do not divide a 4KiB page", swap_where_,
                                    path("swap.disk"), swap_disk_, disk->sector_bytes()));
    if (config_.swap.size == 0)
      throw ConfigError(
          fmt::format("{}: {}: a swap area holds at least one 4KiB page", swap_size_where_, path("swap.size")));
    if (config_.swap.offset + config_.swap.size > disk->capacity_bytes() ||
        config_.swap.offset + config_.swap.size < config_.swap.offset)
      throw ConfigError(fmt::format("{}: {}: the swap area ends at byte {} of '{}', which holds {} bytes",
                                    swap_size_where_, path("swap.size"), config_.swap.offset + config_.swap.size,
                                    swap_disk_, disk->capacity_bytes()));
  }
}

void KernelModel::check_memory_reachable() const {
  if (config_.format == nullptr || config_.memory_size == 0) return;  // the other is not known yet
  const unsigned bits = config_.format->pa_bits;
  const std::uint64_t last = config_.memory_base + (config_.memory_size - 1);
  if (bits < 64 && last >> bits != 0)
    throw ConfigError(
        fmt::format("{}: components.{}.base: '{}' ends at {:#x}, beyond the {}-bit physical addresses "
                    "that {} page tables can hold",
                    memory_base_where_, memory_name_, memory_name_, last, bits, config_.format->name));
}

unsigned KernelModel::attach_hart(const HartDescription& hart) {
  const PageTableFormat* format = PageTableFormat::find(hart.mmu_format);
  if (config_.format != nullptr && config_.format != format)
    throw ConfigError(fmt::format("{}: all MMUs under one kernel need the same page-table format ({} and {})", name(),
                                  config_.format->name, hart.mmu_format));
  if (config_.format == nullptr && config_.frame_limit != 0) {
    const std::uint64_t needed = Kernel::minimum_frames(*format, config_.reserved) + config_.swap.high;
    if (config_.frame_limit < needed)
      throw ConfigError(fmt::format(
          "{}: components.{}.frame_limit: {} frames leave the kernel unable to make progress: it needs {} ({} for "
          "its own tables and one process's access across two pages, plus high_watermark {})",
          frame_limit_where_, basename(), config_.frame_limit, needed, needed - config_.swap.high, config_.swap.high));
  }
  config_.format = format;
  check_memory_reachable();
  config_.harts.push_back(Kernel::Config::Hart{std::string(hart.name), hart.mmu_registers});
  // What the hart says of its timer and interrupt controller is checked against the kernel's own
  // once every name is resolved.
  hart_wiring_.push_back({hart.timer, hart.interrupt_controller});
  // Every hart of a kernel shares its timer, hence its timebase.
  config_.timebase_frequency = hart.timebase_frequency;
  return static_cast<unsigned>(config_.harts.size() - 1);
}

void KernelModel::check_resolved() const {
  for (unsigned h = 0; h < config_.harts.size(); ++h) {
    const std::string& hart = config_.harts[h].name;
    if (hart_wiring_[h].timer != config_.timer)
      throw ConfigError(
          fmt::format("{}: components.{}.timer: the kernel's harts take their time slices from its timer "
                      "'{}', but {} names another timer (components.{}.timer)",
                      timer_where_, basename(), timer_name_, hart, hart));
    if (hart_wiring_[h].interrupt_controller != config_.interrupt_controller)
      throw ConfigError(
          fmt::format("{}: components.{}.interrupt_controller: the kernel's harts take their "
                      "interrupts from its interrupt controller '{}', but {} names another "
                      "(components.{}.interrupt_controller)",
                      controller_where_, basename(), controller_name_, hart, hart));
  }
}

void KernelModel::boot() {
  if (config_.harts.empty()) {
    run().fail(fmt::format("{}: no CPU runs under this kernel (a traffic_gen names it with kernel:)", name()));
    return;
  }
  // The device tree's interrupt sources: a GPIO's line per pin, and the swap disk's.
  const auto source = [this](const std::string& line) { return controller_->source_number(line).value_or(0); };
  for (auto& [device_name, device] : config_.devices)
    for (unsigned pin = 0; pin < gpio_regs::max_pins; ++pin)
      if (const unsigned line = source(fmt::format("{}.pin{}", device_name, pin)); line != 0) {
        device.pin_sources.resize(pin + 1, 0);
        device.pin_sources[pin] = line;
      }
  if (config_.swap.enabled) {
    config_.swap.source = source(swap_disk_);
    if (config_.swap.source == 0) {
      run().fail(
          fmt::format("{}: the swap disk '{}' has no interrupt line to '{}'", name(), swap_disk_, controller_name_));
      return;
    }
  }
  kernel_ = std::make_unique<Kernel>(*this, config_, stats(), run().timeline());
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  if (const std::string failure = kernel_->boot(delay); !failure.empty()) {
    run().fail(fmt::format("{}: boot failed: {}", name(), failure));
    return;
  }
  sc_core::wait(delay);
  run().boot_finished();
}

TrapReturn KernelModel::trap(unsigned hart, const Trap& trap, sc_core::sc_time& delay) {
  if (lock_.trylock() != 0) {
    sc_core::wait(delay);  // waiting is time passing on the hart's timeline
    delay = sc_core::SC_ZERO_TIME;
    lock_.lock();
  }
  const TrapReturn answer = kernel_->trap(hart, trap, delay);
  lock_.unlock();
  return answer;
}

void KernelModel::retry_completed(unsigned hart) { kernel_->retry_completed(hart); }

void KernelModel::accessed(unsigned hart, std::uint64_t address, std::uint64_t length) {
  kernel_->accessed(hart, address, length);
}

bool KernelModel::read(std::uint64_t address, void* data, unsigned length, sc_core::sc_time& delay) {
  return bus_.read(address, data, length, delay);
}

bool KernelModel::write(std::uint64_t address, const void* data, unsigned length, sc_core::sc_time& delay) {
  return bus_.write(address, data, length, delay);
}

}  // namespace vmsim
