// A hart's interrupt inputs, numbered as the bits of the RISC-V mip register: what a device that
// drives a hart passes to InterruptSink::set_interrupt (models/core/interrupt.h), and what a trap
// tells its handler is pending (models/core/trap.h). No SystemC here: the kernel reads them too.
#pragma once

#include <cstdint>

namespace vmsim::hart_irq {

constexpr unsigned supervisor_software = 1;
constexpr unsigned machine_software = 3;
constexpr unsigned supervisor_timer = 5;
constexpr unsigned machine_timer = 7;
constexpr unsigned supervisor_external = 9;
constexpr unsigned machine_external = 11;

// Input `input` as a bit of mip.
constexpr std::uint64_t bit(unsigned input) { return std::uint64_t{1} << input; }

}  // namespace vmsim::hart_irq
