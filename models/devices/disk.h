// A block device: registers on the bus, a DMA port of its own, an interrupt line, and sectors kept
// in an image file (created at the configured size if missing, refused if its size differs).
// Timing follows an SSD (command latency plus bandwidth) or an HDD (seek by distance, the
// platter's rotation, transfer rate). Data written is on the image file once a flush completes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/models/core/block_device.h"
#include "vmsim/models/core/bus_port.h"
#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/devices/disk_registers.h"
#include "vmsim/models/devices/storage_timing.h"

namespace vmsim {

class VMSIM_API Disk final : public Component, public BlockDevice, public DeviceTreeDevice {
 public:
  // DMA (TLM-2.0 base protocol): b_transport reads and writes of up to 4 KiB, no extensions; a
  // transfer answered with an error ends its command with STATUS error. The registers are a
  // RegisterBank on the bus (disk_registers.h; 8-byte accesses, its errors are the bank's).
  tlm_utils::simple_initiator_socket<Disk> dma{"dma"};

  SC_HAS_PROCESS(Disk);
  static ParamSchema parameters();
  Disk(const sc_core::sc_module_name& name, ComponentContext& context);
  ~Disk() override;

  TargetSocket* target_socket() override { return &bank_.socket; }
  std::uint64_t sector_bytes() const override { return sector_size_; }
  std::uint64_t capacity_bytes() const override { return sectors_ * sector_size_; }
  void resolve(const Lookup& find) override;
  void describe(DeviceTree& tree, const Lookup& find) const override;
  void end_of_elaboration() override;

 private:
  void declare_registers();
  // Opens an image kept across runs, if it exists, refusing one of another size or in use.
  void open_kept_image(Params& params);
  bool busy() const { return (bank_.value(disk_regs::status) & disk_regs::status_busy) != 0; }
  void serve();  // the device's thread: one command at a time
  bool move_data(bool to_memory, std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, sc_core::sc_time& delay);
  // Sets the line the moment IRQ_STATUS or IRQ_ENABLE changes.
  void update_interrupt() {
    interrupt_.set((bank_.value(disk_regs::irq_status) & bank_.value(disk_regs::irq_enable)) != 0);
  }

  RegisterBank bank_{"target", {nullptr, nullptr, &errors_}};
  std::string image_;
  bool keep_ = false;  // persistent, or named absolutely: not the run's own
  std::uint64_t capacity_ = 0;
  int fd_ = -1;
  std::uint64_t sector_size_ = 512;
  std::uint64_t sectors_ = 0;
  StorageTiming timing_;

  std::uint64_t pending_ = 0;  // the command to start
  sc_core::sc_event start_;
  InterruptLine interrupt_;
  std::vector<std::uint8_t> buffer_;
  BusPort bus_{dma};

  Counter reads_{stats(), "reads", "Read commands completed"};
  Counter writes_{stats(), "writes", "Write commands completed"};
  Counter flushes_{stats(), "flushes", "Flush commands completed"};
  Counter bytes_read_{stats(), "bytes_read", "Bytes read from the medium"};
  Counter bytes_written_{stats(), "bytes_written", "Bytes written to the medium"};
  Counter errors_{stats(), "errors", "Commands that failed (out of range, DMA error) and refused register accesses"};
  Average service_{stats(), "avg_service_ns", "Mean time from a command's start to its interrupt, in ns"};
  sc_core::sc_time busy_;
  Formula busy_fraction_{stats(), "busy_fraction", "Share of simulated time the device was serving a command",
                         [this] { return to_seconds(busy_) / to_seconds(sc_core::sc_time_stamp()); }};
  TimelineTrack command_track_ = timeline_track("commands");
};

}  // namespace vmsim
