// The GPIO stimulus reader: a mistake is a ConfigError with one line naming the file; what it
// accepts is in time order, on pins that exist.
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "fuzz_input.h"
#include "vmsim/models/core/config_document.h"
#include "vmsim/models/devices/pin_stimulus.h"

namespace {

constexpr unsigned pins = 64;  // the most a GPIO has: pin 64 and above are refused

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vmsim;
  return fuzz::guarded([&] {
    const fuzz::InputFile input(data, size);
    try {
      const std::vector<PinChange> changes = read_pin_stimulus(input.path(), pins);
      for (std::size_t i = 0; i < changes.size(); ++i) {
        if (changes[i].pin >= pins) fuzz::finding(fmt::format("change {} is on pin {}", i, changes[i].pin));
        if (i > 0 && changes[i].time < changes[i - 1].time)
          fuzz::finding(fmt::format("change {} goes back in time", i));
      }
    } catch (const ConfigError& refused) {
      fuzz::require_one_line(refused, input.path());
    }
    return 0;
  });
}
