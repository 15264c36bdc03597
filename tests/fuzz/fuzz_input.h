// What the fuzz targets share: the input as a file that a reader opens by name, and the verdict on
// what a parser did with it. A finding aborts, which libFuzzer reports with the input that caused
// it, and the regression driver (regression_main.cpp) as a failed test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

namespace vmsim::fuzz {

// The input as a file that exists only in memory (a memfd), named /proc/self/fd/N: the readers take
// a file name, and a fuzzing run must leave nothing behind.
class InputFile {
 public:
  InputFile(const std::uint8_t* data, std::size_t size);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  int descriptor_ = -1;
  std::string path_;
};

std::string_view as_text(const std::uint8_t* data, std::size_t size);

[[noreturn]] void finding(std::string_view what);

// Runs one input through `check` and returns its verdict for libFuzzer (0, or -1 to keep the input
// out of the corpus). An exception that `check` lets through is a finding: the targets run under
// SystemC's sc_elab_and_sim(), which would catch it and end the run without the input.
int guarded(const std::function<int()>& check);

// An expected error still keeps the contract of every error vmsim reports: one line, not empty, and
// (when `origin` is given) starting with the file it is about.
void require_one_line(const std::exception& error, std::string_view origin = {});

}  // namespace vmsim::fuzz
