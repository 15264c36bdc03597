// Plugins as a user meets them, through the vmsim command: the example plugin's timer named by a
// configuration (relative to it) or by --plugin, its parameters listed and checked like built-in
// ones, config.yaml loading it again; and each way a plugin fails, one line with exit status 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <systemc>

#include "command_test.h"

namespace {

namespace fs = std::filesystem;
using vmsim::test::Outcome;
using vmsim::test::slurp;

class Plugins : public vmsim::test::CommandTest {
 protected:
  // The test configuration and a copy of the plugin beside it, as a user keeps them.
  fs::path configuration() {
    fs::copy_file(COUNTDOWN_CONFIG, dir_ / "countdown.yaml");
    fs::copy_file(COUNTDOWN_PLUGIN, dir_ / "libcountdown_timer.so");
    return dir_ / "countdown.yaml";
  }
  // The configuration without its plugins line, for --plugin.
  fs::path configuration_without_plugins() {
    std::string text = slurp(COUNTDOWN_CONFIG);
    text.erase(text.find("plugins:"), text.find('\n', text.find("plugins:")) + 1 - text.find("plugins:"));
    std::ofstream(dir_ / "bare.yaml") << text;
    return dir_ / "bare.yaml";
  }
  // A run that must be refused: exit status 2, one line on standard error, no output folder.
  std::string refused(const std::string& arguments) {
    const Outcome outcome = vmsim("run " + arguments + " --out " + (dir_ / "refused").string());
    EXPECT_EQ(outcome.status, 2) << outcome.err;
    EXPECT_EQ(std::count(outcome.err.begin(), outcome.err.end(), '\n'), 1) << outcome.err;
    EXPECT_FALSE(fs::exists(dir_ / "refused"));
    return outcome.err;
  }
};

// What cpu0 does to the timer (tests/plugins/countdown.yaml): a periodic count of 100 ticks at
// 10 MHz, 10 us, expires three times in the 35 us cpu0 waits; the line rises once (nobody clears
// STATUS); three register writes, one read.
void expect_timer_statistics(const std::string& stats) {
  for (const std::string line : {"system.timer.expirations ", "system.timer.register_writes ",
                                 "system.timer.register_reads ", "system.plic.sources.timer.raised "}) {
    const auto at = stats.find("\n" + line);
    ASSERT_NE(at, std::string::npos) << line;
  }
  const auto value = [&stats](const std::string& name) {
    const auto at = stats.find("\n" + name + " ");
    return std::stoull(stats.substr(stats.find_first_not_of(' ', at + name.size() + 2)));
  };
  EXPECT_EQ(value("system.timer.expirations"), 3u);
  EXPECT_EQ(value("system.timer.register_writes"), 3u);
  EXPECT_EQ(value("system.timer.register_reads"), 1u);
  EXPECT_EQ(value("system.timer.errors"), 0u);
  EXPECT_EQ(value("system.plic.sources.timer.raised"), 1u);
}

TEST_F(Plugins, AConfigurationLoadsItsPluginRelativeToItselfAndConfigYamlLoadsItAgain) {
  const fs::path config = configuration();
  const fs::path elsewhere = dir_ / "elsewhere";
  fs::create_directories(elsewhere);
  const Outcome run = vmsim("run " + config.string() + " --quiet --out " + (dir_ / "first").string(), elsewhere);
  ASSERT_EQ(run.status, 0) << run.err;
  expect_timer_statistics(slurp(dir_ / "first" / "stats.txt"));
  const std::string resolved = slurp(dir_ / "first" / "config.yaml");
  EXPECT_NE(resolved.find("plugins:\n  - " + (dir_ / "libcountdown_timer.so").string() + "\n"), std::string::npos)
      << resolved;
  // The timer's parameters are recorded with their defaults, as a built-in model's are.
  EXPECT_NE(resolved.find("    register_latency: 10ns\n"), std::string::npos) << resolved;

  const Outcome replay =
      vmsim("run " + (dir_ / "first" / "config.yaml").string() + " --quiet --out " + (dir_ / "replay").string());
  ASSERT_EQ(replay.status, 0) << replay.err;
  EXPECT_EQ(simulated_stats(dir_ / "replay"), simulated_stats(dir_ / "first"));
}

TEST_F(Plugins, TheCommandLineLoadsAPluginAndConfigYamlRecordsIt) {
  const fs::path config = configuration_without_plugins();
  EXPECT_NE(refused(config.string()).find("unknown component type 'countdown_timer'"), std::string::npos);
  const Outcome run = vmsim("run " + config.string() + " --plugin " + std::string(COUNTDOWN_PLUGIN) +
                            " --quiet --out " + (dir_ / "first").string());
  ASSERT_EQ(run.status, 0) << run.err;
  expect_timer_statistics(slurp(dir_ / "first" / "stats.txt"));
  const Outcome replay =
      vmsim("run " + (dir_ / "first" / "config.yaml").string() + " --quiet --out " + (dir_ / "replay").string());
  ASSERT_EQ(replay.status, 0) << replay.err;
  EXPECT_EQ(simulated_stats(dir_ / "replay"), simulated_stats(dir_ / "first"));
}

TEST_F(Plugins, ParamsListsAPluginsTypesAndTheirParameters) {
  const Outcome one = vmsim("params --plugin " + std::string(COUNTDOWN_PLUGIN) + " countdown_timer");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(one.out.rfind("type: countdown_timer: Countdown timer", 0), 0u) << one.out;
  EXPECT_NE(one.out.find("(plugin " + fs::absolute(COUNTDOWN_PLUGIN).string() + ")"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("  frequency                    frequency        1MHz       Rate the count goes down at\n"),
            std::string::npos)
      << one.out;
  const Outcome all = vmsim("params --plugin " + std::string(COUNTDOWN_PLUGIN));
  EXPECT_NE(all.out.find("\ntype: countdown_timer: "), std::string::npos);
  EXPECT_NE(all.out.find("\ntype: dram: "), std::string::npos);
  EXPECT_NE(all.out.find("  plugins                      list of strings  []"), std::string::npos) << all.out;
}

TEST_F(Plugins, APluginsParametersAreCheckedLikeBuiltInOnes) {
  const std::string config = configuration().string();
  EXPECT_EQ(refused(config + " --set components.timer.frequncy=1MHz"),
            "vmsim: error: --set components.timer.frequncy=1MHz: components.timer.frequncy: unknown parameter (did "
            "you mean 'frequency'?)\n");
  EXPECT_EQ(refused(config + " --set components.timer.frequency=fast"),
            "vmsim: error: --set components.timer.frequency=fast: components.timer.frequency: 'fast' is not a "
            "frequency (a number with Hz, kHz, MHz or GHz)\n");
  EXPECT_EQ(refused(config + " --set components.timer.base=0x0c000000"),
            "vmsim: error: --set components.timer.base=0x0c000000: timer [0xc000000, 0xc00001f] overlaps plic "
            "[0xc000000, 0xc5fffff] mapped at " +
                (dir_ / "countdown.yaml").string() + ":9:29\n");
}

TEST_F(Plugins, EachFailureIsOneLine) {
  const std::string config = configuration_without_plugins().string();
  const std::string missing = (dir_ / "none.so").string();
  EXPECT_EQ(refused(config + " --plugin " + missing),
            "vmsim: error: --plugin " + missing + ": cannot load it: " + missing +
                ": cannot open shared object file: No such file or directory\n");
  std::ofstream(dir_ / "text.so") << "not a library\n";
  const std::string text = (dir_ / "text.so").string();
  EXPECT_EQ(refused(config + " --plugin " + text),
            "vmsim: error: --plugin " + text + ": cannot load it: " + text + ": file too short\n");
  EXPECT_EQ(refused(config + " --plugin " + std::string(NO_ENTRY_PLUGIN)),
            "vmsim: error: --plugin " + std::string(NO_ENTRY_PLUGIN) +
                ": it has no entry point vmsim_plugin_register (a plugin defines it with VMSIM_PLUGIN, "
                "vmsim/models/core/plugin.h)\n");
  EXPECT_EQ(refused(config + " --plugin " + std::string(MISMATCHED_PLUGIN_1)),
            "vmsim: error: --plugin " + std::string(MISMATCHED_PLUGIN_1) +
                ": built for vmsim plugin interface 2, but this vmsim has interface 1\n");
  EXPECT_EQ(refused(config + " --plugin " + std::string(MISMATCHED_PLUGIN_2)),
            "vmsim: error: --plugin " + std::string(MISMATCHED_PLUGIN_2) +
                ": built for SystemC 2.3.3-Accellera, but this vmsim uses SystemC " SC_VERSION "\n");
  EXPECT_EQ(refused(config + " --plugin " + std::string(MISMATCHED_PLUGIN_3)),
            "vmsim: error: --plugin " + std::string(MISMATCHED_PLUGIN_3) +
                ": built for C++ 202002 (__cplusplus), but this vmsim was built for C++ 201703\n");
  EXPECT_EQ(refused(config + " --plugin " + std::string(DUPLICATE_TYPE_PLUGIN)),
            "vmsim: error: --plugin " + std::string(DUPLICATE_TYPE_PLUGIN) +
                ": component type 'router' is registered twice: by vmsim's own models and by plugin " +
                std::string(DUPLICATE_TYPE_PLUGIN) + "\n");
  // One plugin's types twice: under two names, the second registers them again.
  const std::string copy = (dir_ / "copy.so").string();
  fs::copy_file(COUNTDOWN_PLUGIN, copy);
  EXPECT_EQ(refused(config + " --plugin " + std::string(COUNTDOWN_PLUGIN) + " --plugin " + copy),
            "vmsim: error: --plugin " + copy + ": component type 'countdown_timer' is registered twice: by plugin " +
                std::string(COUNTDOWN_PLUGIN) + " and by plugin " + copy + "\n");
  // In a configuration, the line names the entry.
  std::ofstream(dir_ / "listed.yaml") << "plugins: [none.so]\ncomponents: {bus: {type: router}}\n";
  EXPECT_EQ(refused((dir_ / "listed.yaml").string()),
            "vmsim: error: " + (dir_ / "listed.yaml").string() + ":1:11: plugins.0: plugin none.so: cannot load it: " +
                missing + ": cannot open shared object file: No such file or directory\n");
  std::ofstream(dir_ / "scalar.yaml") << "plugins: none.so\ncomponents: {bus: {type: router}}\n";
  EXPECT_EQ(refused((dir_ / "scalar.yaml").string()),
            "vmsim: error: " + (dir_ / "scalar.yaml").string() +
                ":1:10: plugins: expected a list of plugin files (shared libraries)\n");
}

}  // namespace
