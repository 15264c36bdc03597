// The virtio-mmio transport (the virtio specification, 4.2), which a virtio device model builds on:
// the register block (modern, version 2, or legacy, version 1, by a parameter), feature
// negotiation, the device status and its reset, the queue's set-up, notifications, the interrupt
// status and its acknowledgement, the configuration space, and one split virtqueue whose rings and
// buffers are reached through the device's own initiator socket. The device's thread takes the
// chains the driver makes available, one at a time, hands each to the device (serve()) and returns
// it through the used ring, with an interrupt unless the driver suppressed it. Whatever the driver
// gets wrong (a malformed chain, rings where no memory answers, a bad queue size) puts the device
// in its DEVICE_NEEDS_RESET state with a configuration-change interrupt, as the specification says:
// it then serves nothing until the driver resets it.
#pragma once

#include <cstdint>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/devices/virtqueue.h"

namespace vmsim {

class VMSIM_API VirtioMmio : public Component, public DeviceTreeDevice {
 public:
  tlm_utils::simple_initiator_socket<VirtioMmio> dma{"dma"};

  TargetSocket* target_socket() override { return &bank_.socket; }
  void resolve(const Lookup& find) override;
  void describe(DeviceTree& tree, const Lookup& find) const override;
  // Why the device last set DEVICE_NEEDS_RESET (for a debugger or a test), "" if it never did.
  const std::string& needs_reset_why() const { return needs_reset_why_; }

 protected:
  SC_HAS_PROCESS(VirtioMmio);
  // The transport's parameters: the mapping, register_latency, dma_port, interrupt_controller,
  // version, vendor_id and queue_size.
  static void declare(ParamSchema& schema);
  VirtioMmio(const sc_core::sc_module_name& name, ComponentContext& context);

  // What the device is, once its own parameters are read (the constructor's last step): its ID (0:
  // an empty slot, which offers no queue), the features it offers, and its configuration space's size.
  void present(std::uint32_t device_id, std::uint64_t features, std::uint64_t config_bytes);
  // The device's configuration space, read from `offset`; a read must have no side effects.
  virtual void read_config(std::uint64_t offset, std::uint8_t* data, unsigned length) const = 0;
  // Serves one chain from the device's thread (it may wait); returns false, with the reason in
  // `why`, if the chain is malformed beyond what the device's own status can report. `written` is
  // the number of bytes written into the chain's buffers.
  virtual bool serve(Virtqueue& queue, const Virtqueue::Chain& chain, std::uint32_t& written, std::string& why,
                     sc_core::sc_time& delay) = 0;
  // Whether the driver accepted `feature` (of those the device offers).
  bool negotiated(unsigned feature) const;
  std::uint16_t queue_size() const { return max_queue_size_; }
  // Counts the driver's resets: a device that waits while it serves a chain compares it before and
  // after, and stops there if it changed (the chain's buffers are no longer the device's).
  std::uint64_t resets() const { return epoch_; }

 private:
  void declare_registers();
  void reset();
  // The driver's mistake `why`: DEVICE_NEEDS_RESET, and a configuration-change interrupt once the
  // driver is running.
  void needs_reset(const std::string& why);
  void raise(std::uint32_t bits);
  void write_status(std::uint32_t value, const sc_core::sc_time& at);
  void set_queue_ready(bool ready);
  // The legacy transport's queue address, in guest pages; 0 stops the queue.
  void set_queue_pfn(std::uint32_t pfn);
  bool queue_size_valid();
  bool can_serve() const;
  void kick(const sc_core::sc_time& at);
  void run_queue();  // the device's thread

  RegisterBank bank_{"target", {nullptr, nullptr, &register_errors_}};
  BusPort memory_{dma};
  Virtqueue queue_{memory_};
  InterruptLine interrupt_;
  unsigned version_ = 2;
  std::uint32_t vendor_id_ = 0;
  std::uint16_t max_queue_size_ = 0;
  std::uint32_t device_id_ = 0;
  std::uint64_t device_features_ = 0;

  // The driver's side, back to these at reset.
  std::uint32_t status_ = 0;
  std::uint64_t driver_features_ = 0;
  std::uint32_t interrupt_status_ = 0;
  std::uint32_t queue_num_ = 0;
  bool queue_ready_ = false;
  std::uint32_t queue_pfn_ = 0;
  std::uint64_t epoch_ = 0;  // counts resets: a chain served across one is dropped
  std::string needs_reset_why_;
  sc_core::sc_event kick_;
  bool kicked_ = false;  // a QueueNotify the queue's thread has not yet seen

  Counter register_errors_{stats(), "register_errors", "Register accesses answered with an error"};
  Counter notifications_{stats(), "notifications", "Queue notifications (writes of QueueNotify)"};
  Counter interrupts_{stats(), "interrupts", "Rising edges of the interrupt line"};
  Counter resets_{stats(), "resets", "Device resets by the driver (status written 0)"};
  Counter device_errors_{
      stats(), "device_errors",
      "Times the driver's mistakes set DEVICE_NEEDS_RESET (malformed chains, rings or queue set-up)"};
  TimelineTrack track_ = timeline_track("requests");

 protected:
  TimelineTrack& timeline() { return track_; }
};

}  // namespace vmsim
