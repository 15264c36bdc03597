// A scripted console, for runs that nobody watches: steps run in order against a UART's output, as
// expect does. Each step waits until its text has appeared in what the UART sent after the previous
// step's match, then types a line and a carriage return, or ends the run with an exit status. A step
// may have a timeout in simulated time. Everything happens at simulated times, so a script gives the
// same run every time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/params.h"
#include "vmsim/models/core/run_control.h"
#include "vmsim/models/core/serial_port.h"

namespace vmsim {

struct VMSIM_API ConsoleStep {
  std::string wait;
  std::optional<std::string> send;
  std::optional<int> exit;
  sc_core::sc_time timeout = sc_core::SC_ZERO_TIME;  // none
  std::string where;                                 // "file:line", for messages
};

// The `console` section: the UART it drives, and its steps (inline, or in a script file).
struct VMSIM_API ConsoleSettings {
  std::string uart;  // a component's name; empty: the device tree's stdout, else the first UART
  std::string uart_where;
  std::vector<ConsoleStep> steps;

  static void declare(ParamSchema& schema);
  // Reads the section and the script it names; a malformed step is a ConfigError naming its file
  // and line.
  static ConsoleSettings read(Params& params);
};

class VMSIM_API ConsoleScript {
 public:
  // Drives `port` (the component `port_name`); made while the platform is built.
  ConsoleScript(std::vector<ConsoleStep> steps, SerialPort& port, std::string port_name, RunControl& run);
  ConsoleScript(const ConsoleScript&) = delete;
  ConsoleScript& operator=(const ConsoleScript&) = delete;

  // Once the simulation has ended: a step still waiting means the run ended before it, which fails
  // the run (unless it failed already, or a limit or a signal stopped it).
  void check_finished();

 private:
  void heard(char character, const sc_core::sc_time& at);
  // Step `next_` becomes the one waiting, from simulated time `at`.
  void begin_step(const sc_core::sc_time& at);
  void timed_out();
  // "the last line NAME printed: '...'", for the messages.
  std::string last_line() const;
  std::string describe_step(std::size_t index) const;

  std::vector<ConsoleStep> steps_;
  SerialPort& port_;
  std::string port_name_;
  RunControl& run_;
  std::size_t next_ = 0;  // the step waiting
  sc_core::sc_time deadline_ = sc_core::sc_max_time();
  std::string seen_;  // the output since the last match
  std::string line_;  // the line being printed
  std::string previous_line_;
  sc_core::sc_event timeout_;
};

}  // namespace vmsim
