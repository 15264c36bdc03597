#include "fuzz_input.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <typeinfo>

#include <fmt/format.h>
#include <boost/core/demangle.hpp>

namespace vmsim::fuzz {

InputFile::InputFile(const std::uint8_t* data, std::size_t size) {
  descriptor_ = memfd_create("vmsim-fuzz-input", MFD_CLOEXEC);
  if (descriptor_ < 0) finding("memfd_create failed");
  for (std::size_t written = 0; written < size;) {
    const ssize_t count = write(descriptor_, data + written, size - written);
    if (count <= 0) finding("writing the input into its memfd failed");
    written += static_cast<std::size_t>(count);
  }
  path_ = fmt::format("/proc/self/fd/{}", descriptor_);
}

InputFile::~InputFile() { close(descriptor_); }

std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

void finding(std::string_view what) {
  fmt::print(stderr, "vmsim fuzz finding: {}\n", what);
  std::fflush(stderr);
  std::abort();
}

int guarded(const std::function<int()>& check) {
  try {
    return check();
  } catch (const std::exception& unexpected) {
    finding(fmt::format("{} let through: {}", boost::core::demangle(typeid(unexpected).name()), unexpected.what()));
  } catch (...) {
    finding("an exception of no standard type let through");
  }
}

void require_one_line(const std::exception& error, std::string_view origin) {
  const std::string_view message = error.what();
  if (message.empty()) finding("an error without a message");
  if (message.find('\n') != std::string_view::npos) finding(fmt::format("an error of more than one line: {}", message));
  if (!origin.empty() && message.substr(0, origin.size()) != origin)
    finding(fmt::format("an error that does not start with its file {}: {}", origin, message));
}

}  // namespace vmsim::fuzz
