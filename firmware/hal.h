// The hardware abstraction layer: everything the kernel may do to the machine besides answering
// traps. Reads and writes go through the kernel's own bus port, timed on the timeline of the hart
// the kernel runs for (`delay`, that hart's local time offset). There is no other way in.
#pragma once

#include <cstdint>

#include <systemc>

namespace vmsim {

class Hal {
 public:
  virtual ~Hal() = default;
  // False when the bus answers with an error.
  virtual bool read(std::uint64_t address, void* data, unsigned length, sc_core::sc_time& delay) = 0;
  virtual bool write(std::uint64_t address, const void* data, unsigned length, sc_core::sc_time& delay) = 0;

  std::uint64_t read64(std::uint64_t address, sc_core::sc_time& delay) {
    std::uint64_t value = 0;
    read(address, &value, sizeof value, delay);
    return value;
  }
  bool write64(std::uint64_t address, std::uint64_t value, sc_core::sc_time& delay) {
    return write(address, &value, sizeof value, delay);
  }
  std::uint32_t read32(std::uint64_t address, sc_core::sc_time& delay) {
    std::uint32_t value = 0;
    read(address, &value, sizeof value, delay);
    return value;
  }
  bool write32(std::uint64_t address, std::uint32_t value, sc_core::sc_time& delay) {
    return write(address, &value, sizeof value, delay);
  }
};

}  // namespace vmsim
