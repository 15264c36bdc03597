// The vmsim command: runs a platform configuration, or lists the parameters models declare.
#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "platforms/builtin_models.h"
#include "platforms/parameter_listing.h"
#include "platforms/results.h"
#include "platforms/system.h"

namespace po = boost::program_options;

namespace {

constexpr const char* usage = R"(usage: vmsim run CONFIG.yaml [--set key.path=value ...] [--out DIR] [--quiet]
       vmsim params [TYPE]

run      simulates the platform CONFIG describes and writes stats.txt, stats.json and config.yaml
         into DIR (default out/). --set overrides any configuration value, e.g.
         --set components.dram.read_latency=40ns --set platform.seed=7
params   lists every parameter of every component type (or of TYPE): type, default, description and
         when it applies
)";

// Exit codes: 0 success, 1 the simulation failed, 2 the command or configuration is wrong.
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

bool summarised(const std::string& name) {
  static const char* const suffixes[] = {".accesses", ".latency_ns::mean", ".avg_latency_ns", ".transactions"};
  if (name.find('.') == std::string::npos) return true;
  for (const char* suffix : suffixes) {
    const std::string_view text(suffix);
    if (name.size() >= text.size() && name.compare(name.size() - text.size(), text.size(), text) == 0) return true;
  }
  return false;
}

int run_command(const std::vector<std::string>& arguments) {
  po::options_description options("run options");
  options.add_options()("set", po::value<std::vector<std::string>>()->composing(), "override key.path=value")(
      "out", po::value<std::string>()->default_value("out"), "output folder")("quiet", "print no summary")(
      "config", po::value<std::string>()->required(), "configuration file");
  po::positional_options_description positional;
  positional.add("config", 1);
  po::variables_map values;
  po::store(po::command_line_parser(arguments).options(options).positional(positional).run(), values);
  po::notify(values);

  const std::string file = values["config"].as<std::string>();
  vmsim::ConfigDocument config = vmsim::ConfigDocument::from_file(file);
  if (values.count("set") != 0)
    for (const std::string& assignment : values["set"].as<std::vector<std::string>>()) config.set(assignment);

  const std::string out = values["out"].as<std::string>();
  vmsim::ModelRegistry registry;
  vmsim::register_builtin_models(registry);
  vmsim::System system("system", config, registry, out);
  // Only a configuration that builds gets an output folder; models open their files in it when
  // elaboration ends.
  vmsim::create_output_directory(out);
  if (!system.run()) {
    fmt::print(stderr, "vmsim: error: {}\n", system.failure());
    return exit_failed;
  }
  const auto stats = system.statistics();
  vmsim::write_results(out, stats, config.resolved());

  if (values.count("quiet") == 0) {
    fmt::print("vmsim: {} -> {}/stats.txt\n", file, out);
    for (const auto& entry : stats) {
      if (!summarised(entry.name)) continue;
      std::string value = "nan";
      if (const auto* count = std::get_if<std::uint64_t>(&entry.value)) value = fmt::format("{}", *count);
      if (const auto* number = std::get_if<double>(&entry.value)) value = fmt::format("{:.6g}", *number);
      fmt::print("  {:<40} {:>16}  # {}\n", entry.name, value, entry.description);
    }
  }
  return EXIT_SUCCESS;
}

int params_command(const std::vector<std::string>& arguments) {
  if (arguments.size() > 1) throw po::error("params takes at most one component type");
  vmsim::ModelRegistry registry;
  vmsim::register_builtin_models(registry);
  fmt::print("{}", vmsim::format_parameter_listing(
                       vmsim::parameter_sections(registry, arguments.empty() ? std::string() : arguments.front())));
  return EXIT_SUCCESS;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  const std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words.front() == "--help" || words.front() == "-h" || words.front() == "help") {
    std::cout << usage;
    return words.empty() ? exit_usage : EXIT_SUCCESS;
  }
  const std::vector<std::string> arguments(words.begin() + 1, words.end());
  try {
    if (words.front() == "run") return run_command(arguments);
    if (words.front() == "params") return params_command(arguments);
    throw po::error(fmt::format("unknown command '{}'", words.front()));
  } catch (const po::error& e) {
    fmt::print(stderr, "vmsim: error: {}\n{}", e.what(), usage);
    return exit_usage;
  } catch (const vmsim::ConfigError& e) {
    fmt::print(stderr, "vmsim: error: {}\n", e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "vmsim: error: {}\n", e.what());
    return exit_failed;
  }
}
