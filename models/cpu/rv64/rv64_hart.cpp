#include "vmsim/models/cpu/rv64/rv64_hart.h"

#include <fmt/format.h>

#include "vmsim/models/core/address_translation.h"
#include "vmsim/models/core/direct_memory.h"
#include "vmsim/models/cpu/rv64/loader.h"

namespace vmsim::rv64 {
namespace {

enum class Misaligned { hardware, trap };

// GDB's priv register numbers the modes as the privileged specification does.
constexpr std::uint64_t privilege_numbers[3] = {0, 1, 3};  // user, supervisor, machine

struct CpiField {
  const char* key;
  unsigned cycles;
  const char* description;
};
// In the order of TimingClass.
constexpr CpiField cpi_fields[timing_classes] = {
    {"alu", 1, "Integer arithmetic and logic, moves, branches not taken"},
    {"branch_taken", 2, "Branches taken and jumps"},
    {"multiply", 3, "Integer multiplications"},
    {"divide", 20, "Integer divisions and remainders"},
    {"csr", 2, "CSR accesses, fences, ecall, ebreak, xRET, wfi, sfence.vma, and taking a trap"},
    {"memory", 1, "Loads, stores and atomics, besides the latency of their memory accesses"},
    {"fp", 3, "Floating-point arithmetic, conversions, comparisons and moves"},
    {"fp_divide", 20, "Floating-point division and square root"},
};

}  // namespace

ParamSchema Rv64Hart::parameters() {
  ParamSchema schema;
  declare_parameters(schema);
  schema.optional<std::string>("loader", "",
                               "The loader whose program the hart runs from its entry point (empty: none, the hart "
                               "starts at reset_address)");
  schema.optional<Address>("reset_address", Address{0x80000000}, "Where the hart starts without a loader");
  schema.derived<std::uint64_t>("hart_id", "the rv64 harts declared before it", "The hart's mhartid");
  schema.optional<bool>("direct", true,
                        "Reach plain memory by direct call (timed and counted as b_transport would be); false: "
                        "every load, store, AMO and fetch block through b_transport, for checking and debugging");
  schema.choice("misaligned", Misaligned::hardware, {{"hardware", Misaligned::hardware}, {"trap", Misaligned::trap}},
                "Misaligned loads and stores: hardware performs them (as one access), or trap raises an "
                "address-misaligned exception");
  schema.optional<Bytes>("fetch_block", Bytes{64},
                         "Bytes an instruction fetch reads from memory at once (a power of two, 4 B to 4 KiB): memory "
                         "is read again when execution leaves the block it read last; each instruction's fetch is "
                         "still translated by the ITLB");
  InstructionTrace::declare(
      schema
          .scope("trace",
                 "The instruction trace (vmsim run --trace-instructions): a line per instruction retired and per "
                 "trap taken, within a window and filters")
          .declare_members());
  Profile::declare(schema
                       .scope("profile",
                              "The symbolized profile (vmsim run --profile): instructions, cycles, TLB misses, walks "
                              "and page faults by function of the programs' ELF files")
                       .declare_members());
  ParamSchema& cpi =
      schema.scope("cpi", "Cycles per instruction of each class, besides memory latencies").declare_members();
  for (const CpiField& field : cpi_fields) cpi.optional<unsigned>(field.key, field.cycles, field.description);
  return schema;
}

Rv64Hart::Rv64Hart(const sc_core::sc_module_name& name, ComponentContext& context)
    : Hart(name, context),
      cycles_(stats(), "cycles", "Clock cycles spent executing (not asleep in wfi), memory stalls included",
              [this] { return static_cast<double>(busy_cycles()); }),
      cpi_(stats(), "cpi", "Cycles per instruction retired (cycles / instructions)",
           [this] { return static_cast<double>(busy_cycles()) / static_cast<double>(core_->retired_instructions()); }) {
  Params& params = context.params;
  loader_name_ = params.get<std::string>("loader");
  loader_where_ = params.locate("loader");
  reset_address_ = params.get<Address>("reset_address").value;
  unsigned& declared = context.run.shared<unsigned>("rv64/harts");
  const auto hart_id = params.get<std::uint64_t>("hart_id", declared++);
  HartMemory::Config memory;
  memory.direct = params.get<bool>("direct");
  memory.trap_misaligned = params.get<Misaligned>("misaligned") == Misaligned::trap;
  const std::uint64_t block = params.get<Bytes>("fetch_block").value;
  if (block < 4 || block > 4096 || (block & (block - 1)) != 0)
    params.fail("fetch_block", "must be a power of two from 4 B to 4 KiB");
  memory.fetch_block = static_cast<unsigned>(block);
  Core::Config core;
  core.hart_id = hart_id;
  core.period = frequency().cycles(1);
  Params cpi = params.scope("cpi");
  for (unsigned cls = 0; cls < timing_classes; ++cls) core.cycles[cls] = cpi.get<unsigned>(cpi_fields[cls].key);
  cpi.reject_unknown();
  Params trace = params.scope("trace");
  trace_ = InstructionTrace::read(trace, context.run, context.output_directory, hart_id);
  trace.reject_unknown();
  Params profile = params.scope("profile");
  profile_ = Profile::read(profile, context.run, context.output_directory, basename(), frequency().cycles(1));
  profile.reject_unknown();

  memory_ = std::make_unique<HartMemory>(memory, stats());
  core_ = std::make_unique<Core>(core, *memory_, stats());
  core_->count_interrupts(interrupts_);
  core_->set_debug(&debug_);
  core_->set_trace(trace_.get());
  core_->set_profile(profile_.get());
  core_->set_timeline(timeline_track("traps"));

  for (const Counter* counter : memory_->access_counters()) context.run.count_accesses(*counter);
  context.run.count_instructions(core_->instructions());
  context.run.initiator_started();
  context.run.report_unfinished([this]() -> std::vector<std::string> {
    if (!sleeping_) return {};
    return {
        fmt::format("{} waits in wfi at pc {:#x} for an interrupt that nothing will raise", this->name(), core_->pc())};
  });
  SC_THREAD(run_program);
}

void Rv64Hart::resolve(const Lookup& find) {
  const auto path = [this](std::string_view key) { return fmt::format("components.{}.{}", basename(), key); };
  const InitiatorBinding& binding = initiator_bindings().front();
  Component* bus = &find(binding.peer, binding.where, path("port"));
  auto* mmu = dynamic_cast<AddressTranslation*>(bus);
  connect_interrupts(find, static_cast<unsigned>(core_->csrs().hart_id()));
  core_->set_time_source(time_source());
  if (mmu != nullptr) {
    if (!mmu->supports(TranslationMode::sv39))
      throw ConfigError(
          fmt::format("{}: {}: '{}' walks no RISC-V page tables; an rv64 hart's MMU has format sv39, "
                      "sv48 or sv57",
                      binding.where, path("port"), binding.peer));
    mmu->set_physical_check(&memory_->pmp());
    mmu_type_ = mmu->supports(TranslationMode::sv57)   ? "riscv,sv57"
                : mmu->supports(TranslationMode::sv48) ? "riscv,sv48"
                                                       : "riscv,sv39";
    // Beyond the MMU, the bus its own port names.
    for (const InitiatorBinding& mmu_binding : bus->initiator_bindings())
      if (mmu_binding.connection->port == "port") {
        bus = &find(mmu_binding.peer, mmu_binding.where, fmt::format("components.{}.port", binding.peer));
        break;
      }
  }
  auto* routing = dynamic_cast<MemoryRouting*>(bus);
  const std::vector<MemoryRoute> routes =
      routing != nullptr ? routing->memory_routes(find) : std::vector<MemoryRoute>{};
  for (const MemoryRoute& route : routes)
    if (!route.memory->direct_access_allowed())
      throw ConfigError(fmt::format(
          "{}: {}: '{}' queues its requests (mode: at), which leaves a gap between an AMO's read and write; an "
          "rv64 hart needs memory that serves each access on arrival (mode: lt)",
          binding.where, path("port"), dynamic_cast<sc_core::sc_object*>(route.memory)->basename()));
  memory_->connect(mmu, routes);
  if (loader_name_.empty()) return;
  loader_ = dynamic_cast<Loader*>(&find(loader_name_, loader_where_, path("loader")));
  if (loader_ == nullptr)
    throw ConfigError(fmt::format("{}: {}: '{}' is not a loader", loader_where_, path("loader"), loader_name_));
  if (Htif* htif = loader_->htif()) memory_->watch(htif->tohost(), htif);
  if (profile_)
    for (const ElfFile* program : loader_->programs()) profile_->add_loaded_program(*program);
}

void Rv64Hart::describe(DeviceTree& tree, const Lookup&) const {
  tree.hart(basename(), static_cast<unsigned>(core_->csrs().hart_id()), "rv64imafdc_zicntr_zicsr_zifencei_sstc",
            mmu_type_);
}

void Rv64Hart::set_interrupt(unsigned input, bool level) {
  Hart::set_interrupt(input, level);
  core_->set_interrupt(input, level);
}

std::uint64_t Rv64Hart::busy_cycles() const { return core_->busy_time().value() / frequency().cycles(1).value(); }

void Rv64Hart::run_program() {
  memory_->set_port(initiator.operator->());
  run().wait_for_boot();
  if (loader_ != nullptr)
    core_->reset(loader_->entry(), core_->csrs().hart_id(), loader_->device_tree_address());
  else
    core_->reset(reset_address_, core_->csrs().hart_id());
  sc_core::sc_time& local = core_->local_time();
  quantum().reset();
  local = sc_core::SC_ZERO_TIME;
  while (!run().failed()) {
    // Up to the next quantum boundary, then synchronise.
    const Core::Stop stop = core_->run(quantum().local_quantum());
    if (stop == Core::Stop::ended) return report_exit();
    if (stop == Core::Stop::lost) {
      run().fail(fmt::format("{}: {}", name(), core_->lost_reason()));
      return;
    }
    quantum().set(local);
    quantum().sync();
    local = sc_core::SC_ZERO_TIME;
    if (stop == Core::Stop::wfi && !sleep()) return;
  }
}

bool Rv64Hart::sleep() {
  sleeping_ = true;
  bool go_on = true;
  for (core_->check_timer(); !core_->wakes() && !run().failed(); core_->check_timer()) {
    if (const std::optional<sc_core::sc_time> due = core_->supervisor_timer_due())
      sc_core::wait(*due - sc_core::sc_time_stamp(), interrupt_raised() | debug_.attention());
    else
      sc_core::wait(interrupt_raised() | debug_.attention());
    core_->check_timer();
    // A debugger may stop the hart here (a step of a sleeping hart ends in its sleep).
    if (!debug_.while_asleep(core_->wakes())) {
      go_on = false;
      break;
    }
  }
  sleeping_ = false;
  return go_on;
}

void Rv64Hart::report_exit() {
  if (loader_ == nullptr || loader_->htif() == nullptr) return;
  if (const std::optional<std::uint64_t> code = loader_->htif()->exit_code()) debug_.exited(static_cast<int>(*code));
}

bool Rv64Hart::read_register(unsigned number, std::uint64_t& value) {
  namespace r = debug_register;
  if (number < 32) {
    value = core_->x(number);
  } else if (number == r::pc) {
    value = core_->pc();
  } else if (number >= r::f0 && number < r::f0 + 32) {
    value = core_->f(number - r::f0);
  } else if (number == r::privilege) {
    value = privilege_numbers[static_cast<unsigned>(core_->privilege())];
  } else if (number >= r::csr0 && number < r::csr0 + r::csr_count) {
    return core_->read_csr(number - r::csr0, value);
  } else {
    return false;
  }
  return true;
}

bool Rv64Hart::write_register(unsigned number, std::uint64_t value) {
  namespace r = debug_register;
  if (number < 32) {
    core_->set_x(number, value);
  } else if (number == r::pc) {
    core_->set_pc(value);
  } else if (number >= r::f0 && number < r::f0 + 32) {
    core_->set_f(number - r::f0, value);
  } else if (number == r::privilege) {
    if (value != 0 && value != 1 && value != 3) return false;
    core_->set_privilege(value == 0 ? Privilege::user : value == 1 ? Privilege::supervisor : Privilege::machine);
  } else if (number >= r::csr0 && number < r::csr0 + r::csr_count) {
    return core_->write_csr(number - r::csr0, value);
  } else {
    return false;
  }
  return true;
}

std::size_t Rv64Hart::read_memory(std::uint64_t address, std::uint8_t* data, std::size_t length) {
  std::size_t done = 0;
  while (done < length) {  // HartMemory moves at most 4 GiB at once
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(length - done, 1u << 30));
    const unsigned moved = memory_->read_debug(address + done, data + done, chunk);
    done += moved;
    if (moved < chunk) break;
  }
  return done;
}

std::size_t Rv64Hart::write_memory(std::uint64_t address, const std::uint8_t* data, std::size_t length) {
  std::size_t done = 0;
  while (done < length) {
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(length - done, 1u << 30));
    const unsigned moved = memory_->write_debug(address + done, data + done, chunk);
    done += moved;
    if (moved < chunk) break;
  }
  return done;
}

}  // namespace vmsim::rv64
