#include "vmsim/platforms/builtin_models.h"

#include "vmsim/firmware/kernel_model.h"
#include "vmsim/models/cpu/traffic_gen.h"
#include "vmsim/models/devices/clint.h"
#include "vmsim/models/devices/disk.h"
#include "vmsim/models/devices/gpio.h"
#include "vmsim/models/devices/plic.h"
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
  registry.add<Gpio>("gpio", "GPIO: pins behind registers, edge interrupts, stimulus and waveform files");
  registry.add<Plic>("plic", "Interrupt controller: device lines in, one external interrupt per hart, claim/complete");
  registry.add<Clint>("clint", "Timer: a 64-bit time counter, a compare register and a software interrupt per hart");
  registry.add<KernelModel>("kernel", "Kernel firmware: processes, scheduling, demand paging, swap, shared memory");
  registry.add<Mmu>("mmu", "MMU: TLBs, hardware page-table walker, permission checks, control registers");
  registry.add<PageTableBuilder>("page_tables", "Boot loader without a kernel: builds page tables, programs an MMU");
  registry.add<TrafficGen>("traffic_gen", "CPU traffic generator: a hart running its workload's processes");
}

}  // namespace vmsim
