// The configuration loader: the input is a platform configuration in YAML, its lines that start
// with "#--set " overrides applied in order as `vmsim run --set` applies them. The platform is
// built, which reads every parameter and makes every check of the configuration, but never
// simulated. A mistake is a ConfigError of one line, and SystemC reports nothing on the way; an
// accepted configuration builds the same platform again from its resolved form (config.yaml, which
// replays a run); and building creates no file.
//
// SystemC elaborates once per process, but building a System is not yet elaborating: a System is
// built and destroyed for each input. The processes its models declared stay registered with
// SystemC until the program exits (never started, they run nothing), some 20 KB a platform.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "fuzz_input.h"
#include "vmsim/models/core/config_document.h"
#include "vmsim/platforms/builtin_models.h"
#include "vmsim/platforms/system.h"

namespace vmsim::fuzz {
namespace {

// A configuration in the folder of the shipped ones, so that the traces, stimulus files and DRAM
// presets they name are found as they are by `vmsim run`.
const std::string origin = VMSIM_SOURCE_DIR "/configs/fuzz-input.yaml";
constexpr std::string_view set_prefix = "#--set ";

const ModelRegistry& registry() {
  static const ModelRegistry models = [] {
    ModelRegistry built;
    register_builtin_models(built);
    return built;
  }();
  return models;
}

// Where models would write their files: never created, since nothing is written before the
// simulation starts.
const std::filesystem::path& output_folder() {
  static const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / fmt::format("vmsim-fuzz-{}-never-written", getpid());
  return folder;
}

// vmsim reports a mistake in its own words: SystemC's warning or error while a platform is built (a
// module name taken twice, say, which SystemC renames) is a finding.
void report_is_a_finding(const sc_core::sc_report& report, const sc_core::sc_actions&) {
  if (report.get_severity() != sc_core::SC_INFO) finding(fmt::format("SystemC reported: {}", report.what()));
}

// A configuration may name any file, and some never end or block (/dev/zero as a stimulus, a
// terminal as a trace): that is the user's choice, not a mistake of the loader, so inputs that
// name device or kernel files are left out.
bool names_a_system_file(std::string_view text) {
  for (const std::string_view folder : {"dev/", "proc/", "sys/"})
    if (text.find(folder) != std::string_view::npos) return true;
  return false;
}

// The destroyed platforms' processes keep their names: each platform gets a name of its own, so that
// SystemC renames none of its processes.
std::string fresh_module_name() {
  static unsigned built = 0;
  return fmt::format("system{}", built++);
}

ConfigDocument load(const std::string& text) {
  ConfigDocument config = ConfigDocument::from_string(text, origin);
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = std::string_view(text).substr(start, end - start);
    if (line.substr(0, set_prefix.size()) == set_prefix) config.set(line.substr(set_prefix.size()));
    start = end + 1;
  }
  return config;
}

// The resolved configuration of the platform built from `text`, if it was accepted.
std::optional<std::string> build(const std::string& text) {
  try {
    ConfigDocument config = load(text);
    const System system(fresh_module_name().c_str(), config, registry(), output_folder().string());
    YAML::Emitter resolved;
    resolved << config.resolved();
    return resolved.c_str();
  } catch (const ConfigError& refused) {
    require_one_line(refused);
    return std::nullopt;
  }
}

}  // namespace
}  // namespace vmsim::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vmsim::fuzz;
  sc_core::sc_report_handler::set_handler(report_is_a_finding);
  return guarded([&] {
    const std::string text(as_text(data, size));
    if (names_a_system_file(text)) return -1;
    if (const std::optional<std::string> resolved = build(text)) {
      try {
        vmsim::ConfigDocument replay = vmsim::ConfigDocument::from_string(*resolved, origin);
        const vmsim::System system(fresh_module_name().c_str(), replay, registry(), output_folder().string());
      } catch (const vmsim::ConfigError& refused) {
        finding(fmt::format("the resolved configuration is refused: {}\n{}", refused.what(), *resolved));
      }
    }
    if (std::filesystem::exists(output_folder())) finding("building the platform created its output folder");
    return 0;
  });
}
