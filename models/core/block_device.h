// What a block device's users may know of it before anything runs: the geometry its registers will
// report. The platform's configuration checks (a kernel's swap area, say) use it, so that a swap
// area larger than its disk is refused before the simulation, not found at boot.
#pragma once

#include <cstdint>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API BlockDevice {
 public:
  virtual ~BlockDevice() = default;
  virtual std::uint64_t sector_bytes() const = 0;
  virtual std::uint64_t capacity_bytes() const = 0;
};

}  // namespace vmsim
