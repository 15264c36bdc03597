#include "vmsim/models/cpu/rv64/loader.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "vmsim/models/core/direct_memory.h"
#include "vmsim/models/core/input_file.h"
#include "vmsim/models/core/payload.h"
#include "vmsim/models/core/run_control.h"

namespace vmsim::rv64 {
namespace {

const Connection port{"port", "bus", "Component the program is written through (debug transport)", {{"router"}}};

constexpr std::uint64_t MiB = 1 << 20;
constexpr std::uint64_t payload_alignment = 2 * MiB;  // a raw payload's place above the firmware
constexpr std::uint64_t device_tree_alignment = 2 * MiB;
constexpr std::uint64_t device_tree_ceiling = 3072 * MiB;  // QEMU keeps it where 32-bit code reaches

bool is_elf(const std::string& file) {
  char magic[4] = {};
  std::ifstream in(file, std::ios::binary);
  in.read(magic, sizeof(magic));
  return in && std::memcmp(magic,
                           "\x7f"
                           "ELF",
                           4) == 0;
}

}  // namespace

// A file to load: an ELF program at its physical addresses, or a raw binary wherever the loader
// places it.
class Loader::Image {
 public:
  struct Piece {
    std::uint64_t address;
    const std::uint8_t* data;
    std::uint64_t file_size;
    std::uint64_t memory_size;
  };

  // Reads `key`'s file; a file that cannot be loaded is a configuration error naming the key.
  Image(Params& params, const std::string& key) : key_(key), where_(params.locate(key)) {
    file_ = params.resolve_path(params.get<std::string>(key));
    try {
      if (const std::string problem = unreadable_file(file_, "image"); !problem.empty())
        throw std::runtime_error(problem);
      if (is_elf(file_)) {
        elf_ = std::make_unique<ElfFile>(file_);
        return;
      }
      std::ifstream in(file_, std::ios::binary);
      raw_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (raw_.empty()) throw std::runtime_error(fmt::format("{}: is empty", file_));
    } catch (const std::runtime_error& e) {
      params.fail(key, e.what());
    }
  }

  const std::string& file() const { return file_; }
  const std::string& key() const { return key_; }
  const std::string& where() const { return where_; }
  const ElfFile* elf() const { return elf_.get(); }
  // A raw binary goes at `address`; an ELF file stays where it says.
  void place(std::uint64_t address) {
    if (!elf_) raw_address_ = address;
  }
  std::uint64_t entry() const { return elf_ ? elf_->entry() : raw_address_; }

  std::vector<Piece> pieces() const {
    if (!elf_) return {{raw_address_, raw_.data(), raw_.size(), raw_.size()}};
    std::vector<Piece> pieces;
    for (const ElfFile::Segment& segment : elf_->segments())
      pieces.push_back({segment.physical_address, elf_->data(segment), segment.file_size, segment.memory_size});
    return pieces;
  }
  // Past the highest byte it occupies.
  std::uint64_t end() const {
    std::uint64_t end = 0;
    for (const Piece& piece : pieces()) end = std::max(end, piece.address + piece.memory_size);
    return end;
  }
  // The first piece that overlaps [address, address + size).
  std::optional<Piece> overlap(std::uint64_t address, std::uint64_t size) const {
    for (const Piece& piece : pieces())
      if (piece.address < address + size && address < piece.address + piece.memory_size) return piece;
    return std::nullopt;
  }

