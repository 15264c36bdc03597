#include "vmsim/models/devices/virtio_mmio.h"

#include <fmt/format.h>

#include "vmsim/models/devices/virtio_registers.h"

namespace vmsim {
namespace {

const Connection dma_port{"dma_port", "bus", "Component the device's DMA goes to", {{"router"}}};

}  // namespace

void VirtioMmio::declare(ParamSchema& schema) {
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(5, sc_core::SC_NS),
                                    "Latency of a register access");
  declare_mapping(schema, 0x1000, "device's registers");
  declare_connection(schema, dma_port);
  InterruptLine::declare(schema);
  schema.optional<unsigned>("version", 2, "The MMIO transport: 2 (virtio 1.x, modern) or 1 (legacy)");
  schema.optional<std::uint64_t>("vendor_id", virtio::vendor_qemu,
                                 "VendorID register (QEMU's by default, which xv6 checks)");
  schema.optional<unsigned>("queue_size", 128, "Largest queue the driver may set up (QueueNumMax), a power of two");
}

VirtioMmio::VirtioMmio(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  const std::uint64_t size = map_on_bus(bank_.socket, params);
  connect(dma, params, dma_port);
  interrupt_.read(params);
  version_ = params.get<unsigned>("version");
  if (version_ != 1 && version_ != 2) params.fail("version", "must be 2 (modern) or 1 (legacy)");
  const auto vendor = params.get<std::uint64_t>("vendor_id");
  if (vendor > 0xffff'ffff) params.fail("vendor_id", "must fit in 32 bits");
  vendor_id_ = static_cast<std::uint32_t>(vendor);
  const auto queue_size = params.get<unsigned>("queue_size");
  if (queue_size == 0 || queue_size > 32768 || (queue_size & (queue_size - 1)) != 0)
    params.fail("queue_size", "must be a power of two from 1 to 32768");
  max_queue_size_ = static_cast<std::uint16_t>(queue_size);
  if (size < 0x200) params.fail("size", "the registers and the configuration space need 0x200 bytes");
  declare_registers();
}

void VirtioMmio::present(std::uint32_t device_id, std::uint64_t features, std::uint64_t config_bytes) {
  // The thread is made last, when no parameter can be refused any more: a module that throws from its
  // constructor would leave its process behind.
  SC_THREAD(run_queue);
  device_id_ = device_id;
  // The legacy transport has 32 feature bits; VERSION_1 is the modern transport's.
  device_features_ = version_ == 1 ? (features & 0xffff'ffff) | virtio::bit(virtio::feature_any_layout)
                                   : features | virtio::bit(virtio::feature_version_1);
  if (device_id == virtio::device_none) device_features_ = 0;
  if (device_id != virtio::device_none && config_bytes != 0)
    bank_.add_window(
        {"config",
         virtio::config,
         config_bytes,
         [this](std::uint64_t offset, std::uint8_t* data, unsigned length, bool) { read_config(offset, data, length); },
         {}});
}

void VirtioMmio::declare_registers() {
  const auto constant = [this](const char* name, std::uint64_t offset, std::uint32_t value) {
    bank_.add(RegisterSpec(name, offset).width(4).access(RegisterAccess::read_only).reset(value));
  };
  const auto computed = [this](const char* name, std::uint64_t offset, std::function<std::uint64_t()> value) {
    bank_.add(RegisterSpec(name, offset)
                  .width(4)
                  .access(RegisterAccess::read_only)
                  .on_read([value = std::move(value)](const RegisterRead&) { return value(); }));
  };
  const auto command = [this](const char* name, std::uint64_t offset, RegisterSpec::WriteCallback action) {
    bank_.add(RegisterSpec(name, offset).width(4).access(RegisterAccess::write_only).on_write(std::move(action)));
  };
  const auto selected = [this](std::uint64_t offset) { return bank_.value(offset); };
  constant("magic_value", virtio::magic_value, virtio::magic);
  constant("version", virtio::version, version_);
  computed("device_id", virtio::device_id, [this] { return device_id_; });
  constant("vendor_id", virtio::vendor_id, vendor_id_);
  computed("device_features", virtio::device_features, [this, selected] {
    const std::uint64_t word = selected(virtio::device_features_sel);
    return word < 2 ? (device_features_ >> (32 * word)) & 0xffff'ffff : 0;
  });
  bank_.add(
      RegisterSpec("device_features_sel", virtio::device_features_sel).width(4).access(RegisterAccess::write_only));
  command("driver_features", virtio::driver_features, [this, selected](const RegisterWrite& write) {
    // Once FEATURES_OK is set the choice is made.
    const std::uint64_t word = selected(virtio::driver_features_sel);
    if (word >= 2 || (status_ & virtio::status_features_ok) != 0) return;
    const std::uint64_t mask = std::uint64_t{0xffff'ffff} << (32 * word);
    driver_features_ = (driver_features_ & ~mask) | (write.value << (32 * word));
  });
  bank_.add(
      RegisterSpec("driver_features_sel", virtio::driver_features_sel).width(4).access(RegisterAccess::write_only));
  bank_.add(RegisterSpec("queue_sel", virtio::queue_sel).width(4).access(RegisterAccess::write_only));
  computed("queue_num_max", virtio::queue_num_max, [this, selected] {
    return selected(virtio::queue_sel) == 0 && device_id_ != virtio::device_none ? max_queue_size_ : 0;
  });
  command("queue_num", virtio::queue_num, [this, selected](const RegisterWrite& write) {
    if (selected(virtio::queue_sel) == 0) queue_num_ = static_cast<std::uint32_t>(write.value);
  });
  command("queue_notify", virtio::queue_notify, [this](const RegisterWrite& write) {
    ++notifications_;
    if (write.value == 0) kick(write.at);
  });
  computed("interrupt_status", virtio::interrupt_status, [this] { return interrupt_status_; });
  command("interrupt_ack", virtio::interrupt_ack, [this](const RegisterWrite& write) {
    interrupt_status_ &= ~static_cast<std::uint32_t>(write.value);
    interrupt_.set(interrupt_status_ != 0);
  });
  bank_.add(RegisterSpec("status", virtio::status)
                .width(4)
                .mask(0xff)
                .on_read([this](const RegisterRead&) { return status_; })
                .on_write([this](const RegisterWrite& write) {
                  write_status(static_cast<std::uint32_t>(write.value), write.at);
                }));
  if (version_ == 1) {
    bank_.add(RegisterSpec("guest_page_size", virtio::guest_page_size).width(4).access(RegisterAccess::write_only));
    bank_.add(RegisterSpec("queue_align", virtio::queue_align).width(4).access(RegisterAccess::write_only).reset(4096));
    bank_.add(RegisterSpec("queue_pfn", virtio::queue_pfn)
                  .width(4)
                  .on_read([this, selected](const RegisterRead&) {
                    return selected(virtio::queue_sel) == 0 ? queue_pfn_ : 0;
                  })
                  .on_write([this, selected](const RegisterWrite& write) {
                    if (selected(virtio::queue_sel) == 0) set_queue_pfn(static_cast<std::uint32_t>(write.value));
                  }));
    return;
  }
  bank_.add(RegisterSpec("queue_ready", virtio::queue_ready)
                .width(4)
                .mask(1)
                .on_read([this, selected](const RegisterRead&) {
                  return selected(virtio::queue_sel) == 0 && queue_ready_ ? 1 : 0;
                })
                .on_write([this, selected](const RegisterWrite& write) {
                  if (selected(virtio::queue_sel) == 0) set_queue_ready(write.value != 0);
                }));
  // The ring addresses, as 32-bit halves; kept as written and read when the queue is made ready.
  for (const auto& [name, offset] :
       {std::pair{"queue_desc_low", virtio::queue_desc_low}, std::pair{"queue_desc_high", virtio::queue_desc_high},
        std::pair{"queue_driver_low", virtio::queue_driver_low},
        std::pair{"queue_driver_high", virtio::queue_driver_high},
        std::pair{"queue_device_low", virtio::queue_device_low},
        std::pair{"queue_device_high", virtio::queue_device_high}})
    bank_.add(RegisterSpec(name, offset).width(4).access(RegisterAccess::write_only));
  constant("config_generation", virtio::config_generation, 0);
}

void VirtioMmio::resolve(const Lookup& find) { interrupt_.connect(find, basename(), basename()); }

void VirtioMmio::describe(DeviceTree& tree, const Lookup& find) const {
  const MappedTarget& mapped = mapped_targets().front();
  DeviceTree::Node& node = tree.device(basename(), "virtio_mmio", mapped.base, mapped.size);
  node.set("compatible", "virtio,mmio");
  describe_interrupt(node, find, interrupt_.controller(), {basename()});
}

bool VirtioMmio::negotiated(unsigned feature) const {
  return (driver_features_ & device_features_ & virtio::bit(feature)) != 0;
}

void VirtioMmio::reset() {
  ++epoch_;
  kicked_ = false;
  status_ = 0;
  driver_features_ = 0;
  interrupt_status_ = 0;
  interrupt_.set(false);
  queue_num_ = 0;
  queue_ready_ = false;
  queue_pfn_ = 0;
}

void VirtioMmio::write_status(std::uint32_t value, const sc_core::sc_time& at) {
  if (value == 0) {
    ++resets_;
    reset();
    return;
  }
  // The modern transport agrees to the features when the driver sets FEATURES_OK, if it offered
  // every one the driver accepted; otherwise the bit stays clear for the driver to see. A driver
  // that does not accept VERSION_1 (xv6 reads only the low 32 bits) is served all the same, as QEMU
  // does.
  const bool features_now = (value & ~status_ & virtio::status_features_ok) != 0;
  if (version_ == 2 && features_now && (driver_features_ & ~device_features_) != 0)
    value &= ~virtio::status_features_ok;
  const bool running_now = (value & ~status_ & virtio::status_driver_ok) != 0;
  status_ = value | (status_ & virtio::status_needs_reset);
  if (running_now) kick(at);
}

bool VirtioMmio::queue_size_valid() {
  if (queue_num_ != 0 && queue_num_ <= max_queue_size_ && (queue_num_ & (queue_num_ - 1)) == 0) return true;
  needs_reset(fmt::format("queue size {} is not a power of two up to {}", queue_num_, max_queue_size_));
  return false;
}

void VirtioMmio::set_queue_ready(bool ready) {
  queue_ready_ = false;
  if (!ready || device_id_ == virtio::device_none || !queue_size_valid()) return;
  const auto address = [this](std::uint64_t low, std::uint64_t high) {
    return bank_.value(high) << 32 | bank_.value(low);
  };
  queue_.configure(address(virtio::queue_desc_low, virtio::queue_desc_high),
                   address(virtio::queue_driver_low, virtio::queue_driver_high),
                   address(virtio::queue_device_low, virtio::queue_device_high), static_cast<std::uint16_t>(queue_num_),
                   negotiated(virtio::feature_indirect_desc));
  queue_ready_ = true;
}

void VirtioMmio::set_queue_pfn(std::uint32_t pfn) {
  queue_pfn_ = 0;
  queue_ready_ = false;
  if (pfn == 0 || device_id_ == virtio::device_none) return;
  if (queue_num_ == 0) queue_num_ = max_queue_size_;  // a legacy driver may leave QueueNum as it is
  const std::uint64_t page = bank_.value(virtio::guest_page_size);
  const std::uint64_t align = bank_.value(virtio::queue_align);
  if (!queue_size_valid()) return;
  if (page == 0 || (page & (page - 1)) != 0 || align == 0 || (align & (align - 1)) != 0) {
    needs_reset(fmt::format("GuestPageSize {} and QueueAlign {} must be powers of two", page, align));
    return;
  }
  // The legacy layout: the descriptors, the driver ring after them, the device ring at the next
  // QueueAlign boundary.
  const std::uint64_t descriptors = pfn * page;
  const std::uint64_t driver_ring = descriptors + virtio::descriptor_bytes * queue_num_;
  const std::uint64_t device_ring = (driver_ring + 6 + 2 * std::uint64_t{queue_num_} + align - 1) & ~(align - 1);
  queue_.configure(descriptors, driver_ring, device_ring, static_cast<std::uint16_t>(queue_num_),
                   negotiated(virtio::feature_indirect_desc));
  queue_pfn_ = pfn;
  queue_ready_ = true;
}

void VirtioMmio::needs_reset(const std::string& why) {
  ++device_errors_;
  needs_reset_why_ = why;
  if (track_) track_.instant("needs reset", sc_core::sc_time_stamp());
  status_ |= virtio::status_needs_reset;
  if ((status_ & virtio::status_driver_ok) != 0) raise(virtio::interrupt_config_change);
}

void VirtioMmio::raise(std::uint32_t bits) {
  interrupt_status_ |= bits;
  if (interrupt_.set(true)) ++interrupts_;
}

bool VirtioMmio::can_serve() const {
  constexpr std::uint32_t running = virtio::status_driver_ok | virtio::status_needs_reset;
  return queue_ready_ && (status_ & running) == virtio::status_driver_ok;
}

void VirtioMmio::kick(const sc_core::sc_time& at) {
  if (!can_serve()) return;
  // Kept until the thread looks again: a notification while it waits out a read of the ring would
  // otherwise reach no one, and the request would never be served.
  kicked_ = true;
  kick_.notify(at - sc_core::sc_time_stamp());
}

void VirtioMmio::run_queue() {
  while (true) {
    if (!kicked_) sc_core::wait(kick_);
    kicked_ = false;
    while (can_serve()) {
      const std::uint64_t epoch = epoch_;
      sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
      Virtqueue::Chain chain;
      std::string why;
      const Virtqueue::Fetched fetched = queue_.next(chain, why, delay);
      if (fetched == Virtqueue::Fetched::empty) {
        sc_core::wait(delay);
        break;
      }
      std::uint32_t written = 0;
      bool ok = fetched == Virtqueue::Fetched::chain && serve(queue_, chain, written, why, delay);
      // A reset while the chain was served drops it: the rings it came from are gone.
      if (epoch != epoch_) break;
      if (ok && !queue_.complete(chain, written, delay)) {
        why = "the device ring is where no memory answers";
        ok = false;
      }
      const bool wanted = ok && queue_.wants_interrupt(delay);
      sc_core::wait(delay);
      if (epoch != epoch_) break;
      if (!ok) {
        needs_reset(why);
        break;
      }
      if (wanted) raise(virtio::interrupt_used_buffer);
    }
  }
}

}  // namespace vmsim
