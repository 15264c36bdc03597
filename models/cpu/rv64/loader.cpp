#include "vmsim/models/cpu/rv64/loader.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "vmsim/models/core/direct_memory.h"
#include "vmsim/models/core/payload.h"

namespace vmsim::rv64 {
namespace {

const Connection port{"port", "bus", "Component the program is written through (debug transport)", {{"router"}}};

}  // namespace

ParamSchema Loader::parameters() {
  ParamSchema schema;
  declare_connection(schema, port);
  schema.optional<std::string>("kernel", "",
                               "The program: an ELF64 RISC-V executable, relative to this configuration's folder "
                               "(vmsim run --kernel FILE sets it)");
  schema.optional<bool>("htif", true,
                        "Serve the program's HTIF when it has a tohost symbol: its exit code ends the run, its "
                        "console goes to standard output and to <out>/console.txt");
  return schema;
}

Loader::Loader(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  connect(initiator, params, port);
  const auto file = params.get<std::string>("kernel");
  if (file.empty()) params.fail("kernel", "no program to load: give one with vmsim run --kernel FILE");
  file_ = params.resolve_path(file);
  file_where_ = params.locate("kernel");
  const bool htif = params.get<bool>("htif");
  try {
    program_ = std::make_unique<ElfFile>(file_);
  } catch (const std::runtime_error& e) {
    params.fail("kernel", e.what());
  }
  trans_.set_dmi_allowed(false);
  const std::optional<std::uint64_t> tohost = program_->symbol("tohost");
  if (!htif || !tohost) return;
  const std::optional<std::uint64_t> tohost_physical = program_->physical(*tohost);
  if (!tohost_physical) params.fail("kernel", fmt::format("{}: its tohost symbol is in no segment", file_));
  std::optional<std::uint64_t> fromhost;
  if (const auto symbol = program_->symbol("fromhost")) fromhost = program_->physical(*symbol);
  htif_ = std::make_unique<Htif>(this->name(), context.run, *this, *tohost_physical, fromhost,
                                 (std::filesystem::path(context.output_directory) / "console.txt").string());
}

void Loader::resolve(const Lookup& find) {
  const InitiatorBinding& binding = initiator_bindings().front();
  auto* bus =
      dynamic_cast<MemoryRouting*>(&find(binding.peer, binding.where, fmt::format("components.{}.port", basename())));
  const std::vector<MemoryRoute> routes = bus != nullptr ? bus->memory_routes(find) : std::vector<MemoryRoute>{};
  const std::vector<ElfFile::Segment>& segments = program_->segments();
  for (std::size_t index = 0; index < segments.size(); ++index) {
    const ElfFile::Segment& segment = segments[index];
    const bool in_memory = std::any_of(routes.begin(), routes.end(), [&](const MemoryRoute& route) {
      return route.holds(segment.physical_address, segment.memory_size);
    });
    if (!in_memory)
      throw ConfigError(fmt::format("{}: components.{}.kernel: {}: segment {} at [{:#x}, {:#x}) is outside memory",
                                    file_where_, basename(), file_, index, segment.physical_address,
                                    segment.physical_address + segment.memory_size));
  }
}

void Loader::start_of_simulation() {
  // In chunks, so that a large zero-filled segment needs no buffer of its size.
  constexpr std::uint64_t chunk = 1 << 16;
  std::vector<std::uint8_t> zeroes(chunk);
  for (const ElfFile::Segment& segment : program_->segments()) {
    for (std::uint64_t done = 0; done < segment.memory_size;) {
      const unsigned length = static_cast<unsigned>(std::min(chunk, segment.memory_size - done));
      const unsigned from_file = done < segment.file_size
                                     ? static_cast<unsigned>(std::min<std::uint64_t>(length, segment.file_size - done))
                                     : 0;
      std::uint8_t* data = from_file != 0 ? const_cast<std::uint8_t*>(program_->data(segment) + done) : zeroes.data();
      write(segment.physical_address + done, data, from_file != 0 ? from_file : length);
      done += from_file != 0 ? from_file : length;
    }
    ++segments_;
    bytes_ += segment.memory_size;
  }
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
