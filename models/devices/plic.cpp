#include "vmsim/models/devices/plic.h"

#include <algorithm>

#include <fmt/format.h>

namespace vmsim {

Plic::Line::Line(StatGroup& parent, const std::string& source_name, unsigned requested_number)
    : name(source_name), requested(requested_number), stats(parent, source_name) {}

ParamSchema Plic::parameters() {
  ParamSchema schema;
  schema.optional<unsigned>("sources", 96,
                            "Number of interrupt sources, 1 to 1023 (96: the riscv,ndev of QEMU 7.2's virt)");
  schema.optional<unsigned>("priority_bits", 3,
                            "Bits of each priority and threshold register, 1 to 32 (3: priorities 0 to 7, as on "
                            "QEMU's virt)");
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(2, sc_core::SC_NS),
                                    "Latency of a register access");
  schema.choice("gateway", Gateway::level, {{"level", Gateway::level}, {"edge", Gateway::edge}},
                "What a source's line requests: level, while it is high (again at completion, as the PLIC "
                "specification says); edge, when it rises (as QEMU's PLIC does, which software written for QEMU's "
                "virt may rely on: xv6 leaves the UART's transmitter-empty interrupt pending)");
  // As on QEMU's virt: room for the contexts of (0x600000 - 0x200000) / 0x2000 = 512 harts.
  declare_mapping(schema, 0x600000, "PLIC's registers");
  return schema;
}

Plic::Plic(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  if (params.contains("harts"))
    params.fail("harts", "a PLIC has two contexts for every hart whose interrupt_controller names it: remove this key");
  sources_ = params.get<unsigned>("sources");
  if (sources_ == 0 || sources_ > plic_regs::max_sources) params.fail("sources", "must be from 1 to 1023");
  const auto priority_bits = params.get<unsigned>("priority_bits");
  if (priority_bits == 0 || priority_bits > 32) params.fail("priority_bits", "must be from 1 to 32");
  priority_mask_ = static_cast<std::uint32_t>((std::uint64_t{1} << priority_bits) - 1);
  level_gateway_ = params.get<Gateway>("gateway") == Gateway::level;
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  size_ = map_on_bus(bank_.socket, params);
  if (size_ < plic_regs::block_size(2)) params.fail("size", "must hold one hart's contexts: at least 0x202000");
  words_ = plic_regs::word_of(sources_) + 1;
  by_number_.assign(sources_ + 1, nullptr);
  pending_.assign(words_, 0);
  in_flight_.assign(words_, 0);
  const auto update = [this](const RegisterWrite&) { update_contexts(); };
  bank_.add_array(RegisterSpec("priority", plic_regs::priority(1)).width(4).mask(priority_mask_).on_write(update),
                  sources_, 4);
  bank_.add_array(RegisterSpec("pending", plic_regs::pending(0))
                      .width(4)
                      .access(RegisterAccess::read_only)
                      .on_read([this](const RegisterRead& read) { return std::uint64_t{pending_[read.index]}; }),
                  words_, 4);
}

void Plic::add_context() {
  const auto context = static_cast<unsigned>(contexts_.size());
  contexts_.push_back({nullptr, context % 2 == 0 ? hart_irq::machine_external : hart_irq::supervisor_external, false});
  for (unsigned word = 0; word < words_; ++word) {
    // Only the sources there are have enable bits; source 0 does not exist.
    std::uint32_t exists = word + 1 < words_ ? ~std::uint32_t{0} : (plic_regs::bit_of(sources_) << 1) - 1;
    if (word == 0) exists &= ~plic_regs::bit_of(0);
    bank_.add(RegisterSpec(fmt::format("enable{}_{}", context, word), plic_regs::enable(context, word))
                  .width(4)
                  .mask(exists)
                  .on_write([this](const RegisterWrite&) { update_contexts(); }));
  }
  bank_.add(RegisterSpec(fmt::format("threshold{}", context), plic_regs::threshold(context))
                .width(4)
                .mask(priority_mask_)
                .on_write([this](const RegisterWrite&) { update_contexts(); }));
  // A debug read tells what a claim would return, without claiming.
  bank_.add(RegisterSpec(fmt::format("claim_complete{}", context), plic_regs::claim_complete(context))
                .width(4)
                .on_read([this, context](const RegisterRead& read) {
                  return std::uint64_t{read.debug ? best(context) : claim(context)};
                })
                .on_write([this, context](const RegisterWrite& write) { complete(context, write.value); }));
}

void Plic::connect_hart(unsigned hart, InterruptSink& hart_input) {
  const unsigned supervisor = plic_regs::supervisor_context(hart);
  if (supervisor >= plic_regs::max_contexts || plic_regs::block_size(supervisor + 1) > size_) {
    const std::uint64_t harts_served =
        std::min((size_ - plic_regs::block_size(0)) / 0x2000, std::uint64_t{plic_regs::max_contexts / 2});
    throw ConfigError(fmt::format("{}: no contexts for hart {}: a PLIC of size {:#x} has them for harts 0 to {}",
                                  name(), hart, size_, harts_served - 1));
  }
  while (contexts_.size() <= supervisor) add_context();
  for (const unsigned context : {plic_regs::machine_context(hart), supervisor}) {
    contexts_[context].input = &hart_input;
    if (contexts_[context].level) hart_input.set_interrupt(contexts_[context].hart_input, true);
  }
}

