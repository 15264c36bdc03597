#include "vmsim/models/cpu/rv64/elf_file.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/input_file.h"

namespace vmsim::rv64 {
namespace {

constexpr std::size_t header_size = 64;
constexpr std::size_t program_header_size = 56;
constexpr std::size_t section_header_size = 64;
constexpr std::size_t symbol_size = 24;
constexpr std::uint16_t executable = 2, shared_object = 3;
constexpr std::uint16_t riscv = 243;
constexpr std::uint32_t loadable = 1;
constexpr std::uint32_t symbol_table = 2;
constexpr std::uint8_t function_type = 2, section_type = 3, file_type = 4;

const char* machine_name(std::uint16_t machine) {
  switch (machine) {
    case 3: return "x86";
    case 40: return "Arm";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    default: return nullptr;
  }
}

}  // namespace

ElfFile::ElfFile(const std::string& path) : path_(path) {
  if (const std::string problem = unreadable_file(path, "program"); !problem.empty()) throw std::runtime_error(problem);
  std::ifstream in(path, std::ios::binary);
  bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  const auto fail = [&](const std::string& why) { throw std::runtime_error(fmt::format("{}: {}", path, why)); };
  static constexpr std::uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
  if (bytes_.size() < 4 || std::memcmp(bytes_.data(), magic, 4) != 0) fail("is not an ELF file");
  if (bytes_.size() < header_size)
    fail(fmt::format("is truncated: {} bytes, shorter than an ELF header", bytes_.size()));
  if (bytes_[4] != 2) fail("is a 32-bit ELF file; an rv64 hart runs 64-bit (ELFCLASS64) programs");
  if (bytes_[5] != 1) fail("is a big-endian ELF file; RISC-V programs are little-endian");
  const auto u16 = [&](std::size_t offset) {
    return static_cast<std::uint16_t>(bytes_[offset] | bytes_[offset + 1] << 8);
  };
  const std::uint16_t machine = u16(18);
  if (machine != riscv) {
    const char* known = machine_name(machine);
    fail(known != nullptr ? fmt::format("is a program for {}, not for RISC-V", known)
                          : fmt::format("is not a RISC-V program (ELF machine {})", machine));
  }
  const std::uint16_t type = u16(16);
  if (type != executable && type != shared_object)
    fail(fmt::format("is not an executable (ELF type {}: an object file or a core dump?)", type));
  std::memcpy(&entry_, bytes_.data() + 24, 8);
  try {
    read_segments();
    read_symbols();
  } catch (const std::runtime_error& e) {
    fail(e.what());
  }
  if (segments_.empty()) fail("has no segment to load (PT_LOAD)");
}

void ElfFile::read_segments() {
  std::uint64_t table = 0;
  std::memcpy(&table, bytes_.data() + 32, 8);
  const std::uint16_t entry_size = static_cast<std::uint16_t>(bytes_[54] | bytes_[55] << 8);
  const std::uint16_t count = static_cast<std::uint16_t>(bytes_[56] | bytes_[57] << 8);
  if (count == 0) return;
  if (entry_size != program_header_size)
    throw std::runtime_error(fmt::format("has program headers of {} bytes, not {}", entry_size, program_header_size));
  if (table > bytes_.size() || count * program_header_size > bytes_.size() - table)
    throw std::runtime_error(fmt::format("is truncated: its program headers end beyond its {} bytes", bytes_.size()));
  for (unsigned index = 0; index < count; ++index) {
    const std::uint8_t* header = bytes_.data() + table + index * program_header_size;
    std::uint32_t type = 0;
    std::memcpy(&type, header, 4);
    if (type != loadable) continue;
    Segment segment{};
    std::memcpy(&segment.file_offset, header + 8, 8);
    std::memcpy(&segment.virtual_address, header + 16, 8);
    std::memcpy(&segment.physical_address, header + 24, 8);
    std::memcpy(&segment.file_size, header + 32, 8);
    std::memcpy(&segment.memory_size, header + 40, 8);
    if (segment.file_offset > bytes_.size() || segment.file_size > bytes_.size() - segment.file_offset)
      throw std::runtime_error(fmt::format("is truncated: segment {} needs bytes up to {} of its {}", index,
                                           segment.file_offset + segment.file_size, bytes_.size()));
    if (segment.file_size > segment.memory_size)
      throw std::runtime_error(fmt::format("segment {} has more bytes in the file ({}) than in memory ({})", index,
                                           segment.file_size, segment.memory_size));
    if (segment.memory_size != 0) segments_.push_back(segment);
  }
}

void ElfFile::read_symbols() {
  std::uint64_t table = 0;
  std::memcpy(&table, bytes_.data() + 40, 8);
  const std::uint16_t count = static_cast<std::uint16_t>(bytes_[60] | bytes_[61] << 8);
  if (table == 0 || count == 0) return;  // stripped: a program needs no symbols to run
  if (table > bytes_.size() || count * section_header_size > bytes_.size() - table)
    throw std::runtime_error(fmt::format("is truncated: its section headers end beyond its {} bytes", bytes_.size()));
  const auto section = [&](unsigned index) { return bytes_.data() + table + index * section_header_size; };
  const auto field = [](const std::uint8_t* at, std::size_t offset, std::size_t size) {
    std::uint64_t value = 0;
    std::memcpy(&value, at + offset, size);
    return value;
  };
  for (unsigned index = 0; index < count; ++index) {
    const std::uint8_t* header = section(index);
    if (field(header, 4, 4) != symbol_table) continue;
    const std::uint64_t offset = field(header, 24, 8);
    const std::uint64_t size = field(header, 32, 8);
    const auto strings_index = static_cast<unsigned>(field(header, 40, 4));
    if (strings_index >= count) continue;
    const std::uint8_t* strings_header = section(strings_index);
    const std::uint64_t strings = field(strings_header, 24, 8);
    const std::uint64_t strings_size = field(strings_header, 32, 8);
    if (offset > bytes_.size() || size > bytes_.size() - offset || strings > bytes_.size() ||
        strings_size > bytes_.size() - strings)
      throw std::runtime_error(fmt::format("is truncated: its symbol table ends beyond its {} bytes", bytes_.size()));
    for (std::uint64_t at = offset; at + symbol_size <= offset + size; at += symbol_size) {
      const std::uint8_t* symbol = bytes_.data() + at;
      const std::uint64_t name = field(symbol, 0, 4);
      const std::uint8_t kind = symbol[4] & 0xf;
      const std::uint64_t defined_in = field(symbol, 6, 2);
      if (name == 0 || name >= strings_size || defined_in == 0 || kind == section_type || kind == file_type) continue;
      const auto* text = reinterpret_cast<const char*>(bytes_.data() + strings + name);
      const std::size_t length = strnlen(text, strings_size - name);
      symbols_.push_back({std::string(text, length), field(symbol, 8, 8), field(symbol, 16, 8), kind == function_type});
    }
  }
  for (std::size_t index = 0; index < symbols_.size(); ++index)
    if (symbols_[index].function) functions_.push_back(index);
  std::sort(functions_.begin(), functions_.end(),
            [&](std::size_t a, std::size_t b) { return symbols_[a].address < symbols_[b].address; });
}

std::optional<std::uint64_t> ElfFile::physical(std::uint64_t virtual_address) const {
  for (const Segment& segment : segments_)
    if (virtual_address >= segment.virtual_address && virtual_address - segment.virtual_address < segment.memory_size)
      return segment.physical_address + (virtual_address - segment.virtual_address);
  return std::nullopt;
}

std::optional<std::uint64_t> ElfFile::symbol(std::string_view name) const {
  for (const Symbol& symbol : symbols_)
    if (symbol.name == name) return symbol.address;
  return std::nullopt;
}

std::optional<ElfFile::Location> ElfFile::function_at(std::uint64_t address) const {
  // The last function starting at or below the address; one without a size extends to the next.
  const auto after = std::upper_bound(functions_.begin(), functions_.end(), address,
                                      [&](std::uint64_t a, std::size_t index) { return a < symbols_[index].address; });
  if (after == functions_.begin()) return std::nullopt;
  const Symbol& function = symbols_[*(after - 1)];
  const std::uint64_t offset = address - function.address;
  if (function.size != 0 && offset >= function.size) return std::nullopt;
  return Location{&function, offset};
}

}  // namespace vmsim::rv64
