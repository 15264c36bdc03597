// The hardware abstraction layer: everything the kernel may do to the machine. Reads and writes go
// through the kernel's own bus port and are timed on the timeline of whoever the kernel runs for
// (a trapping CPU's, or its own); there is no other way in.
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

  // Interrupts: blocks the calling SystemC thread until line `line` is raised (at once if it is
  // high), and marks it handled. The device's own status register is cleared through the bus.
  virtual void wait_for_interrupt(unsigned line) = 0;
  // Before blocking: lets simulated time catch up with the caller's timeline.
  void sync(sc_core::sc_time& delay) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  virtual bool interrupt_pending(unsigned line) const = 0;

  std::uint64_t read64(std::uint64_t address, sc_core::sc_time& delay) {
    std::uint64_t value = 0;
    read(address, &value, sizeof value, delay);
    return value;
  }
  bool write64(std::uint64_t address, std::uint64_t value, sc_core::sc_time& delay) {
    return write(address, &value, sizeof value, delay);
  }
};

}  // namespace vmsim
