#include "vmsim/models/memory/dram_address_mapping.h"

#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/printable.h"

namespace vmsim {
namespace {

using Field = DramAddressMapping::Field;

constexpr DramAddressMapping::Scheme schemes[] = {
    {"RoBaRaCoCh", {Field::row, Field::bank, Field::rank, Field::column, Field::channel}, false},
    {"RoRaBaChCo", {Field::row, Field::rank, Field::bank, Field::channel, Field::column}, false},
    {"RoRaBaCoCh", {Field::row, Field::rank, Field::bank, Field::column, Field::channel}, false},
    {"RoBaRaCoCh_xor", {Field::row, Field::bank, Field::rank, Field::column, Field::channel}, true},
};

unsigned log2_exact(unsigned value, std::string_view what) {
  if (value == 0 || (value & (value - 1)) != 0)
    throw std::invalid_argument(fmt::format("{} must be a power of two, not {}", what, value));
  return static_cast<unsigned>(__builtin_ctz(value));
}

std::uint64_t bits(std::uint64_t value, unsigned shift, unsigned width) {
  return (value >> shift) & ((std::uint64_t{1} << width) - 1);
}

}  // namespace

DramAddressMapping::DramAddressMapping(std::string_view scheme, const DramOrganisation& organisation) {
  scheme_ = nullptr;
  for (const Scheme& candidate : schemes)
    if (candidate.name == scheme) scheme_ = &candidate;
  if (scheme_ == nullptr)
    throw std::invalid_argument(
        fmt::format("'{}' is not an address mapping ({})", printable(scheme), fmt::join(names(), ", ")));
  widths_ = {log2_exact(organisation.bank_groups, "bank_groups"),
             log2_exact(organisation.banks_per_group, "banks_per_group"),
             log2_exact(organisation.ranks, "ranks"),
             log2_exact(organisation.rows, "rows"),
             log2_exact(organisation.columns, "columns"),
             log2_exact(organisation.channels, "channels")};
  byte_bits_ = log2_exact(organisation.bus_width / 8, "bus_width / 8");
  unsigned shift = byte_bits_;
  for (auto field = scheme_->fields.rbegin(); field != scheme_->fields.rend(); ++field) {
    shift_[static_cast<unsigned>(*field)] = shift;
    switch (*field) {
      case Field::row: shift += widths_.row; break;
      case Field::bank: shift += widths_.bank + widths_.bank_group; break;
      case Field::rank: shift += widths_.rank; break;
      case Field::column: shift += widths_.column; break;
      case Field::channel: shift += widths_.channel; break;
    }
  }
}

DramCoordinates DramAddressMapping::decode(std::uint64_t offset) const {
  DramCoordinates c;
  c.row = bits(offset, shift_of(Field::row), widths_.row);
  std::uint64_t bank = bits(offset, shift_of(Field::bank), widths_.bank + widths_.bank_group);
  if (scheme_->bank_xor) bank ^= bits(c.row, 0, widths_.bank + widths_.bank_group);
  c.bank_group = static_cast<unsigned>(bits(bank, 0, widths_.bank_group));
  c.bank = static_cast<unsigned>(bits(bank, widths_.bank_group, widths_.bank));
  c.rank = static_cast<unsigned>(bits(offset, shift_of(Field::rank), widths_.rank));
  c.column = bits(offset, shift_of(Field::column), widths_.column);
  c.channel = static_cast<unsigned>(bits(offset, shift_of(Field::channel), widths_.channel));
  return c;
}

std::uint64_t DramAddressMapping::encode(const DramCoordinates& c) const {
  std::uint64_t bank = (std::uint64_t{c.bank} << widths_.bank_group) | c.bank_group;
  if (scheme_->bank_xor) bank ^= bits(c.row, 0, widths_.bank + widths_.bank_group);
  return (c.row << shift_of(Field::row)) | (bank << shift_of(Field::bank)) |
         (std::uint64_t{c.rank} << shift_of(Field::rank)) | (c.column << shift_of(Field::column)) |
         (std::uint64_t{c.channel} << shift_of(Field::channel));
}

std::vector<std::string_view> DramAddressMapping::names() {
  std::vector<std::string_view> list;
  for (const Scheme& scheme : schemes) list.push_back(scheme.name);
  return list;
}

}  // namespace vmsim
