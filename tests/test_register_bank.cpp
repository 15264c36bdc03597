// The register bank alone: a small device declares one register of each access kind, a 4-byte
// register and an array, and the tests drive the bank's socket with hand-made transactions.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "vmsim/models/core/payload.h"
#include "vmsim/models/core/register_bank.h"

namespace vmsim {
namespace {

using sc_core::SC_NS;
using sc_core::sc_time;

constexpr std::uint64_t control = 0x00;     // read-write, bits 0-3, reset 0x5
constexpr std::uint64_t status = 0x08;      // read-only, computed
constexpr std::uint64_t command = 0x10;     // write-only, reads as zero
constexpr std::uint64_t key = 0x18;         // write-only, reads refused
constexpr std::uint64_t events = 0x20;      // write one to clear
constexpr std::uint64_t version = 0x28;     // read-only, 4 bytes
constexpr std::uint64_t busy_param = 0x30;  // read-write, refused while busy
constexpr std::uint64_t split = 0x50;       // read-write, 8 bytes taking 4-byte halves too
constexpr std::uint64_t counter = 0x58;     // computed, with halves
constexpr std::uint64_t flags = 0x60;       // write one to clear, with halves
constexpr std::uint64_t per_hart = 0x100;   // array: 3 elements, 0x10 apart

struct Device : sc_core::sc_module {
  StatGroup stats;
  Counter reads{stats, "register_reads", "Register reads"};
  Counter writes{stats, "register_writes", "Register writes"};
  Counter errors{stats, "errors", "Refused register accesses"};
  RegisterBank bank{"registers", {&reads, &writes, &errors}};
  std::vector<RegisterRead> status_reads;
  std::vector<RegisterWrite> commands;
  std::vector<RegisterWrite> hart_writes;
  std::vector<RegisterWrite> split_writes;
  std::uint64_t count = 0x1'0000'0007;
  bool busy = false;
  std::uint64_t claims = 0;

  explicit Device(const sc_core::sc_module_name& name) : sc_module(name) {
    bank.set_latency(sc_time(3, SC_NS));
    bank.add(RegisterSpec("control", control).reset(0x5).mask(0xf));
    bank.add(RegisterSpec("status", status).access(RegisterAccess::read_only).on_read([this](const RegisterRead& read) {
      status_reads.push_back(read);
      return std::uint64_t{0xabc};
    }));
    bank.add(RegisterSpec("command", command)
                 .access(RegisterAccess::write_only_reads_zero)
                 .on_write([this](const RegisterWrite& write) { commands.push_back(write); }));
    bank.add(RegisterSpec("key", key).access(RegisterAccess::write_only));
    bank.add(RegisterSpec("events", events).access(RegisterAccess::write_one_to_clear).reset(0b1111));
    bank.add(RegisterSpec("version", version).width(4).access(RegisterAccess::read_only).reset(0x1'0000'0203));
    bank.add(RegisterSpec("busy_param", busy_param).refuse_writes_while([this] { return busy; }));
    bank.add(RegisterSpec("split", split).halves().on_write([this](const RegisterWrite& write) {
      split_writes.push_back(write);
    }));
    bank.add(RegisterSpec("counter", counter)
                 .halves()
                 .on_read([this](const RegisterRead&) { return count; })
                 .on_write([this](const RegisterWrite& write) { count = write.value; }));
    bank.add(RegisterSpec("flags", flags).halves().access(RegisterAccess::write_one_to_clear).reset(~std::uint64_t{0}));
    // A claim-like register: a read has an effect, which a debug read must not have.
    bank.add_array(RegisterSpec("hart", per_hart)
                       .on_read([this](const RegisterRead& read) {
                         if (!read.debug) ++claims;
                         return std::uint64_t{read.index} * 100 + claims;
                       })
                       .on_write([this](const RegisterWrite& write) { hart_writes.push_back(write); }),
                   3, 0x10);
  }
};

struct Access {
  tlm::tlm_response_status status;
  std::uint64_t value;
  sc_time delay;
};

class RegisterBankTest : public ::testing::Test {
 protected:
  Access transport(tlm::tlm_command kind, std::uint64_t offset, std::uint64_t value, unsigned length = 8,
                   sc_time delay = sc_core::SC_ZERO_TIME) {
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, kind, offset, &value, length);
    device_.bank.socket.get_base_export()->b_transport(trans, delay);
    return {trans.get_response_status(), value, delay};
  }
  Access read(std::uint64_t offset, unsigned length = 8) { return transport(tlm::TLM_READ_COMMAND, offset, 0, length); }
  Access write(std::uint64_t offset, std::uint64_t value, unsigned length = 8) {
    return transport(tlm::TLM_WRITE_COMMAND, offset, value, length);
  }
  // Returns the bytes moved; `value` in and out.
  unsigned debug(tlm::tlm_command kind, std::uint64_t offset, std::uint64_t& value, tlm::tlm_response_status& answer) {
    tlm::tlm_generic_payload trans;
    prepare_payload(trans, kind, offset, &value, 8);
    const unsigned moved = device_.bank.socket.get_base_export()->transport_dbg(trans);
    answer = trans.get_response_status();
    return moved;
  }