std::pair<InterruptSink*, unsigned> Plic::connect_source(const std::string& source_name, unsigned number) {
  if (source_number(source_name))
    throw ConfigError(fmt::format("'{}' has a source named '{}' already", basename(), source_name));
  if (number > sources_)
    throw ConfigError(fmt::format("'{}' has sources 1 to {}, not {}", basename(), sources_, number));
  if (number != 0 && by_number_[number] != nullptr && by_number_[number]->requested == number)
    throw ConfigError(fmt::format("source {} of '{}' is '{}' already", number, basename(), by_number_[number]->name));
  lines_.push_back(std::make_unique<Line>(source_stats_, source_name, number));
  number_lines();
  return {this, static_cast<unsigned>(lines_.size() - 1)};
}

void Plic::number_lines() {
  std::fill(by_number_.begin(), by_number_.end(), nullptr);
  for (const auto& line : lines_)
    if (line->requested != 0) by_number_[line->number = line->requested] = line.get();
  unsigned next = 1;
  for (const auto& line : lines_) {
    if (line->requested != 0) continue;
    while (next <= sources_ && by_number_[next] != nullptr) ++next;
    if (next > sources_)
      throw ConfigError(
          fmt::format("'{}' has no source number left for '{}' (sources: {})", basename(), line->name, sources_));
    by_number_[line->number = next] = line.get();
  }
  // Lines connect while the platform is built, before any claim: a high line is simply pending.
  std::fill(pending_.begin(), pending_.end(), 0);
  std::fill(in_flight_.begin(), in_flight_.end(), 0);
  for (const auto& line : lines_)
    if (line->level) request(line->number);
  update_contexts();
}

std::optional<unsigned> Plic::source_number(const std::string& source_name) const {
  const auto found = std::find_if(lines_.begin(), lines_.end(),
                                  [&](const std::unique_ptr<Line>& line) { return line->name == source_name; });
  if (found == lines_.end()) return std::nullopt;
  return (*found)->number;
}

void Plic::set_interrupt(unsigned index, bool level) {
  Line& line = *lines_[index];
  if (level == line.level) return;
  line.level = level;
  if (!level) return;  // a request once forwarded stays: the gateway cannot take it back
  ++line.raised;
  if (source_track_) source_track_.instant("raised", sc_core::sc_time_stamp(), {"source", line.number});
  if (!level_gateway_ && (in_flight_[plic_regs::word_of(line.number)] & plic_regs::bit_of(line.number)) != 0)
    line.rose_in_flight = true;
  request(line.number);
  update_contexts();
}

void Plic::request(unsigned source) {
  const unsigned word = plic_regs::word_of(source);
  const std::uint32_t bit = plic_regs::bit_of(source);
  if ((in_flight_[word] & bit) != 0) return;
  in_flight_[word] |= bit;
  pending_[word] |= bit;
}

unsigned Plic::best(unsigned context, std::uint32_t above) const {
  unsigned chosen = 0;
  std::uint32_t highest = above;
  for (unsigned word = 0; word < words_; ++word) {
    for (std::uint32_t candidates = pending_[word] & enabled(context, word); candidates != 0;
         candidates &= candidates - 1) {
      const unsigned source = 32 * word + static_cast<unsigned>(__builtin_ctz(candidates));
      if (const std::uint32_t level = priority(source); level > highest) {
        highest = level;
        chosen = source;
      }
    }
  }
  return chosen;
}

unsigned Plic::claim(unsigned context) {
  ++claims_;
  const unsigned source = best(context);
  if (source == 0) {
    ++spurious_claims_;
    return 0;
  }
  ++by_number_[source]->claimed;
  pending_[plic_regs::word_of(source)] &= ~plic_regs::bit_of(source);
  update_contexts();
  return source;
}

void Plic::complete(unsigned context, std::uint64_t source) {
  // Ignored, as the specification says, unless the source is enabled for the context (whichever
  // context claimed it: the PLIC does not check); nothing to do unless a request is in flight.
  if (source == 0 || source > sources_) return;
  const auto number = static_cast<unsigned>(source);
  const unsigned word = plic_regs::word_of(number);
  const std::uint32_t bit = plic_regs::bit_of(number);
  if ((enabled(context, word) & bit) == 0 || (in_flight_[word] & bit) == 0) return;
  in_flight_[word] &= ~bit;
  if (Line* const line = by_number_[number]; line != nullptr && (level_gateway_ ? line->level : line->rose_in_flight)) {
    line->rose_in_flight = false;
    request(number);
  }
  update_contexts();
}

void Plic::update_contexts() {
  for (unsigned index = 0; index < contexts_.size(); ++index) {
    Context& context = contexts_[index];
    const bool level = best(index, static_cast<std::uint32_t>(bank_.value(plic_regs::threshold(index)))) != 0;
    if (level == context.level) continue;
    context.level = level;
    if (context.input != nullptr) context.input->set_interrupt(context.hart_input, level);
  }
}

void Plic::describe(DeviceTree& tree, const Lookup&) const {
  const MappedTarget& mapped = mapped_targets().front();
  DeviceTree::Node& node = tree.device(basename(), "plic", mapped.base, mapped.size);
  node.set("compatible", std::vector<std::string>{"sifive,plic-1.0.0", "riscv,plic0"});
  node.set("#address-cells", Cells().u32(0));
  node.set("#interrupt-cells", Cells().u32(1));
  node.set("interrupt-controller");
  node.set("riscv,ndev", Cells().u32(sources_));
  node.label(basename());
  // Two contexts per hart, as the PLIC specification has them: machine (11) and supervisor (9)
  // external interrupts.
  Cells inputs;
  for (unsigned h = 0; h < contexts() / 2; ++h) {
    const std::string controller = DeviceTree::hart_interrupt_controller(h);
    inputs.ref(controller).u32(11).ref(controller).u32(9);
  }
  node.set("interrupts-extended", std::move(inputs));
}

}  // namespace vmsim
