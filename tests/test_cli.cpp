// The vmsim command as a user runs it: files written, errors reported, runs reproducible.
#include <gtest/gtest.h>

#include "test_bench.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <yaml-cpp/yaml.h>

#include "command_test.h"

namespace {

namespace fs = std::filesystem;

using vmsim::test::Outcome;
using vmsim::test::slurp;

class Cli : public vmsim::test::CommandTest {};

const std::string small_run =
    "configs/default.yaml --set workload.cpu0.0.phases.0.count=5000 "
    "--set workload.cpu0.0.phases.1.count=5000 --set workload.cpu1.0.trace.limit=20000";

TEST_F(Cli, RunWritesStatsJsonAndResolvedConfig) {
  const Outcome outcome = vmsim("run " + small_run + " --out " + (dir_ / "out").string());
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.err, "");
  // The summary, grouped by component, counts with separators.
  EXPECT_NE(outcome.out.find("\ncpu0\n  accesses                      20,015   reads"), std::string::npos)
      << outcome.out;
  const std::string stats = slurp(dir_ / "out" / "stats.txt");
  // "name value # description", the value alone between the name and the '#'.
  const auto line = stats.find("\nsystem.cpu0.accesses ");
  ASSERT_NE(line, std::string::npos) << stats;
  std::istringstream fields(stats.substr(line + 1, stats.find('\n', line + 1) - line - 1));
  std::string stat_name, value, hash;
  fields >> stat_name >> value >> hash;
  EXPECT_EQ(value, "20015");  // db: 5000 + 5000 + 10000; blinker: 5 x 3
  EXPECT_EQ(hash, "#");
  for (const char* name : {"sim_seconds", "host_seconds", "host_accesses_per_second"})
    EXPECT_NE(stats.find(std::string("\n") + name + " "), std::string::npos) << name;
  EXPECT_NE(slurp(dir_ / "out" / "stats.json").find("\"system.dram.reads\": "), std::string::npos);
  const std::string config = slurp(dir_ / "out" / "config.yaml");
  EXPECT_NE(config.find("count: 5000"), std::string::npos);
  EXPECT_NE(config.find("hop_latency: 1ns"), std::string::npos);
}

TEST_F(Cli, SameSeedSameStatisticsAndTheResolvedConfigReplays) {
  ASSERT_EQ(vmsim("run " + small_run + " --quiet --out " + (dir_ / "a").string()).status, 0);
  ASSERT_EQ(vmsim("run " + small_run + " --quiet --out " + (dir_ / "b").string()).status, 0);
  ASSERT_EQ(vmsim("run " + (dir_ / "a" / "config.yaml").string() + " --quiet --out " + (dir_ / "c").string()).status, 0);
  const std::string first = simulated_stats(dir_ / "a");
  EXPECT_GT(first.size(), 1000u);
  EXPECT_EQ(first, simulated_stats(dir_ / "b"));
  EXPECT_EQ(first, simulated_stats(dir_ / "c"));
  ASSERT_EQ(vmsim("run " + small_run + " --set platform.seed=2 --quiet --out " + (dir_ / "d").string()).status, 0);
  EXPECT_NE(first, simulated_stats(dir_ / "d"));
}

