// How a DRAM splits a physical offset into channel, rank, bank group, bank, row and column. A scheme
// is named by its fields from the most significant bits down (e.g. RoBaRaCoCh); below them all lie
// the byte offset within one column (the bus width). "Ba" is bank-in-group over bank group, so
// consecutive banks alternate bank groups. The "_xor" variant permutes the bank bits with the low
// row bits (Zhang et al., MICRO 2000), which spreads row conflicts over banks.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "vmsim/models/core/export.h"

namespace vmsim {

struct VMSIM_API DramOrganisation {
  unsigned channels = 1;
  unsigned ranks = 1;
  unsigned bank_groups = 4;
  unsigned banks_per_group = 4;
  unsigned rows = 65536;
  unsigned columns = 1024;
  unsigned bus_width = 64;    // bits of one channel's data bus
  unsigned burst_length = 8;  // transfers per column command

  std::uint64_t capacity() const {
    return std::uint64_t{channels} * ranks * bank_groups * banks_per_group * rows * columns * (bus_width / 8);
  }
  unsigned banks() const { return channels * ranks * bank_groups * banks_per_group; }
  unsigned burst_bytes() const { return bus_width / 8 * burst_length; }
};

struct VMSIM_API DramCoordinates {
  unsigned channel = 0;
  unsigned rank = 0;
  unsigned bank_group = 0;
  unsigned bank = 0;  // within its group
  std::uint64_t row = 0;
  std::uint64_t column = 0;
  // A dense index over all banks of the memory, for per-bank state and statistics.
  unsigned flat_bank(const DramOrganisation& organisation) const {
    return ((channel * organisation.ranks + rank) * organisation.bank_groups + bank_group) * organisation.banks_per_group +
           bank;
  }
};

class VMSIM_API DramAddressMapping {
 public:
  enum class Field : std::uint8_t { row, bank, rank, column, channel };
  struct Scheme {
    std::string_view name;
    std::array<Field, 5> fields;  // most significant first
    bool bank_xor;
  };

  // Throws std::invalid_argument for an unknown scheme or a dimension that is not a power of two.
  DramAddressMapping(std::string_view scheme, const DramOrganisation& organisation);

  DramCoordinates decode(std::uint64_t offset) const;
  std::uint64_t encode(const DramCoordinates& coordinates) const;
  // Lowest bit of a field (its width follows from the organisation).
  unsigned shift_of(Field field) const { return shift_[static_cast<unsigned>(field)]; }

  static std::vector<std::string_view> names();

 private:
  struct Widths {
    unsigned bank_group, bank, rank, row, column, channel;
  };

  const Scheme* scheme_;
  Widths widths_;
  unsigned byte_bits_;
  std::array<unsigned, 5> shift_{};
};

}  // namespace vmsim
