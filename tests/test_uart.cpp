// The NS16550A UART: registers and their reset values, the divisor latch, character timing from the
// baud rate, FIFOs and their overruns, interrupt identification by priority, loopback, input from a
// file and from a console, the output file and the terminal, and the bus rules of its registers.
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_bench.h"
#include "vmsim/models/core/serial_port.h"
#include "vmsim/models/devices/uart_registers.h"

namespace vmsim::test {
namespace {

using sc_core::SC_NS;
using sc_core::SC_PS;
using sc_core::sc_time;
using sc_core::SC_US;

constexpr std::uint64_t uart = 0x10000000;

// A 1.6 MHz clock makes round numbers: divisor 1 (its reset value), 8N1 = 10 bits of 16 clocks = 100 us.
const std::string platform = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  dram:   {type: dram, base: 0x80000000, size: 1MiB}
  uart:   {type: uart, base: 0x10000000, clock_frequency: 1.6MHz, register_latency: 5ns, terminal: false, input: none}
  tester: {type: test_initiator}
)";

class UartTest : public ::testing::Test {
 protected:
  void build(const std::vector<std::string>& overrides = {}) {
    bench_ = std::make_unique<TestBench>(platform, overrides);
    bench_->elaborate();
    port_ = dynamic_cast<SerialPort*>(sc_core::sc_find_object("system.uart"));
    ASSERT_NE(port_, nullptr);
  }
  // Register `number` at simulated time `at` (not before the present), as an initiator running ahead
  // of the kernel's time reaches it.
  std::uint8_t read(unsigned number, sc_time at = sc_core::SC_ZERO_TIME) {
    std::uint8_t value = 0xee;
    ahead_to(at);
    EXPECT_EQ(bench_->tester->transport(AccessKind::load, uart + number, &value, 1).status, tlm::TLM_OK_RESPONSE);
    return value;
  }
  void write(unsigned number, std::uint8_t value, sc_time at = sc_core::SC_ZERO_TIME) {
    ahead_to(at);
    EXPECT_EQ(bench_->tester->transport(AccessKind::store, uart + number, &value, 1).status, tlm::TLM_OK_RESPONSE);
  }
  void ahead_to(sc_time at) {
    const sc_time present = sc_core::sc_time_stamp();
    bench_->tester->at = at > present ? at - present : sc_core::SC_ZERO_TIME;
  }
  void run_for(sc_time time) {
    sc_core::sc_start(time);
    while (sc_core::sc_pending_activity_at_current_time()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
  std::string output() const {
    std::ifstream in(bench_->output / "uart.txt");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::unique_ptr<TestBench> bench_;
  SerialPort* port_ = nullptr;
};

TEST_F(UartTest, RegistersResetAsThe16550Does) {
  build();
  EXPECT_EQ(read(uart_regs::ier), 0x00);
  EXPECT_EQ(read(uart_regs::iir), 0x01);  // no interrupt, FIFOs off
  EXPECT_EQ(read(uart_regs::lcr), 0x00);
  EXPECT_EQ(read(uart_regs::mcr), 0x00);
  EXPECT_EQ(read(uart_regs::lsr), 0x60);  // transmitter empty and idle
  EXPECT_EQ(read(uart_regs::msr), 0xb0);  // CTS, DSR, DCD: a modem is there
  EXPECT_EQ(read(uart_regs::scr), 0x00);
  write(uart_regs::lcr, uart_regs::lcr_dlab);
  EXPECT_EQ(read(uart_regs::dll), 1);  // 115200 baud from 1.6 MHz, rounded
  EXPECT_EQ(read(uart_regs::dlm), 0);
  write(uart_regs::dll, 0x34);
  write(uart_regs::dlm, 0x12);
  EXPECT_EQ(read(uart_regs::dll), 0x34);
  EXPECT_EQ(read(uart_regs::dlm), 0x12);
  write(uart_regs::lcr, 0x03);
  EXPECT_EQ(read(uart_regs::ier), 0x00);  // the latch is behind DLAB only
  write(uart_regs::scr, 0x5a);
  EXPECT_EQ(read(uart_regs::scr), 0x5a);
}

TEST_F(UartTest, ACharacterTakesItsFrameAtTheBaudRate) {
  build();
  write(uart_regs::lcr, 0x03);  // 8N1: 10 bits
  write(uart_regs::thr, 'A');
  // Straight into the shift register: THR is empty at once, the line is busy for 100 us.
  EXPECT_EQ(read(uart_regs::lsr), 0x20);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(99'999, SC_NS)), 0x20);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(100, SC_US)), 0x60);  // seen at the access's time, before the kernel's
  EXPECT_EQ(output(), "A");
  // 7 data bits, parity, 2 stop bits: 11 bits; divisor 3: 330 us.
  write(uart_regs::lcr, uart_regs::lcr_dlab | 0x0e);
  write(uart_regs::dll, 3);
  write(uart_regs::lcr, 0x0e);
  run_for(sc_time(100, SC_US));
  write(uart_regs::thr, 'B');
  EXPECT_EQ(read(uart_regs::lsr, sc_time(429'999, SC_NS)), 0x20);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(430, SC_US)), 0x60);
  // 5 data bits with 1.5 stop bits: 7.5 bits; a divisor of 0 keeps the rate it had (3).
  write(uart_regs::lcr, uart_regs::lcr_dlab | 0x04, sc_time(430, SC_US));
  write(uart_regs::dll, 0, sc_time(430, SC_US));
  write(uart_regs::lcr, 0x04, sc_time(430, SC_US));
  write(uart_regs::thr, 'C', sc_time(430, SC_US));
  EXPECT_EQ(read(uart_regs::lsr, sc_time(654'999, SC_NS)), 0x20);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(655, SC_US)), 0x60);
  EXPECT_EQ(output(), "ABC");
  EXPECT_EQ(bench_->stat("system.uart.characters_sent"), 3);
}

TEST_F(UartTest, QemuVirtClockGivesTheRatesDriversProgram) {
  build({"components.uart.clock_frequency=3686400Hz"});
  write(uart_regs::lcr, uart_regs::lcr_dlab);
  EXPECT_EQ(read(uart_regs::dll), 2);  // 115200 baud
  write(uart_regs::dll, 3);            // xv6's 38400 baud setting (76800 at this clock)
  write(uart_regs::lcr, 0x03);
  write(uart_regs::thr, 'x');
  // 10 bits x 16 x 3 / 3686400 Hz = 130.208333 us, to the picosecond.
  EXPECT_EQ(read(uart_regs::lsr, sc_time(130'208'332, SC_PS)), 0x20);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(130'208'333, SC_PS)), 0x60);
}

TEST_F(UartTest, FixedTimingIgnoresTheDivisor) {
  build({"components.uart.timing=fixed", "components.uart.character_time=3us"});
  write(uart_regs::thr, 'A');
  EXPECT_EQ(read(uart_regs::lsr, sc_time(2999, SC_NS)), 0x20);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(3, SC_US)), 0x60);
}

TEST_F(UartTest, TheTransmitFifoHoldsSixteenAndLosesTheRest) {
  build();
  write(uart_regs::lcr, 0x03);
  write(uart_regs::fcr, uart_regs::fcr_enable);
  for (int i = 0; i < 20; ++i) write(uart_regs::thr, static_cast<std::uint8_t>('a' + i));
  EXPECT_EQ(read(uart_regs::lsr), 0x00);  // FIFO not empty
  EXPECT_EQ(bench_->stat("system.uart.transmit_overruns"), 3);
  // 17 characters (one shifting, 16 waiting), 100 us each.
  EXPECT_EQ(read(uart_regs::lsr, sc_time(1600, SC_US)), 0x20);  // the last one is shifting
  EXPECT_EQ(read(uart_regs::lsr, sc_time(1700, SC_US)), 0x60);
  EXPECT_EQ(output(), "abcdefghijklmnopq");
  // Without FIFOs, THR holds one.
  write(uart_regs::fcr, 0);
  run_for(sc_time(1700, SC_US));
  write(uart_regs::thr, '1');
  write(uart_regs::thr, '2');
  EXPECT_EQ(read(uart_regs::lsr), 0x00);
  write(uart_regs::thr, '3');
  EXPECT_EQ(bench_->stat("system.uart.transmit_overruns"), 4);
  run_for(sc_time(200, SC_US));
  EXPECT_EQ(output(), "abcdefghijklmnopq12");
}

TEST_F(UartTest, InterruptsAreIdentifiedByPriority) {
  build();
  write(uart_regs::lcr, 0x03);
  write(uart_regs::fcr, uart_regs::fcr_enable | 0x40);  // received-data trigger at 4
  EXPECT_EQ(read(uart_regs::iir), 0xc1);
  // Enabling the transmitter-empty interrupt with THR empty raises it; reading IIR answers it.
  write(uart_regs::ier, uart_regs::ier_transmitter_empty);
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 1);
  EXPECT_EQ(read(uart_regs::iir), 0xc2);
  EXPECT_EQ(read(uart_regs::iir), 0xc1);
  // Sending: THR is empty again as soon as the character is in the shift register.
  write(uart_regs::thr, 'z');
  EXPECT_EQ(read(uart_regs::iir), 0xc2);
  write(uart_regs::thr, 'y');  // waits in the FIFO: no longer empty
  EXPECT_EQ(read(uart_regs::iir), 0xc1);
  EXPECT_EQ(read(uart_regs::iir, sc_time(100, SC_US)), 0xc2);  // 'y' went into the shift register
  // Received data comes before the transmitter: five characters typed at 200 us arrive 100 us apart.
  run_for(sc_time(200, SC_US));
  write(uart_regs::ier, uart_regs::ier_transmitter_empty | uart_regs::ier_received_data);
  port_->type("hello", sc_time(200, SC_US));
  EXPECT_EQ(read(uart_regs::lsr, sc_time(299'999, SC_NS)), 0x60);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(300, SC_US)), 0x61);
  EXPECT_EQ(read(uart_regs::iir, sc_time(500, SC_US)), 0xc1);  // 3 of 4: under the trigger
  EXPECT_EQ(read(uart_regs::iir, sc_time(600, SC_US)), 0xc4);
  EXPECT_EQ(read(uart_regs::rbr, sc_time(600, SC_US)), 'h');
  EXPECT_EQ(read(uart_regs::rbr, sc_time(600, SC_US)), 'e');
  EXPECT_EQ(read(uart_regs::iir, sc_time(600, SC_US)), 0xc1);
  // Under the trigger, the character timeout comes four character times after the last arrival or
  // read: 'o' arrives at 700 us.
  EXPECT_EQ(read(uart_regs::iir, sc_time(1'099'999, SC_NS)), 0xc1);
  EXPECT_EQ(read(uart_regs::iir, sc_time(1100, SC_US)), 0xcc);
  EXPECT_EQ(read(uart_regs::rbr, sc_time(1100, SC_US)), 'l');
  EXPECT_EQ(read(uart_regs::iir, sc_time(1100, SC_US)), 0xc1);  // the read restarted the timeout
  EXPECT_EQ(read(uart_regs::iir, sc_time(1500, SC_US)), 0xcc);
  // The line rose for the transmitter twice, for the received data once, for the timeout twice.
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 5);
  EXPECT_EQ(bench_->stat("system.uart.characters_received"), 5);
}

TEST_F(UartTest, AnotherCauseWhileTheLineIsHighRaisesItAgain) {
  // As QEMU's 16550 does, so that a PLIC taking edges sees data arrive while software (xv6) leaves
  // the transmitter-empty interrupt pending, never reading IIR.
  build();
  write(uart_regs::ier, uart_regs::ier_transmitter_empty | uart_regs::ier_received_data);
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 1);
  port_->type("a", sc_core::SC_ZERO_TIME);
  run_for(sc_time(200, SC_US));
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 2);  // received data: the line fell and rose
  EXPECT_EQ(read(uart_regs::rbr), 'a');
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 3);  // the transmitter's again
  EXPECT_EQ(read(uart_regs::iir), 0x02);
  EXPECT_EQ(read(uart_regs::iir), 0x01);
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 3);
}

TEST_F(UartTest, LineStatusInterruptReportsAnOverrunFirst) {
  build();
  write(uart_regs::lcr, 0x03);
  write(uart_regs::mcr, uart_regs::mcr_loopback);
  write(uart_regs::ier, uart_regs::ier_line_status | uart_regs::ier_received_data);
  write(uart_regs::thr, '1');  // FIFOs off: the receiver holds one
  write(uart_regs::thr, '2');
  EXPECT_EQ(read(uart_regs::iir, sc_time(100, SC_US)), 0x04);
  EXPECT_EQ(read(uart_regs::iir, sc_time(200, SC_US)), 0x06);  // '2' found the receiver full
  EXPECT_EQ(read(uart_regs::lsr, sc_time(200, SC_US)), 0x63);  // OE and DR; reading clears OE
  EXPECT_EQ(read(uart_regs::iir, sc_time(200, SC_US)), 0x04);
  EXPECT_EQ(read(uart_regs::rbr, sc_time(200, SC_US)), '1');
  EXPECT_EQ(bench_->stat("system.uart.receive_overruns"), 1);
}

TEST_F(UartTest, LoopbackTurnsTheOutputsBackIn) {
  build();
  write(uart_regs::lcr, 0x03);
  write(uart_regs::ier, uart_regs::ier_modem_status);
  write(uart_regs::mcr, uart_regs::mcr_loopback | uart_regs::mcr_dtr | uart_regs::mcr_rts);
  // CTS and DSR follow RTS and DTR; DCD (OUT2 low) fell, and its change is a modem-status interrupt.
  EXPECT_EQ(read(uart_regs::iir), 0x00);
  EXPECT_EQ(read(uart_regs::msr), 0x38);
  EXPECT_EQ(read(uart_regs::msr), 0x30);
  EXPECT_EQ(read(uart_regs::iir), 0x01);
  write(uart_regs::mcr, uart_regs::mcr_loopback | uart_regs::mcr_out1);
  write(uart_regs::mcr, uart_regs::mcr_loopback);
  EXPECT_EQ(read(uart_regs::msr), 0x07);  // CTS and DSR fell, RI's trailing edge
  write(uart_regs::thr, 'q');
  EXPECT_EQ(read(uart_regs::lsr, sc_time(100, SC_US)), 0x61);
  EXPECT_EQ(read(uart_regs::rbr, sc_time(100, SC_US)), 'q');
  EXPECT_EQ(output(), "");  // nothing went out on the line
  write(uart_regs::mcr, 0, sc_time(100, SC_US));
  EXPECT_EQ(read(uart_regs::msr, sc_time(100, SC_US)), 0xbb);  // CTS, DSR and DCD back
}

TEST_F(UartTest, TypedCharactersWaitForRoomAndAreNeverLost) {
  build();
  write(uart_regs::lcr, 0x03);
  port_->type("abc", sc_core::SC_ZERO_TIME);
  // FIFOs off: one character fits; the next waits until it is read, then takes a character time.
  EXPECT_EQ(read(uart_regs::lsr, sc_time(500, SC_US)), 0x61);
  EXPECT_EQ(read(uart_regs::rbr, sc_time(500, SC_US)), 'a');
  EXPECT_EQ(read(uart_regs::lsr, sc_time(599, SC_US)), 0x60);
  EXPECT_EQ(read(uart_regs::rbr, sc_time(600, SC_US)), 'b');
  EXPECT_EQ(read(uart_regs::rbr, sc_time(700, SC_US)), 'c');
  EXPECT_EQ(read(uart_regs::rbr, sc_time(800, SC_US)), 'c');  // an empty receiver repeats the last
  EXPECT_EQ(bench_->stat("system.uart.receive_overruns"), 0);
}

TEST_F(UartTest, AFileArrivesOneCharacterTimeApartFromItsStart) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() / fmt::format("uart-input-{}", getpid());
  std::ofstream(file) << "ls\r";
  build({"components.uart.input=file", fmt::format("components.uart.input_file={}", file.string()),
         "components.uart.input_start=1ms", "components.uart.timing=fixed", "components.uart.character_time=10us"});
  write(uart_regs::fcr, uart_regs::fcr_enable);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(1009, SC_US)), 0x60);
  EXPECT_EQ(read(uart_regs::lsr, sc_time(1010, SC_US)), 0x61);
  EXPECT_EQ(read(uart_regs::rbr, sc_time(1030, SC_US)), 'l');
  EXPECT_EQ(read(uart_regs::rbr, sc_time(1030, SC_US)), 's');
  EXPECT_EQ(read(uart_regs::rbr, sc_time(1030, SC_US)), '\r');
  EXPECT_EQ(read(uart_regs::lsr, sc_time(1030, SC_US)), 0x60);
  std::filesystem::remove(file);
}

TEST_F(UartTest, AFilesBytesArriveWithoutTheSoftwareLooking) {
  const std::filesystem::path file = std::filesystem::temp_directory_path() / fmt::format("uart-wake-{}", getpid());
  std::ofstream(file) << "x";
  build({"components.uart.input=file", fmt::format("components.uart.input_file={}", file.string()),
         "components.uart.timing=fixed", "components.uart.character_time=10us"});
  write(uart_regs::ier, uart_regs::ier_received_data);
  run_for(sc_time(9, SC_US));
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 0);
  run_for(sc_time(1, SC_US));
  EXPECT_EQ(bench_->stat("system.uart.interrupts"), 1);  // raised at 10 us, with no access at all
  std::filesystem::remove(file);
}

