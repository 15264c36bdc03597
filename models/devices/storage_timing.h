// How long a storage medium takes to serve a command, as both block devices (the disk and the
// virtio block device) model it: an SSD (a command latency plus the bytes at a bandwidth) or an HDD
// (a seek growing with the distance, the platter's rotation under the head, the transfer). The
// parameters are declared once here and read into each device.
#pragma once

#include <cstdint>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/param_schema.h"
#include "vmsim/models/core/params.h"

namespace vmsim {

class VMSIM_API StorageTiming {
 public:
  enum class Kind { ssd, hdd };

  // timing, command_latency, bandwidth, rpm, sectors_per_track, seek_min, seek_max.
  static void declare(ParamSchema& schema);
  // Reads the parameters declare() declared; a value out of range is a ConfigError naming `timing`.
  void read(Params& params);
  // The medium's geometry: its sector size and number of sectors (the tracks of an HDD follow).
  void set_geometry(std::uint64_t sector_bytes, std::uint64_t sectors) {
    sector_bytes_ = sector_bytes;
    sectors_ = sectors;
  }

  Kind kind() const { return kind_; }
  // How long the medium takes to move `sectors` sectors from `lba`, starting now; moves the head.
  sc_core::sc_time transfer(std::uint64_t lba, std::uint64_t sectors);
  // How long a flush takes once the data is on its way: an SSD's command latency; an HDD writes
  // through, so nothing.
  sc_core::sc_time flush() const { return kind_ == Kind::hdd ? sc_core::SC_ZERO_TIME : command_latency_; }

 private:
  Kind kind_ = Kind::ssd;
  std::uint64_t sector_bytes_ = 512;
  std::uint64_t sectors_ = 0;
  // ssd
  sc_core::sc_time command_latency_;
  double bytes_per_second_ = 0;
  // hdd
  double rpm_ = 7200;
  std::uint64_t sectors_per_track_ = 1024;
  sc_core::sc_time seek_min_;
  sc_core::sc_time seek_max_;
  std::uint64_t head_track_ = 0;
};

}  // namespace vmsim