TEST_F(Cli, MisspelledKeyFailsWithOneLineNamingKeyAndLine) {
  std::string config = slurp("configs/default.yaml");
  const auto at = config.find("hop_latency");
  ASSERT_NE(at, std::string::npos);
  config.replace(at, 11, "hop_latncy");
  const fs::path copy = dir_ / "typo.yaml";
  std::ofstream(copy) << config;
  const auto line = std::count(config.begin(), config.begin() + static_cast<long>(at), '\n') + 1;
  const Outcome outcome = vmsim("run " + copy.string() + " --out " + (dir_ / "out").string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_EQ(outcome.out, "");
  const std::string where = copy.string() + ":" + std::to_string(line) + ":";
  EXPECT_EQ(outcome.err.rfind("vmsim: error: " + where, 0), 0u) << outcome.err;
  EXPECT_NE(outcome.err.find(": components.bus.hop_latncy: unknown parameter (did you mean 'hop_latency'?)\n"),
            std::string::npos)
      << outcome.err;
  EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1);
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

// SIGINT or SIGTERM stops the run at the next quantum; the statistics so far are written, marked
// partial, and the exit status is the shell's for the signal.
class Interrupted : public Cli, public ::testing::WithParamInterface<std::pair<int, int>> {};
INSTANTIATE_TEST_SUITE_P(Signals, Interrupted,
                         ::testing::Values(std::make_pair(SIGINT, 130), std::make_pair(SIGTERM, 143)));

TEST_P(Interrupted, WritesPartialStatisticsAndExitsWithTheSignalsStatus) {
  const auto [signal_number, status] = GetParam();
  const fs::path out = dir_ / "out";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A run far too long to end by itself.
    execl(VMSIM_BINARY, VMSIM_BINARY, "run", "configs/default.yaml", "--set",
          "workload.cpu0.0.phases.0.count=1000000000000", "--quiet", "--out", out.c_str(), nullptr);
    _exit(127);
  }
  // The output folder is prepared after the handlers are in place and before the simulation.
  while (!fs::exists(out)) std::this_thread::yield();
  kill(child, signal_number);
  int raw = 0;
  waitpid(child, &raw, 0);
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), status);
  // The second line says so; the time it stopped at is wherever the signal found it.
  const std::string text = slurp(out / "stats.txt");
  const std::string partial = std::string("partial 1 # Statistics so far: interrupted by ") +
                              (signal_number == SIGINT ? "SIGINT" : "SIGTERM") + " at ";
  EXPECT_EQ(text.substr(text.find('\n') + 1, partial.size()), partial) << text;
  EXPECT_EQ(slurp(out / "stats.json").substr(0, 20), "{\n  \"partial\": true,");
  EXPECT_TRUE(fs::exists(out / "config.yaml"));
}

TEST_F(Cli, FailedSimulationExitsOneWithTheReason) {
  const Outcome outcome = vmsim("run configs/dram-ddr4-2400.yaml --set workload.cpu0.0.phases.0.base=0x10 --out " +
                                (dir_ / "out").string());
  EXPECT_EQ(outcome.status, 1);
  EXPECT_EQ(outcome.err,
            "vmsim: error: at 0ns: system.cpu0: load of 64 bytes at 0x10 failed: TLM_ADDRESS_ERROR_RESPONSE\n");
}

// A process prints "hi" through the UART and writes the test finisher, through the kernel's device
// mappings: what the software writes there ends the run.
const std::string powered_off = R"(
platform: {quantum: 1us, seed: 1}
components:
  bus:      {type: router, hop_latency: 1ns}
  clint:    {type: clint, base: 0x02000000}
  plic:     {type: plic, base: 0x0c000000}
  finisher: {type: test_finisher, base: 0x100000}
  uart:     {type: uart, base: 0x10000000, size: 0x1000}
  dram:     {type: dram, base: 0x80000000, size: 64MiB}
  mmu0:     {type: mmu, base: 0x10002000, format: sv39}
  kernel:   {type: kernel, memory: dram, devices: {uart: writer, finisher: writer}, timer: clint,
             interrupt_controller: plic}
  cpu0:     {type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}
workload:
  cpu0:
    - name: writer
      regions: [{name: serial, device: uart}, {name: power, device: finisher}]
      phases:
        - {pattern: linear, region: serial, size: 1, count: 1, read_fraction: 0, access_size: 1, value: 0x68}
        - {pattern: idle, time: 100us}
        - {pattern: linear, region: serial, size: 1, count: 1, read_fraction: 0, access_size: 1, value: 0x69}
        - {pattern: idle, time: 100us}
        - {pattern: linear, region: power, size: 4, count: 1, read_fraction: 0, access_size: 4, value: 0x73333}
        - {pattern: idle, time: 100us}
)";

