#include "vmsim/platforms/console_script.h"

#include <fmt/format.h>

#include "vmsim/models/core/printable.h"

namespace vmsim {
namespace {

void declare_step(ParamSchema& step) {
  step.required<std::string>("wait", "Text the UART must send (after the previous step's match) before the step acts");
  step.optional<std::string>("send", "", "Then type this line and a carriage return");
  step.optional<unsigned>("exit", 0, "Or then end the run with this exit status, 0 to 255 (statistics written)");
  step.optional<sc_core::sc_time>("timeout", sc_core::SC_ZERO_TIME,
                                  "Simulated time the step may wait, from the previous step's match (0: no limit)");
}

// The schema of a script file: its list, read as `steps`.
const ParamSchema& script_schema() {
  static const ParamSchema schema = [] {
    ParamSchema file;
    declare_step(file.list("steps", "The steps of the script").declare_members());
    return file;
  }();
  return schema;
}

std::vector<ConsoleStep> read_steps(std::vector<Params>& list) {
  std::vector<ConsoleStep> steps;
  for (Params& params : list) {
    ConsoleStep step;
    step.where = params.locate("wait");
    step.wait = params.get<std::string>("wait");
    if (step.wait.empty()) params.fail("wait", "the text to wait for must not be empty");
    if (params.contains("send")) step.send = params.get<std::string>("send");
    if (params.contains("exit")) {
      const auto status = params.get<unsigned>("exit");
      if (status > 255) params.fail("exit", "an exit status is from 0 to 255");
      step.exit = static_cast<int>(status);
    }
    step.timeout = params.get<sc_core::sc_time>("timeout");
    params.reject_unknown();  // a misspelt send: is named as such
    if (step.send && step.exit) params.fail("exit", "a step either sends a line or exits, not both");
    if (!step.send && !step.exit) params.fail("a step needs send: LINE or exit: STATUS");
    if (!steps.empty() && steps.back().exit)
      params.fail("wait", "this step comes after one that ends the run, so it would never run");
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace

void ConsoleSettings::declare(ParamSchema& schema) {
  schema.optional<std::string>(
      "uart", "", "The UART the console drives (default: the device tree's stdout-path, else the first UART)");
  schema.optional<std::string>("script", "",
                               "A YAML list of steps, relative to this configuration's folder (vmsim run "
                               "--console-script FILE sets it)");
  declare_step(schema.list("steps", "The steps, when there is no script file").declare_members());
}

ConsoleSettings ConsoleSettings::read(Params& params) {
  ConsoleSettings settings;
  settings.uart = params.get<std::string>("uart");
  settings.uart_where = params.locate("uart");
  const auto script = params.get<std::string>("script");
  const std::string file = script.empty() ? "" : params.resolve_path(script);
  std::vector<Params> inline_steps = params.list("steps");
  if (!script.empty() && !inline_steps.empty())
    params.fail("script", "the steps come from the script or from steps:, not from both");
  if (script.empty()) {
    if (inline_steps.empty()) params.fail("a console needs its steps: steps:, or script: FILE");
    settings.steps = read_steps(inline_steps);
    return settings;
  }
  ConfigDocument document = ConfigDocument::from_list_file(file, "steps", "console script");
  Params root(document, document.root(), document.resolved(), "", script_schema());
  std::vector<Params> steps = root.list("steps");
  if (steps.empty()) throw ConfigError(fmt::format("{}: the console script has no steps", file));
  settings.steps = read_steps(steps);
  root.reject_unknown();
  return settings;
}

ConsoleScript::ConsoleScript(std::vector<ConsoleStep> steps, SerialPort& port, std::string port_name, RunControl& run)
    : steps_(std::move(steps)), port_(port), port_name_(std::move(port_name)), run_(run) {
  port_.attach_console([this](char character, const sc_core::sc_time& at) { heard(character, at); });
  sc_core::sc_spawn_options options;
  options.spawn_method();
  options.set_sensitivity(&timeout_);
  options.dont_initialize();
  sc_core::sc_spawn([this] { timed_out(); }, nullptr, &options);
  begin_step(sc_core::SC_ZERO_TIME);
}

void ConsoleScript::begin_step(const sc_core::sc_time& at) {
  deadline_ = sc_core::sc_max_time();
  if (next_ == steps_.size() || steps_[next_].timeout == sc_core::SC_ZERO_TIME) return;
  deadline_ = at + steps_[next_].timeout;
  const sc_core::sc_time present = sc_core::sc_time_stamp();
  timeout_.notify(deadline_ > present ? deadline_ - present : sc_core::SC_ZERO_TIME);
}

void ConsoleScript::heard(char character, const sc_core::sc_time& at) {
  if (character == '\n') {
    if (!line_.empty()) previous_line_ = line_;
    line_.clear();
  } else if (character != '\r') {
    line_ += character;
  }
  // Output that comes after the deadline is the timeout's to judge.
  if (next_ == steps_.size() || at > deadline_) return;
  const ConsoleStep& step = steps_[next_];
  seen_ += character;
  // Only the end of what was seen can still complete a match.
  if (seen_.size() > step.wait.size()) seen_.erase(0, seen_.size() - step.wait.size());
  if (seen_ != step.wait) return;
  seen_.clear();
  ++next_;
  timeout_.cancel();
  if (step.exit) {
    run_.finish(*step.exit);
    return;
  }
  port_.type(*step.send + "\r", at);
  begin_step(at);
}

void ConsoleScript::timed_out() {
  if (next_ == steps_.size() || sc_core::sc_time_stamp() < deadline_) return;
  run_.fail(
      fmt::format("{} timed out after {}; {}", describe_step(next_), format_time(steps_[next_].timeout), last_line()));
}

void ConsoleScript::check_finished() {
  // A run stopped by a limit or a signal ends with its statistics so far, marked partial.
  if (next_ == steps_.size() || run_.failed() || run_.stopped_early()) return;
  run_.fail(fmt::format("{} was still waiting when the run ended; {}", describe_step(next_), last_line()));
}

std::string ConsoleScript::last_line() const {
  const std::string& last = line_.empty() ? previous_line_ : line_;
  if (last.empty()) return fmt::format("{} printed nothing", port_name_);
  return fmt::format("the last line {} printed: '{}'", port_name_, printable(last));
}

std::string ConsoleScript::describe_step(std::size_t index) const {
  return fmt::format("console step {} ({}), waiting for '{}',", index + 1, steps_[index].where,
                     printable(steps_[index].wait));
}

}  // namespace vmsim
