// The trace readers: the input, plain or gzip-compressed, is read to its end as a lackey trace and
// as a plain one. A malformed line is std::runtime_error with one line naming the file; every
// access read has a size.
#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

#include "fuzz_input.h"
#include "vmsim/models/cpu/trace_reader.h"

namespace vmsim::fuzz {
namespace {

void read_to_the_end(const InputFile& input, TraceReader::Format format) {
  try {
    TraceReader reader(input.path(), format);
    TraceAccess access;
    while (reader.next(access))
      if (access.size == 0) finding(fmt::format("an access of no bytes at {:#x}", access.address));
  } catch (const std::runtime_error& refused) {
    require_one_line(refused, input.path());
  }
}

}  // namespace
}  // namespace vmsim::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vmsim;
  return fuzz::guarded([&] {
    const fuzz::InputFile input(data, size);
    fuzz::read_to_the_end(input, TraceReader::Format::lackey);
    fuzz::read_to_the_end(input, TraceReader::Format::plain);
    return 0;
  });
}