TEST_F(Cli, TheSoftwareEndsTheRunThroughTheTestFinisher) {
  std::ofstream(dir_ / "machine.yaml") << powered_off;
  const std::string run = "run " + (dir_ / "machine.yaml").string() + " --quiet --out " + (dir_ / "out").string();
  // Code 7: exit status 1, one line, and the statistics of the whole run.
  const Outcome failed = vmsim(run);
  EXPECT_EQ(failed.status, 1);
  EXPECT_EQ(failed.err, "vmsim: error: at 241.0535us: system.finisher: the software reported a failure, code 7\n");
  EXPECT_EQ(failed.out, "hi");  // the UART's output on the terminal (standard output)
  EXPECT_EQ(slurp(dir_ / "out" / "uart.txt"), "hi");
  EXPECT_NE(slurp(dir_ / "out" / "stats.json").find("\"system.finisher.register_writes\": 1,"), std::string::npos);
  const Outcome passed = vmsim(run + " --set workload.cpu0.0.phases.4.value=0x5555");
  EXPECT_EQ(passed.status, 0);
  EXPECT_EQ(passed.err, "");
  EXPECT_NE(slurp(dir_ / "out" / "stats.json").find("\"sim_seconds\": 0.0002410535,"), std::string::npos);
}

TEST_F(Cli, ParamsListsEveryModelsParameters) {
  const Outcome all = vmsim("params");
  ASSERT_EQ(all.status, 0) << all.err;
  for (const char* expected :
       {"platform: ", "  quantum ", "type: router", "  hop_latency ", "type: dram", "type: traffic_gen",
        "  workload.<name>[].phases[].read_fraction ", "component: ", "  count ", "  workload.<name>[].trace.file ",
        "[applies: pattern: idle]", "  dtlb.rrpv_bits ", "[applies: policy: srrip]", "  swap.inactive_ratio ",
        "[applies: policy: two_list]", "tlb replacement policies", "\n  srrip ", "swap victim policies",
        "\n  two_list "})
    EXPECT_NE(all.out.find(expected), std::string::npos) << expected;
  const Outcome one = vmsim("params dram");
  EXPECT_EQ(one.status, 0);
  EXPECT_EQ(one.out.find("type: router"), std::string::npos);
  EXPECT_NE(one.out.find("  read_latency                 time             50ns"), std::string::npos) << one.out;
  const Outcome bad = vmsim("params dramm");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err.rfind("vmsim: error: unknown component type 'dramm'", 0), 0u);
}

// Every file under `folder` with its size and modification time.
std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> snapshot(const fs::path& folder) {
  std::map<std::string, std::pair<std::uintmax_t, fs::file_time_type>> files;
  for (const auto& file : fs::recursive_directory_iterator(folder))
    if (file.is_regular_file()) files[file.path().string()] = {file.file_size(), file.last_write_time()};
  return files;
}

TEST_F(Cli, EveryShippedConfigurationRunsAndItsConfigReplaysFromAnotherFolder) {
  // The DRAM examples and translated.yaml run 400,000 accesses; a tenth shows as much here.
  const std::string shorter = " --set workload.cpu0.0.phases.0.count=20000 --set workload.cpu0.0.phases.1.count=20000";
  const std::map<std::string, std::string> shortened = {{"dram-ddr4-2400.yaml", shorter},
                                                        {"dram-ddr4-3200.yaml", shorter},
                                                        {"dram-ddr5-4800.yaml", shorter},
                                                        {"dram-lpddr4-3200.yaml", shorter},
                                                        {"translated.yaml", shorter}};
  const auto before = snapshot("configs");
  const fs::path elsewhere = dir_ / "elsewhere";
  fs::create_directories(elsewhere);
  int configurations = 0;
  for (const auto& file : fs::directory_iterator("configs")) {
    if (file.path().extension() != ".yaml") continue;
    ++configurations;
    const std::string name = file.path().filename().string();
    const auto extra = shortened.find(name);
    const fs::path first = dir_ / (name + ".first");
    const fs::path replay = dir_ / (name + ".replay");
    // An rv64 platform runs a program of the build (its reference's arguments).
    const std::string program = vmsim::test::reference_arguments(file.path().stem().string(), VMSIM_BINARY);
    const Outcome run = vmsim("run " + file.path().string() + " --quiet --out " + first.string() + " " + program +
                              (extra == shortened.end() ? "" : extra->second));
    ASSERT_EQ(run.status, 0) << name << ": " << run.err;
    // From another folder, with the recorded configuration alone.
    const Outcome again =
        vmsim("run " + (first / "config.yaml").string() + " --quiet --out " + replay.string(), elsewhere);
    ASSERT_EQ(again.status, 0) << name << ": " << again.err;
    const std::string stats = simulated_stats(first);
    const std::string work = program.empty() ? "accesses" : "instructions";
    EXPECT_TRUE(stats.find("\"system.cpu0." + work + "\": ") != std::string::npos ||
                stats.find("\"system.cpu." + work + "\": ") != std::string::npos)
        << name;
    EXPECT_EQ(stats, simulated_stats(replay)) << name;
  }
  EXPECT_GE(configurations, 13);
  // Nothing was written beside the configurations.
  EXPECT_EQ(snapshot("configs"), before);
  EXPECT_TRUE(fs::is_empty(elsewhere));
}

