#include "models/cpu/rv64/rv64_hart.h"

#include <fmt/format.h>

#include <tlm_utils/tlm_quantumkeeper.h>

#include "models/core/address_translation.h"
#include "models/core/direct_memory.h"
#include "models/cpu/rv64/loader.h"

namespace vmsim::rv64 {
namespace {

enum class Misaligned { hardware, trap };

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

  memory_ = std::make_unique<HartMemory>(memory, stats());
  core_ = std::make_unique<Core>(core, *memory_, stats());
  core_->count_interrupts(interrupts_);

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
    const Core::Stop stop = core_->run(tlm::tlm_global_quantum::instance().compute_local_quantum());
    if (stop == Core::Stop::ended) return;
    if (stop == Core::Stop::lost) {
      run().fail(fmt::format("{}: {}", name(), core_->lost_reason()));
      return;
    }
    quantum().set(local);
    quantum().sync();
    local = sc_core::SC_ZERO_TIME;
    if (stop == Core::Stop::wfi) sleep();
  }
}

void Rv64Hart::sleep() {
  sleeping_ = true;
  for (core_->check_timer(); !core_->wakes() && !run().failed(); core_->check_timer()) {
    if (const std::optional<sc_core::sc_time> due = core_->supervisor_timer_due())
      sc_core::wait(*due - sc_core::sc_time_stamp(), interrupt_raised());
    else
      sc_core::wait(interrupt_raised());
  }
  sleeping_ = false;
}

}  // namespace vmsim::rv64
