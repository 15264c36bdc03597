// The vmsim command: runs a platform configuration, or lists the parameters models declare.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "firmware/swap/registry.h"
#include "models/mmu/replacement/registry.h"
#include "platforms/builtin_models.h"
#include "platforms/parameter_listing.h"
#include "platforms/results.h"
#include "platforms/summary.h"
#include "platforms/system.h"
#include "platforms/version.h"

namespace {

// Exit codes: 0 success, 1 the simulation failed, 2 the command or configuration is wrong.
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

struct RunOptions {
  std::string config;
  std::vector<std::string> sets;
  std::string out = "out";
  bool quiet = false;
};

// The words of the command line, quoted for a POSIX shell where they need it, so that the line
// recorded in config.yaml can be pasted back.
std::string shell_line(int argc, char* argv[]) {
  std::vector<std::string> words;
  for (int i = 0; i < argc; ++i) {
    const std::string word(argv[i]);
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_-+=./:,@%") == std::string::npos;
    std::string quoted;
    for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    words.push_back(plain ? word : "'" + quoted + "'");
  }
  return fmt::format("{}", fmt::join(words, " "));
}

// The signal (SIGINT, SIGTERM) that asked the run to stop, or 0. The run stops at the next quantum
// and writes what it has; a second signal ends vmsim at once, as the shell's exit status for a
// signal says (128 + its number).
volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_stop_signal(int number) {
  if (stop_signal != 0) _exit(128 + number);
  stop_signal = number;
}

void catch_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (const int number : {SIGINT, SIGTERM}) sigaction(number, &action, nullptr);
}

std::string stop_requested() {
  if (stop_signal == 0) return "";
  return fmt::format("interrupted by {} at {}", stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
                     vmsim::format_time(sc_core::sc_time_stamp()));
}

int run_command(const RunOptions& options, const std::string& command_line) {
  catch_stop_signals();
  vmsim::ConfigDocument config = vmsim::ConfigDocument::from_file(options.config);
  for (const std::string& assignment : options.sets) config.set(assignment);

  vmsim::ModelRegistry registry;
  vmsim::register_builtin_models(registry);
  // Building the platform checks the whole configuration and creates nothing; only an accepted one
  // gets its output folder, and models create their files (disk images, waveforms) there when the
  // simulation starts.
  auto system = std::make_unique<vmsim::System>("system", config, registry, options.out);
  vmsim::prepare_output_directory(options.out);
  if (!system->run(stop_requested)) {
    fmt::print(stderr, "vmsim: error: {}\n", system->failure());
    return exit_failed;
  }
  const auto stats = system->statistics();
  vmsim::write_results(options.out, stats, config.resolved(), {fmt::format("vmsim {}", vmsim::version()), command_line},
                       system->partial());
  if (!system->partial().empty()) {
    fmt::print(stderr, "vmsim: {}: partial statistics in {}/stats.txt\n", system->partial(), options.out);
    return 128 + stop_signal;
  }
  if (!options.quiet) {
    fmt::print("vmsim: {} -> {}/stats.txt\n", options.config, options.out);
    fmt::print("{}", vmsim::format_summary(stats, vmsim::use_colour(stdout)));
  }
  return EXIT_SUCCESS;
}

// Each policy of an extension point with its description; its own parameters are listed with the
// map that names it, as applying when it is chosen.
template <typename Registry>
void print_policies(std::string_view title, const Registry& registry) {
  fmt::print("{}:\n", title);
  for (const auto& policy : registry.policies()) fmt::print("  {:<10} {}\n", policy.name, policy.description);
  fmt::print("\n");
}

int params_command(const std::string& type) {
  vmsim::ModelRegistry registry;
  vmsim::register_builtin_models(registry);
  fmt::print("{}", vmsim::format_parameter_listing(vmsim::parameter_sections(registry, type)));
  if (!type.empty()) return EXIT_SUCCESS;
  print_policies("tlb replacement policies (policy: of an mmu's dtlb, itlb, l2tlb and walk_cache)",
                 vmsim::tlb_replacements());
  print_policies("swap victim policies (swap.policy: of a kernel)", vmsim::swap_policies());
  return EXIT_SUCCESS;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  CLI::App app("vmsim: a full-system model of a virtual-memory machine (SystemC, TLM-2.0)", "vmsim");
  app.set_version_flag("--version", fmt::format("vmsim {}", vmsim::version()), "Print the version and exit");
  app.require_subcommand(1);
  // One line for every mistake; the subcommands inherit this.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    const std::string help =
        failed->get_parent() == nullptr ? "vmsim --help" : "vmsim " + failed->get_name() + " --help";
    return fmt::format("vmsim: error: {} (see '{}')\n", e.what(), help);
  });

  RunOptions run;
  CLI::App* run_app = app.add_subcommand(
      "run", "Simulate the platform CONFIG describes; write stats.txt, stats.json and config.yaml into --out");
  run_app->add_option("CONFIG", run.config, "Platform configuration (YAML)")->required();
  run_app->add_option("--set", run.sets,
                      "Override a configuration value by its path, repeatable: "
                      "--set components.dram.read_latency=40ns --set platform.seed=7");
  run_app->add_option("--out", run.out, "Output folder")->capture_default_str();
  run_app->add_flag("--quiet", run.quiet, "Print no summary");

  std::string type;
  CLI::App* params_app = app.add_subcommand(
      "params",
      "List every parameter of every component type (or of TYPE): type, default, description and when it applies");
  params_app->add_option("TYPE", type, "A component type, e.g. dram");

  try {
    // CLI11 would call any other word a missing subcommand.
    if (argc > 1 && argv[1][0] != '-' && argv[1] != run_app->get_name() && argv[1] != params_app->get_name())
      throw CLI::ExtrasError(fmt::format("unknown command '{}' (known: run, params)", argv[1]),
                             CLI::ExitCodes::ExtrasError);
    app.parse(argc, argv);
    if (*run_app) return run_command(run, shell_line(argc, argv));
    return params_command(type);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The subcommand that was given reports the mistake, so that its message names its own --help.
    const std::vector<CLI::App*> given = app.get_subcommands();
    (given.empty() ? &app : given.front())->exit(e);
    return exit_usage;
  } catch (const vmsim::ConfigError& e) {
    fmt::print(stderr, "vmsim: error: {}\n", e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "vmsim: error: {}\n", e.what());
    return exit_failed;
  }
}
