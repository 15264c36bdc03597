// The scripted console: steps against a UART's output, lines typed at simulated times that follow
// from the run alone, an exit status, timeouts, a run that ends before its script, script files and
// their mistakes. The software on the machine is a tiny shell run by the test initiator.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "test_bench.h"
#include "vmsim/models/devices/uart.h"
#include "vmsim/models/devices/uart_registers.h"

namespace vmsim::test {
namespace {

namespace fs = std::filesystem;
using sc_core::sc_time;
using sc_core::SC_US;

constexpr std::uint64_t uart = 0x10000000;

// No latency anywhere, 10 us a character: every time below is a multiple of a microsecond.
const std::string machine = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  dram:   {type: dram, base: 0x80000000, size: 1MiB}
  uart:   {type: uart, base: 0x10000000, register_latency: 0ns, timing: fixed, character_time: 10us, terminal: false}
  tester: {type: test_initiator}
)";

// What runs on the machine: prints a prompt, reads a line (polling every microsecond), answers.
class Shell {
 public:
  explicit Shell(TestInitiator& bus) : bus_(bus) {}

  std::uint8_t read(unsigned reg) {
    std::uint8_t value = 0;
    const auto result = bus_.transport(AccessKind::load, uart + reg, &value, 1);
    sc_core::wait(result.delay);
    return value;
  }
  void write(unsigned reg, std::uint8_t value) {
    const auto result = bus_.transport(AccessKind::store, uart + reg, &value, 1);
    sc_core::wait(result.delay);
  }
  // As a driver does: when the transmit FIFO is empty, up to 16 characters into it.
  void print(const std::string& text) {
    for (std::size_t at = 0; at < text.size(); at += 16) {
      while ((read(uart_regs::lsr) & uart_regs::lsr_transmitter_empty) == 0) sc_core::wait(sc_time(1, SC_US));
      for (std::size_t i = at; i < std::min(text.size(), at + 16); ++i)
        write(uart_regs::thr, static_cast<std::uint8_t>(text[i]));
    }
  }
  std::string read_line() {
    std::string line;
    while (true) {
      if ((read(uart_regs::lsr) & uart_regs::lsr_data_ready) == 0) {
        sc_core::wait(sc_time(1, SC_US));
        continue;
      }
      const char c = static_cast<char>(read(uart_regs::rbr));
      arrivals.push_back(sc_core::sc_time_stamp());
      if (c == '\r') return line;
      line += c;
    }
  }

  std::vector<sc_time> arrivals;

