// The NS16550A's registers as software sees them: register i is at offset i << reg-shift, one byte
// of data in an access of reg-io-width bytes. No SystemC here.
#pragma once

#include <cstdint>

namespace vmsim::uart_regs {

// Register numbers (multiply by 1 << reg-shift for the offset).
constexpr unsigned rbr = 0;  // read: receive buffer
constexpr unsigned thr = 0;  // write: transmit holding
constexpr unsigned dll = 0;  // with LCR.DLAB: divisor latch, low byte
constexpr unsigned ier = 1;
constexpr unsigned dlm = 1;  // with LCR.DLAB: divisor latch, high byte
constexpr unsigned iir = 2;  // read
constexpr unsigned fcr = 2;  // write
constexpr unsigned lcr = 3;
constexpr unsigned mcr = 4;
constexpr unsigned lsr = 5;  // read-only
constexpr unsigned msr = 6;  // read-only
constexpr unsigned scr = 7;
constexpr unsigned count = 8;

// IER
constexpr std::uint8_t ier_received_data = 0x01;
constexpr std::uint8_t ier_transmitter_empty = 0x02;
constexpr std::uint8_t ier_line_status = 0x04;
constexpr std::uint8_t ier_modem_status = 0x08;
// IIR: bits 0-3 the interrupt (priority order), bits 6-7 set while the FIFOs are on
constexpr std::uint8_t iir_none = 0x01;
constexpr std::uint8_t iir_line_status = 0x06;
constexpr std::uint8_t iir_received_data = 0x04;
constexpr std::uint8_t iir_character_timeout = 0x0c;
constexpr std::uint8_t iir_transmitter_empty = 0x02;
constexpr std::uint8_t iir_modem_status = 0x00;
constexpr std::uint8_t iir_fifos_enabled = 0xc0;
// FCR
constexpr std::uint8_t fcr_enable = 0x01;
constexpr std::uint8_t fcr_clear_receive = 0x02;
constexpr std::uint8_t fcr_clear_transmit = 0x04;
// LCR
constexpr std::uint8_t lcr_word_length = 0x03;  // 5 + value data bits
constexpr std::uint8_t lcr_two_stop_bits = 0x04;
constexpr std::uint8_t lcr_parity = 0x08;
constexpr std::uint8_t lcr_dlab = 0x80;
// MCR
constexpr std::uint8_t mcr_dtr = 0x01;
constexpr std::uint8_t mcr_rts = 0x02;
constexpr std::uint8_t mcr_out1 = 0x04;
constexpr std::uint8_t mcr_out2 = 0x08;
constexpr std::uint8_t mcr_loopback = 0x10;
// LSR
constexpr std::uint8_t lsr_data_ready = 0x01;
constexpr std::uint8_t lsr_overrun = 0x02;
constexpr std::uint8_t lsr_transmitter_empty = 0x20;  // THRE: the transmit FIFO (holding register) is empty
constexpr std::uint8_t lsr_idle = 0x40;               // TEMT: and the shift register too
// MSR: inputs in bits 4-7, their changes since the last read in bits 0-3
constexpr std::uint8_t msr_cts = 0x10;
constexpr std::uint8_t msr_dsr = 0x20;
constexpr std::uint8_t msr_ri = 0x40;
constexpr std::uint8_t msr_dcd = 0x80;
constexpr std::uint8_t msr_changes = 0x0f;

}  // namespace vmsim::uart_regs
