// The GPIO's registers as software sees them: 64-bit, accessed 8 bytes at a time, bit n = pin n.
// Shared by the model and the kernel's driver; no SystemC here.
#pragma once

#include <cstdint>

namespace vmsim::gpio_regs {

constexpr std::uint64_t data_out = 0x00;
constexpr std::uint64_t data_in = 0x08;    // read-only: every pin's level
constexpr std::uint64_t direction = 0x10;  // 1 = output
constexpr std::uint64_t set = 0x18;        // write: DATA_OUT |= value
constexpr std::uint64_t clear = 0x20;      // write: DATA_OUT &= ~value
constexpr std::uint64_t irq_enable = 0x28;
constexpr std::uint64_t irq_rise = 0x30;    // pins whose rising edges set IRQ_STATUS
constexpr std::uint64_t irq_fall = 0x38;    // pins whose falling edges set IRQ_STATUS
constexpr std::uint64_t irq_status = 0x40;  // write one to clear
constexpr std::uint64_t block_size = 0x48;

constexpr unsigned max_pins = 64;

}  // namespace vmsim::gpio_regs
