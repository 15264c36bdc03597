// The kernel on a platform: what the boot firmware hands the kernel (a device tree: memory, the
// harts with their MMUs and timebase, the CLINT, the PLIC, the devices and their interrupt sources),
// the HAL over the kernel's own bus port, and the trap entry that harts call on their own threads.
// It boots the kernel before any hart starts. It wires no interrupt: those reach the harts from the
// CLINT and the PLIC, and the kernel sees them as traps.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "vmsim/firmware/hal.h"
#include "vmsim/firmware/kernel.h"
#include "vmsim/models/core/bus_port.h"
#include "vmsim/models/core/component.h"
#include "vmsim/models/core/trap.h"

namespace vmsim {

class InterruptController;

class KernelModel final : public Component, public Hal, public TrapHandler, public AccessProbe {
 public:
  tlm_utils::simple_initiator_socket<KernelModel> initiator{"initiator"};

  SC_HAS_PROCESS(KernelModel);
  static ParamSchema parameters();
  KernelModel(const sc_core::sc_module_name& name, ComponentContext& context);

  void resolve(const Lookup& find) override;
  void check_resolved() const override;

  unsigned attach_hart(const HartDescription& hart) override;
  TrapReturn trap(unsigned hart, const Trap& trap, sc_core::sc_time& delay) override;
  void retry_completed(unsigned hart) override;
  bool wants_accesses() const override { return kernel_ && kernel_->wants_accesses(); }
  void accessed(unsigned hart, std::uint64_t address, std::uint64_t length) override;

  bool read(std::uint64_t address, void* data, unsigned length, sc_core::sc_time& delay) override;
  bool write(std::uint64_t address, const void* data, unsigned length, sc_core::sc_time& delay) override;

 private:
  void boot();
  // Throws ConfigError if the memory lies beyond what the MMUs' page-table format can address; the
  // memory and the format become known in either order (resolve, attach_hart).
  void check_memory_reachable() const;
  // The base of the registers of the component `name`, which the configuration names at `where`.
  std::uint64_t registers_of(const Lookup& find, const std::string& name, const std::string& where,
                             const std::string& path, std::string_view what);

  std::string memory_name_;
  std::string memory_where_;
  std::string memory_base_where_;  // where the memory's own configuration places it
  std::string swap_size_where_;
  std::string swap_disk_;
  std::string swap_where_;
  std::string timer_name_;
  std::string timer_where_;
  std::string controller_name_;
  std::string controller_where_;
  std::string frame_limit_where_;
  InterruptController* controller_ = nullptr;
  // Devices processes may map: name, where the configuration names it, and the processes allowed.
  struct DeviceGrant {
    std::string name;
    std::string where;
    std::vector<std::string> users;
  };
  std::vector<DeviceGrant> devices_;
  Kernel::Config config_;
  // The register bases of the timer and the interrupt controller each hart takes its interrupts from.
  struct HartWiring {
    std::uint64_t timer;
    std::uint64_t interrupt_controller;
  };
  std::vector<HartWiring> hart_wiring_;
  Frequency frequency_;
  std::unique_ptr<Kernel> kernel_;
  BusPort bus_{initiator};
  // One hart in the kernel at a time. Handlers never wait for a device, so the lock is only ever
  // contended when a bus access inside a handler lets simulated time pass.
  sc_core::sc_mutex lock_{"lock"};
};

}  // namespace vmsim
