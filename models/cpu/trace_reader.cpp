#include "vmsim/models/cpu/trace_reader.h"

#include <cctype>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/input_file.h"
#include "vmsim/models/core/printable.h"

namespace vmsim {
namespace {

constexpr std::size_t buffer_bytes = 64 * 1024;

bool parse_hex(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.size() > 16) return false;
  value = 0;
  for (const char c : text) {
    const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : (c >= 'a' && c <= 'f')                   ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F')                   ? c - 'A' + 10
                                                                 : -1;
    if (digit < 0) return false;
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
  return true;
}

bool parse_decimal(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.size() > 19) return false;
  value = 0;
  for (const char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

}  // namespace

TraceReader::TraceReader(const std::string& file, Format format) : file_(file), format_(format), buffer_(buffer_bytes) {
  if (const std::string problem = unreadable_file(file, "trace"); !problem.empty()) throw std::runtime_error(problem);
  in_ = gzopen(file.c_str(), "rb");
  if (in_ == nullptr) throw std::runtime_error(fmt::format("{}: cannot open the trace", file));
  gzbuffer(in_, buffer_bytes);
}

TraceReader::~TraceReader() { gzclose(in_); }

void TraceReader::malformed(const std::string& why) const {
  throw std::runtime_error(fmt::format("{}:{}: {}", file_, line_number_, why));
}

bool TraceReader::next_line(std::string_view& line) {
  while (true) {
    const char* start = buffer_.data() + begin_;
    if (const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_))) {
      line = std::string_view(start, static_cast<std::size_t>(newline - start));
      begin_ += line.size() + 1;
      return true;
    }
    if (at_end_) {
      if (begin_ == end_) return false;
      line = std::string_view(start, end_ - begin_);  // the last line, without its end
      begin_ = end_;
      return true;
    }
    // Keep the partial line, then fill the rest of the buffer.
    std::memmove(buffer_.data(), start, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    if (end_ == buffer_.size()) malformed(fmt::format("a line is longer than {} bytes", buffer_bytes));
    const int read = gzread(in_, buffer_.data() + end_, static_cast<unsigned>(buffer_.size() - end_));
    // A truncated file reads as its end, with an error (Z_BUF_ERROR) that says so.
    int error = Z_OK;
    if (read <= 0) gzerror(in_, &error);
    if (read < 0 || error != Z_OK)
      throw std::runtime_error(fmt::format("{}: the compressed data is corrupt after line {}", file_, line_number_));
    end_ += static_cast<std::size_t>(read);
    at_end_ = read == 0;
  }
}

bool TraceReader::next(TraceAccess& access) {
  if (pending_store_) {
    pending_store_ = false;
    access = modify_;
    access.kind = AccessKind::store;
    return true;
  }
  std::string_view line;
  while (next_line(line)) {
    ++line_number_;
    if (format_ == Format::lackey ? parse_lackey(line, access) : parse_plain(line, access)) return true;
  }
  return false;
}

bool TraceReader::parse_lackey(std::string_view line, TraceAccess& access) {
  // "I  0400d7d4,8" for a fetch, " L 04222cac,8" (or S, M) for data; everything else is valgrind's.
  char kind = 0;
  std::size_t position = 0;
  if (line.size() > 2 && line[0] == 'I' && line[1] == ' ') {
    kind = 'I';
    position = 2;
  } else if (line.size() > 3 && line[0] == ' ' && (line[1] == 'L' || line[1] == 'S' || line[1] == 'M') &&
             line[2] == ' ') {
    kind = line[1];
    position = 3;
  } else {
    return false;
  }
  while (position < line.size() && line[position] == ' ') ++position;
  const std::size_t comma = line.find(',', position);
  if (comma == std::string_view::npos) malformed("expected ADDRESS,SIZE");
  std::uint64_t size = 0;
  std::size_t end = line.find_last_not_of(" \r") + 1;
  if (!parse_hex(line.substr(position, comma - position), access.address)) malformed("the address is not hexadecimal");
  if (!parse_decimal(line.substr(comma + 1, end - comma - 1), size) || size == 0)
    malformed("the size is not a positive number");
  access.size = size;
  access.gap_cycles = 0;
  access.kind = kind == 'I' ? AccessKind::fetch : kind == 'S' ? AccessKind::store : AccessKind::load;
  if (kind == 'M') {
    modify_ = access;
    pending_store_ = true;
  }
  return true;
}

bool TraceReader::parse_plain(std::string_view line, TraceAccess& access) {
  std::istringstream fields(std::string(line.substr(0, line.find('#'))));
  std::string kind, address, size, gap, extra;
  if (!(fields >> kind)) return false;
  if (!(fields >> address >> size)) malformed("expected R|W|X ADDRESS SIZE [GAP_CYCLES]");
  if (kind == "R") access.kind = AccessKind::load;
  else if (kind == "W") access.kind = AccessKind::store;
  else if (kind == "X") access.kind = AccessKind::fetch;
  else
    malformed(fmt::format("'{}' is not R, W or X", printable(kind)));
  if (address.rfind("0x", 0) == 0) address = address.substr(2);
  if (!parse_hex(address, access.address)) malformed("the address is not hexadecimal");
  if (!parse_decimal(size, access.size) || access.size == 0) malformed("the size is not a positive number");
  access.gap_cycles = 0;
  if (fields >> gap && !parse_decimal(gap, access.gap_cycles)) malformed("the gap is not a number of cycles");
  if (fields >> extra) malformed("too many fields");
  return true;
}

}  // namespace vmsim
