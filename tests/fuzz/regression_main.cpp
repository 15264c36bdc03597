// The sc_main() of a fuzz target in a build without libFuzzer (gcc, the plain and ASan builds):
// runs the target once on each input file named, and on each file of each folder named, as
// `TARGET -runs=0 FOLDER...` does under libFuzzer (whose options, starting with '-', are passed
// over). CTest runs every target so on its seed corpus and its regression cases in every build.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <systemc>  // declares sc_main() as SystemC calls it

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int sc_main(int argc, char* argv[]) {
  std::vector<std::filesystem::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path argument = argv[i];
    if (std::string_view(argv[i]).substr(0, 1) == "-") continue;
    if (!std::filesystem::is_directory(argument)) {
      inputs.push_back(argument);
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(argument))
      if (entry.is_regular_file()) inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    fmt::print(stderr, "{}: no inputs (expected files or folders of them)\n", argv[0]);
    return 1;
  }
  for (const std::filesystem::path& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      fmt::print(stderr, "{}: cannot open {}\n", argv[0], input.string());
      return 1;
    }
    // Exactly the input's bytes on the heap, as libFuzzer passes them, so that AddressSanitizer
    // sees a read past their end.
    const std::vector<std::uint8_t> data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    fmt::print(stderr, "{}\n", input.string());  // which input, should it end the run
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  fmt::print(stderr, "{}: {} inputs\n", argv[0], inputs.size());
  return 0;
}