TEST_F(Cli, UsageErrorsExitTwoWithOneLine) {
  const Outcome nothing = vmsim("");
  EXPECT_EQ(nothing.status, 2);
  EXPECT_EQ(nothing.err, "vmsim: error: A subcommand is required (see 'vmsim --help')\n");
  const Outcome unknown = vmsim("frobnicate");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(unknown.err,
            "vmsim: error: unknown command 'frobnicate' (known: run, params, sweep, plot) (see 'vmsim --help')\n");
  const Outcome no_config = vmsim("run");
  EXPECT_EQ(no_config.status, 2);
  EXPECT_EQ(no_config.err, "vmsim: error: CONFIG is required (see 'vmsim run --help')\n");
  EXPECT_EQ(vmsim("run configs/default.yaml --outt x").status, 2);
  const Outcome missing = vmsim("run /nonexistent.yaml");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "vmsim: error: /nonexistent.yaml: cannot open the configuration file\n");
}

TEST_F(Cli, VersionAndHelpOfEachCommand) {
  const Outcome version = vmsim("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out.rfind("vmsim 0.1", 0), 0u) << version.out;
  EXPECT_EQ(std::count(version.out.begin(), version.out.end(), '\n'), 1);
  const Outcome help = vmsim("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("run"), std::string::npos);
  EXPECT_NE(help.out.find("params"), std::string::npos);
  const Outcome run_help = vmsim("run --help");
  EXPECT_EQ(run_help.status, 0);
  EXPECT_NE(run_help.out.find("Usage: vmsim run [OPTIONS] CONFIG"), std::string::npos) << run_help.out;
  EXPECT_NE(run_help.out.find("--set"), std::string::npos);
  const Outcome params_help = vmsim("params --help");
  EXPECT_EQ(params_help.status, 0);
  EXPECT_NE(params_help.out.find("Usage: vmsim params [OPTIONS] [TYPE]"), std::string::npos) << params_help.out;
}

TEST_F(Cli, ConfigRecordsTheVersionAndTheCommandLine) {
  const fs::path out = dir_ / "out";
  ASSERT_EQ(vmsim("run " + small_run + " --quiet --out " + out.string()).status, 0);
  std::istringstream config(slurp(out / "config.yaml"));
  std::string line;
  std::getline(config, line);
  std::getline(config, line);
  EXPECT_EQ(line + "\n", "# " + vmsim("--version").out);
  std::getline(config, line);
  EXPECT_EQ(line, "# " + std::string(VMSIM_BINARY) + " run " + small_run + " --quiet --out " + out.string());
}

// A platform small enough that a sweep of it takes a moment: a TLB-hostile random phase.
const std::string tiny_platform = R"(platform: {quantum: 1us, seed: 1}
components:
  bus:  {type: router, hop_latency: 1ns}
  dram: {type: dram, base: 0x80000000, size: 1GiB, read_latency: 50ns, write_latency: 50ns}
  mmu0: {type: mmu, base: 0x10002000, format: sv39, port: bus, walker_port: bus, dtlb: {entries: 16, ways: 4}}
  boot: {type: page_tables, mmu: mmu0, table_base: 0x80000000, table_size: 1MiB,
         mappings: [{va: 0x40000000, pa: 0x80400000, size: 16MiB, page_size: 4KiB, flags: rwu}]}
  cpu0: {type: traffic_gen, frequency: 2GHz, port: mmu0}
workload:
  cpu0:
    - name: heap
      phases: [{pattern: random, base: 0x40000000, size: 16MiB, count: 2000, read_fraction: 0.7}]
)";

// The value of `name` in a stats.json.
std::string json_stat(const fs::path& file, const std::string& name) {
  const std::string text = slurp(file);
  const auto at = text.find("\"" + name + "\": ");
  if (at == std::string::npos) return "<missing>";
  const auto start = at + name.size() + 4;
  return text.substr(start, text.find_first_of(",\n", start) - start);
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) result.push_back(line);
  return result;
}

