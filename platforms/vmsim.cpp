// The vmsim command: runs a platform configuration, sweeps one over a grid of values, or lists the
// parameters models declare.
#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <CLI/CLI.hpp>

#include "vmsim/firmware/swap/registry.h"
#include "vmsim/models/core/terminal.h"
#include "vmsim/models/mmu/replacement/registry.h"
#include "vmsim/platforms/builtin_models.h"
#include "vmsim/platforms/child_process.h"
#include "vmsim/platforms/parameter_listing.h"
#include "vmsim/platforms/plugins.h"
#include "vmsim/platforms/results.h"
#include "vmsim/platforms/slurm.h"
#include "vmsim/platforms/summary.h"
#include "vmsim/platforms/sweep.h"
#include "vmsim/platforms/system.h"
#include "vmsim/platforms/trace_events.h"
#include "vmsim/platforms/version.h"

namespace {

// Exit codes: 0 success, 1 the simulation failed, 2 the command or configuration is wrong.
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

struct RunOptions {
  std::string config;
  std::vector<std::string> sets;
  std::string kernel;  // --kernel FILE: the program of the configuration's loader
  std::string bios;    // --bios FILE: its firmware
  std::string drive;   // --drive FILE: the first virtio disk's image
  unsigned smp = 0;    // --smp N: the number of rv64 harts (0: as configured)
  std::string out = "out";
  bool quiet = false;
  std::string timeline;         // FILE.json, or "" for none
  std::string timeline_window;  // START,END
  std::string stats_interval;
  std::string max_time;
  std::uint64_t max_accesses = 0;
  std::vector<std::string> plugins;  // --plugin, besides the configuration's own
  std::string gdb;                   // a port, or "" for no GDB server
  std::string console_script;
  std::string trace_instructions;  // --trace-instructions [FILE]: every rv64 hart's trace.file ("" none)
  std::string profile;             // --profile [FILE]: every rv64 hart's profile.file ("" none)
};

// A time option's value; a mistake is a usage error naming the option.
sc_core::sc_time time_option(const std::string& option, const std::string& text) {
  try {
    return vmsim::parse_time(text);
  } catch (const std::exception& e) {
    throw vmsim::ConfigError(fmt::format("{} {}: {}", option, text, e.what()));
  }
}

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
  if (stop_signal != 0) {
    vmsim::restore_terminal();
    _exit(128 + number);
  }
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

vmsim::RunLimits run_limits(const RunOptions& options) {
  vmsim::RunLimits limits;
  if (!options.max_time.empty()) limits.max_time = time_option("--max-time", options.max_time);
  if (!options.stats_interval.empty()) {
    limits.stats_interval = time_option("--stats-interval", options.stats_interval);
    if (limits.stats_interval == sc_core::SC_ZERO_TIME)
      throw vmsim::ConfigError(fmt::format("--stats-interval {}: must be above zero", options.stats_interval));
  }
  limits.max_accesses = options.max_accesses;
  limits.progress = !options.quiet && isatty(fileno(stderr)) != 0;
  limits.should_stop = stop_requested;
  return limits;
}

// The writer of --timeline, over --timeline-window; null without --timeline.
std::unique_ptr<vmsim::TraceEventWriter> timeline_writer(const RunOptions& options) {
  if (options.timeline.empty()) return nullptr;
  sc_core::sc_time start = sc_core::SC_ZERO_TIME;
  sc_core::sc_time end = sc_core::sc_max_time();
  if (!options.timeline_window.empty()) {
    const auto comma = options.timeline_window.find(',');
    if (comma == std::string::npos)
      throw vmsim::ConfigError(fmt::format("--timeline-window {}: expected START,END", options.timeline_window));
    start = time_option("--timeline-window", options.timeline_window.substr(0, comma));
    end = time_option("--timeline-window", options.timeline_window.substr(comma + 1));
    if (end < start)
      throw vmsim::ConfigError(fmt::format("--timeline-window {}: ends before it starts", options.timeline_window));
  }
  return std::make_unique<vmsim::TraceEventWriter>(start, end);
}

// What became of a run: vmsim's exit status, and why the run failed or stopped early ("" if it ran
// to its end).
struct RunOutcome {
  int status = EXIT_SUCCESS;
  std::string why;
};

// Simulates the platform and writes its results, those of a run stopped early too. Throws
// ConfigError for a mistake in the configuration or the options.
// `text` as a YAML string, so that any file name stays one string.
std::string yaml_string(const std::string& text) {
  YAML::Emitter quoted;
  quoted << YAML::DoubleQuoted << text;
  return quoted.c_str();
}

// A file named on the command line, as a YAML string of its absolute path: relative to where vmsim
// runs (the shell's), not to the configuration's folder.
std::string quoted_path(const std::string& file) {
  return yaml_string(std::filesystem::absolute(file).lexically_normal().string());
}

// The components of `type`, in the configuration's order.
std::vector<std::string> components_of_type(const vmsim::ConfigDocument& config, const std::string& type) {
  std::vector<std::string> names;
  if (const YAML::Node components = config.root()["components"]; components.IsMap())
    for (const auto& component : components)
      if (component.second.IsMap() && component.second["type"] && component.second["type"].Scalar() == type)
        names.push_back(component.first.Scalar());
  return names;
}

// --trace-instructions FILE and --profile FILE: `key` of every rv64 hart.
void set_on_harts(vmsim::ConfigDocument& config, const std::string& key, const std::string& value,
                  const std::string& option) {
  const std::vector<std::string> harts = components_of_type(config, "rv64");
  if (harts.empty())
    throw vmsim::ConfigError(fmt::format("{} {}: {} has no rv64 hart", option, value, config.origin()));
  for (const std::string& hart : harts)
    config.set(fmt::format("components.{}.{}={}", hart, key, yaml_string(value)), option + " " + value);
}

// The one component of `type` whose `key` an option (QEMU's habit, `flag value`) sets.
std::string the_component(const vmsim::ConfigDocument& config, const std::string& type, const std::string& flag,
                          const std::string& value, const std::string& key) {
  const std::vector<std::string> names = components_of_type(config, type);
  if (names.size() != 1)
    throw vmsim::ConfigError(fmt::format("{} {}: {} has {} components of type {}; {} sets the one's {}", flag, value,
                                         config.origin(), names.size(), type, flag, key));
  return names.front();
}

// QEMU's boot options: --bios and --kernel set the loader's files, --drive the first virtio disk's
// image, --smp the count of the rv64 harts and of the MMUs they are behind.
void set_boot_options(vmsim::ConfigDocument& config, const RunOptions& options) {
  if (!options.kernel.empty())
    config.set(
        fmt::format("components.{}.kernel={}", the_component(config, "loader", "--kernel", options.kernel, "kernel"),
                    quoted_path(options.kernel)),
        "--kernel " + options.kernel);
  if (!options.bios.empty())
    config.set(fmt::format("components.{}.bios={}", the_component(config, "loader", "--bios", options.bios, "bios"),
                           quoted_path(options.bios)),
               "--bios " + options.bios);
  if (!options.drive.empty()) {
    const std::vector<std::string> disks = components_of_type(config, "virtio_blk");
    if (disks.empty())
      throw vmsim::ConfigError(
          fmt::format("--drive {}: {} has no component of type virtio_blk", options.drive, config.origin()));
    config.set(fmt::format("components.{}.image={}", disks.front(), quoted_path(options.drive)),
               "--drive " + options.drive);
  }
  if (options.smp != 0) {
    const std::string option = fmt::format("--smp {}", options.smp);
    const std::string harts = the_component(config, "rv64", "--smp", std::to_string(options.smp), "count");
    config.set(fmt::format("components.{}.count={}", harts, options.smp), option);
    const YAML::Node port = config.root()["components"][harts]["port"];
    if (port && port.IsScalar() && components_of_type(config, "mmu") == std::vector<std::string>{port.Scalar()})
      config.set(fmt::format("components.{}.count={}", port.Scalar(), options.smp), option);
  }
}

RunOutcome simulate(const RunOptions& options, const std::string& command_line) {
  vmsim::ConfigDocument config = vmsim::ConfigDocument::from_file(options.config);
  set_boot_options(config, options);
  for (const std::string& assignment : options.sets) config.set(assignment);
  if (!options.gdb.empty()) config.set("platform.gdb=" + options.gdb, "--gdb " + options.gdb);
  if (!options.console_script.empty()) config.set("console.script=" + quoted_path(options.console_script));
  if (!options.trace_instructions.empty())
    set_on_harts(config, "trace.file", options.trace_instructions, "--trace-instructions");
  if (!options.profile.empty()) set_on_harts(config, "profile.file", options.profile, "--profile");
  const vmsim::RunLimits limits = run_limits(options);
  const std::unique_ptr<vmsim::TraceEventWriter> timeline = timeline_writer(options);

  vmsim::ModelRegistry registry;
  vmsim::register_builtin_models(registry);
  vmsim::load_plugins(config, registry, options.plugins);
  // Building the platform checks the whole configuration and creates nothing; only an accepted one
  // gets its output folder, and models create their files (disk images, waveforms) there when the
  // simulation starts.
  auto system = std::make_unique<vmsim::System>("system", config, registry, options.out, timeline.get());
  // The run's files are begun before the simulation starts, so that a path that cannot take them is
  // a mistake found now (exit 2), not after the run: the timeline's file, then the output folder
  // with config.yaml in it.
  if (timeline) vmsim::TraceEventWriter::create(options.timeline);
  vmsim::prepare_output_directory(options.out, config.resolved(),
                                  {fmt::format("vmsim {}", vmsim::version()), command_line});
  // The timeline is written whatever the outcome: it shows what led to a failure.
  const bool ok = system->run(limits);
  if (timeline) timeline->write(options.timeline);
  if (!ok) return {system->failed_before_start() ? exit_usage : exit_failed, system->failure()};
  const auto stats = system->statistics();
  vmsim::write_results(options.out, stats, system->interval_statistics(), system->partial());
  if (!options.quiet) {
    fmt::print("vmsim: {} -> {}/stats.txt\n", options.config, options.out);
    fmt::print("{}", vmsim::format_summary(stats, vmsim::use_colour(stdout)));
  }
  // The software on the machine ended the run (a power-off, a scripted console's last step): its exit
  // status is vmsim's.
  const vmsim::RunControl& control = system->run_control();
  if (control.exit_status()) {
    if (*control.exit_status() != EXIT_SUCCESS) return {*control.exit_status(), control.exit_message()};
    if (!control.exit_message().empty()) fmt::print(stderr, "vmsim: {}\n", control.exit_message());
    return {};
  }
  if (system->partial().empty()) return {};
  fmt::print(stderr, "vmsim: {}: partial statistics in {}/stats.txt\n", system->partial(), options.out);
  // A limit the user set ends the run as asked; a signal ends it as the shell expects.
  return {stop_signal != 0 ? 128 + stop_signal : EXIT_SUCCESS, system->partial()};
}

int run_command(const RunOptions& options, const std::string& command_line) {
  catch_stop_signals();
  const RunOutcome outcome = simulate(options, command_line);
  if (outcome.status == exit_failed || outcome.status == exit_usage)
    fmt::print(stderr, "vmsim: error: {}\n", outcome.why);
  return outcome.status;
}

struct SweepOptions {
  std::string config;  // a platform configuration or a sweep file
  std::vector<std::string> sets, grids, zips, stats;
  std::string out;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
  std::string launcher = "local";
  vmsim::SlurmOptions slurm;
  bool no_wait = false;
};

// The path of this vmsim, which runs the sweep's runs.
std::string own_executable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

int report_sweep(const std::string& directory, const vmsim::CollectSummary& summary) {
  fmt::print("vmsim: {} ok, {} failed{} -> {}/results.csv\n", summary.ok, summary.failed,
             summary.unfinished == 0 ? "" : fmt::format(", {} not finished", summary.unfinished), directory);
  return summary.failed == 0 && summary.unfinished == 0 ? EXIT_SUCCESS : exit_failed;
}

int sweep_command(const SweepOptions& options) {
  vmsim::SweepSpec spec;
  if (vmsim::SweepSpec::is_sweep_file(options.config))
    spec.read_file(options.config);
  else
    spec.config = options.config;
  spec.sets.insert(spec.sets.end(), options.sets.begin(), options.sets.end());
  for (const std::string& grid : options.grids) spec.grid.push_back(vmsim::SweepSpec::parse_axis("--grid", grid));
  for (const std::string& zip : options.zips) spec.zip.push_back(vmsim::SweepSpec::parse_axis("--zip", zip));
  spec.stats.insert(spec.stats.end(), options.stats.begin(), options.stats.end());
  if (!options.out.empty() || spec.out.empty()) spec.out = options.out.empty() ? "out/sweep" : options.out;

  const vmsim::SweepManifest manifest = vmsim::SweepManifest::expand(spec);
  manifest.write(spec.out);
  if (options.launcher == "none") {
    fmt::print("vmsim: {} runs in {}/manifest.yaml; `vmsim sweep run-one {} INDEX` runs one\n", manifest.runs.size(),
               spec.out, spec.out);
    return EXIT_SUCCESS;
  }
  if (options.launcher == "local")
    return report_sweep(spec.out, vmsim::run_sweep_locally(spec.out, own_executable(), options.jobs));
  vmsim::SlurmOptions slurm = options.slurm;
  slurm.wait = !options.no_wait;
  const int status = vmsim::submit_to_slurm(spec.out, own_executable(), slurm);
  if (!slurm.wait) {
    fmt::print("vmsim: submitted; `vmsim sweep collect {}` gathers results.csv from the runs that have ended\n",
               spec.out);
    return status == 0 ? EXIT_SUCCESS : exit_failed;
  }
  return report_sweep(spec.out, vmsim::collect_sweep(spec.out));
}

struct PlotOptions {
  std::string csv, x, series, kind, out, size, title;
  std::vector<std::string> y, where;
  bool logx = false;
  bool logy = false;
};

// Draws with matplotlib: Debian's python3-matplotlib, for the system's python3 (VMSIM_PYTHON names
// another interpreter). The script reports its own mistakes, as one line, with exit status 2.
int plot_command(const PlotOptions& options) {
  std::string script = VMSIM_SOURCE_PLOT;
  if (!std::filesystem::exists(script)) script = VMSIM_INSTALLED_PLOT;
  const char* python = std::getenv("VMSIM_PYTHON");
  std::vector<std::string> words = {python != nullptr ? python : "/usr/bin/python3",
                                    script,
                                    options.csv,
                                    "--x",
                                    options.x,
                                    "--out",
                                    options.out,
                                    "--size",
                                    options.size};
  for (const std::string& y : options.y) words.insert(words.end(), {"--y", y});
  for (const std::string& where : options.where) words.insert(words.end(), {"--where", where});
  for (const auto& [flag, value] :
       {std::pair{"--series", options.series}, std::pair{"--kind", options.kind}, std::pair{"--title", options.title}})
    if (!value.empty()) words.insert(words.end(), {flag, value});
  if (options.logx) words.emplace_back("--logx");
  if (options.logy) words.emplace_back("--logy");
  return vmsim::wait_for(vmsim::start_process(words, "", "plots need python3 and python3-matplotlib"));
}

// One run of a sweep, by its index in the manifest; skipped if it has already succeeded. Its
// status file records the outcome, whatever it is.
int run_one_command(const std::string& directory, std::size_t index, const std::string& command_line) {
  const vmsim::SweepManifest manifest = vmsim::SweepManifest::read(directory);
  if (index >= manifest.runs.size())
    throw vmsim::ConfigError(fmt::format("{}: the sweep has {} runs, numbered from 0; there is no run {}", directory,
                                         manifest.runs.size(), index));
  const vmsim::SweepRun& run = manifest.runs[index];
  const std::string folder = (std::filesystem::path(directory) / run.folder).string();
  if (const auto status = vmsim::read_run_status(folder); status && status->ok) {
    fmt::print("vmsim: run {} ({}) has already succeeded\n", index, run.folder);
    return EXIT_SUCCESS;
  }
  std::filesystem::remove(std::filesystem::path(folder) / "status");
  RunOptions options;
  options.config = manifest.config;
  options.sets = run.sets;
  options.out = folder;
  options.quiet = true;
  catch_stop_signals();
  int code = EXIT_SUCCESS;
  std::string error;
  try {
    const RunOutcome outcome = simulate(options, command_line);
    code = outcome.status;
    if (code != EXIT_SUCCESS) error = outcome.why;
  } catch (const vmsim::ConfigError& e) {
    error = e.what();
    code = exit_usage;
  } catch (const std::exception& e) {
    error = e.what();
    code = exit_failed;
  }
  vmsim::write_run_status(folder, {error.empty(), error});
  if (code == exit_failed || code == exit_usage) fmt::print(stderr, "vmsim: error: {}\n", error);
  return code;
}

int params_command(const std::string& type, const std::vector<std::string>& plugins) {
  vmsim::ModelRegistry registry;
  vmsim::register_builtin_models(registry);
  for (const std::string& plugin : plugins) vmsim::load_plugin(std::filesystem::absolute(plugin).string(), registry);
  fmt::print("{}", vmsim::format_parameter_listing(vmsim::parameter_sections(registry, type)));
  if (!type.empty()) return EXIT_SUCCESS;
  fmt::print("{}", vmsim::format_policy_listing());
  return EXIT_SUCCESS;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  CLI::App app("vmsim: a full-system model of a virtual-memory machine (SystemC, TLM-2.0)", "vmsim");
  app.set_version_flag("--version", fmt::format("vmsim {}", vmsim::version()), "Print the version and exit");
  app.require_subcommand(1);
  // One line for every mistake; the subcommands inherit this.
  app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
    std::string help = "--help";
    for (const CLI::App* command = failed; command->get_parent() != nullptr; command = command->get_parent())
      help = command->get_name() + " " + help;
    help = "vmsim " + help;
    return fmt::format("vmsim: error: {} (see '{}')\n", e.what(), help);
  });

  RunOptions run;
  CLI::App* run_app = app.add_subcommand(
      "run", "Simulate the platform CONFIG describes; write stats.txt, stats.json and config.yaml into --out");
  run_app->add_option("CONFIG", run.config, "Platform configuration (YAML)")->required();
  run_app->add_option("--set", run.sets,
                      "Override a configuration value by its path, repeatable: "
                      "--set components.dram.read_latency=40ns --set platform.seed=7");
  run_app->add_option("--kernel", run.kernel,
                      "The program the configuration's loader writes into memory for its RISC-V harts (an ELF "
                      "file or a raw binary), as QEMU's -kernel: sets components.<loader>.kernel");
  run_app->add_option("--bios", run.bios,
                      "Firmware the harts start in, at the start of memory, with the --kernel as its payload 2 MiB "
                      "above (an ELF file or a raw binary), as QEMU's -bios: sets components.<loader>.bios");
  run_app->add_option("--drive", run.drive,
                      "A raw disk image for the first virtio block device, as QEMU's -drive: sets "
                      "components.<first virtio_blk>.image");
  run_app
      ->add_option("--smp", run.smp,
                   "The number of RISC-V harts, as QEMU's -smp: sets the count of the rv64 harts and of the "
                   "MMU group they are behind")
      ->check(CLI::Range(1, 1024));
  run_app->add_option("--out", run.out, "Output folder")->capture_default_str();
  run_app->add_flag("--quiet", run.quiet, "Print no summary and no progress line");
  run_app->add_option("--timeline", run.timeline,
                      "Write the run's events (faults, walks, swap I/O, switches, disk commands, interrupts, pin "
                      "edges) as Chrome trace-event JSON, for Perfetto");
  run_app->add_option("--timeline-window", run.timeline_window,
                      "START,END: keep only the events that overlap this span of simulated time, e.g. 1ms,2ms");
  run_app->add_option("--stats-interval", run.stats_interval,
                      "Dump statistics every T of simulated time: a block each in stats.txt, a row each in "
                      "stats-intervals.csv");
  run_app->add_option("--max-time", run.max_time, "End the run at this simulated time, with its statistics");
  run_app->add_option("--max-accesses", run.max_accesses,
                      "End the run once this many accesses have completed (checked every quantum)");
  run_app
      ->add_option("--plugin", run.plugins,
                   "Load a plugin (a shared library of component types), repeatable; config.yaml records it")
      ->allow_extra_args(false);
  run_app->add_option("--gdb", run.gdb,
                      "PORT: serve GDB's remote protocol on 127.0.0.1:PORT (0: a free port, written to DIR/gdb-port); "
                      "the harts wait at reset for a debugger (sets platform.gdb)");
  run_app->add_option("--console-script", run.console_script,
                      "Drive a UART with the steps of FILE ({wait: TEXT, send: LINE} or {wait: TEXT, exit: N}, "
                      "optional timeout:): sets console.script");
  CLI::Option* trace_option =
      run_app
          ->add_option("--trace-instructions", run.trace_instructions,
                       "[FILE]: write every instruction the rv64 harts retire and every trap they take to FILE in "
                       "DIR (default instructions.txt; sets trace.file of each; trace.start, end, count, privilege, "
                       "pc_low and pc_high bound it)")
          ->expected(0, 1);
  CLI::Option* profile_option =
      run_app
          ->add_option("--profile", run.profile,
                       "[FILE]: attribute the rv64 harts' instructions, cycles, TLB misses, walks and page faults to "
                       "the functions of the programs' ELF files, in FILE in DIR (default profile.txt) and a "
                       "collapsed-stack file per count, FILE's stem.<count>.folded (sets profile.file of each)")
          ->expected(0, 1);

  std::string type;
  CLI::App* params_app = app.add_subcommand(
      "params",
      "List every parameter of every component type (or of TYPE): type, default, description and when it applies");
  params_app->add_option("TYPE", type, "A component type, e.g. dram");
  std::vector<std::string> params_plugins;
  params_app->add_option("--plugin", params_plugins, "Load a plugin and list its types too, repeatable")
      ->allow_extra_args(false);

  SweepOptions sweep;
  CLI::App* sweep_app = app.add_subcommand(
      "sweep", "Run CONFIG over a grid of values, in parallel here or as a Slurm job array; collect DIR/results.csv");
  sweep_app->add_option("CONFIG", sweep.config, "Platform configuration, or a sweep file (YAML with a config: key)");
  sweep_app->add_option("--grid", sweep.grids,
                        "KEY=V1,V2,...: one axis of the cartesian product, repeatable "
                        "(commas inside [], {} or quotes do not split)");
  sweep_app->add_option("--zip", sweep.zips,
                        "KEY=V1,V2,...: lists taken together (the i-th values of every --zip form one point), "
                        "crossed with the grid");
  sweep_app->add_option("--set", sweep.sets, "Override a configuration value in every run, repeatable");
  sweep_app->add_option("--stat", sweep.stats,
                        "Glob of the statistics results.csv keeps, repeatable (default: all), e.g. 'system.mmu0.*'");
  sweep_app->add_option("--out", sweep.out, "The sweep's folder (default: the sweep file's out:, or out/sweep)");
  sweep_app->add_option("--jobs,-j", sweep.jobs, "Runs at a time on this machine")->capture_default_str();
  sweep_app
      ->add_option("--launcher", sweep.launcher,
                   "Where the runs go: local, slurm, or none (write the manifest for another engine)")
      ->check(CLI::IsMember({"local", "slurm", "none"}))
      ->capture_default_str();
  sweep_app->add_option("--partition", sweep.slurm.partition, "Slurm: the partition to submit to");
  sweep_app->add_option("--time", sweep.slurm.time, "Slurm: the time limit of each array task, e.g. 1:00:00");
  sweep_app->add_option("--sbatch", sweep.slurm.sbatch,
                        "Slurm: an sbatch option passed through, repeatable: --sbatch=--mem=2G");
  sweep_app->add_option("--runs-per-task", sweep.slurm.runs_per_task,
                        "Slurm: runs per array task (default: as few as fit the cluster's MaxArraySize)");
  sweep_app->add_flag("--no-wait", sweep.no_wait,
                      "Slurm: return once submitted; `vmsim sweep collect DIR` gathers what has ended");
  std::string sweep_dir;
  std::size_t sweep_index = 0;
  CLI::App* run_one_app =
      sweep_app->add_subcommand("run-one", "Run the INDEX-th run (from 0) of the sweep in DIR, unless it succeeded");
  run_one_app->add_option("DIR", sweep_dir, "The sweep's folder")->required();
  run_one_app->add_option("INDEX", sweep_index, "The run's index in DIR/manifest.yaml")->required();
  CLI::App* collect_app =
      sweep_app->add_subcommand("collect", "Write DIR/results.csv from the runs of the sweep that have finished");
  collect_app->add_option("DIR", sweep_dir, "The sweep's folder")->required();

  PlotOptions plot;
  CLI::App* plot_app =
      app.add_subcommand("plot", "Plot columns of a CSV (a sweep's results.csv, stats-intervals.csv) as PNG or SVG");
  plot_app->add_option("CSV", plot.csv, "The table")->required();
  plot_app->add_option("--x", plot.x, "The column along the x axis")->required();
  plot_app->add_option("--y", plot.y, "The column along the y axis; repeatable, a line each")->required();
  plot_app->add_option("--where", plot.where,
                       "COLUMN=VALUE: plot only the rows with this value, repeatable (one slice of a sweep)");
  plot_app->add_option("--series", plot.series, "A column whose values each get a line (or a bar) of their own");
  plot_app->add_option("--kind", plot.kind, "line or bar (default: line for a numeric x, else bar)")
      ->check(CLI::IsMember({"line", "bar"}));
  plot_app->add_option("--out", plot.out, "The picture: .png or .svg")->default_val("plot.png");
  plot_app->add_option("--size", plot.size, "Width x height in pixels")->default_val("800x500");
  plot_app->add_option("--title", plot.title, "A title above the plot");
  plot_app->add_flag("--logx", plot.logx, "A logarithmic (base 2) x axis, for sizes that double");
  plot_app->add_flag("--logy", plot.logy, "A logarithmic y axis");

  try {
    // CLI11 would call any other word a missing subcommand.
    const std::vector<CLI::App*> commands = {run_app, params_app, sweep_app, plot_app};
    if (argc > 1 && argv[1][0] != '-' &&
        std::none_of(commands.begin(), commands.end(), [&](CLI::App* c) { return argv[1] == c->get_name(); }))
      throw CLI::ExtrasError(fmt::format("unknown command '{}' (known: run, params, sweep, plot)", argv[1]),
                             CLI::ExitCodes::ExtrasError);
    app.parse(argc, argv);
    if (trace_option->count() > 0 && run.trace_instructions.empty()) run.trace_instructions = "instructions.txt";
    if (profile_option->count() > 0 && run.profile.empty()) run.profile = "profile.txt";
    if (*run_app) return run_command(run, shell_line(argc, argv));
    if (*run_one_app) return run_one_command(sweep_dir, sweep_index, shell_line(argc, argv));
    if (*collect_app) return report_sweep(sweep_dir, vmsim::collect_sweep(sweep_dir));
    if (*plot_app) return plot_command(plot);
    if (*sweep_app) {
      if (sweep.config.empty()) throw CLI::RequiredError("CONFIG");
      return sweep_command(sweep);
    }
    return params_command(type, params_plugins);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The subcommand that was given reports the mistake, so that its message names its own --help.
    CLI::App* given = &app;
    while (!given->get_subcommands().empty()) given = given->get_subcommands().front();
    given->exit(e);
    return exit_usage;
  } catch (const vmsim::ConfigError& e) {
    fmt::print(stderr, "vmsim: error: {}\n", e.what());
    return exit_usage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "vmsim: error: {}\n", e.what());
    return exit_failed;
  }
}
