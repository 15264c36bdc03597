// The host-target interface of the RISC-V test suites and of Spike (HTIF): a program talks to the
// host by storing a command into the 8-byte word `tohost`, and the host answers in `fromhost`. A
// command is device (bits 63:56), command (55:48) and payload (47:0):
//   device 0, command 0, payload odd: the program exits with code payload >> 1 (0: success; a
//     riscv-tests failure gives the number of the failing case);
//   device 0, command 0, payload even: a system call whose arguments are the eight words at
//     physical address payload (the benchmarks' printf): write (64) to descriptors 1 and 2, and
//     exit (93); the result goes into the first word, and fromhost gets 1;
//   device 1, command 1: the console prints the payload's low byte; fromhost gets the command back.
// The host clears tohost once it has taken a command. A hart tells the HTIF when one of its stores
// touched tohost (HartMemory::watch); the console's output goes to standard output and to a file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/run_control.h"
#include "vmsim/models/cpu/rv64/hart_memory.h"

namespace vmsim::rv64 {

class VMSIM_API Htif final : public StoreWatch {
 public:
  // Physical memory as the HTIF reaches it: debug transport, no time.
  class Memory {
   public:
    virtual bool read(std::uint64_t address, void* data, unsigned length) = 0;
    virtual bool write(std::uint64_t address, const void* data, unsigned length) = 0;

   protected:
    ~Memory() = default;
  };

  // `owner` names the component in messages; `console_file` is created at the first character.
  Htif(std::string owner, RunControl& run, Memory& memory, std::uint64_t tohost, std::optional<std::uint64_t> fromhost,
       std::string console_file);
  ~Htif();
  Htif(const Htif&) = delete;
  Htif& operator=(const Htif&) = delete;

  std::uint64_t tohost() const { return tohost_; }
  bool written() override;
  // The program's exit code, once it has exited.
  std::optional<std::uint64_t> exit_code() const { return exit_code_; }

 private:
  // Answers a command in fromhost.
  void respond(std::uint64_t value);
  void print(const char* text, std::size_t length);
  // A system call of the benchmarks' syscall proxy, its arguments at `address`; false if it ended the run.
  bool system_call(std::uint64_t address);
  // Ends the run with the program's exit code; always returns true (the run is over).
  bool exit(std::uint64_t code);

  std::string owner_;
  RunControl& run_;
  Memory& memory_;
  std::uint64_t tohost_;
  std::optional<std::uint64_t> fromhost_;
  std::string console_file_;
  std::FILE* console_ = nullptr;
  std::optional<std::uint64_t> exit_code_;
};

}  // namespace vmsim::rv64
