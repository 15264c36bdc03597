#include "vmsim/models/memory/sparse_store.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>

namespace vmsim {

SparseStore::SparseStore(std::uint64_t size) : size_(size) {
  void* reserved = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED)
    throw std::runtime_error(fmt::format("cannot reserve {} bytes of host address space: {}", size, strerror(errno)));
  // Transparent huge pages would back a single touched byte with 2 MiB.
  madvise(reserved, size, MADV_NOHUGEPAGE);
  bytes_ = static_cast<std::uint8_t*>(reserved);
}

SparseStore::~SparseStore() { munmap(bytes_, size_); }

std::uint64_t SparseStore::resident_bytes() const {
  const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size_ + page - 1) / page);
  if (mincore(bytes_, size_, resident.data()) != 0) return 0;
  std::uint64_t pages = 0;
  for (const unsigned char flags : resident) pages += flags & 1u;
  return pages * page;
}

}  // namespace vmsim
