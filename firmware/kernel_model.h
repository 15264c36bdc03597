// The kernel as a platform component: the processor time and bus port the firmware runs on. It
// implements the HAL over its own initiator socket, boots the kernel before any CPU starts, and is
// where CPUs trap to (system calls, page faults), in their own threads and on their timelines.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>

#include "firmware/hal.h"
#include "firmware/kernel.h"
#include "models/core/component.h"

namespace vmsim {

class Mmu;

class KernelModel final : public Component, public Hal {
 public:
  tlm_utils::simple_initiator_socket<KernelModel> initiator{"initiator"};

  SC_HAS_PROCESS(KernelModel);
  KernelModel(const sc_core::sc_module_name& name, ComponentContext& context);

  void resolve(const Lookup& find) override;
  // A CPU whose accesses go through `mmu` announces itself (during resolve); returns its number.
  unsigned attach(const Mmu& mmu);
  // Valid once booted, which every CPU waits for.
  Kernel& kernel() { return *kernel_; }
  // One thread in the kernel at a time: a CPU's and a fault worker's entries may interleave only
  // where the kernel sleeps on the disk.
  sc_core::sc_mutex& lock() { return lock_; }

  bool read(std::uint64_t address, void* data, unsigned length, sc_core::sc_time& delay) override;
  bool write(std::uint64_t address, const void* data, unsigned length, sc_core::sc_time& delay) override;
  void wait_for_interrupt(unsigned line) override;
  bool interrupt_pending(unsigned line) const override;

 private:
  bool transfer(tlm::tlm_command command, std::uint64_t address, void* data, unsigned length, sc_core::sc_time& delay);
  void boot();

  std::string memory_name_;
  std::string memory_where_;
  std::string swap_disk_;
  std::string swap_where_;
  // Devices processes may map: name, where the configuration names it, and the processes allowed.
  struct DeviceGrant {
    std::string name;
    std::string where;
    std::vector<std::string> users;
    Kernel::Device device;
  };
  std::vector<DeviceGrant> devices_;
  Kernel::Config config_;
  Frequency frequency_;
  std::vector<const Mmu*> mmus_;
  std::unique_ptr<Kernel> kernel_;
  tlm::tlm_generic_payload trans_;
  sc_core::sc_mutex lock_{"lock"};

  // The interrupt controller: one entry per connected line, counting its rising edges.
  struct Line {
    const sc_core::sc_signal_in_if<bool>* signal;
    std::string source;
    std::unique_ptr<Counter> raised;
    std::unique_ptr<Counter> handled;
  };
  std::vector<Line> lines_;
  StatGroup interrupt_stats_{stats(), "interrupts"};
};

}  // namespace vmsim
