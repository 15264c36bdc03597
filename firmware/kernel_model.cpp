#include "firmware/kernel_model.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "models/core/payload.h"
#include "models/mmu/mmu.h"

namespace vmsim {

KernelModel::KernelModel(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  connect(initiator, params, "port", "bus", "Component the kernel's bus accesses go to");
  memory_name_ = params.get<std::string>("memory", "dram", "The main memory the kernel manages");
  memory_where_ = params.locate("memory");
  config_.reserved = params.get<Bytes>("reserved", Bytes{1 << 20},
                                       "Kernel memory at the bottom of main memory, mapped supervisor-only in "
                                       "every address space")
                         .value;
  frequency_ = params.get<Frequency>("frequency", Frequency{2'000'000'000}, "Clock that handler costs count in");
  config_.syscall_cycles = params.get<std::uint64_t>("syscall_cycles", 200, "Cycles to enter and leave a system call");
  config_.fault_cycles =
      params.get<std::uint64_t>("fault_cycles", 500, "Cycles to enter and leave the page-fault handler");
  config_.asids = params.get<bool>("asids", true,
                                   "Tag each address space with an ASID; false flushes the TLBs on every switch");
  Params devices = params.scope("devices", "Devices processes may map: device name: the processes allowed, "
                                           "separated by spaces");
  for (const std::string& device : devices.keys()) {
    DeviceGrant grant;
    grant.name = device;
    grant.where = devices.locate(device);
    std::istringstream names(devices.require<std::string>(device, "Processes allowed to map the device"));
    for (std::string user; names >> user;) grant.users.push_back(user);
    devices_.push_back(std::move(grant));
  }
  devices.reject_unknown();
  config_.frame_limit = params.get<std::uint64_t>(
      "frame_limit", 0, "Physical frames the kernel may use at most (0: all of memory), to model less memory");
  Params swap = params.scope("swap", "Swapping private pages to a disk when free frames run low");
  swap_disk_ = swap.get<std::string>("disk", "", "The disk holding the swap area (empty: no swap)");
  swap_where_ = swap.locate("disk");
  config_.swap.offset = swap.get<Bytes>("offset", Bytes{0}, "Where the swap area starts on the disk").value;
  config_.swap.size = swap.get<Bytes>("size", Bytes{64 << 20}, "Size of the swap area").value;
  static constexpr Kernel::Config::Swap::Policy policies[] = {
      Kernel::Config::Swap::Policy::lru, Kernel::Config::Swap::Policy::clock, Kernel::Config::Swap::Policy::fifo,
      Kernel::Config::Swap::Policy::random};
  config_.swap.policy = policies[swap.choose(
      "policy", "clock", {"lru", "clock", "fifo", "random"},
      "Victim: lru (exact, the CPUs report every access), clock (second chance by accessed bits), fifo, random")];
  config_.swap.low = swap.get<std::uint64_t>("low_watermark", 0, "Evict when fewer frames than this are free");
  config_.swap.high = swap.get<std::uint64_t>("high_watermark", 0, "...until this many are");
  config_.swap.seed = Random::derive(context.seed, fmt::format("{}/swap", basename()));
  swap.reject_unknown();
  if (!params.listing()) {
    if (config_.swap.offset % 4096 != 0 || config_.swap.size % 4096 != 0)
      swap.fail("size", "the swap area's offset and size are whole 4KiB pages");
    if (config_.swap.high < config_.swap.low) swap.fail("high_watermark", "must be at least the low watermark");
  }
  config_.syscall_cost = frequency_.cycles(config_.syscall_cycles);
  config_.fault_cost = frequency_.cycles(config_.fault_cycles);
  if (config_.reserved % 4096 != 0 && !params.listing()) params.fail("reserved", "must be a whole number of 4KiB pages");
  if (!params.listing()) {
    context.run.boot_started();
    SC_THREAD(boot);
  }
}

void KernelModel::resolve(const Lookup& find) {
  const std::string path = fmt::format("components.{}.memory", basename());
  const Component& memory = find(memory_name_, memory_where_, path);
  if (memory.mapped_targets().empty())
    throw ConfigError(fmt::format("{}: {}: '{}' has no address range", memory_where_, path, memory_name_));
  config_.memory_base = memory.mapped_targets().front().base;
  config_.memory_size = memory.mapped_targets().front().size;
  for (DeviceGrant& grant : devices_) {
    const std::string device_path = fmt::format("components.{}.devices.{}", basename(), grant.name);
    const Component& device = find(grant.name, grant.where, device_path);
    if (device.mapped_targets().empty())
      throw ConfigError(fmt::format("{}: {}: '{}' has no registers to map", grant.where, device_path, grant.name));
    grant.device.base = device.mapped_targets().front().base;
    grant.device.size = device.mapped_targets().front().size;
    grant.device.users = grant.users;
  }
  if (!swap_disk_.empty()) {
    const std::string swap_path = fmt::format("components.{}.swap.disk", basename());
    const Component& disk = find(swap_disk_, swap_where_, swap_path);
    if (disk.mapped_targets().empty())
      throw ConfigError(fmt::format("{}: {}: '{}' has no registers", swap_where_, swap_path, swap_disk_));
    config_.swap.enabled = true;
    config_.swap.disk = disk.mapped_targets().front().base;
  }
  if (config_.reserved >= config_.memory_size)
    throw ConfigError(fmt::format("{}: {}: the kernel's reserved memory fills all of '{}'", memory_where_, path,
                                  memory_name_));
}

unsigned KernelModel::attach(const Mmu& mmu) {
  if (!mmus_.empty() && &mmus_.front()->format() != &mmu.format())
    throw ConfigError(fmt::format("{}: all MMUs under one kernel need the same page-table format ({} and {})", name(),
                                  mmus_.front()->format().name, mmu.format().name));
  mmus_.push_back(&mmu);
  return static_cast<unsigned>(mmus_.size() - 1);
}

void KernelModel::boot() {
  if (mmus_.empty()) {
    run().fail(fmt::format("{}: no CPU runs under this kernel (a traffic_gen names it with kernel:)", name()));
    return;
  }
  config_.format = &mmus_.front()->format();
  if (config_.swap.enabled) {
    const auto line = std::find_if(lines_.begin(), lines_.end(), [&](const Line& l) { return l.source == swap_disk_; });
    if (line == lines_.end()) {
      run().fail(fmt::format("{}: the swap disk '{}' has no interrupt line to this kernel", name(), swap_disk_));
      return;
    }
    config_.swap.interrupt = static_cast<unsigned>(line - lines_.begin());
  }
  kernel_ = std::make_unique<Kernel>(*this, config_, stats());
  for (const Mmu* mmu : mmus_) kernel_->attach_cpu(mmu->mapped_targets().front().base);
  for (DeviceGrant& grant : devices_) {
    for (unsigned line = 0; line < lines_.size(); ++line)
      if (lines_[line].source == grant.name) grant.device.interrupt = line;
    kernel_->add_device(grant.name, grant.device);
  }
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  if (!kernel_->boot(delay)) {
    run().fail(fmt::format("{}: boot failed: memory cannot hold the kernel's page tables (frame_limit?), or the "
                           "swap area does not fit its disk",
                           name()));
    return;
  }
  sc_core::wait(delay);
  run().boot_finished();
}

void KernelModel::wait_for_interrupt(unsigned line) {
  const Line& entry = lines_.at(line);
  if (!entry.signal->read()) sc_core::wait(entry.signal->posedge_event());
  ++*entry.handled;
}

bool KernelModel::interrupt_pending(unsigned line) const { return lines_.at(line).signal->read(); }

bool KernelModel::transfer(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length,
                           sc_core::sc_time& delay) {
  prepare_payload(trans_, command, address, data, length);
  initiator->b_transport(trans_, delay);
  return trans_.is_response_ok();
}

bool KernelModel::read(std::uint64_t address, void* data, unsigned length, sc_core::sc_time& delay) {
  return transfer(tlm::TLM_READ_COMMAND, address, data, length, delay);
}

bool KernelModel::write(std::uint64_t address, const void* data, unsigned length, sc_core::sc_time& delay) {
  return transfer(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(data), length, delay);
}

}  // namespace vmsim
