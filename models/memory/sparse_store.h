// Byte storage for a large physical range that costs host memory only where it is touched: the
// range is reserved as address space and the host kernel backs each 4 KiB page with zeroes on first
// touch. Lookup is a single addition, which keeps the memory's hot path short.
#pragma once

#include <cstdint>
#include <cstring>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API SparseStore {
 public:
  // Throws std::runtime_error if the host cannot reserve `size` bytes of address space.
  explicit SparseStore(std::uint64_t size);
  ~SparseStore();
  SparseStore(const SparseStore&) = delete;
  SparseStore& operator=(const SparseStore&) = delete;

  std::uint64_t size() const { return size_; }
  // Callers check offset + length <= size().
  void read(std::uint64_t offset, void* destination, std::uint64_t length) const {
    std::memcpy(destination, bytes_ + offset, length);
  }
  void write(std::uint64_t offset, const void* source, std::uint64_t length) {
    std::memcpy(bytes_ + offset, source, length);
  }
  const std::uint8_t* at(std::uint64_t offset) const { return bytes_ + offset; }
  std::uint8_t* at(std::uint64_t offset) { return bytes_ + offset; }
  // Host bytes currently backing the store (touched pages).
  std::uint64_t resident_bytes() const;

 private:
  std::uint64_t size_;
  std::uint8_t* bytes_;
};

}  // namespace vmsim
