// The remote serial protocol's wire format: framing, checksums, run-length encoding, binary escapes
// and the reader of what a client sends, byte for byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vmsim/models/debug/rsp_packet.h"

namespace vmsim::gdb {
namespace {

using Event = PacketReader::Event;

constexpr std::size_t max_payload_for_tests = 0x4000;

// Feeds `bytes` and returns every event other than none, with the payload of each packet.
std::vector<std::string> read_all(PacketReader& reader, const std::string& bytes) {
  std::vector<std::string> out;
  for (const char byte : bytes) {
    switch (reader.feed(byte)) {
      case Event::none: break;
      case Event::packet: out.push_back("packet " + reader.payload()); break;
      case Event::bad_checksum: out.emplace_back("bad checksum"); break;
      case Event::too_long: out.emplace_back("too long"); break;
      case Event::ack: out.emplace_back("+"); break;
      case Event::nak: out.emplace_back("-"); break;
      case Event::interrupt: out.emplace_back("interrupt"); break;
    }
  }
  return out;
}

TEST(RspPacket, FramesWithTheModulo256SumInLowerCaseHex) {
  EXPECT_EQ(checksum("OK"), 0x9a);
  EXPECT_EQ(frame("OK"), "$OK#9a");
  EXPECT_EQ(frame(""), "$#00");
  EXPECT_EQ(frame("T05thread:1;"), "$T05thread:1;#d7");
  // 256 bytes of 0xff wrap round to 0x00.
  EXPECT_EQ(checksum(std::string(256, '\xff')), 0x00);
}

TEST(RspPacket, RunLengthEncodesRunsOfFourOrMore) {
  EXPECT_EQ(run_length_encode("000"), "000");
  EXPECT_EQ(run_length_encode("0000"), "0* ");  // ' ' is 29 + 3 more
  EXPECT_EQ(run_length_encode(std::string(16, '0')), "0*,");
  EXPECT_EQ(run_length_encode("12aaaaab"), "12a*!b");
  // Counts 6 and 7 would be '#' and '$': the run is cut at 5 more.
  EXPECT_EQ(run_length_encode(std::string(7, 'x')), "x*\"x");
  EXPECT_EQ(run_length_encode(std::string(8, 'x')), "x*\"xx");
  EXPECT_EQ(run_length_encode(std::string(9, 'x')), "x*%");
  // '~' (97 more) is the longest run.
  EXPECT_EQ(run_length_encode(std::string(98, '0')), "0*~");
  EXPECT_EQ(run_length_encode(std::string(99, '0')), "0*~0");
  EXPECT_EQ(run_length_encode(std::string(102, '0')), "0*~0* ");
  // The checksum covers the encoded text.
  EXPECT_EQ(frame("0000"), "$0* #7a");
}

TEST(RspPacket, EscapesBinaryData) {
  EXPECT_EQ(escape_binary("#$}*a"), std::string("}\x03}\x04}]}\x0a"
                                                "a"));
  EXPECT_EQ(unescape_binary(std::string("}\x03}\x04}]}\x0a"
                                        "a")),
            std::string("#$}*a"));
  EXPECT_EQ(unescape_binary(""), std::string());
  // An escape with nothing after it.
  EXPECT_EQ(unescape_binary("ab}"), std::nullopt);
}

TEST(RspPacket, Hex) {
  const std::uint8_t bytes[] = {0x00, 0x7f, 0x80, 0xff};
  EXPECT_EQ(to_hex(bytes, 4), "007f80ff");
  EXPECT_EQ(to_hex("hart 0"), "686172742030");
  EXPECT_EQ(from_hex("007F80fF"), (std::vector<std::uint8_t>{0x00, 0x7f, 0x80, 0xff}));
  EXPECT_EQ(from_hex("abc"), std::nullopt);
  EXPECT_EQ(from_hex("zz"), std::nullopt);
  EXPECT_EQ(parse_hex("80000000"), 0x80000000u);
  EXPECT_EQ(parse_hex("ffffffffffffffff"), ~std::uint64_t{0});
  EXPECT_EQ(parse_hex("10000000000000000"), std::nullopt);  // 17 digits
  EXPECT_EQ(parse_hex(""), std::nullopt);
  EXPECT_EQ(parse_hex("-1"), std::nullopt);
}

TEST(RspPacket, ReadsPacketsAcksAndInterrupts) {
  PacketReader reader(max_payload_for_tests);
  EXPECT_EQ(read_all(reader, "+$g#67-\x03$m80000000,4#55"),
            (std::vector<std::string>{"+", "packet g", "-", "interrupt", "packet m80000000,4"}));
  // Checksum digits in upper case.
  EXPECT_EQ(read_all(reader, "$qC#B4"), (std::vector<std::string>{"packet qC"}));
}

TEST(RspPacket, WrongOrMalformedChecksums) {
  PacketReader reader(max_payload_for_tests);
  EXPECT_EQ(read_all(reader, "$g#68$g#zz$g#z7$?#3f"),
            (std::vector<std::string>{"bad checksum", "bad checksum", "bad checksum", "packet ?"}));
  // A checksum cut short by the next packet: only the next one counts.
  EXPECT_EQ(read_all(reader, "$g#6$?#3f"), (std::vector<std::string>{"packet ?"}));
}

TEST(RspPacket, IgnoresGarbageBetweenPacketsAndResynchronisesOnDollar) {
  PacketReader reader(max_payload_for_tests);
  EXPECT_EQ(read_all(reader, std::string("hello\0\xff world", 13) + "$?#3f"), (std::vector<std::string>{"packet ?"}));
  // A packet cut short by the start of another: only the second counts.
  EXPECT_EQ(read_all(reader, "$m800$?#3f"), (std::vector<std::string>{"packet ?"}));
  // Truncated: the reader knows it is inside a packet.
  EXPECT_TRUE(read_all(reader, "$m8000").empty());
  EXPECT_TRUE(reader.inside_packet());
  EXPECT_TRUE(read_all(reader, "#").empty());
  EXPECT_TRUE(reader.inside_packet());
  EXPECT_EQ(read_all(reader, "ab"), (std::vector<std::string>{"bad checksum"}));
  EXPECT_FALSE(reader.inside_packet());
}

TEST(RspPacket, OverLongPacketsAreReadToTheirEndAndDropped) {
  PacketReader reader(4);
  EXPECT_EQ(read_all(reader, "$1234#ca"), (std::vector<std::string>{"packet 1234"}));
  EXPECT_EQ(read_all(reader, "$12345#ff"), (std::vector<std::string>{"too long"}));
  EXPECT_EQ(reader.payload(), "");
  // A wrong checksum says so first.
  EXPECT_EQ(read_all(reader, "$12345#00"), (std::vector<std::string>{"bad checksum"}));
  // Then the next packet is read as usual.
  EXPECT_EQ(read_all(reader, "$?#3f"), (std::vector<std::string>{"packet ?"}));
}

TEST(RspPacket, BinaryDataInsideAPacketIsTakenAsIs) {
  PacketReader reader(max_payload_for_tests);
  // X80000000,2:#} escaped: the escapes stay for the command to undo; the checksum covers them.
  const std::string payload = std::string("X80000000,2:}\x03}]");
  EXPECT_EQ(read_all(reader, "$" + payload + "#d2"), (std::vector<std::string>{"packet " + payload}));
}

}  // namespace
}  // namespace vmsim::gdb