 private:
  TestInitiator& bus_;
};

// Runs `yaml` with the shell: "login: ", a name, "welcome NAME", "$ ", a command, "COMMAND: not
// found", "$ ", and it waits for another line for ever; or, with `ending` "bye", it prints that after
// the name and stops.
struct ShellRun {
  explicit ShellRun(const std::string& yaml, const std::vector<std::string>& overrides = {},
                    const std::string& ending = "")
      : bench(yaml, overrides), shell(*bench.tester) {
    sc_core::sc_spawn([this, ending] {
      shell.write(uart_regs::lcr, 0x03);
      shell.write(uart_regs::fcr, uart_regs::fcr_enable | uart_regs::fcr_clear_receive);
      shell.print("login: ");
      name = shell.read_line();
      if (ending == "bye") {
        shell.print("bye\r\n");
        return;
      }
      shell.print(fmt::format("\r\nwelcome {}\r\n$ ", name));
      command = shell.read_line();
      shell.print(fmt::format("\r\n{}: not found\r\n$ ", command));
      shell.read_line();
    });
    ok = bench.system->run();
  }
  std::string output() const {
    std::ifstream in(bench.output / "uart.txt");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  TestBench bench;
  Shell shell;
  bool ok = false;
  std::string name;
  std::string command;
};

TEST(Console, StepsTypeLinesWhenTheirTextHasAppearedAndExit) {
  const ShellRun run(machine + R"(console:
  steps:
    - {wait: "login: ", send: root}
    - {wait: "$ ", exit: 3}
)");
  ASSERT_TRUE(run.ok) << run.bench.system->failure();
  EXPECT_EQ(run.name, "root");
  // "login: " is sent from 0 to 70 us; "root\r" arrives one character time apart from then.
  EXPECT_EQ(run.shell.arrivals, (std::vector<sc_time>{sc_time(80, SC_US), sc_time(90, SC_US), sc_time(100, SC_US),
                                                      sc_time(110, SC_US), sc_time(120, SC_US)}));
  // 18 characters from 120 us: 16 fill the FIFO and shift register, the last two go when it empties
  // at 270 us; "$ " is out at 300 us, and the run ends there, with exit status 3.
  const RunControl& control = const_cast<TestBench&>(run.bench).system->run_control();
  ASSERT_TRUE(control.exit_status());
  EXPECT_EQ(*control.exit_status(), 3);
  EXPECT_DOUBLE_EQ(run.bench.stat("sim_seconds"), 300e-6);
  EXPECT_EQ(run.output(), "login: \r\nwelcome root\r\n$ ");
  EXPECT_EQ(run.bench.stat("system.uart.characters_received"), 5);
}

TEST(Console, AStepThatTimesOutFailsTheRunNamingItAndTheLastLine) {
  const ShellRun run(machine + R"(console:
  steps:
    - {wait: "login: ", send: root}
    - {wait: "# ", exit: 0, timeout: 1ms}
)");
  EXPECT_FALSE(run.ok);
  EXPECT_EQ(run.bench.system->failure(),
            "at 1.07ms: console step 2 (test.yaml:10:14), waiting for '# ', timed out after 1ms; the last line uart "
            "printed: '$ '");
}

TEST(Console, TheFirstStepsTimeoutRunsFromTheStart) {
  const ShellRun run(machine + R"(console:
  steps:
    - {wait: "Password:", send: secret, timeout: 200us}
)");
  EXPECT_FALSE(run.ok);
  EXPECT_EQ(run.bench.system->failure(),
            "at 200us: console step 1 (test.yaml:9:14), waiting for 'Password:', timed out after 200us; the last line "
            "uart printed: 'login: '");
}

TEST(Console, ATimeoutSaysWhenTheUartPrintedNothing) {
  TestBench bench(machine + R"(console:
  steps:
    - {wait: "x", exit: 0, timeout: 5us}
)");
  EXPECT_FALSE(bench.system->run());
  EXPECT_EQ(bench.system->failure(),
            "at 5us: console step 1 (test.yaml:9:14), waiting for 'x', timed out after 5us; uart printed nothing");
}

TEST(Console, ARunThatEndsBeforeTheScriptFails) {
  const ShellRun run(machine + R"(console:
  steps:
    - {wait: "login: ", send: root}
    - {wait: "$ ", exit: 0}
)",
                     {}, "bye");
  EXPECT_FALSE(run.ok);
  EXPECT_EQ(run.bench.system->failure(),
            "at 170us: console step 2 (test.yaml:10:14), waiting for '$ ', was still waiting when the run ended; the "
            "last line uart printed: 'login: bye'");
}

TEST(Console, AScriptFileWorksAsInlineSteps) {
  const fs::path script = fs::temp_directory_path() / fmt::format("vmsim-console-{}.yaml", getpid());
  std::ofstream(script) << "# log in, then leave\n- wait: 'login: '\n  send: guest\n- {wait: '$ ', send: ls}\n"
                           "- {wait: \"not found\\r\\n\", exit: 0}\n";
  const ShellRun run(machine, {fmt::format("console.script={}", script.string())});
  fs::remove(script);
  ASSERT_TRUE(run.ok) << run.bench.system->failure();
  EXPECT_EQ(run.name, "guest");
  EXPECT_EQ(run.command, "ls");
  EXPECT_EQ(*const_cast<TestBench&>(run.bench).system->run_control().exit_status(), 0);
}

TEST(ConsoleConfig, MalformedScriptsAreRefusedNamingFileAndLine) {
  const fs::path script = fs::temp_directory_path() / fmt::format("vmsim-bad-console-{}.yaml", getpid());
  const auto error_for = [&](const std::string& text) {
    std::ofstream(script) << text;
    return config_error(machine, {fmt::format("console.script={}", script.string())});
  };
  const std::string file = script.string();
  EXPECT_EQ(error_for("wait: x\n"), fmt::format("{}: a console script must be a YAML list", file));
  EXPECT_EQ(error_for("- {wait: x}\n"), fmt::format("{}:1:3: steps.0: a step needs send: LINE or exit: STATUS", file));
  EXPECT_EQ(error_for("- {wait: x, send: y, exit: 1}\n"),
            fmt::format("{}:1:28: steps.0.exit: a step either sends a line or exits, not both", file));
  EXPECT_EQ(error_for("- {wait: x, sned: y}\n"), fmt::format("{}:1:13: steps.0.sned: unknown parameter", file));
  EXPECT_EQ(error_for("- {wait: x, exit: 256}\n"),
            fmt::format("{}:1:19: steps.0.exit: an exit status is from 0 to 255", file));
  EXPECT_EQ(
      error_for("- {wait: x, exit: 1}\n- {wait: y, send: z}\n"),
      fmt::format("{}:2:10: steps.1.wait: this step comes after one that ends the run, so it would never run", file));
  EXPECT_EQ(error_for("- {send: z}\n"),
            fmt::format("{}:1:3: steps.0.wait: required string parameter is missing", file));
  EXPECT_EQ(
      error_for("- {wait: x, send: y, timeout: soon}\n"),
      fmt::format("{}:1:31: steps.0.timeout: 'soon' is not a time (a number with fs, ps, ns, us, ms or s)", file));
  EXPECT_EQ(error_for("- [wait, x\n"), fmt::format("{}:2:1: end of sequence flow not found", file));
  EXPECT_EQ(error_for("[]\n"), fmt::format("{}: the console script has no steps", file));
  fs::remove(script);
  EXPECT_EQ(config_error(machine, {fmt::format("console.script={}", file)}),
            fmt::format("{}: cannot open the console script", file));
}

TEST(ConsoleConfig, TheConsoleNeedsAUartThatTakesItsInput) {
  EXPECT_EQ(config_error(machine, {"console.uart=dram", "console.steps=[{wait: x, exit: 0}]"}),
            "--set console.uart=dram: console.uart: 'dram' is not a UART");
  EXPECT_EQ(config_error(machine, {"components.uart.input=file", "components.uart.input_file=/dev/null",
                                   "console.steps=[{wait: x, exit: 0}]"}),
            "test.yaml: console.uart: uart: its input is the file /dev/null (input: file), so a console cannot type "
            "to it");
  EXPECT_EQ(config_error(machine, {"console.uart=uart"}),
            "test.yaml: console: a console needs its steps: steps:, or script: FILE");
  EXPECT_EQ(config_error(machine, {"console.script=x", "console.steps=[{wait: x, exit: 0}]"}),
            "--set console.script=x: console.script: the steps come from the script or from steps:, not from both");
}

}  // namespace
}  // namespace vmsim::test
