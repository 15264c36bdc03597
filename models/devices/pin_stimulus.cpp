#include "vmsim/models/devices/pin_stimulus.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "vmsim/models/core/config_document.h"
#include "vmsim/models/core/input_file.h"
#include "vmsim/models/core/units.h"

namespace vmsim {

std::vector<PinChange> read_pin_stimulus(const std::string& file, unsigned pins) {
  if (const std::string problem = unreadable_file(file, "stimulus file"); !problem.empty()) throw ConfigError(problem);
  std::ifstream in(file);
  std::vector<PinChange> changes;
  std::string line;
  for (unsigned number = 1; std::getline(in, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    std::string time, pin, level, extra;
    if (!(fields >> time)) continue;
    const auto fail = [&](std::string_view why) {
      throw ConfigError(fmt::format("{}:{}: {} (expected: TIME PIN LEVEL)", file, number, why));
    };
    if (!(fields >> pin >> level) || (fields >> extra)) fail("a line has three fields");
    PinChange change{};
    try {
      change.time = parse_time(time);
      const std::uint64_t index = parse_uint(pin);
      if (index >= pins) fail(fmt::format("pin {} does not exist (the GPIO has {})", index, pins));
      change.pin = static_cast<unsigned>(index);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    if (level != "0" && level != "1") fail(fmt::format("level '{}' is not 0 or 1", level));
    change.level = level == "1";
    if (!changes.empty() && change.time < changes.back().time) fail("times must not go backwards");
    changes.push_back(change);
  }
  return changes;
}

}  // namespace vmsim
