// The register map of the CLINT (models/devices/clint.h), as on SiFive's parts and QEMU's `virt`:
// shared by the model and the kernel's driver. MSIP is 32 bits wide; MTIMECMP and MTIME are 64 bits
// wide and take 4-byte accesses to either half as well, each half on its own.
#pragma once

#include <cstdint>

namespace vmsim::clint_regs {

// Hart h's registers sit at msip(h) and mtimecmp(h), for h below max_harts.
constexpr unsigned max_harts = 4095;

// Read/write: the hart's machine software interrupt (MSIP) follows bit 0; the other bits read 0.
constexpr std::uint64_t msip(unsigned hart) { return 0x0000 + 4 * std::uint64_t{hart}; }
constexpr std::uint64_t msip_pending = 1;
// Read/write: the hart's machine timer interrupt (MTIP) is pending while MTIME >= MTIMECMP (unsigned).
constexpr std::uint64_t mtimecmp(unsigned hart) { return 0x4000 + 8 * std::uint64_t{hart}; }
constexpr std::uint64_t mtimecmp_reset = ~std::uint64_t{0};
// Read/write: the machine's time, counting up at the timebase frequency from 0 at simulated time 0,
// or from the value last written at the time of the write.
constexpr std::uint64_t mtime = 0xbff8;

constexpr std::uint64_t block_size = 0x10000;

}  // namespace vmsim::clint_regs
