#include "vmsim/models/devices/virtqueue.h"

#include <algorithm>

#include <fmt/format.h>

#include "vmsim/models/devices/virtio_registers.h"

namespace vmsim {
namespace {

constexpr std::uint64_t dma_piece = 4096;

using virtio::little_endian;
using virtio::put_little_endian;

}  // namespace

void Virtqueue::configure(std::uint64_t descriptors, std::uint64_t driver_ring, std::uint64_t device_ring,
                          std::uint16_t size, bool indirect) {
  descriptors_ = descriptors;
  driver_ring_ = driver_ring;
  device_ring_ = device_ring;
  size_ = size;
  indirect_ = indirect;
  next_available_ = 0;
  next_used_ = 0;
}

bool Virtqueue::read_descriptor(std::uint64_t table, std::uint16_t index, Descriptor& descriptor,
                                sc_core::sc_time& delay) {
  std::uint8_t bytes[virtio::descriptor_bytes];
  if (!memory_.read(table + index * virtio::descriptor_bytes, bytes, sizeof(bytes), delay)) return false;
  descriptor.address = little_endian(bytes, 8);
  descriptor.length = static_cast<std::uint32_t>(little_endian(bytes + 8, 4));
  descriptor.flags = static_cast<std::uint16_t>(little_endian(bytes + 12, 2));
  descriptor.next = static_cast<std::uint16_t>(little_endian(bytes + 14, 2));
  return true;
}

Virtqueue::Fetched Virtqueue::next(Chain& chain, std::string& why, sc_core::sc_time& delay) {
  std::uint8_t bytes[2];
  if (!memory_.read(driver_ring_ + 2, bytes, 2, delay)) {
    why = fmt::format("the driver ring at {:#x} is where no memory answers", driver_ring_);
    return Fetched::broken;
  }
  const auto available = static_cast<std::uint16_t>(little_endian(bytes, 2));
  if (available == next_available_) return Fetched::empty;
  // More new entries than the ring holds: the driver's index cannot be trusted.
  if (static_cast<std::uint16_t>(available - next_available_) > size_) {
    why = fmt::format("the driver ring's index moved from {} to {}, more than its {} entries", next_available_,
                      available, size_);
    return Fetched::broken;
  }
  const std::uint64_t entry = driver_ring_ + 4 + 2 * std::uint64_t{static_cast<std::uint16_t>(next_available_ % size_)};
  if (!memory_.read(entry, bytes, 2, delay)) {
    why = fmt::format("the driver ring at {:#x} is where no memory answers", driver_ring_);
    return Fetched::broken;
  }
  ++next_available_;
  chain = Chain{};
  chain.head = static_cast<std::uint16_t>(little_endian(bytes, 2));
  return walk(chain.head, chain, why, delay) ? Fetched::chain : Fetched::broken;
}

bool Virtqueue::walk(std::uint16_t head, Chain& chain, std::string& why, sc_core::sc_time& delay) {
  std::uint64_t table = descriptors_;
  std::uint32_t table_size = size_;
  bool in_indirect = false;
  std::uint32_t index = head;
  std::uint32_t visited = 0;
  while (true) {
    if (index >= table_size) {
      why = fmt::format("descriptor {} is beyond the {} of its table{}", index, table_size,
                        in_indirect ? " (indirect)" : "");
      return false;
    }
    // A chain has at most as many descriptors as its table: one more means it loops.
    if (++visited > table_size) {
      why = fmt::format("the chain from descriptor {} loops", head);
      return false;
    }
    Descriptor descriptor{};
    if (!read_descriptor(table, static_cast<std::uint16_t>(index), descriptor, delay)) {
      why = fmt::format("descriptor table at {:#x} is where no memory answers", table);
      return false;
    }
    if ((descriptor.flags & virtio::descriptor_indirect) != 0) {
      if (!indirect_ || in_indirect || (descriptor.flags & virtio::descriptor_next) != 0 || descriptor.length == 0 ||
          descriptor.length % virtio::descriptor_bytes != 0 || descriptor.length / virtio::descriptor_bytes > size_) {
        why = fmt::format("descriptor {} is an indirect table the device cannot take (flags {:#x}, {} bytes{})", index,
                          descriptor.flags, descriptor.length, indirect_ ? "" : ", the feature not negotiated");
        return false;
      }
      table = descriptor.address;
      table_size = descriptor.length / static_cast<std::uint32_t>(virtio::descriptor_bytes);
      in_indirect = true;
      index = 0;
      visited = 0;
      continue;
    }
    const bool writable = (descriptor.flags & virtio::descriptor_write) != 0;
    if (!writable && chain.writable_bytes != 0) {
      why = fmt::format("descriptor {} is device-readable after device-writable ones", index);
      return false;
    }
    chain.buffers.push_back({descriptor.address, descriptor.length, writable});
    (writable ? chain.writable_bytes : chain.readable_bytes) += descriptor.length;
    if ((descriptor.flags & virtio::descriptor_next) == 0) return true;
    index = descriptor.next;
  }
}

template <typename Visit>
bool Virtqueue::pieces(const Chain& chain, bool writable, std::uint64_t offset, std::uint64_t length, Visit visit) {
  std::uint64_t done = 0;
  for (const Buffer& buffer : chain.buffers) {
    if (buffer.writable != writable) continue;
    if (offset >= buffer.length) {
      offset -= buffer.length;
      continue;
    }
    for (std::uint64_t at = offset; at < buffer.length && done < length;) {
      const std::uint64_t piece = std::min({dma_piece, buffer.length - at, length - done});
      if (!visit(buffer.address + at, done, static_cast<unsigned>(piece))) return false;
      at += piece;
      done += piece;
    }
    offset = 0;
    if (done == length) return true;
  }
  return done == length;
}

bool Virtqueue::gather(const Chain& chain, std::uint64_t offset, std::uint8_t* data, std::uint64_t length,
                       sc_core::sc_time& delay) {
  return pieces(chain, false, offset, length, [&](std::uint64_t address, std::uint64_t done, unsigned piece) {
    return memory_.read(address, data + done, piece, delay);
  });
}

bool Virtqueue::scatter(const Chain& chain, std::uint64_t offset, const std::uint8_t* data, std::uint64_t length,
                        sc_core::sc_time& delay) {
  return pieces(chain, true, offset, length, [&](std::uint64_t address, std::uint64_t done, unsigned piece) {
    return memory_.write(address, data + done, piece, delay);
  });
}

bool Virtqueue::complete(const Chain& chain, std::uint32_t written, sc_core::sc_time& delay) {
  std::uint8_t element[virtio::used_element_bytes];
  put_little_endian(element, chain.head, 4);
  put_little_endian(element + 4, written, 4);
  const std::uint64_t slot = device_ring_ + 4 + virtio::used_element_bytes * (next_used_ % size_);
  if (!memory_.write(slot, element, sizeof(element), delay)) return false;
  ++next_used_;
  std::uint8_t index[2];
  put_little_endian(index, next_used_, 2);
  return memory_.write(device_ring_ + 2, index, 2, delay);
}

bool Virtqueue::wants_interrupt(sc_core::sc_time& delay) {
  std::uint8_t flags[2] = {0, 0};
  // A ring that does not answer asks for nothing; complete() has reported it already.
  if (!memory_.read(driver_ring_, flags, 2, delay)) return true;
  return (little_endian(flags, 2) & virtio::avail_no_interrupt) == 0;
}

}  // namespace vmsim
