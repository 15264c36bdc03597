// The disk's driver: a queue of commands, one at a time on the device. A command is started with
// register writes through the HAL; its interrupt (taken by whichever hart the controller sends it
// to) completes it and starts the next. Nobody waits: the caller's callback runs on completion.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>

#include <systemc>

#include "vmsim/firmware/hal.h"

namespace vmsim {

class DiskDriver {
 public:
  // Runs, on the completing hart's timeline, once the command has finished; `ok` is false if the
  // disk reported an error.
  using Completion = std::function<void(bool ok, sc_core::sc_time& delay)>;

  DiskDriver(Hal& hal, std::uint64_t registers) : hal_(hal), registers_(registers) {}

  void read(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, Completion done, sc_core::sc_time& delay);
  void write(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, Completion done, sc_core::sc_time& delay);
  // The device's interrupt: completes the running command and starts the next.
  void interrupt(sc_core::sc_time& delay);
  bool busy() const { return !queue_.empty(); }

 private:
  struct Command {
    std::uint64_t command;
    std::uint64_t lba;
    std::uint64_t sectors;
    std::uint64_t address;
    Completion done;
  };
  void submit(Command command, sc_core::sc_time& delay);
  void start(const Command& command, sc_core::sc_time& delay);

  Hal& hal_;
  std::uint64_t registers_;
  std::deque<Command> queue_;  // the front one is on the device
};

}  // namespace vmsim
