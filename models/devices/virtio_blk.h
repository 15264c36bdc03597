// A virtio block device (the virtio specification, 5.2) on the virtio-mmio transport: one request
// queue, requests IN, OUT, FLUSH and GET_ID, sectors of 512 bytes kept in a raw image file, and the
// medium's timing as the disk's (SSD or HDD, models/devices/storage_timing.h). Without an image it
// is an empty slot (device ID 0), as QEMU's virt machine has eight. By default the run's writes stay
// in memory and the image is left as it was (as QEMU's -snapshot), so that a run can be repeated
// from the same image; with `snapshot: false` they go to the file.
//
// Features offered: VERSION_1 (modern transport), SEG_MAX, BLK_SIZE, FLUSH, INDIRECT_DESC, RO (with
// `read_only`), and ANY_LAYOUT on the legacy transport; requests may lay their header, data and
// status across descriptors in any way. A request the device cannot do (an unknown type, a header
// shorter than 16 bytes, data not a whole number of sectors, sectors beyond the image, a write to a
// read-only image, data where no memory answers) is answered with IOERR or UNSUPP in its status
// byte; a chain with no writable byte for the status puts the device in DEVICE_NEEDS_RESET.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/devices/storage_timing.h"
#include "vmsim/models/devices/virtio_mmio.h"

namespace vmsim {

class VMSIM_API VirtioBlk final : public VirtioMmio {
 public:
  static ParamSchema parameters();
  VirtioBlk(const sc_core::sc_module_name& name, ComponentContext& context);
  ~VirtioBlk() override;

 private:
  using Sector = std::uint64_t;
  static constexpr std::uint64_t chunk_bytes = 4096;  // a DMA transaction, and a page of the write overlay

  void open_image(Params& params);
  void read_config(std::uint64_t offset, std::uint8_t* data, unsigned length) const override;
  bool serve(Virtqueue& queue, const Virtqueue::Chain& chain, std::uint32_t& written, std::string& why,
             sc_core::sc_time& delay) override;
  // The request's status, having done it; `written` counts the data bytes put into the chain.
  std::uint8_t perform(Virtqueue& queue, const Virtqueue::Chain& chain, std::uint32_t type, Sector sector,
                       std::uint32_t& written, sc_core::sc_time& delay);
  std::uint8_t read_sectors(Virtqueue& queue, const Virtqueue::Chain& chain, Sector sector, std::uint64_t bytes,
                            sc_core::sc_time& delay);
  std::uint8_t write_sectors(Virtqueue& queue, const Virtqueue::Chain& chain, Sector sector, std::uint64_t bytes,
                             sc_core::sc_time& delay);
  // Whether `bytes` from `sector` are whole sectors within the image.
  bool in_range(Sector sector, std::uint64_t bytes) const;
  // Image bytes at `offset`, through the overlay of written chunks.
  bool load(std::uint64_t offset, std::uint8_t* data, std::uint64_t length);
  bool store(std::uint64_t offset, const std::uint8_t* data, std::uint64_t length);

  std::string image_;
  int fd_ = -1;
  std::uint64_t capacity_ = 0;  // bytes
  bool read_only_ = false;
  bool snapshot_ = true;
  std::string serial_;
  StorageTiming timing_;
  std::vector<std::uint8_t> buffer_;
  // With snapshot: the chunks the run has written, by chunk number.
  std::unordered_map<std::uint64_t, std::unique_ptr<std::array<std::uint8_t, chunk_bytes>>> overlay_;

  Counter reads_{stats(), "reads", "IN requests completed"};
  Counter writes_{stats(), "writes", "OUT requests completed"};
  Counter flushes_{stats(), "flushes", "FLUSH requests completed"};
  Counter get_ids_{stats(), "get_ids", "GET_ID requests completed"};
  Counter bytes_read_{stats(), "bytes_read", "Bytes read from the image into memory"};
  Counter bytes_written_{stats(), "bytes_written", "Bytes written from memory to the image"};
  Counter errors_{stats(), "errors",
                  "Requests answered IOERR (bad header, range, read-only image, data where no "
                  "memory answers, a failed flush)"};
  Counter unsupported_{stats(), "unsupported", "Requests of a type the device does not know, answered UNSUPP"};
  Average service_{stats(), "avg_service_ns", "Mean time from taking a request to returning it, in ns"};
  sc_core::sc_time busy_;
  Formula busy_fraction_{stats(), "busy_fraction", "Share of simulated time the device was serving a request",
                         [this] { return to_seconds(busy_) / to_seconds(sc_core::sc_time_stamp()); }};
};

}  // namespace vmsim
