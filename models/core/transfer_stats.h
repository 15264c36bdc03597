// The read and write counts, with their bytes, that every initiator and memory-like target keeps.
#pragma once

#include <cstdint>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"

namespace vmsim {

struct VMSIM_API TransferStats {
  explicit TransferStats(StatGroup& group)
      : reads(group, "reads", "Read transactions"),
        writes(group, "writes", "Write transactions"),
        bytes_read(group, "bytes_read", "Bytes read"),
        bytes_written(group, "bytes_written", "Bytes written") {}

  void record(bool is_read, std::uint64_t length) {
    if (is_read) {
      ++reads;
      bytes_read += length;
    } else {
      ++writes;
      bytes_written += length;
    }
  }

  Counter reads;
  Counter writes;
  Counter bytes_read;
  Counter bytes_written;
};

}  // namespace vmsim
