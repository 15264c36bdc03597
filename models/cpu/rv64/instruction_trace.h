// The instruction trace of rv64 harts (`vmsim run --trace-instructions [FILE]`, the hart's `trace`
// scope): a line per retired instruction with the simulated time it started at, the hart, its
// privilege, pc, disassembly, the register it wrote and the memory it accessed (virtual and
// physical address), and a line per trap taken, in a text file of the output folder that the harts
// naming it share. A window (start and end times, a most lines) and filters (privilege, a pc range;
// the harts by their own keys) keep it bounded; a hart stops paying for it once it is over.
//
//   1234.500 ns hart0 U 0x80001064: ld t1,0(a0)          t1=0x1 load 0x40000000 pa 0x80006000 8 B
//   1300.000 ns hart0 U 0x8000103a: exception store_page_fault tval 0x40001000 -> M 0x800000ac
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include <systemc>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/param_schema.h"
#include "vmsim/models/core/params.h"
#include "vmsim/models/core/run_control.h"
#include "vmsim/models/cpu/rv64/instruction.h"

namespace vmsim::rv64 {

// Where the file a hart's `file` key names goes: into the output folder, so the key is a file name,
// not a path (else a configuration error naming the key; `what` says what the file holds).
VMSIM_API std::string output_file(Params& scope, const std::string& output_directory, const char* what);

class VMSIM_API InstructionTrace {
 public:
  // Declares the `trace` scope's members; read() gives the hart's trace, or none if it has no file.
  static void declare(ParamSchema& scope);
  static std::unique_ptr<InstructionTrace> read(Params& scope, RunControl& run, const std::string& output_directory,
                                                std::uint64_t hart_id);

  // Whether the window is over (the file has its most lines, or `now` is past the end): the hart
  // can forget the trace.
  bool over(const sc_core::sc_time& now) const;
  // Whether the instruction at `pc`, starting at `now` in `privilege`, is to be traced.
  bool wants(std::uint64_t pc, Privilege privilege, const sc_core::sc_time& now) const {
    return now >= start_ && (privileges_ & (1u << static_cast<unsigned>(privilege))) != 0 && pc >= pc_low_ &&
           pc <= pc_high_;
  }

  // A memory access an instruction made.
  struct Access {
    bool made = false;
    AccessKind kind = AccessKind::load;
    bool atomic = false;
    std::uint64_t address = 0;
    std::uint64_t physical = 0;
    unsigned size = 0;
  };
  // An instruction retired: `written` names the register it wrote ("" if none) with its new value.
  void retired(const sc_core::sc_time& at, Privilege privilege, std::uint64_t pc, const Instruction& instruction,
               const char* written, std::uint64_t value, const Access& access);
  // A trap taken at `pc` in `privilege`: an exception (with its trap value) or an interrupt, to the
  // handler at `handler` in `to`.
  void trap(const sc_core::sc_time& at, Privilege privilege, std::uint64_t pc, bool interrupt, const char* cause,
            std::uint64_t value, Privilege to, std::uint64_t handler);

  // One file, shared by the harts that write it.
  struct File {
    std::string path;
    std::FILE* stream = nullptr;
    std::uint64_t lines = 0;
    std::uint64_t limit = 0;  // 0: none
    bool configured = false;  // limit is set
    bool failed = false;
    ~File();
  };

 private:
  InstructionTrace() = default;
  void line(const sc_core::sc_time& at, Privilege privilege, std::uint64_t pc, const std::string& text);

  RunControl* run_ = nullptr;
  File* file_ = nullptr;
  std::uint64_t hart_id_ = 0;
  sc_core::sc_time start_;
  sc_core::sc_time end_;     // zero: no end
  unsigned privileges_ = 7;  // bit n: Privilege n
  std::uint64_t pc_low_ = 0;
  std::uint64_t pc_high_ = ~std::uint64_t{0};
};

}  // namespace vmsim::rv64
