// The register map of the CLINT-like timer (models/devices/clint.h), shared by the model and the
// kernel's driver. 64-bit registers, accessed 8 bytes at a time.
#pragma once

#include <cstdint>

namespace vmsim::clint_regs {

constexpr unsigned max_harts = 32;

// Read-only: ticks of the timer's clock since simulated time 0.
constexpr std::uint64_t mtime = 0x00;
// Read-only: MTIME's ticks per second (what a device tree's timebase-frequency tells).
constexpr std::uint64_t timebase = 0x08;

// Each hart has a pair of registers, hart_stride bytes apart, from hart_base.
constexpr std::uint64_t hart_base = 0x100;
constexpr std::uint64_t hart_stride = 0x10;
// Read/write: the hart's software (inter-processor) interrupt line follows bit 0.
constexpr std::uint64_t msip(unsigned hart) { return hart_base + hart_stride * hart; }
constexpr std::uint64_t msip_pending = 1;
// Read/write: the hart's timer interrupt line is high while MTIME >= MTIMECMP.
constexpr std::uint64_t mtimecmp(unsigned hart) { return msip(hart) + 8; }
constexpr std::uint64_t mtimecmp_reset = ~std::uint64_t{0};

constexpr std::uint64_t block_size(unsigned harts) { return hart_base + hart_stride * harts; }

}  // namespace vmsim::clint_regs
