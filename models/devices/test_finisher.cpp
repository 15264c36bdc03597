#include "vmsim/models/devices/test_finisher.h"

#include <fmt/format.h>

namespace vmsim {
namespace {

constexpr std::uint32_t command_fail = 0x3333;
constexpr std::uint32_t command_pass = 0x5555;
constexpr std::uint32_t command_reset = 0x7777;

}  // namespace

ParamSchema TestFinisher::parameters() {
  ParamSchema schema;
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(5, sc_core::SC_NS),
                                    "Latency of a register access");
  declare_mapping(schema, 0x1000, "test finisher's register");
  return schema;
}

TestFinisher::TestFinisher(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  map_on_bus(bank_.socket, params);
  bank_.add(RegisterSpec("finisher", 0x0)
                .width(4)
                .access(RegisterAccess::write_only_reads_zero)
                .on_write([this](const RegisterWrite& access) { write(static_cast<std::uint32_t>(access.value)); }));
}

void TestFinisher::write(std::uint32_t value) {
  // The machine stops at the write: whatever its writer would do after it never happens.
  switch (value & 0xffff) {
    case command_pass: run().finish(0); break;
    case command_fail:
      run().finish(1, fmt::format("at {}: {}: the software reported a failure, code {}",
                                  format_time(sc_core::sc_time_stamp()), name(), value >> 16));
      break;
    case command_reset:
      run().finish(0, fmt::format("at {}: {}: the software asked for a reset; the run ends there (vmsim does not "
                                  "restart the machine)",
                                  format_time(sc_core::sc_time_stamp()), name()));
      break;
    default: ++ignored_;
  }
}

void TestFinisher::describe(DeviceTree& tree, const Lookup&) const {
  const MappedTarget& mapped = mapped_targets().front();
  DeviceTree::Node& node = tree.device(basename(), "test", mapped.base, mapped.size);
  node.set("compatible", std::vector<std::string>{"sifive,test1", "sifive,test0", "syscon"});
  node.label(basename());
  // Where Linux and OpenSBI find how to power off and restart: this register, these values.
  const auto command = [&](const char* path, const char* compatible, std::uint32_t value) {
    DeviceTree::Node& action = tree.node(path);
    action.set("compatible", compatible);
    action.set("regmap", Cells().ref(basename()));
    action.set("offset", Cells().u32(0));
    action.set("value", Cells().u32(value));
  };
  command("/poweroff", "syscon-poweroff", command_pass);
  command("/reboot", "syscon-reboot", command_reset);
}

}  // namespace vmsim
