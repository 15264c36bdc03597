// Reads a recorded address trace one access at a time, in constant memory however long the trace:
// valgrind lackey output (`valgrind --tool=lackey --trace-mem=yes PROG`: "I  addr,size",
// " L addr,size", " S addr,size", " M addr,size", where M is a load then a store of the same
// bytes; valgrind's "==PID==" lines and any other text are skipped), or plain text
// ("R|W|X hexaddr size [gap_cycles]", '#' starts a comment). Either may be gzip-compressed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/iostreams/filtering_stream.hpp>

#include "models/core/access_extension.h"

namespace vmsim {

struct TraceAccess {
  AccessKind kind = AccessKind::load;
  std::uint64_t address = 0;
  std::uint64_t size = 0;
  std::uint64_t gap_cycles = 0;  // CPU cycles before the access (plain format)
};

class TraceReader {
 public:
  enum class Format { lackey, plain };

  // Throws std::runtime_error if the file cannot be opened.
  TraceReader(const std::string& file, Format format);
  ~TraceReader();

  // The next access, or false at the end. A malformed line throws std::runtime_error naming the
  // file and line.
  bool next(TraceAccess& access);

 private:
  bool parse_lackey(const std::string& line, TraceAccess& access);
  bool parse_plain(const std::string& line, TraceAccess& access);
  [[noreturn]] void malformed(const std::string& why) const;

  std::string file_;
  Format format_;
  std::unique_ptr<std::istream> raw_;
  boost::iostreams::filtering_istream in_;
  std::uint64_t line_number_ = 0;
  bool pending_store_ = false;  // the store half of a lackey M
  TraceAccess modify_;
};

}  // namespace vmsim
