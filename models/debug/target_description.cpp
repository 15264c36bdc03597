#include "vmsim/models/debug/target_description.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "vmsim/models/core/riscv_names.h"

namespace vmsim::gdb {
namespace {

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

TargetDescription TargetDescription::probe(DebugTarget& target) {
  using Feature = RegisterInfo::Feature;
  TargetDescription description;
  std::vector<RegisterInfo>& registers = description.registers_;
  for (unsigned i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : (i >= 2 && i <= 4) || i == 8 ? "data_ptr" : "int";
    registers.push_back({debug_register::x0 + i, riscv::integer_names[i], 8, type, Feature::cpu});
  }
  registers.push_back({debug_register::pc, "pc", 8, "code_ptr", Feature::cpu});
  const unsigned float_bits = target.float_register_bits();
  const bool floating_point = float_bits == 32 || float_bits == 64;
  if (floating_point)
    for (unsigned i = 0; i < 32; ++i)
      registers.push_back({debug_register::f0 + i, riscv::float_names[i], float_bits / 8,
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
