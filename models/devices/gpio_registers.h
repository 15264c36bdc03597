// The GPIO's registers, in the layout of SiFive's `gpio0` (FE310, FU540 and FU740 manuals), which
// Linux's and U-Boot's `sifive,gpio0` drivers use: 32-bit registers, bit n = pin n. Shared by the
// model and the kernel's driver; no SystemC here.
#pragma once

#include <cstdint>

namespace vmsim::gpio_regs {

constexpr std::uint64_t input_val = 0x00;   // read-only: the level of each pin whose input is enabled
constexpr std::uint64_t input_en = 0x04;    // pins whose input is sampled (input_val, interrupts)
constexpr std::uint64_t output_en = 0x08;   // pins the GPIO drives
constexpr std::uint64_t output_val = 0x0c;  // the level each driven pin gets (before out_xor)
constexpr std::uint64_t pue = 0x10;         // pull-up enables
constexpr std::uint64_t ds = 0x14;          // drive strengths
// Interrupt enables, and pending bits (write one to clear) set by the pins' sampled inputs: rising
// and falling edges, high and low levels (a level sets its bit again while it lasts). A pin's
// interrupt line is high while one of its pending bits is set and enabled.
constexpr std::uint64_t rise_ie = 0x18;
constexpr std::uint64_t rise_ip = 0x1c;
constexpr std::uint64_t fall_ie = 0x20;
constexpr std::uint64_t fall_ip = 0x24;
constexpr std::uint64_t high_ie = 0x28;
constexpr std::uint64_t high_ip = 0x2c;
constexpr std::uint64_t low_ie = 0x30;
constexpr std::uint64_t low_ip = 0x34;
constexpr std::uint64_t iof_en = 0x38;   // pins handed to a hardware I/O function instead of the GPIO
constexpr std::uint64_t iof_sel = 0x3c;  // which I/O function each pin would get
constexpr std::uint64_t out_xor = 0x40;  // inverts a driven pin's level
constexpr std::uint64_t block_size = 0x44;

constexpr unsigned max_pins = 32;

}  // namespace vmsim::gpio_regs