 private:
  std::string key_;
  std::string where_;
  std::string file_;
  std::unique_ptr<ElfFile> elf_;
  std::vector<std::uint8_t> raw_;
  std::uint64_t raw_address_ = 0;
};

ParamSchema Loader::parameters() {
  ParamSchema schema;
  declare_connection(schema, port);
  schema.optional<std::string>(
      "kernel", "",
      "The program: an ELF64 RISC-V executable (loaded at its physical addresses) or a raw binary, relative to "
      "this configuration's folder. Alone, a raw one goes at the start of memory and every hart starts at its "
      "entry in M mode; with a bios it is the firmware's payload, a raw one at the first 2 MiB boundary above the "
      "firmware (vmsim run --kernel FILE sets it)");
  schema.optional<std::string>("bios", "",
                               "Firmware (ELF, or a raw binary at the start of memory) where every hart starts, "
                               "before the kernel; empty: none (vmsim run --bios FILE sets it)");
  schema.derived<Address>("device_tree_address",
                          "below the end of the first memory (at most 3 GiB above its base), aligned down to 2 MiB, "
                          "as on QEMU's virt",
                          "Where the device tree goes when the platform has one; the harts start with it in a1");
  schema.optional<bool>("htif", true,
                        "Serve the kernel's HTIF when it has a tohost symbol: its exit code ends the run, its "
                        "console goes to standard output and to <out>/console.txt");
  return schema;
}

Loader::Loader(const sc_core::sc_module_name& name, ComponentContext& context)
    : Component(name, context), run_control_(context.run) {
  Params& params = context.params;
  connect(initiator, params, port);
  if (params.get<std::string>("kernel").empty())
    params.fail("kernel", "no program to load: give one with vmsim run --kernel FILE");
  if (!params.get<std::string>("bios").empty()) bios_ = std::make_unique<Image>(params, "bios");
  kernel_ = std::make_unique<Image>(params, "kernel");
  if (params.contains("device_tree_address")) {
    device_tree_address_ = params.require<Address>("device_tree_address").value;
    device_tree_where_ = params.locate("device_tree_address");
  }
  const bool htif = params.get<bool>("htif");
  trans_.set_dmi_allowed(false);
  const ElfFile* program = kernel_->elf();
  const std::optional<std::uint64_t> tohost = program != nullptr ? program->symbol("tohost") : std::nullopt;
  if (!htif || !tohost) return;
  const std::optional<std::uint64_t> tohost_physical = program->physical(*tohost);
  if (!tohost_physical) params.fail("kernel", fmt::format("{}: its tohost symbol is in no segment", kernel_->file()));
  std::optional<std::uint64_t> fromhost;
  if (const auto symbol = program->symbol("fromhost")) fromhost = program->physical(*symbol);
  htif_ = std::make_unique<Htif>(this->name(), context.run, *this, *tohost_physical, fromhost,
                                 (std::filesystem::path(context.output_directory) / "console.txt").string());
}

Loader::~Loader() = default;

std::vector<const ElfFile*> Loader::programs() const {
  std::vector<const ElfFile*> loaded;
  if (bios_ && bios_->elf() != nullptr) loaded.push_back(bios_->elf());
  if (kernel_->elf() != nullptr) loaded.push_back(kernel_->elf());
  return loaded;
}

std::uint64_t Loader::entry() const { return bios_ ? bios_->entry() : kernel_->entry(); }

std::uint64_t Loader::device_tree_address() const {
  const std::vector<std::uint8_t>& blob = run_control_.device_tree_blob();
  if (blob.empty()) return 0;
  if (device_tree_address_) return *device_tree_address_;
  const std::uint64_t top =
      memory_base_ < device_tree_ceiling ? std::min(memory_end_, device_tree_ceiling) : memory_end_;
  if (top - memory_base_ < blob.size()) return memory_base_;  // check_resolved() says it does not fit
  return std::max(memory_base_, (top - blob.size()) / device_tree_alignment * device_tree_alignment);
}

void Loader::resolve(const Lookup& find) {
  const InitiatorBinding& binding = initiator_bindings().front();
  auto* bus =
      dynamic_cast<MemoryRouting*>(&find(binding.peer, binding.where, fmt::format("components.{}.port", basename())));
  std::vector<MemoryRoute> routes = bus != nullptr ? bus->memory_routes(find) : std::vector<MemoryRoute>{};
  std::sort(routes.begin(), routes.end(), [](const MemoryRoute& a, const MemoryRoute& b) { return a.base < b.base; });
  if (routes.empty())
    throw ConfigError(fmt::format("{}: components.{}.port: '{}' leads to no memory to load into", binding.where,
                                  basename(), binding.peer));
  memory_base_ = routes.front().base;
  memory_end_ = routes.front().last + 1;
  if (bios_) {
    bios_->place(memory_base_);
    kernel_->place((bios_->end() + payload_alignment - 1) / payload_alignment * payload_alignment);
  } else {
    kernel_->place(memory_base_);
  }
  for (const Image* image : {bios_.get(), kernel_.get()}) {
    if (image == nullptr) continue;
    const std::vector<Image::Piece> pieces = image->pieces();
    for (std::size_t index = 0; index < pieces.size(); ++index) {
      const Image::Piece& piece = pieces[index];
      const bool in_memory = std::any_of(routes.begin(), routes.end(), [&](const MemoryRoute& route) {
        return route.holds(piece.address, piece.memory_size);
      });
      if (!in_memory)
        throw ConfigError(fmt::format("{}: components.{}.{}: {}: {} at [{:#x}, {:#x}) is outside memory",
                                      image->where(), basename(), image->key(), image->file(),
                                      image->elf() != nullptr ? fmt::format("segment {}", index) : "the image",
                                      piece.address, piece.address + piece.memory_size));
    }
  }
  if (bios_) {
    for (const Image::Piece& piece : kernel_->pieces())
      if (bios_->overlap(piece.address, piece.memory_size))
        throw ConfigError(fmt::format("{}: components.{}.kernel: {} at [{:#x}, {:#x}) overlaps the bios {}",
                                      kernel_->where(), basename(), kernel_->file(), piece.address,
                                      piece.address + piece.memory_size, bios_->file()));
  }
}

void Loader::check_resolved() const {
  const std::uint64_t size = run_control_.device_tree_blob().size();
  if (size == 0) return;
  const std::uint64_t address = device_tree_address();
  const std::string where = device_tree_where_.empty()
                                ? fmt::format("components.{}", basename())
                                : fmt::format("{}: components.{}.device_tree_address", device_tree_where_, basename());
  if (address < memory_base_ || address > memory_end_ || memory_end_ - address < size)
    throw ConfigError(fmt::format("{}: the device tree ({} bytes) at {:#x} is outside memory [{:#x}, {:#x})", where,
                                  size, address, memory_base_, memory_end_));
  for (const Image* image : {bios_.get(), kernel_.get()})
    if (image != nullptr && image->overlap(address, size))
      throw ConfigError(fmt::format("{}: the device tree at [{:#x}, {:#x}) overlaps {}", where, address, address + size,
                                    image->file()));
}

void Loader::start_of_simulation() {
  // In chunks, so that a large zero-filled segment needs no buffer of its size.
  constexpr std::uint64_t chunk = 1 << 16;
  std::vector<std::uint8_t> zeroes(chunk);
  for (const Image* image : {bios_.get(), kernel_.get()}) {
    if (image == nullptr) continue;
    for (const Image::Piece& piece : image->pieces()) {
      for (std::uint64_t done = 0; done < piece.memory_size;) {
        const unsigned length = static_cast<unsigned>(std::min(chunk, piece.memory_size - done));
        const unsigned from_file =
            done < piece.file_size ? static_cast<unsigned>(std::min<std::uint64_t>(length, piece.file_size - done)) : 0;
        const std::uint8_t* data = from_file != 0 ? piece.data + done : zeroes.data();
        write(piece.address + done, data, from_file != 0 ? from_file : length);
        done += from_file != 0 ? from_file : length;
      }
      ++segments_;
      bytes_ += piece.memory_size;
    }
  }
  const std::vector<std::uint8_t>& blob = run_control_.device_tree_blob();
  if (!blob.empty()) write(device_tree_address(), blob.data(), static_cast<unsigned>(blob.size()));
}

bool Loader::transfer(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length) {
  prepare_payload(trans_, command, address, data, length);
  return initiator->transport_dbg(trans_) == length;
}

bool Loader::read(std::uint64_t address, void* data, unsigned length) {
  return transfer(tlm::TLM_READ_COMMAND, address, data, length);
}

bool Loader::write(std::uint64_t address, const void* data, unsigned length) {
  return transfer(tlm::TLM_WRITE_COMMAND, address, const_cast<void*>(data), length);
}

}  // namespace vmsim::rv64
