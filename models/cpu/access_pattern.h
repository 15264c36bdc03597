// The address sequence of one workload phase. Every pattern is deterministic for its seed.
#pragma once

#include <cstdint>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/random.h"

namespace vmsim {

class VMSIM_API AccessPattern {
 public:
  enum class Kind { linear, strided, random, hot_cold, zipf };
  struct Spec {
    Kind kind = Kind::linear;
    std::uint64_t base = 0;
    std::uint64_t size = 0;         // bytes in the range, at least access_size
    std::uint64_t stride = 0;       // linear, strided: distance between accesses of a stream
    std::uint64_t access_size = 0;  // a power of two; random addresses are aligned to it
    unsigned streams = 1;           // strided: interleaved streams, each over its own slice
    double hot_fraction = 0.1;      // hot_cold: share of the range that is hot
    double hot_probability = 0.9;   // hot_cold: share of accesses that go to it
    double skew = 1.0;              // zipf: exponent; element k is chosen with weight 1 / k^skew
  };

  AccessPattern(const Spec& spec, std::uint64_t seed);

  std::uint64_t next() {
    switch (spec_.kind) {
      case Kind::linear:
      case Kind::strided: return next_strided();
      case Kind::random: return spec_.base + random_.below(elements_) * spec_.access_size;
      case Kind::hot_cold: return next_hot_cold();
      case Kind::zipf: return spec_.base + (next_zipf() - 1) * spec_.access_size;
    }
    return spec_.base;
  }

 private:
  std::uint64_t next_strided();
  std::uint64_t next_hot_cold();
  std::uint64_t next_zipf();  // a rank from 1 to elements_

  Spec spec_;
  Random random_;
  std::uint64_t elements_;
  std::uint64_t slice_;                // strided: bytes per stream
  std::vector<std::uint64_t> offsets_;  // strided: each stream's position in its slice
  unsigned stream_ = 0;
  // zipf, by rejection-inversion sampling (Hörmann and Derflinger, 1996).
  double h_integral_x1_ = 0;
  double h_integral_n_ = 0;
  double s_ = 0;
};

}  // namespace vmsim
