// The test finisher of QEMU's virt machine and SiFive's boards (`sifive,test0`), which firmware
// uses to power the machine off: a 32-bit register whose write ends the run. 0x5555 ends it with
// exit status 0 (pass), 0x3333 | code << 16 with exit status 1 and one line naming the code (fail),
// 0x7777 (reset) with exit status 0 and a line saying that the machine was not restarted; vmsim
// runs one boot. Any other value is ignored, as on QEMU. The statistics are written in every case.
#pragma once

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/register_bank.h"

namespace vmsim {

class VMSIM_API TestFinisher final : public Component, public DeviceTreeDevice {
 public:
  static ParamSchema parameters();
  TestFinisher(const sc_core::sc_module_name& name, ComponentContext& context);

  TargetSocket* target_socket() override { return &bank_.socket; }
  void describe(DeviceTree& tree, const Lookup& find) const override;

 private:
  void write(std::uint32_t value);

  RegisterBank bank_{"target", {nullptr, &writes_, &errors_}};

  Counter writes_{stats(), "register_writes", "Register writes"};
  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  Counter ignored_{stats(), "ignored_writes", "Writes of a value that is no command (ignored)"};
};

}  // namespace vmsim
