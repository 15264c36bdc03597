// Reads a recorded address trace one access at a time, in constant memory however long the trace:
// valgrind lackey output (`valgrind --tool=lackey --trace-mem=yes PROG`: "I  addr,size",
// " L addr,size", " S addr,size", " M addr,size", where M is a load then a store of the same
// bytes; valgrind's "==PID==" lines and any other text are skipped), or plain text
// ("R|W|X hexaddr size [gap_cycles]", '#' starts a comment). Either may be gzip-compressed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

#include "vmsim/models/core/access_extension.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

struct VMSIM_API TraceAccess {
  AccessKind kind = AccessKind::load;
  std::uint64_t address = 0;
  std::uint64_t size = 0;
  std::uint64_t gap_cycles = 0;  // CPU cycles before the access (plain format)
};

class VMSIM_API TraceReader {
 public:
  enum class Format { lackey, plain };

  // Throws std::runtime_error if the file cannot be opened.
  TraceReader(const std::string& file, Format format);
  ~TraceReader();
  TraceReader(const TraceReader&) = delete;
  TraceReader& operator=(const TraceReader&) = delete;

  // The next access, or false at the end. A malformed line throws std::runtime_error naming the
  // file and line.
  bool next(TraceAccess& access);

 private:
  // The next line, without its end; false at the end of the file.
  bool next_line(std::string_view& line);
  bool parse_lackey(std::string_view line, TraceAccess& access);
  bool parse_plain(std::string_view line, TraceAccess& access);
  [[noreturn]] void malformed(const std::string& why) const;

  std::string file_;
  Format format_;
  // zlib reads a gzip file, or a plain one as it is, into a large buffer that lines are cut from in
  // place: a replay spends its time on accesses, not on stream layers and a string per line.
  gzFile in_ = nullptr;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // the unread bytes are [begin_, end_)
  std::size_t end_ = 0;
  bool at_end_ = false;
  std::uint64_t line_number_ = 0;
  bool pending_store_ = false;  // the store half of a lackey M
  TraceAccess modify_;
};

}  // namespace vmsim
