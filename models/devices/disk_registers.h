// The disk's registers as software sees them: 64-bit, accessed 8 bytes at a time. Shared by the
// model and the kernel's driver; no SystemC here.
#pragma once

#include <cstdint>

namespace vmsim::disk_regs {

constexpr std::uint64_t lba = 0x00;
constexpr std::uint64_t sector_count = 0x08;
constexpr std::uint64_t dma_address = 0x10;
constexpr std::uint64_t command = 0x18;  // write: starts a command
constexpr std::uint64_t status = 0x20;   // read-only
constexpr std::uint64_t irq_enable = 0x28;
constexpr std::uint64_t irq_status = 0x30;   // write one to clear
constexpr std::uint64_t sector_size = 0x38;  // read-only, in bytes
constexpr std::uint64_t capacity = 0x40;     // read-only, in sectors
constexpr std::uint64_t block_size = 0x48;

// COMMAND values
constexpr std::uint64_t command_read = 1;
constexpr std::uint64_t command_write = 2;
constexpr std::uint64_t command_flush = 3;
// STATUS bits
constexpr std::uint64_t status_busy = 1;
constexpr std::uint64_t status_error = 2;
constexpr std::uint64_t status_done = 4;
// IRQ_ENABLE and IRQ_STATUS bits
constexpr std::uint64_t irq_complete = 1;

}  // namespace vmsim::disk_regs
