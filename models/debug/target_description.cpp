#include "vmsim/models/debug/target_description.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace vmsim::gdb {
namespace {

constexpr std::array<const char*, 32> integer_names = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
    "a6",   "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr std::array<const char*, 32> float_names = {
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

// The CSRs with a name of their own; the numbered families (hpmcounterN, pmpaddrN, ...) follow.
constexpr std::pair<unsigned, const char*> named_csrs[] = {
    {0x001, "fflags"},     {0x002, "frm"},      {0x003, "fcsr"},          {0xc00, "cycle"},      {0xc01, "time"},
    {0xc02, "instret"},    {0x100, "sstatus"},  {0x104, "sie"},           {0x105, "stvec"},      {0x106, "scounteren"},
    {0x10a, "senvcfg"},    {0x140, "sscratch"}, {0x141, "sepc"},          {0x142, "scause"},     {0x143, "stval"},
    {0x144, "sip"},        {0x14d, "stimecmp"}, {0x180, "satp"},          {0x5a8, "scontext"},   {0xf11, "mvendorid"},
    {0xf12, "marchid"},    {0xf13, "mimpid"},   {0xf14, "mhartid"},       {0xf15, "mconfigptr"}, {0x300, "mstatus"},
    {0x301, "misa"},       {0x302, "medeleg"},  {0x303, "mideleg"},       {0x304, "mie"},        {0x305, "mtvec"},
    {0x306, "mcounteren"}, {0x30a, "menvcfg"},  {0x320, "mcountinhibit"}, {0x340, "mscratch"},   {0x341, "mepc"},
    {0x342, "mcause"},     {0x343, "mtval"},    {0x344, "mip"},           {0x34a, "mtinst"},     {0x34b, "mtval2"},
    {0x747, "mseccfg"},    {0xb00, "mcycle"},   {0xb02, "minstret"},      {0x7a0, "tselect"},    {0x7a1, "tdata1"},
    {0x7a2, "tdata2"},     {0x7a3, "tdata3"},   {0x7a8, "mcontext"},      {0x7b0, "dcsr"},       {0x7b1, "dpc"},
    {0x7b2, "dscratch0"},  {0x7b3, "dscratch1"}};

struct CsrFamily {
  unsigned first;
  unsigned count;
  unsigned first_index;
  const char* prefix;
};
constexpr CsrFamily csr_families[] = {{0xc03, 29, 3, "hpmcounter"},
                                      {0xb03, 29, 3, "mhpmcounter"},
                                      {0x323, 29, 3, "mhpmevent"},
                                      {0x3a0, 16, 0, "pmpcfg"},
                                      {0x3b0, 64, 0, "pmpaddr"}};

constexpr const char* feature_names[] = {"org.gnu.gdb.riscv.cpu", "org.gnu.gdb.riscv.fpu", "org.gnu.gdb.riscv.csr",
                                         "org.gnu.gdb.riscv.virtual"};

bool readable(DebugTarget& target, unsigned number) {
  std::uint64_t value = 0;
  return target.read_register(number, value);
}

std::string describe(const std::vector<RegisterInfo>& registers, bool double_precision) {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
      "<architecture>riscv:rv64</architecture>\n";
  for (const RegisterInfo::Feature feature : {RegisterInfo::Feature::cpu, RegisterInfo::Feature::fpu,
                                              RegisterInfo::Feature::csr, RegisterInfo::Feature::privilege}) {
    const auto in_feature = [feature](const RegisterInfo& info) { return info.feature == feature; };
    if (std::none_of(registers.begin(), registers.end(), in_feature)) continue;
    xml += fmt::format("<feature name=\"{}\">\n", feature_names[static_cast<int>(feature)]);
    if (feature == RegisterInfo::Feature::fpu && double_precision)
      xml +=
          "<union id=\"riscv_double\"><field name=\"float\" type=\"ieee_single\"/>"
          "<field name=\"double\" type=\"ieee_double\"/></union>\n";
    for (const RegisterInfo& info : registers)
      if (in_feature(info))
        xml += fmt::format("<reg name=\"{}\" bitsize=\"{}\" type=\"{}\" regnum=\"{}\"/>\n", info.name, 8 * info.bytes,
                           info.type, info.number);
    xml += "</feature>\n";
  }
  return xml + "</target>\n";
}

}  // namespace

std::string csr_name(unsigned number) {
  for (const auto& [csr, name] : named_csrs)
    if (csr == number) return name;
  for (const CsrFamily& family : csr_families)
    if (number >= family.first && number < family.first + family.count)
      return fmt::format("{}{}", family.prefix, number - family.first + family.first_index);
  return fmt::format("csr{:#x}", number);
}

TargetDescription TargetDescription::probe(DebugTarget& target) {
  using Feature = RegisterInfo::Feature;
  TargetDescription description;
  std::vector<RegisterInfo>& registers = description.registers_;
  for (unsigned i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : (i >= 2 && i <= 4) || i == 8 ? "data_ptr" : "int";
    registers.push_back({debug_register::x0 + i, integer_names[i], 8, type, Feature::cpu});
  }
  registers.push_back({debug_register::pc, "pc", 8, "code_ptr", Feature::cpu});
  const unsigned float_bits = target.float_register_bits();
  const bool floating_point = float_bits == 32 || float_bits == 64;
  if (floating_point)
    for (unsigned i = 0; i < 32; ++i)
      registers.push_back({debug_register::f0 + i, float_names[i], float_bits / 8,
                           float_bits == 64 ? "riscv_double" : "ieee_single", Feature::fpu});
  description.g_registers_ = registers.size();
  for (unsigned csr = 0; csr < debug_register::csr_count; ++csr) {
    const unsigned number = debug_register::csr0 + csr;
    if (!readable(target, number)) continue;
    // The floating-point CSRs are 32 bits wide, and GDB looks for them beside the f registers.
    const bool float_csr = floating_point && csr >= 1 && csr <= 3;
    registers.push_back({number, csr_name(csr), float_csr ? 4u : 8u, "int", float_csr ? Feature::fpu : Feature::csr});
  }
  if (readable(target, debug_register::privilege))
    registers.push_back({debug_register::privilege, "priv", 8, "int", Feature::privilege});
  description.xml_ = describe(registers, float_bits == 64);
  return description;
}

const RegisterInfo* TargetDescription::find(unsigned number) const {
  const auto found = std::lower_bound(registers_.begin(), registers_.end(), number,
                                      [](const RegisterInfo& info, unsigned n) { return info.number < n; });
  return found != registers_.end() && found->number == number ? &*found : nullptr;
}

}  // namespace vmsim::gdb
