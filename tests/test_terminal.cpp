// The host terminal as a UART's keyboard, on a pseudo-terminal: raw while read, the bytes typed
// reach the reader, and the settings come back when it ends and when a fatal signal kills vmsim.
#include <gtest/gtest.h>

#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "vmsim/models/core/terminal.h"

namespace vmsim {
namespace {

// A pseudo-terminal whose slave a child process takes as its standard input.
struct PseudoTerminal {
  PseudoTerminal() { EXPECT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0); }
  ~PseudoTerminal() {
    close(master);
    close(slave);
  }
  bool canonical() const {
    termios settings{};
    tcgetattr(slave, &settings);
    return (settings.c_lflag & ICANON) != 0;
  }
  int master = -1;
  int slave = -1;
};

// Runs `child` in a process whose standard input is the terminal's slave, and returns its wait status.
// The child tells the parent through `ready` when the terminal is raw, and waits for its byte back.
template <typename Child>
int run_child(PseudoTerminal& terminal, Child child, bool& was_raw) {
  int ready[2];
  EXPECT_EQ(pipe(ready), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(terminal.slave, STDIN_FILENO);
    close(ready[0]);
    _exit(child(ready[1]));
  }
  close(ready[1]);
  char byte = 0;
  EXPECT_EQ(read(ready[0], &byte, 1), 1);
  was_raw = !terminal.canonical();
  // The child reads what is typed and ends (or dies) as it was told.
  EXPECT_EQ(write(terminal.master, "ok", 2), 2);
  close(ready[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

TEST(Terminal, RawWhileReadTypedBytesArriveRestoredAfter) {
  PseudoTerminal terminal;
  ASSERT_TRUE(terminal.canonical());
  bool was_raw = false;
  const int status = run_child(
      terminal,
      [](int ready) {
        std::atomic<int> received{0};
        {
          TerminalReader reader([&](const char* bytes, std::size_t count) {
            if (std::string(bytes, count).find('k') != std::string::npos) received = 1;
          });
          if (write(ready, "r", 1) != 1) return 2;
          for (int i = 0; i < 500 && received == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return received == 1 ? 0 : 3;
      },
      was_raw);
  EXPECT_TRUE(was_raw);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);  // the typed "ok" reached the reader
  EXPECT_TRUE(terminal.canonical());
}

TEST(Terminal, AFatalSignalRestoresTheSettingsAndStillKills) {
  PseudoTerminal terminal;
  bool was_raw = false;
  const int status = run_child(
      terminal,
      [](int ready) {
        TerminalReader reader([](const char*, std::size_t) {});
        if (write(ready, "r", 1) != 1) return 2;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        raise(SIGHUP);
        return 4;
      },
      was_raw);
  EXPECT_TRUE(was_raw);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGHUP);
  EXPECT_TRUE(terminal.canonical());
}

TEST(Terminal, RestoreTerminalIsWhatAStopSignalHandlerCalls) {
  PseudoTerminal terminal;
  bool was_raw = false;
  const int status = run_child(
      terminal,
      [](int ready) {
        TerminalReader reader([](const char*, std::size_t) {});
        if (write(ready, "r", 1) != 1) return 2;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        restore_terminal();  // as vmsim's second SIGINT does before _exit
        _exit(130);
      },
      was_raw);
  EXPECT_TRUE(was_raw);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_TRUE(terminal.canonical());
}

}  // namespace
}  // namespace vmsim