  Device device_{"device"};
};

TEST_F(RegisterBankTest, ReadWriteRegisterKeepsItsBitsAndResets) {
  EXPECT_EQ(read(control).value, 0x5u);
  const Access written = write(control, 0xff2);
  EXPECT_EQ(written.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(written.delay, sc_time(3, SC_NS));
  EXPECT_EQ(read(control).value, 0x2u);  // only bits 0-3 exist
  EXPECT_EQ(device_.bank.at(control).value(), 0x2u);
  device_.bank.at(control).set(0x7);  // the device's side: no callbacks, not counted
  EXPECT_EQ(read(control).value, 0x7u);
  device_.bank.reset();
  EXPECT_EQ(read(control).value, 0x5u);
  EXPECT_EQ(device_.bank.at(control).reads(), 4u);
  EXPECT_EQ(device_.bank.at(control).writes(), 1u);
  EXPECT_EQ(device_.reads.value(), 4u);
  EXPECT_EQ(device_.writes.value(), 1u);
  EXPECT_EQ(device_.errors.value(), 0u);
}

TEST_F(RegisterBankTest, ReadCallbackComputesTheValueAtTheAnnotatedTime) {
  const Access status_read = transport(tlm::TLM_READ_COMMAND, status, 0, 8, sc_time(25, SC_NS));
  EXPECT_EQ(status_read.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(status_read.value, 0xabcu);
  EXPECT_EQ(status_read.delay, sc_time(28, SC_NS));
  ASSERT_EQ(device_.status_reads.size(), 1u);
  EXPECT_EQ(device_.status_reads[0].at, sc_time(25, SC_NS));
  EXPECT_EQ(device_.status_reads[0].index, 0u);
  EXPECT_FALSE(device_.status_reads[0].debug);
  EXPECT_EQ(write(status, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(device_.errors.value(), 1u);
}

TEST_F(RegisterBankTest, WriteOnlyRegistersActOnWritesAndAnswerReadsByTheirKind) {
  EXPECT_EQ(transport(tlm::TLM_WRITE_COMMAND, command, 42, 8, sc_time(7, SC_NS)).status, tlm::TLM_OK_RESPONSE);
  ASSERT_EQ(device_.commands.size(), 1u);
  EXPECT_EQ(device_.commands[0].value, 42u);
  EXPECT_EQ(device_.commands[0].at, sc_time(7, SC_NS));
  const Access command_read = read(command);
  EXPECT_EQ(command_read.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(command_read.value, 0u);
  EXPECT_EQ(write(key, 0x1234).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(key).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(device_.bank.value(key), 0x1234u);  // kept for the device
  EXPECT_EQ(device_.reads.value(), 1u);
  EXPECT_EQ(device_.writes.value(), 2u);
  EXPECT_EQ(device_.errors.value(), 1u);
}

TEST_F(RegisterBankTest, WriteOneClearsTheBitsWrittenAsOne) {
  EXPECT_EQ(read(events).value, 0b1111u);
  EXPECT_EQ(write(events, 0b0101).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(events).value, 0b1010u);
  device_.bank.at(events).set(device_.bank.at(events).value() | 0b0001);  // hardware sets a bit
  EXPECT_EQ(write(events, 0).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(events).value, 0b1011u);
}

TEST_F(RegisterBankTest, FourByteRegisterTakesFourByteAccessesOnly) {
  const Access narrow = read(version, 4);
  EXPECT_EQ(narrow.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(narrow.value, 0x0203u);  // the reset value cut to 32 bits; the upper half untouched
  EXPECT_EQ(read(version, 8).status, tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(read(control, 4).status, tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(read(version + 4, 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // a hole after it
  EXPECT_EQ(device_.errors.value(), 3u);
}

TEST_F(RegisterBankTest, WritesAreRefusedWhileTheRegisterSaysBusy) {
  EXPECT_EQ(write(busy_param, 9).status, tlm::TLM_OK_RESPONSE);
  device_.busy = true;
  EXPECT_EQ(write(busy_param, 10).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(read(busy_param).value, 9u);
  device_.busy = false;
  EXPECT_EQ(write(busy_param, 11).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(busy_param).value, 11u);
  EXPECT_EQ(device_.bank.at(busy_param).writes(), 2u);
  EXPECT_EQ(device_.errors.value(), 1u);
}

TEST_F(RegisterBankTest, ArrayElementsDecodeToTheirIndex) {
  EXPECT_EQ(read(per_hart).value, 1u);           // element 0, first claim
  EXPECT_EQ(read(per_hart + 0x20).value, 202u);  // element 2, second claim
  EXPECT_EQ(write(per_hart + 0x10, 77).status, tlm::TLM_OK_RESPONSE);
  ASSERT_EQ(device_.hart_writes.size(), 1u);
  EXPECT_EQ(device_.hart_writes[0].index, 1u);
  EXPECT_EQ(device_.hart_writes[0].value, 77u);
  EXPECT_EQ(device_.bank.at(per_hart + 0x10).value(), 77u);
  EXPECT_EQ(device_.bank.at(per_hart + 0x10).index(), 1u);
  EXPECT_EQ(read(per_hart + 0x30).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // no element 3
  EXPECT_EQ(read(per_hart + 0x08).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // between elements
  EXPECT_EQ(device_.bank.size(), 0x128u);
}

TEST_F(RegisterBankTest, BadAccessesAnswerTheirErrorsAndAreCounted) {
  EXPECT_EQ(read(0x38).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);    // a hole
  EXPECT_EQ(read(0x04).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);    // inside control
  EXPECT_EQ(read(0x03).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);    // misaligned
  EXPECT_EQ(read(0x1000).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // beyond the block
  EXPECT_EQ(read(control, 2).status, tlm::TLM_BURST_ERROR_RESPONSE);
  std::uint64_t value = 0;
  tlm::tlm_generic_payload trans;
  prepare_payload(trans, tlm::TLM_READ_COMMAND, control, &value, 8);
  std::uint8_t enables[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  trans.set_byte_enable_ptr(enables);
  trans.set_byte_enable_length(8);
  sc_time delay;
  device_.bank.socket.get_base_export()->b_transport(trans, delay);
  EXPECT_EQ(trans.get_response_status(), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  EXPECT_EQ(delay, sc_time(3, SC_NS));  // errors take the latency too
  prepare_payload(trans, tlm::TLM_READ_COMMAND, control, &value, 8);
  trans.set_streaming_width(4);
  device_.bank.socket.get_base_export()->b_transport(trans, delay);
  EXPECT_EQ(trans.get_response_status(), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(transport(tlm::TLM_IGNORE_COMMAND, control, 0).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(device_.errors.value(), 8u);
  EXPECT_EQ(device_.reads.value(), 0u);
}

TEST_F(RegisterBankTest, DebugReadsHaveNoEffectsAndDebugWritesOnlyReachPlainRegisters) {
  tlm::tlm_response_status answer = tlm::TLM_INCOMPLETE_RESPONSE;
  std::uint64_t value = 0;
  EXPECT_EQ(debug(tlm::TLM_READ_COMMAND, per_hart, value, answer), 8u);
  EXPECT_EQ(value, 0u);  // what a claim would see, without claiming
  EXPECT_EQ(device_.claims, 0u);
  EXPECT_EQ(debug(tlm::TLM_READ_COMMAND, status, value, answer), 8u);
  EXPECT_EQ(value, 0xabcu);
  ASSERT_EQ(device_.status_reads.size(), 1u);
  EXPECT_TRUE(device_.status_reads[0].debug);
  value = 0x3;
  EXPECT_EQ(debug(tlm::TLM_WRITE_COMMAND, control, value, answer), 8u);  // only a stored value changes
  EXPECT_EQ(device_.bank.at(control).value(), 0x3u);
  value = 1;
  EXPECT_EQ(debug(tlm::TLM_WRITE_COMMAND, command, value, answer), 0u);  // would start a command
  EXPECT_EQ(answer, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_TRUE(device_.commands.empty());
  EXPECT_EQ(debug(tlm::TLM_WRITE_COMMAND, per_hart, value, answer), 0u);
  EXPECT_EQ(debug(tlm::TLM_WRITE_COMMAND, busy_param, value, answer), 0u);
  EXPECT_EQ(debug(tlm::TLM_READ_COMMAND, 0x38, value, answer), 0u);
  EXPECT_EQ(answer, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(device_.reads.value(), 0u);
  EXPECT_EQ(device_.writes.value(), 0u);
  EXPECT_EQ(device_.errors.value(), 0u);
  EXPECT_EQ(device_.bank.at(control).writes(), 0u);
}

TEST_F(RegisterBankTest, DeclarationMistakesAreCaught) {
  EXPECT_THROW(device_.bank.add(RegisterSpec("overlap", control + 4).width(4)), std::logic_error);
  EXPECT_THROW(device_.bank.add(RegisterSpec("misaligned", 0x44)), std::logic_error);
  EXPECT_THROW(RegisterSpec("odd", 0x48).width(3), std::invalid_argument);
  EXPECT_THROW(device_.bank.at(0x38), std::out_of_range);
}

TEST_F(RegisterBankTest, HalvesOfAWideRegisterAreReadAndWrittenEachOnItsOwn) {
  ASSERT_EQ(write(split, 0x1111'2222'3333'4444).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(split, 4).value, 0x3333'4444u);
  EXPECT_EQ(read(split + 4, 4).value, 0x1111'2222u);
  EXPECT_EQ(write(split + 4, 0xaaaa, 4).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(split).value, 0x0000'aaaa'3333'4444u);
  EXPECT_EQ(write(split, 5, 4).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(split).value, 0x0000'aaaa'0000'0005u);
  // The write callback sees the whole new value each time.
  ASSERT_EQ(device_.split_writes.size(), 3u);
  EXPECT_EQ(device_.split_writes[1].value, 0x0000'aaaa'3333'4444u);
  EXPECT_EQ(device_.split_writes[2].value, 0x0000'aaaa'0000'0005u);
  // A computed register's other half is what a read returns then.
  EXPECT_EQ(read(counter + 4, 4).value, 1u);
  EXPECT_EQ(write(counter, 9, 4).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(device_.count, 0x1'0000'0009u);
  // Writing ones to a half clears those bits of that half only.
  EXPECT_EQ(write(flags + 4, 0x1, 4).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(read(flags).value, 0xffff'fffe'ffff'ffffu);
  // Only whole registers and aligned halves.
  EXPECT_EQ(read(split, 2).status, tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(read(split + 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(read(split + 2, 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(read(control + 4, 4).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // a register without halves
  EXPECT_EQ(read(control, 4).status, tlm::TLM_BURST_ERROR_RESPONSE);
}

}  // namespace
}  // namespace vmsim
