// An ELF64 RISC-V executable as a loader, a debugger and a profiler need it: its loadable segments
// with their bytes, its entry point, and its symbol table (a symbol's address, and the function an
// address is in). Written here rather than taken from libelf: it is small, and every way a file can
// be wrong becomes one line that says exactly what.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vmsim/models/core/export.h"

namespace vmsim::rv64 {

class VMSIM_API ElfFile {
 public:
  struct Segment {
    std::uint64_t physical_address;  // where it is loaded (p_paddr)
    std::uint64_t virtual_address;   // where the program sees it (p_vaddr)
    std::uint64_t file_offset;
    std::uint64_t file_size;  // bytes from the file; the rest, up to memory_size, is zero
    std::uint64_t memory_size;
  };
  struct Symbol {
    std::string name;
    std::uint64_t address;
    std::uint64_t size;
    bool function;
  };
  // Where in a function an address is.
  struct Location {
    const Symbol* function;
    std::uint64_t offset;
  };

  // Reads and checks `path`; throws std::runtime_error with one line naming the file and what is
  // wrong: not ELF, not 64-bit little-endian, not RISC-V, not an executable, truncated, or without a
  // segment to load.
  explicit ElfFile(const std::string& path);

  const std::string& path() const { return path_; }
  std::uint64_t entry() const { return entry_; }
  const std::vector<Segment>& segments() const { return segments_; }
  // The file's bytes of a segment (file_size of them).
  const std::uint8_t* data(const Segment& segment) const { return bytes_.data() + segment.file_offset; }
  // The physical address of a virtual one that a segment maps.
  std::optional<std::uint64_t> physical(std::uint64_t virtual_address) const;

  std::optional<std::uint64_t> symbol(std::string_view name) const;
  // The function whose range holds `address`, if the symbol table has one.
  std::optional<Location> function_at(std::uint64_t address) const;
  const std::vector<Symbol>& symbols() const { return symbols_; }

 private:
  void read_segments();
  void read_symbols();

  std::string path_;
  std::vector<std::uint8_t> bytes_;
  std::uint64_t entry_ = 0;
  std::vector<Segment> segments_;
  std::vector<Symbol> symbols_;
  std::vector<std::size_t> functions_;  // indices of symbols_ of the functions, by address
};

}  // namespace vmsim::rv64
