// A symbolized profile of rv64 harts (`vmsim run --profile [FILE]`, the hart's `profile` scope): the
// instructions each hart retires, the cycles they take, the level-one TLB misses and page walks they
// cause and the page faults they raise, attributed to the functions of the programs' ELF files (the
// loader's, and any the scope lists, such as user programs under a kernel) by the pc of the
// instruction. Written when the run is over, however it ended: FILE, a table of the functions by
// instructions (the top first), and FILE's stem .<count>.folded for each count, the collapsed-stack
// text that flame-graph tools read ("cpu;sum_words 20464"). There is no unwinding: a stack is the
// hart and the function, one frame each.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/param_schema.h"
#include "vmsim/models/core/params.h"
#include "vmsim/models/core/run_control.h"
#include "vmsim/models/cpu/rv64/elf_file.h"

namespace vmsim::rv64 {

class VMSIM_API Profile {
 public:
  // Declares the `profile` scope's members; read() gives the profile of the hart named `hart`,
  // whose clock has `period`, or none without a file.
  static void declare(ParamSchema& scope);
  static std::unique_ptr<Profile> read(Params& scope, RunControl& run, const std::string& output_directory,
                                       const std::string& hart, const sc_core::sc_time& period);

  // The loader's program, whose symbols are looked at first.
  void add_loaded_program(const ElfFile& program) { programs_.insert(programs_.begin(), &program); }

  // What the instruction at `pc` cost: instructions retired (0 for one that trapped), the time it
  // took, and the TLB misses and walks made meanwhile.
  void count(std::uint64_t pc, std::uint64_t instructions, const sc_core::sc_time& time, std::uint64_t tlb_misses,
             std::uint64_t walks) {
    std::array<std::uint64_t, kinds>& entry = at(pc).counts;
    entry[0] += instructions;
    entry[1] += time.value();
    entry[2] += tlb_misses;
    entry[3] += walks;
  }
  void page_fault(std::uint64_t pc) { ++at(pc).counts[4]; }

  static constexpr std::size_t kinds = 5;  // instructions, cycles, tlb_misses, walks, page_faults

 private:
  struct Function {
    std::string name;
    // counts[1] is the time taken, in units of the time resolution, until the report turns it into
    // cycles: an instruction may take part of a cycle (a half-nanosecond TLB hit), and the function's
    // cycles are rounded once, not once per instruction.
    std::array<std::uint64_t, kinds> counts{};
  };
  // The files of a profile, shared by the harts naming them.
  struct Report {
    std::string path;
    std::vector<const Profile*> harts;
  };

  Profile() = default;
  Function& at(std::uint64_t pc) {
    if (pc - cached_low_ < cached_size_) return functions_[cached_];
    return look_up(pc);
  }
  Function& look_up(std::uint64_t pc);
  static void write(RunControl& run, const Report& report);

  std::string hart_;
  sc_core::sc_time period_;
  std::vector<std::unique_ptr<ElfFile>> own_programs_;
  std::vector<const ElfFile*> programs_;
  std::vector<Function> functions_;  // functions_[0] is the code of no known function
  std::unordered_map<const ElfFile::Symbol*, std::size_t> index_;
  // The range of the function found last (sized functions only), and its index.
  std::uint64_t cached_low_ = 0;
  std::uint64_t cached_size_ = 0;
  std::size_t cached_ = 0;
};

}  // namespace vmsim::rv64
