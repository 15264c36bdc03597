#include "vmsim/models/debug/rsp_packet.h"

#include <fmt/format.h>

namespace vmsim::gdb {
namespace {

constexpr char escape = '}';

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::uint8_t checksum(std::string_view payload) {
  std::uint8_t sum = 0;
  for (const char c : payload) sum = static_cast<std::uint8_t>(sum + static_cast<std::uint8_t>(c));
  return sum;
}

std::string frame(std::string_view payload) {
  const std::string encoded = run_length_encode(payload);
  return fmt::format("${}#{:02x}", encoded, checksum(encoded));
}

std::string run_length_encode(std::string_view text) {
  // The count character is 29 + the repeats after the first; '#' (6) and '$' (7) would end or start
  // a packet, and 126 ('~') is the last printable one.
  constexpr std::size_t max_repeats = '~' - 29;
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    std::size_t run = 1;
    while (i + run < text.size() && text[i + run] == c && run < max_repeats + 1) ++run;
    out += c;
    std::size_t repeats = run - 1;
    if (repeats == 6 || repeats == 7) repeats = 5;
    if (repeats >= 3) {
      out += '*';
      out += static_cast<char>(29 + repeats);
    } else {
      repeats = 0;
    }
    i += repeats + 1;
  }
  return out;
}

std::string escape_binary(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (const char c : data) {
    if (c == '#' || c == '$' || c == escape || c == '*') {
      out += escape;
      out += static_cast<char>(c ^ 0x20);
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> unescape_binary(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != escape) {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    out += static_cast<char>(text[i] ^ 0x20);
  }
  return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t length) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(2 * length, '0');
  for (std::size_t i = 0; i < length; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 15];
  }
  return out;
}

std::string to_hex(std::string_view text) {
  return to_hex(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

std::optional<std::vector<std::uint8_t>> from_hex(std::string_view digits) {
  if (digits.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes(digits.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = hex_digit(digits[2 * i]);
    const int low = hex_digit(digits[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return bytes;
}

std::optional<std::uint64_t> parse_hex(std::string_view digits) {
  if (digits.empty() || digits.size() > 16) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    const int digit = hex_digit(c);
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  return value;
}

PacketReader::Event PacketReader::feed(char byte) {
  // A '$' never appears inside a packet (binary data escapes it): it starts a new one, dropping what
  // came before, so that a client resynchronises after garbage.
  if (byte == '$') {
    state_ = State::payload;
    payload_.clear();
    length_ = 0;
    sum_ = 0;
    return Event::none;
  }
  switch (state_) {
    case State::idle:
      if (byte == '+') return Event::ack;
      if (byte == '-') return Event::nak;
      if (byte == '\x03') return Event::interrupt;
      return Event::none;
    case State::payload:
      if (byte == '#') {
        state_ = State::checksum_high;
        return Event::none;
      }
      sum_ = static_cast<std::uint8_t>(sum_ + static_cast<std::uint8_t>(byte));
      if (++length_ <= max_payload_) payload_ += byte;
      return Event::none;
    case State::checksum_high: {
      const int digit = hex_digit(byte);
      bad_digit_ = digit < 0;
      received_sum_ = digit * 16;
      state_ = State::checksum_low;
      return Event::none;
    }
    case State::checksum_low: {
      state_ = State::idle;
      const int digit = hex_digit(byte);
      if (bad_digit_ || digit < 0 || received_sum_ + digit != sum_) return Event::bad_checksum;
      if (length_ > max_payload_) {
        payload_.clear();
        return Event::too_long;
      }
      return Event::packet;
    }
  }
  return Event::none;
}

}  // namespace vmsim::gdb
