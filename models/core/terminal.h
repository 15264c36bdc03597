// The host terminal as a simulated serial port's keyboard: standard input in raw mode (no line
// editing, no echo, no signals from keys, so that Ctrl-C reaches the guest), read by a host thread.
// The terminal's settings come back however vmsim ends: when the reader is destroyed, at exit(), on
// a fatal signal (the handler restores them and lets the signal take its course), and from vmsim's
// own stop-signal handler through restore_terminal().
#pragma once

#include <cstddef>
#include <functional>
#include <thread>

#include "vmsim/models/core/export.h"

namespace vmsim {

class VMSIM_API TerminalReader {
 public:
  // Called on the reader's host thread with each chunk of bytes typed; it must hand them to the
  // simulation in a thread-safe way (sc_prim_channel::async_request_update).
  using Sink = std::function<void(const char* bytes, std::size_t count)>;

  // Whether standard input is a terminal.
  static bool available();
  // Whether a reader exists: the process has one standard input, so of several platforms in one
  // process (or several UARTs in one) only one reads the keyboard.
  static bool in_use();
  // Puts the terminal in raw mode and starts reading; at most one reader exists at a time.
  explicit TerminalReader(Sink sink);
  // Stops the thread and restores the terminal.
  ~TerminalReader();
  TerminalReader(const TerminalReader&) = delete;
  TerminalReader& operator=(const TerminalReader&) = delete;

 private:
  void read_loop();

  Sink sink_;
  int wake_[2] = {-1, -1};  // a pipe that ends the thread's wait
  std::thread thread_;
};

// Restores the terminal's settings if a reader changed them; async-signal-safe.
VMSIM_API void restore_terminal();

}  // namespace vmsim
