// The wire format of GDB's remote serial protocol: packets `$payload#cc` (cc the modulo-256 sum of
// the payload's bytes, in two hex digits), acknowledgements `+` and `-`, the interrupt byte 0x03;
// run-length encoding of what the stub sends (`c*n`: c repeated n - 29 more times) and the escaping
// of binary data (0x7d, then the byte XOR 0x20). Pure functions and a byte-at-a-time reader: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vmsim/models/core/export.h"

namespace vmsim::gdb {

VMSIM_API std::uint8_t checksum(std::string_view payload);
// `$payload#cc`, the payload run-length encoded.
VMSIM_API std::string frame(std::string_view payload);
// Replaces each run of 4 or more equal characters by the character, '*' and a count character, as
// a reply may: never a count that would read as '#' or '$', nor a run longer than 98.
VMSIM_API std::string run_length_encode(std::string_view text);

// Escapes '#', '$', '}' and '*' in binary data a reply carries.
VMSIM_API std::string escape_binary(std::string_view data);
// The data of an escaped payload (an X packet's), or nothing if it ends in the middle of an escape.
VMSIM_API std::optional<std::string> unescape_binary(std::string_view text);

// Two lower-case hex digits per byte, in order.
VMSIM_API std::string to_hex(const std::uint8_t* data, std::size_t length);
VMSIM_API std::string to_hex(std::string_view text);
// Bytes from hex digits (either case); nothing for an odd count or a non-hex digit.
VMSIM_API std::optional<std::vector<std::uint8_t>> from_hex(std::string_view digits);
// A number in hex, all of `digits` (1 to 16 digits); nothing otherwise.
VMSIM_API std::optional<std::uint64_t> parse_hex(std::string_view digits);

// Reads what a client sends, a byte at a time: packets, acknowledgements and interrupts; anything
// between packets is ignored, as the protocol says, and a '$' starts a packet wherever it comes.
class VMSIM_API PacketReader {
 public:
  enum class Event : std::uint8_t {
    none,          // the byte completed nothing
    packet,        // a packet with a good checksum: payload() holds it
    bad_checksum,  // a packet whose checksum is wrong (or not hex): to be answered with '-'
    too_long,      // a packet longer than the limit: its payload was dropped
    ack,           // '+'
    nak,           // '-': send the last packet again
    interrupt,     // 0x03 (Ctrl-C)
  };

  // Packets whose payload exceeds `max_payload` bytes are read to their end and dropped.
  explicit PacketReader(std::size_t max_payload) : max_payload_(max_payload) {}

  Event feed(char byte);
  const std::string& payload() const { return payload_; }
  // Whether a packet has begun and not ended: the client left in the middle of one if it goes now.
  bool inside_packet() const { return state_ != State::idle; }

 private:
  enum class State : std::uint8_t { idle, payload, checksum_high, checksum_low };

  std::size_t max_payload_;
  State state_ = State::idle;
  std::string payload_;
  std::size_t length_ = 0;  // of the packet being read, dropped bytes included
  std::uint8_t sum_ = 0;
  int received_sum_ = 0;
  bool bad_digit_ = false;
};

}  // namespace vmsim::gdb
