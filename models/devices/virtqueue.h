// A split virtqueue as a virtio device works it (the virtio specification, 2.7): the device reads
// the driver's available ring and descriptor chains, direct or through an indirect table, and hands
// chains back through the used ring. Every ring entry and descriptor is read or written through the
// device's own initiator socket, timed, so that the device's traffic competes for memory as a real
// device's does. A malformed chain (an index beyond the table, a loop, a bad indirect table, a
// readable buffer after a writable one, a ring where no memory answers) is reported as broken with
// the reason, never followed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vmsim/models/core/bus_port.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API Virtqueue {
 public:
  // One buffer of a chain: device-readable ones come first.
  struct Buffer {
    std::uint64_t address;
    std::uint32_t length;
    bool writable;
  };
  struct Chain {
    std::uint16_t head = 0;
    std::vector<Buffer> buffers;
    std::uint64_t readable_bytes = 0;
    std::uint64_t writable_bytes = 0;
  };
  enum class Fetched { chain, empty, broken };

  explicit Virtqueue(BusPort& memory) : memory_(memory) {}

  // Where the driver placed the rings, and their size (a power of two); resets the indexes.
  void configure(std::uint64_t descriptors, std::uint64_t driver_ring, std::uint64_t device_ring, std::uint16_t size,
                 bool indirect);
  std::uint16_t size() const { return size_; }

  // The next chain the driver made available, into `chain`. A broken one leaves its reason in `why`.
  Fetched next(Chain& chain, std::string& why, sc_core::sc_time& delay);
  // Returns `chain` to the driver through the used ring, with `written` bytes written into its
  // buffers; false if the ring is where no memory answers.
  bool complete(const Chain& chain, std::uint32_t written, sc_core::sc_time& delay);
  // Whether the driver asks for an interrupt when buffers are used (the available ring's flags).
  bool wants_interrupt(sc_core::sc_time& delay);

  // Copies between `data` and the chain's device-readable (or writable) bytes, from `offset` within
  // those bytes, a transaction per buffer piece of at most 4 KiB; false if some memory did not answer.
  bool gather(const Chain& chain, std::uint64_t offset, std::uint8_t* data, std::uint64_t length,
              sc_core::sc_time& delay);
  bool scatter(const Chain& chain, std::uint64_t offset, const std::uint8_t* data, std::uint64_t length,
               sc_core::sc_time& delay);

 private:
  struct Descriptor {
    std::uint64_t address;
    std::uint32_t length;
    std::uint16_t flags;
    std::uint16_t next;
  };
  bool read_descriptor(std::uint64_t table, std::uint16_t index, Descriptor& descriptor, sc_core::sc_time& delay);
  // Walks the chain from `head`, filling `chain`; the reason in `why` if it is malformed.
  bool walk(std::uint16_t head, Chain& chain, std::string& why, sc_core::sc_time& delay);
  // Visits the pieces of the readable (or writable) bytes [offset, offset + length).
  template <typename Visit>
  bool pieces(const Chain& chain, bool writable, std::uint64_t offset, std::uint64_t length, Visit visit);

  BusPort& memory_;
  std::uint64_t descriptors_ = 0;
  std::uint64_t driver_ring_ = 0;
  std::uint64_t device_ring_ = 0;
  std::uint16_t size_ = 0;
  bool indirect_ = false;
  std::uint16_t next_available_ = 0;  // the driver's ring index the device takes next
  std::uint16_t next_used_ = 0;       // the used ring's index
};

}  // namespace vmsim
