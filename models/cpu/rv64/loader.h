// A boot loader for RISC-V programs: before any hart starts, it writes the PT_LOAD segments of an
// ELF64 RISC-V executable into memory through debug transport (at their physical addresses), and
// tells the harts that name it where the program starts. It keeps the program's symbol table for
// those that look symbols up (a debugger, a profiler), and serves the program's HTIF when it has a
// `tohost` symbol: its exit code ends the run, its console goes to standard output and to
// <out>/console.txt. `vmsim run CONFIG --kernel FILE` sets its `kernel`, as QEMU's -kernel does.
#pragma once

#include <memory>
#include <string>

#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/cpu/rv64/elf_file.h"
#include "vmsim/models/cpu/rv64/htif.h"

namespace vmsim::rv64 {

class VMSIM_API Loader final : public Component, public Htif::Memory {
 public:
  tlm_utils::simple_initiator_socket<Loader> initiator{"initiator"};

  static ParamSchema parameters();
  Loader(const sc_core::sc_module_name& name, ComponentContext& context);

  // Checks that every segment lands in memory (a configuration error otherwise).
  void resolve(const Lookup& find) override;

  const ElfFile& program() const { return *program_; }
  std::uint64_t entry() const { return program_->entry(); }
  // The HTIF of the program, or nullptr when it has none (or `htif` is off).
  Htif* htif() { return htif_.get(); }

 private:
  void start_of_simulation() override;  // loads the segments
  // The HTIF's memory: debug transport through the port.
  bool read(std::uint64_t address, void* data, unsigned length) override;
  bool write(std::uint64_t address, const void* data, unsigned length) override;
  bool transfer(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length);

  std::string file_;
  std::string file_where_;
  std::unique_ptr<ElfFile> program_;
  std::unique_ptr<Htif> htif_;
  tlm::tlm_generic_payload trans_;

  Counter segments_{stats(), "segments", "Program segments loaded"};
  Counter bytes_{stats(), "bytes", "Bytes of program segments loaded (zero-filled ones included)"};
};

}  // namespace vmsim::rv64
