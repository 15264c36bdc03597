// A boot loader for RISC-V software, as QEMU's virt machine loads it: before any hart starts, it
// writes the images it is given into memory through debug transport, places the device tree, and
// tells the harts that name it where to start (in M mode, a0 = the hart's id, a1 = the device
// tree's address). Two flows:
//  - `kernel` alone (QEMU's -bios none -kernel): an ELF program at its physical addresses, or a raw
//    binary at the start of memory; every hart starts at its entry;
//  - `bios` and `kernel` (QEMU's -bios -kernel): the firmware (ELF, or raw at the start of memory),
//    where every hart starts, and its payload: an ELF at its addresses, or a raw binary at the first
//    2 MiB boundary above the firmware (0x80200000 for OpenSBI's fw_jump).
// It keeps the kernel's symbol table for those that look symbols up (a debugger, a profiler), and
// serves the kernel's HTIF when it has a `tohost` symbol: its exit code ends the run, its console
// goes to standard output and to <out>/console.txt. `vmsim run --kernel FILE --bios FILE` set them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  ~Loader() override;

  // Places the raw images and checks that every image lands in memory (a configuration error
  // otherwise).
  void resolve(const Lookup& find) override;
  // Checks that the device tree (built once every component has resolved) fits where it goes.
  void check_resolved() const override;

  // The ELF files loaded (the firmware's and the kernel's; raw binaries have none), for symbols.
  std::vector<const ElfFile*> programs() const;
  // Where the harts start: the firmware's entry, else the kernel's.
  std::uint64_t entry() const;
  // Where the device tree is in memory (the harts' a1), or 0 when the platform has none.
  std::uint64_t device_tree_address() const;
  // The HTIF of the program, or nullptr when it has none (or `htif` is off).
  Htif* htif() { return htif_.get(); }

 private:
  class Image;

  void start_of_simulation() override;  // writes the images and the device tree
  // The HTIF's memory: debug transport through the port.
  bool read(std::uint64_t address, void* data, unsigned length) override;
  bool write(std::uint64_t address, const void* data, unsigned length) override;
  bool transfer(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length);

  std::unique_ptr<Image> bios_;
  std::unique_ptr<Image> kernel_;
  std::optional<std::uint64_t> device_tree_address_;  // as configured
  std::string device_tree_where_;
  std::uint64_t memory_base_ = 0;  // the first memory on the port
  std::uint64_t memory_end_ = 0;   // exclusive
  const RunControl& run_control_;
  std::unique_ptr<Htif> htif_;
  tlm::tlm_generic_payload trans_;

  Counter segments_{stats(), "segments", "Program segments loaded"};
  Counter bytes_{stats(), "bytes", "Bytes of program segments loaded (zero-filled ones included)"};
};

}  // namespace vmsim::rv64
