// The address sequence of one workload phase.
#pragma once

#include <cstdint>

#include "models/core/random.h"

namespace vmsim {

class AccessPattern {
 public:
  enum class Kind { linear, random };
  struct Spec {
    Kind kind = Kind::linear;
    std::uint64_t base = 0;
    std::uint64_t size = 0;         // bytes in the range, at least access_size
    std::uint64_t stride = 0;       // linear: distance between accesses
    std::uint64_t access_size = 0;  // a power of two; random addresses are aligned to it
  };

  AccessPattern(const Spec& spec, std::uint64_t seed) : spec_(spec), random_(seed) {}

  std::uint64_t next() {
    if (spec_.kind == Kind::random) return spec_.base + random_.below(spec_.size / spec_.access_size) * spec_.access_size;
    const std::uint64_t address = spec_.base + offset_;
    // Wraps to the start as soon as the next access would not fit in the range.
    offset_ += spec_.stride;
    if (offset_ > spec_.size - spec_.access_size) offset_ = 0;
    return address;
  }

 private:
  Spec spec_;
  Random random_;
  std::uint64_t offset_ = 0;
};

}  // namespace vmsim
