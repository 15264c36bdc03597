// A direct path to memory for an initiator on the hot path (an instruction-set simulator): the
// memory still times and counts every access exactly as its b_transport would (latency, row-buffer
// state, reads, writes, bytes), but the data moves by host pointer, with no payload and no chain of
// virtual calls. The interconnect in between tells which of its ranges such a memory serves, with
// the hop latency and counts a routed transaction has there. Everything else (devices, unmapped
// addresses, a memory with request queues) still goes through b_transport.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/reservations.h"
#include "vmsim/models/core/stats.h"

namespace vmsim {

class VMSIM_API DirectMemory {
 public:
  // Whether direct_access() may be used (a memory whose accesses queue cannot time one on the spot).
  virtual bool direct_access_allowed() const = 0;
  // Times and counts a plain read or write of [offset, offset + length) as b_transport would,
  // adding its latency to `delay`, and returns where those bytes are in host memory: the caller
  // copies them (a write's bytes right after the call, before anything else runs). The range is
  // within the memory.
  virtual std::uint8_t* direct_access(bool write, std::uint64_t offset, unsigned length, sc_core::sc_time& delay) = 0;
  // The host bytes at `offset`, for debug reads and writes: no time, no statistics. A debug write
  // through it must tell reservations() it happened.
  virtual std::uint8_t* debug_pointer(std::uint64_t offset) = 0;
  // The LR/SC reservations on this memory, which every write to it breaks.
  virtual Reservations& reservations() = 0;

 protected:
  ~DirectMemory() = default;
};

// A range of an interconnect's address map that a DirectMemory serves, with what a transaction
// routed there costs and counts on the interconnect.
struct VMSIM_API MemoryRoute {
  std::uint64_t base = 0;
  std::uint64_t last = 0;  // inclusive
  DirectMemory* memory = nullptr;
  sc_core::sc_time hop_latency;
  Counter* transactions = nullptr;
  Counter* bytes = nullptr;

  bool holds(std::uint64_t address, std::uint64_t length) const {
    return address >= base && address <= last && length - 1 <= last - address;
  }
  // What the interconnect does for a transaction it routes here.
  void pass(unsigned length, sc_core::sc_time& delay) const {
    ++*transactions;
    *bytes += length;
    delay += hop_latency;
  }
};

// An interconnect that tells its routes to memories with a direct interface.
class VMSIM_API MemoryRouting {
 public:
  // `find` looks the mapped components up by name.
  virtual std::vector<MemoryRoute> memory_routes(const Component::Lookup& find) = 0;

 protected:
  ~MemoryRouting() = default;
};

}  // namespace vmsim
