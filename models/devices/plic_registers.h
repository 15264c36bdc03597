// The register map of the PLIC-like interrupt controller (models/devices/plic.h), shared by the
// model and the kernel's driver. 64-bit registers, accessed 8 bytes at a time.
#pragma once

#include <cstdint>

namespace vmsim::plic_regs {

// Sources are numbered from 1 in the order they connect; 0 means "no source". Bit s of a source
// mask stands for source s.
constexpr unsigned max_sources = 63;
constexpr unsigned max_harts = 32;
constexpr std::uint64_t source_bit(unsigned source) { return std::uint64_t{1} << source; }

// Read-only: the sources whose line is high and which are not in service.
constexpr std::uint64_t pending = 0x00;
// Read-only: the number of connected sources, numbered 1 to that number.
constexpr std::uint64_t sources = 0x08;

// Each hart has a pair of registers, hart_stride bytes apart, from hart_base.
constexpr std::uint64_t hart_base = 0x100;
constexpr std::uint64_t hart_stride = 0x10;
// Read/write source mask: the sources that interrupt this hart. Bits of unconnected sources read 0.
constexpr std::uint64_t enable(unsigned hart) { return hart_base + hart_stride * hart; }
// Read = claim: the lowest-numbered source pending and enabled for this hart, which leaves pending
// and is in service until completed; 0 if there is none. Write of a source number = complete: its
// service ends, and if its line is still high it is pending again at once. Completing a source
// that is not in service does nothing.
constexpr std::uint64_t claim_complete(unsigned hart) { return enable(hart) + 8; }

constexpr std::uint64_t block_size(unsigned harts) { return hart_base + hart_stride * harts; }

}  // namespace vmsim::plic_regs
