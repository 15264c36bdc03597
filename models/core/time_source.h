// The machine's time base (a CLINT's MTIME), as a hart reads it for its `time` CSR and for timer
// compares of its own (Sstc's stimecmp): a 64-bit count of ticks at a fixed rate.
#pragma once

#include <cstdint>

#include <systemc>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API TimeSource {
 public:
  virtual ~TimeSource() = default;
  // The count at simulated time `at` (a hart's local time, which may be ahead of the kernel's).
  virtual std::uint64_t time_at(const sc_core::sc_time& at) const = 0;
  // The simulated time at which the count reaches `ticks`, or sc_max_time() if it never does.
  virtual sc_core::sc_time time_of(std::uint64_t ticks) const = 0;
  // Ticks per second (a device tree's timebase-frequency).
  virtual std::uint64_t ticks_per_second() const = 0;
};

}  // namespace vmsim