TEST_F(Cli, SweepWritesOneCsvRowPerRunWithTheValuesOfSingleRuns) {
  std::ofstream(dir_ / "tiny.yaml") << tiny_platform;
  const std::string stats = " --stat 'system.mmu0.dtlb.[hm]*s' --stat sim_accesses";
  const Outcome sweep = vmsim("sweep " + (dir_ / "tiny.yaml").string() +
                              " --grid components.mmu0.dtlb.entries=16,64 --grid platform.seed=1,2 -j 2" + stats +
                              " --out " + (dir_ / "sweep").string());
  ASSERT_EQ(sweep.status, 0) << sweep.err;
  EXPECT_EQ(sweep.err, "");  // no progress bar away from a terminal
  EXPECT_EQ(sweep.out, "vmsim: 4 ok, 0 failed -> " + (dir_ / "sweep").string() + "/results.csv\n");
  const std::vector<std::string> rows = lines(slurp(dir_ / "sweep" / "results.csv"));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0],
            "run,components.mmu0.dtlb.entries,platform.seed,status,error,sim_accesses,system.mmu0.dtlb.hits,"
            "system.mmu0.dtlb.misses");
  // Each row holds what `vmsim run` gives for the same values, in the order of the grid.
  const std::vector<std::pair<std::string, std::string>> points = {{"16", "1"}, {"16", "2"}, {"64", "1"}, {"64", "2"}};
  for (std::size_t i = 0; i < points.size(); ++i) {
    const fs::path single = dir_ / ("single" + std::to_string(i));
    ASSERT_EQ(
        vmsim("run " + (dir_ / "tiny.yaml").string() + " --quiet --out " + single.string() +
              " --set components.mmu0.dtlb.entries=" + points[i].first + " --set platform.seed=" + points[i].second)
            .status,
        0);
    const std::string hash = rows[i + 1].substr(0, rows[i + 1].find(','));
    EXPECT_EQ(hash.size(), 16u);
    EXPECT_EQ(rows[i + 1], hash + "," + points[i].first + "," + points[i].second + ",ok,," +
                               json_stat(single / "stats.json", "sim_accesses") + "," +
                               json_stat(single / "stats.json", "system.mmu0.dtlb.hits") + "," +
                               json_stat(single / "stats.json", "system.mmu0.dtlb.misses"));
    EXPECT_EQ(slurp(dir_ / "sweep" / "runs" / hash / "status"), "ok\n");
  }
  // The numbers themselves: a bigger TLB hits more often.
  EXPECT_EQ(rows[1].substr(17), "16,1,ok,,2000,9,1991");
  EXPECT_EQ(rows[3].substr(17), "64,1,ok,,2000,28,1972");
}

