// The commands of GDB's remote serial protocol, for a machine of RISC-V harts debugged in all-stop
// mode, each hart a thread (thread id = hart id + 1): a packet's payload in, the reply out, and what
// the server must do (resume the harts in the modes set here, detach, kill). No I/O and no waiting:
// the server (gdb_server.h) does both.
//
// Packets: qSupported, QStartNoAckMode, qXfer:features:read (target.xml), ?, g, G, p, P, m, M, X,
// Z0-Z4 and z0-z4, vCont? and vCont (c, C, s, S, each for a thread or as the default), c, C, s, S,
// H, T, qfThreadInfo, qsThreadInfo, qC, qAttached, qThreadExtraInfo, qSymbol, qRcmd (monitor
// commands: help, catch, time), D, k, vKill. Anything else gets the empty reply (not supported).
// Signals given with C, S and vCont's C and S are not delivered: a hart takes its own traps.
// Errors: E01 a malformed packet, E02 no such thread, E03 no such register (or it refused the
// write), E04 too many breakpoints or watchpoints, E14 memory that does not answer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vmsim/models/core/debug_target.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/debug/target_description.h"

namespace vmsim::gdb {

// The largest packet payload the server accepts; qSupported tells the client.
constexpr std::size_t max_packet = 0x4000;

// A hart's stop, as the protocol reports it.
struct VMSIM_API Stop {
  std::size_t hart = 0;  // index into the harts
  DebugStop what;
};

class VMSIM_API Protocol {
 public:
  enum class Action : std::uint8_t {
    none,    // answer, and wait for the next packet
    resume,  // no answer: the harts go on in resume_modes(); the next stop is the answer
    detach,  // answer, then let the machine run without the debugger
    kill,    // no answer: the run ends
  };
  struct Response {
    Action action = Action::none;
    std::optional<std::string> reply;  // the packet to send (an empty one says "not supported")
    std::vector<std::string> console;  // text to show the user first, each in an 'O' packet
  };

  // The harts, in the order of their threads (by hart id); their ids must differ.
  explicit Protocol(std::vector<DebugTarget*> harts);

  // A client connected: acknowledgements on, no client features, the last stop still reported by '?'.
  void start_session();
  Response handle(std::string_view packet);

  // The stop reply for `stop` (which '?' repeats from now on); its hart becomes the current thread.
  std::string report(const Stop& stop);
  // What to tell the user about a stop besides its reply (an exception's cause and place), or "".
  std::string explain(const Stop& stop) const;

  bool acknowledging() const { return acknowledging_; }
  // The mode of each hart after the last resume.
  const std::vector<HartDebug::Mode>& resume_modes() const { return modes_; }
  // The thread the last stop happened on (an interrupt is reported on it too).
  std::size_t current_hart() const { return current_; }
  const std::vector<DebugTarget*>& harts() const { return harts_; }

 private:
  // A thread id as the client writes it: one hart, every hart (-1), or any (0).
  struct ThreadId {
    enum class Kind : std::uint8_t { one, all, any };
    Kind kind = Kind::any;
    std::size_t hart = 0;
  };

  const TargetDescription& description();
  std::optional<ThreadId> parse_thread(std::string_view text) const;
  std::string thread_id(std::size_t hart) const;
  // The hart that g, G, p, P, m, M and X address (Hg), and the one c and s start (Hc).
  std::size_t general_hart() const;

  Response supported(std::string_view features);
  Response read_features(std::string_view request);
  Response read_registers();
  Response write_registers(std::string_view hex);
  Response read_register(std::string_view request);
  Response write_register(std::string_view request);
  Response read_memory(std::string_view request);
  Response write_memory(std::string_view request, bool binary);
  Response breakpoint(std::string_view request, bool insert);
  Response set_thread(std::string_view request);
  Response continue_all(std::string_view request, bool step);
  Response resume(std::string_view actions);
  Response monitor(std::string_view hex);
  Response thread_info(std::string_view request);

  std::vector<DebugTarget*> harts_;
  std::optional<TargetDescription> description_;
  bool acknowledging_ = true;
  bool swbreak_ = false;  // the client takes swbreak: and hwbreak: in stop replies
  bool hwbreak_ = false;
  Stop last_stop_;
  std::size_t current_ = 0;
  ThreadId general_;
  ThreadId continue_;
  std::vector<HartDebug::Mode> modes_;
};

}  // namespace vmsim::gdb
