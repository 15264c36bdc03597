#include "vmsim/platforms/builtin_models.h"

#include "vmsim/firmware/kernel_model.h"
#include "vmsim/models/cpu/rv64/loader.h"
#include "vmsim/models/cpu/rv64/rv64_hart.h"
#include "vmsim/models/cpu/traffic_gen.h"
#include "vmsim/models/devices/clint.h"
#include "vmsim/models/devices/disk.h"
#include "vmsim/models/devices/gpio.h"
#include "vmsim/models/devices/plic.h"
#include "vmsim/models/devices/test_finisher.h"
#include "vmsim/models/devices/uart.h"
#include "vmsim/models/devices/virtio_blk.h"
#include "vmsim/models/interconnect/external_port.h"
#include "vmsim/models/interconnect/router.h"
#include "vmsim/models/memory/dram.h"
#include "vmsim/models/mmu/mmu.h"
#include "vmsim/models/mmu/page_table_builder.h"

namespace vmsim {

void register_builtin_models(ModelRegistry& registry) {
  registry.add<Router>("router", "System bus: decodes the address map, adds a hop of latency");
  registry.add<ExternalPort>(
      "external_port", "Where an initiator of the program embedding the platform comes in (System::external_socket)");
  registry.add<Dram>("dram", "Main memory: sparse backing store with a timing model");
  registry.add<Disk>("disk", "Block device: registers, DMA, an interrupt, an image file, SSD or HDD timing");
  registry.add<Gpio>("gpio",
                     "GPIO (SiFive gpio0 registers): up to 32 pins with an interrupt line each, stimulus and "
                     "waveform files");
  registry.add<Plic>("plic",
                     "Interrupt controller (RISC-V PLIC): sources with priorities; per hart a machine and a "
                     "supervisor context with enables, a threshold and claim/complete");
  registry.add<Clint>("clint",
                      "Timer (SiFive CLINT): MTIME, and per hart MTIMECMP and MSIP driving its timer and software "
                      "interrupts");
  registry.add<Uart>("uart", "NS16550A serial port: FIFOs, interrupts, baud-rate timing; terminal, file or console");
  registry.add<VirtioBlk>("virtio_blk", "virtio-mmio block device: one queue, DMA, an image file, SSD or HDD timing");
  registry.add<TestFinisher>("test_finisher", "Power-off and test-result device (sifive,test0): ends the run");
  registry.add<KernelModel>("kernel", "Kernel firmware: processes, scheduling, demand paging, swap, shared memory");
  registry.add<Mmu>("mmu", "MMU: TLBs, hardware page-table walker, permission checks, control registers");
  registry.add<PageTableBuilder>("page_tables", "Boot loader without a kernel: builds page tables, programs an MMU");
  registry.add<TrafficGen>("traffic_gen", "CPU traffic generator: a hart running its workload's processes");
  registry.add<rv64::Rv64Hart>("rv64", "RV64GC hart: runs RISC-V machine code through its MMU, the bus and memory");
  registry.add<rv64::Loader>(
      "loader", "Boot loader of the rv64 harts, as QEMU's: a kernel (and firmware), ELF or raw, and the device tree");
}

}  // namespace vmsim
