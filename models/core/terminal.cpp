#include "vmsim/models/core/terminal.h"

#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace vmsim {
namespace {

// The terminal's settings before raw mode, and whether they are to be restored. Plain globals: a
// signal handler reads them, and there is one terminal.
termios saved_settings{};
std::atomic<bool> raw{false};
std::atomic<bool> reading{false};  // a reader exists

constexpr int fatal_signals[] = {SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction previous_actions[sizeof(fatal_signals) / sizeof(fatal_signals[0])];

extern "C" void restore_and_resignal(int number) {
  restore_terminal();
  // The signal's previous disposition (the default, or a sanitizer's report) takes it from here.
  for (std::size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); ++i)
    if (fatal_signals[i] == number) sigaction(number, &previous_actions[i], nullptr);
  raise(number);
}

void restore_at_exit() { restore_terminal(); }

}  // namespace

void restore_terminal() {
  if (raw.exchange(false)) tcsetattr(STDIN_FILENO, TCSANOW, &saved_settings);
}

bool TerminalReader::available() { return isatty(STDIN_FILENO) != 0; }

bool TerminalReader::in_use() { return reading; }

TerminalReader::TerminalReader(Sink sink) : sink_(std::move(sink)) {
  if (reading.exchange(true)) throw std::logic_error("the terminal has a reader already");
  if (pipe(wake_) != 0) {
    reading = false;
    throw std::runtime_error("cannot make the terminal reader's pipe");
  }
  if (tcgetattr(STDIN_FILENO, &saved_settings) == 0) {
    static const bool handlers_installed = [] {
      std::atexit(restore_at_exit);
      for (std::size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); ++i) {
        struct sigaction action {};
        action.sa_handler = restore_and_resignal;
        sigemptyset(&action.sa_mask);
        sigaction(fatal_signals[i], &action, &previous_actions[i]);
      }
      return true;
    }();
    (void)handlers_installed;
    termios settings = saved_settings;
    // Raw input as a terminal program sees it (cfmakeraw), but output still turns \n into \r\n.
    settings.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    settings.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    settings.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB);
    settings.c_cflag |= CS8;
    settings.c_cc[VMIN] = 1;
    settings.c_cc[VTIME] = 0;
    raw = true;
    tcsetattr(STDIN_FILENO, TCSANOW, &settings);
  }
  thread_ = std::thread([this] { read_loop(); });
}

TerminalReader::~TerminalReader() {
  const char stop = 0;
  [[maybe_unused]] const ssize_t woken = write(wake_[1], &stop, 1);
  thread_.join();
  close(wake_[0]);
  close(wake_[1]);
  restore_terminal();
  reading = false;
}

void TerminalReader::read_loop() {
  char bytes[256];
  pollfd watched[2] = {{STDIN_FILENO, POLLIN, 0}, {wake_[0], POLLIN, 0}};
  while (true) {
    if (poll(watched, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (watched[1].revents != 0) return;
    if (watched[0].revents == 0) continue;
    const ssize_t count = read(STDIN_FILENO, bytes, sizeof(bytes));
    if (count <= 0) return;  // end of input, or the terminal went away
    sink_(bytes, static_cast<std::size_t>(count));
  }
}

}  // namespace vmsim