TEST_F(UartTest, WhatItSendsGoesToTheTerminalWhenAsked) {
  build({"components.uart.terminal=true"});
  write(uart_regs::lcr, 0x03);
  ::testing::internal::CaptureStdout();
  write(uart_regs::thr, 'o');
  write(uart_regs::thr, 'k');
  run_for(sc_time(200, SC_US));
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "ok");
  EXPECT_EQ(output(), "ok");
}

TEST_F(UartTest, DebugAccessesChangeNothing) {
  build();
  write(uart_regs::lcr, 0x03);
  write(uart_regs::ier, uart_regs::ier_transmitter_empty);
  port_->type("d", sc_core::SC_ZERO_TIME);
  run_for(sc_time(100, SC_US));
  std::uint8_t value = 0;
  EXPECT_EQ(bench_->tester->debug(tlm::TLM_READ_COMMAND, uart + uart_regs::rbr, &value, 1), 1u);
  EXPECT_EQ(value, 'd');
  EXPECT_EQ(bench_->tester->debug(tlm::TLM_READ_COMMAND, uart + uart_regs::iir, &value, 1), 1u);
  EXPECT_EQ(value, 0x02);
  EXPECT_EQ(read(uart_regs::lsr), 0x61);  // still there
  EXPECT_EQ(read(uart_regs::iir), 0x02);  // still pending
  value = 'w';
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  EXPECT_EQ(bench_->tester->debug(tlm::TLM_WRITE_COMMAND, uart + uart_regs::thr, &value, 1, &status), 0u);
  EXPECT_EQ(status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  value = 0x77;
  EXPECT_EQ(bench_->tester->debug(tlm::TLM_WRITE_COMMAND, uart + uart_regs::scr, &value, 1), 1u);
  EXPECT_EQ(read(uart_regs::scr), 0x77);
  EXPECT_EQ(bench_->stat("system.uart.characters_sent"), 0);
}

TEST_F(UartTest, RegistersFollowRegShiftAndRegIoWidth) {
  build({"components.uart.reg_shift=2", "components.uart.reg_io_width=4"});
  std::uint32_t value = 0;
  const auto access = [&](AccessKind kind, std::uint64_t offset, unsigned length) {
    return bench_->tester->transport(kind, uart + offset, reinterpret_cast<std::uint8_t*>(&value), length).status;
  };
  EXPECT_EQ(access(AccessKind::load, 5 * 4, 4), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(value, 0x60u);
  value = 0xffffff03;  // the upper bytes do not exist
  EXPECT_EQ(access(AccessKind::store, 3 * 4, 4), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(access(AccessKind::load, 3 * 4, 4), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(value, 0x03u);
  EXPECT_EQ(access(AccessKind::load, 5 * 4, 1), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(access(AccessKind::load, 5 * 4 + 1, 1), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(access(AccessKind::load, 8 * 4, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(access(AccessKind::store, 5 * 4, 4), tlm::TLM_COMMAND_ERROR_RESPONSE);  // LSR is read-only
  EXPECT_EQ(bench_->stat("system.uart.errors"), 4);
}

TEST(UartConfig, BadLayoutsAreRefused) {
  EXPECT_EQ(config_error(platform, {"components.uart.reg_io_width=3"}),
            "--set components.uart.reg_io_width=3: components.uart.reg_io_width: must be 1, 2 or 4");
  EXPECT_EQ(config_error(platform, {"components.uart.reg_io_width=4"}),
            "test.yaml:5:11: components.uart.reg_shift: registers 4 bytes wide need a reg_shift from 2 to 12");
  EXPECT_EQ(config_error(platform, {"components.uart.reg_shift=6"}),
            "test.yaml:5:11: components.uart.size: the 8 registers 64 bytes apart need 512 bytes");
  EXPECT_EQ(config_error(platform, {"components.uart.input=file"}),
            "test.yaml:5:11: components.uart.input_file: input: file needs the file to read");
}

}  // namespace
}  // namespace vmsim::test
