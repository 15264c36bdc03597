#include "vmsim/models/cpu/rv64/instruction_trace.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "vmsim/models/cpu/rv64/disassembler.h"

namespace vmsim::rv64 {
namespace {

enum class PrivilegeFilter { all, user, supervisor, machine, not_machine };

constexpr char privilege_letters[3] = {'U', 'S', 'M'};

const char* kind_name(const InstructionTrace::Access& access) {
  if (access.atomic) return access.kind == AccessKind::load ? "lr" : "amo";
  return access.kind == AccessKind::load ? "load" : "store";
}

}  // namespace

std::string output_file(Params& scope, const std::string& output_directory, const char* what) {
  const auto file = scope.get<std::string>("file");
  if (std::filesystem::path(file).has_parent_path() || file == "." || file == "..")
    scope.fail("file", fmt::format("'{}' is not a file name (the {} goes into the output folder)", file, what));
  return (std::filesystem::path(output_directory) / file).string();
}

InstructionTrace::File::~File() {
  if (stream != nullptr) std::fclose(stream);
}

void InstructionTrace::declare(ParamSchema& scope) {
  scope.optional<std::string>("file", "",
                              "Write the instructions the hart retires and the traps it takes to this file of the "
                              "output folder (harts naming the same file share it); empty: no trace");
  scope.optional<sc_core::sc_time>("start", sc_core::SC_ZERO_TIME,
                                   "Trace instructions that start at this time or later");
  scope.optional<sc_core::sc_time>("end", sc_core::SC_ZERO_TIME,
                                   "Trace no instruction that starts after this time (0: no end)");
  scope.optional<std::uint64_t>("count", 1'000'000, "The most lines the file gets (0: no limit)");
  scope.choice("privilege", PrivilegeFilter::all,
               {{"all", PrivilegeFilter::all},
                {"user", PrivilegeFilter::user},
                {"supervisor", PrivilegeFilter::supervisor},
                {"machine", PrivilegeFilter::machine},
                {"not_machine", PrivilegeFilter::not_machine}},
               "The privilege modes whose instructions and traps are traced");
  scope.optional<Address>("pc_low", Address{0}, "Trace only instructions at this address or above");
  scope.optional<Address>("pc_high", Address{~std::uint64_t{0}}, "Trace only instructions at this address or below");
}

std::unique_ptr<InstructionTrace> InstructionTrace::read(Params& scope, RunControl& run,
                                                         const std::string& output_directory, std::uint64_t hart_id) {
  const auto file = scope.get<std::string>("file");
  std::unique_ptr<InstructionTrace> trace(new InstructionTrace);
  trace->start_ = scope.get<sc_core::sc_time>("start");
  trace->end_ = scope.get<sc_core::sc_time>("end");
  const auto count = scope.get<std::uint64_t>("count");
  switch (scope.get<PrivilegeFilter>("privilege")) {
    case PrivilegeFilter::all: trace->privileges_ = 7; break;
    case PrivilegeFilter::user: trace->privileges_ = 1; break;
    case PrivilegeFilter::supervisor: trace->privileges_ = 2; break;
    case PrivilegeFilter::machine: trace->privileges_ = 4; break;
    case PrivilegeFilter::not_machine: trace->privileges_ = 3; break;
  }
  trace->pc_low_ = scope.get<Address>("pc_low").value;
  trace->pc_high_ = scope.get<Address>("pc_high").value;
  if (trace->end_ != sc_core::SC_ZERO_TIME && trace->end_ < trace->start_)
    scope.fail("end", "is before start: the window would be empty");
  if (trace->pc_high_ < trace->pc_low_) scope.fail("pc_high", "is below pc_low: no pc would be traced");
  if (file.empty()) return nullptr;
  const std::string path = output_file(scope, output_directory, "trace");
  trace->run_ = &run;
  trace->hart_id_ = hart_id;
  trace->file_ = &run.shared<File>("rv64/trace/" + path);
  trace->file_->path = path;
  // Harts sharing a file share its limit: the largest they ask for.
  File& shared = *trace->file_;
  if (!shared.configured)
    shared.limit = count;
  else if (shared.limit != 0)
    shared.limit = count == 0 ? 0 : std::max(shared.limit, count);
  shared.configured = true;
  return trace;
}

bool InstructionTrace::over(const sc_core::sc_time& now) const {
  return file_->failed || (file_->limit != 0 && file_->lines >= file_->limit) ||
         (end_ != sc_core::SC_ZERO_TIME && now > end_);
}

void InstructionTrace::retired(const sc_core::sc_time& at, Privilege privilege, std::uint64_t pc,
                               const Instruction& instruction, const char* written, std::uint64_t value,
                               const Access& access) {
  std::string text = fmt::format("{:<28}", disassemble(instruction, pc));
  if (written[0] != '\0') text += fmt::format(" {}={:#x}", written, value);
  if (access.made)
    text += fmt::format(" {} {:#x} pa {:#x} {} B", kind_name(access), access.address, access.physical, access.size);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  line(at, privilege, pc, text);
}

void InstructionTrace::trap(const sc_core::sc_time& at, Privilege privilege, std::uint64_t pc, bool interrupt,
                            const char* cause, std::uint64_t value, Privilege to, std::uint64_t handler) {
  if (!wants(pc, privilege, at)) return;
  line(at, privilege, pc,
       interrupt ? fmt::format("interrupt {} -> {} {:#x}", cause, privilege_letters[static_cast<unsigned>(to)], handler)
                 : fmt::format("exception {} tval {:#x} -> {} {:#x}", cause, value,
                               privilege_letters[static_cast<unsigned>(to)], handler));
}

void InstructionTrace::line(const sc_core::sc_time& at, Privilege privilege, std::uint64_t pc,
                            const std::string& text) {
  File& file = *file_;
  if (file.failed || (file.limit != 0 && file.lines >= file.limit)) return;
  if (file.stream == nullptr) {
    file.stream = std::fopen(file.path.c_str(), "w");
    if (file.stream == nullptr) {
      file.failed = true;
      run_->fail(fmt::format("cannot create the instruction trace {}", file.path));
      return;
    }
  }
  const std::uint64_t picoseconds = at.value() / sc_core::sc_time(1, sc_core::SC_PS).value();
  fmt::print(file.stream, "{}.{:03} ns hart{} {} {:#x}: {}\n", picoseconds / 1000, picoseconds % 1000, hart_id_,
             privilege_letters[static_cast<unsigned>(privilege)], pc, text);
  ++file.lines;
}

}  // namespace vmsim::rv64