TEST_F(Cli, SweepResumesSkippingFinishedRunsAndRecordsFailures) {
  std::ofstream(dir_ / "tiny.yaml") << tiny_platform;
  const std::string sweep = "sweep " + (dir_ / "tiny.yaml").string() + " --stat sim_accesses --out " +
                            (dir_ / "sweep").string() + " --grid components.mmu0.dtlb.entries=";
  ASSERT_EQ(vmsim(sweep + "16,64").status, 0);
  const auto before = snapshot(dir_ / "sweep" / "runs");
  ASSERT_EQ(before.size(), 10u);  // stats.txt, stats.json, config.yaml, log.txt, status: twice

  // A third point, which fails: the finished runs are not run again, and the others still run.
  const Outcome again = vmsim(sweep + "16,3,64");
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(again.out, "vmsim: 2 ok, 1 failed -> " + (dir_ / "sweep").string() + "/results.csv\n");
  auto after = snapshot(dir_ / "sweep" / "runs");
  for (const auto& [file, stamp] : before) EXPECT_EQ(after[file], stamp) << file;
  const std::vector<std::string> rows = lines(slurp(dir_ / "sweep" / "results.csv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "run,components.mmu0.dtlb.entries,status,error,sim_accesses");
  EXPECT_EQ(rows[1].substr(16), ",16,ok,,2000");
  const std::string error = (dir_ / "tiny.yaml").string() +
                            ":5:108: components.mmu0.dtlb.ways: 3 entries cannot be divided into sets of 4 ways";
  EXPECT_EQ(rows[2].substr(16), ",3,failed," + error + ",");
  EXPECT_EQ(rows[3].substr(16), ",64,ok,,2000");
  const std::string failed_run = (dir_ / "sweep" / "runs" / rows[2].substr(0, 16)).string();
  EXPECT_EQ(slurp(failed_run + "/log.txt"), "vmsim: error: " + error + "\n");

  // One run by its index, as another engine drives them: a finished one is skipped.
  const Outcome one = vmsim("sweep run-one " + (dir_ / "sweep").string() + " 0");
  EXPECT_EQ(one.status, 0);
  EXPECT_EQ(one.out, "vmsim: run 0 (runs/" + rows[1].substr(0, 16) + ") has already succeeded\n");
  EXPECT_EQ(vmsim("sweep run-one " + (dir_ / "sweep").string() + " 1").status, 2);
  fs::remove(dir_ / "sweep" / "results.csv");
  const Outcome collect = vmsim("sweep collect " + (dir_ / "sweep").string());
  EXPECT_EQ(collect.status, 1);
  EXPECT_EQ(lines(slurp(dir_ / "sweep" / "results.csv")), rows);
}

// configs/swap.yaml with 1000 accesses a phase: 6000 accesses, swapping hard, in 62 ms.
std::string small_swap_run() {
  std::string run = "configs/swap.yaml";
  for (int process = 0; process < 3; ++process)
    for (int phase = 0; phase < 2; ++phase)
      run += " --set workload.cpu0." + std::to_string(process) + ".phases." + std::to_string(phase) + ".count=1000";
  return run;
}

// The value of `name` in the last block of a stats.txt.
std::string text_stat(const fs::path& file, const std::string& name) {
  const std::string text = slurp(file);
  const auto at = text.rfind("\n" + name + " ");
  if (at == std::string::npos) return "<missing>";
  std::istringstream fields(text.substr(at + 1, text.find('\n', at + 1) - at - 1));
  std::string stat_name, value;
  fields >> stat_name >> value;
  return value;
}

// Trace events by phase and name ("X walk"), one event a line as vmsim writes them.
std::map<std::string, int> trace_events(const std::string& json) {
  std::map<std::string, int> counts;
  for (const std::string& line : lines(json)) {
    const auto phase = line.find("\"ph\":\"");
    const auto name = line.find("\"name\":\"");
    if (phase == std::string::npos || name == std::string::npos) continue;
    const std::string event_name = line.substr(name + 8, line.find('"', name + 8) - name - 8);
    ++counts[line.substr(phase + 6, 1) + " " + event_name];
  }
  return counts;
}

TEST_F(Cli, TimelineIsTraceEventJsonWithAnEventPerFaultWalkSwapAndSwitch) {
  const fs::path json = dir_ / "timeline.json";
  const Outcome run =
      vmsim("run " + small_swap_run() + " --quiet --out " + (dir_ / "out").string() + " --timeline " + json.string());
  ASSERT_EQ(run.status, 0) << run.err;
  const std::string text = slurp(json);
  // A JSON document (YAML reads JSON) with its events under traceEvents.
  const YAML::Node document = YAML::Load(text);
  ASSERT_TRUE(document["traceEvents"].IsSequence());
  EXPECT_EQ(document["traceEvents"][0]["ph"].as<std::string>(), "M");
  const std::map<std::string, int> expected = {
      {"M process_name", 5},  {"M process_sort_index", 5}, {"M thread_name", 8},
      {"X walk", 3480},       {"X faulting walk", 2503},   {"X minor fault", 1141},
      {"X major fault", 953}, {"X page fault", 409},       {"X system call", 9},
      {"X interrupt", 2147},  {"i raised", 2145},          {"i context switch", 1115},
      {"i scheduled", 1115},  {"b swap in", 953},          {"e swap in", 953},
      {"b swap out", 1192},   {"e swap out", 1192},        {"X read", 953},
      {"X write", 1192}};
  EXPECT_EQ(trace_events(text), expected);
  // The counts are the statistics' own.
  const fs::path stats = dir_ / "out" / "stats.txt";
  EXPECT_EQ(text_stat(stats, "system.kernel.faults.major"), "953");
  EXPECT_EQ(text_stat(stats, "system.kernel.faults.minor"), "1141");
  EXPECT_EQ(text_stat(stats, "system.kernel.swap.outs"), "1192");
  EXPECT_EQ(text_stat(stats, "system.kernel.context_switches"), "1115");
  EXPECT_EQ(text_stat(stats, "system.mmu0.walker.walks"), std::to_string(3480 + 2503));
  // One track per component and hart, and one per process.
  for (const char* track :
       {R"("args":{"name":"mmu0"})", R"("args":{"name":"processes"})", R"("args":{"name":"cpu0"})",
        R"("args":{"name":"swap"})", R"j("args":{"name":"a (pid 0)"})j", R"j("args":{"name":"c (pid 2)"})j"})
    EXPECT_NE(text.find(track), std::string::npos) << track;
  // Recording changes nothing, and the same run gives the same file.
  ASSERT_EQ(vmsim("run " + small_swap_run() + " --quiet --out " + (dir_ / "plain").string()).status, 0);
  EXPECT_EQ(simulated_stats(dir_ / "out"), simulated_stats(dir_ / "plain"));
  ASSERT_EQ(vmsim("run " + small_swap_run() + " --quiet --out " + (dir_ / "again").string() + " --timeline " +
                  (dir_ / "again.json").string())
                .status,
            0);
  EXPECT_EQ(slurp(dir_ / "again.json"), text);
}

TEST_F(Cli, TimelineWindowKeepsTheEventsThatOverlapIt) {
  const fs::path json = dir_ / "timeline.json";
  ASSERT_EQ(vmsim("run " + small_swap_run() + " --quiet --out " + (dir_ / "out").string() + " --timeline " +
                  json.string() + " --timeline-window 10ms,10.5ms")
                .status,
            0);
  int spans = 0;
  for (const std::string& line : lines(slurp(json))) {
    if (line.find(R"("ph":"X")") == std::string::npos) continue;
    ++spans;
    const YAML::Node event = YAML::Load(line.substr(0, line.size() - (line.back() == ',' ? 1 : 0)));
    const double start = event["ts"].as<double>();
    EXPECT_LE(start, 10500.0) << line;
    EXPECT_GE(start + event["dur"].as<double>(), 10000.0) << line;
  }
  EXPECT_GT(spans, 10);
  EXPECT_LT(spans, 1000);
  EXPECT_EQ(vmsim("run " + small_swap_run() + " --timeline x.json --timeline-window 2ms,1ms").err,
            "vmsim: error: --timeline-window 2ms,1ms: ends before it starts\n");
}

TEST_F(Cli, StatsIntervalDumpsABlockPerIntervalAndACsvOfCounters) {
  const fs::path out = dir_ / "out";
  const Outcome run = vmsim("run " + small_swap_run() + " --quiet --out " + out.string() + " --stats-interval 10ms");
  ASSERT_EQ(run.status, 0) << run.err;
  // 62.2 ms: six dumps, then the final statistics, which are those of a run without dumps.
  const std::string stats = slurp(out / "stats.txt");
  std::size_t blocks = 0;
  for (auto at = stats.find("---------- Begin"); at != std::string::npos; at = stats.find("---------- Begin", at + 1))
    ++blocks;
  EXPECT_EQ(blocks, 7u);
  EXPECT_NE(stats.find("\nsim_seconds                                                    0.03 #"), std::string::npos);
  ASSERT_EQ(vmsim("run " + small_swap_run() + " --quiet --out " + (dir_ / "plain").string()).status, 0);
  EXPECT_EQ(simulated_stats(out), simulated_stats(dir_ / "plain"));

  const std::vector<std::string> rows = lines(slurp(out / "stats-intervals.csv"));
  ASSERT_EQ(rows.size(), 8u);
  EXPECT_EQ(rows[0].rfind("interval_end_seconds,sim_accesses,system.bus.transactions,", 0), 0u) << rows[0];
  const std::vector<std::string> accesses = {"0.01,2049,", "0.02,865,",  "0.03,600,",       "0.04,394,",
                                             "0.05,496,",  "0.06,1359,", "0.062220585,237,"};
  for (std::size_t i = 0; i < accesses.size(); ++i)
    EXPECT_EQ(rows[i + 1].rfind(accesses[i], 0), 0u) << rows[i + 1];  // 6000 in all
}

TEST_F(Cli, MaxTimeAndMaxAccessesEndTheRunWithItsStatistics) {
  const Outcome timed =
      vmsim("run " + small_swap_run() + " --quiet --out " + (dir_ / "a").string() + " --max-time 20ms");
  EXPECT_EQ(timed.status, 0);
  EXPECT_EQ(timed.err, "vmsim: stopped by --max-time 20ms at 20ms: partial statistics in " +
                           (dir_ / "a" / "stats.txt").string() + "\n");
  EXPECT_EQ(lines(slurp(dir_ / "a" / "stats.txt"))[1],
            "partial 1 # Statistics so far: stopped by --max-time 20ms at 20ms");
  EXPECT_EQ(json_stat(dir_ / "a" / "stats.json", "sim_seconds"), "0.02");
  EXPECT_EQ(json_stat(dir_ / "a" / "stats.json", "sim_accesses"), "2914");
  const Outcome counted =
      vmsim("run " + small_swap_run() + " --quiet --out " + (dir_ / "b").string() + " --max-accesses 3000");
  EXPECT_EQ(counted.status, 0);
  EXPECT_EQ(counted.err, "vmsim: stopped by --max-accesses 3000 at 20.8113245ms: partial statistics in " +
                             (dir_ / "b" / "stats.txt").string() + "\n");
  EXPECT_EQ(json_stat(dir_ / "b" / "stats.json", "sim_accesses"), "3000");
  EXPECT_EQ(vmsim("run " + small_swap_run() + " --max-time 3").err,
            "vmsim: error: --max-time 3: '3' is not a time (a number with fs, ps, ns, us, ms or s)\n");
}

// A PNG's width and height, from its IHDR chunk (big-endian, at bytes 16 and 20).
std::pair<unsigned, unsigned> png_size(const fs::path& file) {
  const std::string bytes = slurp(file);
  if (bytes.size() < 24 || bytes.compare(1, 3, "PNG") != 0) return {0, 0};
  const auto word = [&](std::size_t at) {
    unsigned value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<unsigned char>(bytes[at + i]);
    return value;
  };
  return {word(16), word(20)};
}

TEST_F(Cli, PlotDrawsAPngOfTheGivenSize) {
  std::ofstream(dir_ / "results.csv") << "run,entries,policy,status,error,system.mmu0.dtlb.miss_rate\n"
                                         "a,16,lru,ok,,0.5\nb,64,lru,ok,,0.25\nc,16,fifo,ok,,0.6\n"
                                         "d,64,fifo,ok,,0.3\ne,256,fifo,failed,oops,\n";
  const std::string csv = (dir_ / "results.csv").string();
  const Outcome line = vmsim("plot " + csv + " --x entries --y system.mmu0.dtlb.miss_rate --series policy --out " +
                             (dir_ / "line.png").string() + " --size 640x480");
  ASSERT_EQ(line.status, 0) << line.err;
  EXPECT_EQ(png_size(dir_ / "line.png"), std::make_pair(640u, 480u));
  ASSERT_EQ(
      vmsim("plot " + csv + " --x policy --y system.mmu0.dtlb.miss_rate --out " + (dir_ / "bar.svg").string()).status,
      0);
  EXPECT_NE(slurp(dir_ / "bar.svg").find("<svg"), std::string::npos);
  const Outcome missing = vmsim("plot " + csv + " --x entries --y misses");
  EXPECT_EQ(missing.status, 2);
  EXPECT_EQ(missing.err, "vmsim: error: " + csv +
                             ": --y misses: no such column (columns: run, entries, policy, status, error, "
                             "system.mmu0.dtlb.miss_rate)\n");
}

}  // namespace
