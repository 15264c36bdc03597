// The disk's driver: programs the device's registers through the HAL and sleeps until its
// interrupt says the command is done.
#pragma once

#include <cstdint>

#include <systemc>

#include "firmware/hal.h"

namespace vmsim {

class DiskDriver {
 public:
  DiskDriver(Hal& hal, std::uint64_t registers, unsigned interrupt_line)
      : hal_(hal), registers_(registers), line_(interrupt_line) {}

  // Each blocks the calling SystemC thread until the disk interrupts; false if the disk reports an
  // error. `delay` is the caller's timeline, synchronised before sleeping.
  bool read(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, sc_core::sc_time& delay);
  bool write(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, sc_core::sc_time& delay);
  bool flush(sc_core::sc_time& delay);

 private:
  bool run(std::uint64_t command, std::uint64_t lba, std::uint64_t sectors, std::uint64_t address,
           sc_core::sc_time& delay);

  Hal& hal_;
  std::uint64_t registers_;
  unsigned line_;
};

}  // namespace vmsim
