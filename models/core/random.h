// The pseudo-random source of every model: xoshiro256** seeded through splitmix64. Hand-written
// rather than <random> because the standard distributions differ between library versions, and a
// seed must give the same run everywhere.
#pragma once

#include <cstdint>
#include <string_view>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& word : state_) word = splitmix(seed);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, bound), bound > 0, by Lemire's multiply-shift (bias below 2^-64 * bound).
  std::uint64_t below(std::uint64_t bound) {
    __extension__ using uint128 = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<uint128>(next()) * bound) >> 64);
  }

  // Uniform in [0, 1) with 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // A seed for a named stream derived from a run's seed, stable across hosts and versions.
  static std::uint64_t derive(std::uint64_t seed, std::string_view stream) {
    std::uint64_t hash = 0xcbf29ce484222325ull ^ seed;  // FNV-1a over the name
    for (const char c : stream) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    return splitmix(hash);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4];
};

}  // namespace vmsim
