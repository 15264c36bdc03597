// The GDB server: one debugger at a time, over TCP on 127.0.0.1, for every hart of the machine that
// is a DebugTarget (each a thread, all-stop).
//
// How it fits SystemC. The simulation never advances while the debugger holds the machine: a stop
// is served inside the hart's own SystemC thread (Debugger::stopped), or between two sc_start()
// slices (poll), by reading the socket with blocking calls; a cooperative SystemC kernel does
// nothing else meanwhile, so every other hart is between two instructions, where the debugger reads
// and writes it. When the debugger lets the machine go, the call returns and the run goes on where
// it was: a session of breakpoints, steps, and reads changes no statistic. While the machine runs,
// poll() looks at the socket once per quantum without waiting: a Ctrl-C (0x03) stops it there, on
// the current thread. Harts that the debugger does not resume (vCont for one thread only) wait in
// SystemC (Debugger::held) until it does. At reset every hart waits, and the last to get there
// waits in the socket for a debugger to connect (QEMU's -s -S): it first sees the entry point.
//
// A broken or hostile client never stops the run or corrupts it: garbage between packets is
// ignored, a bad checksum is answered with '-' (dropped in no-ack mode), an over-long packet with
// E01, acknowledgements are never waited for, a client that stops reading is dropped, and a client
// that goes away (at any point, in the middle of a packet too) is treated as a detach: breakpoints,
// watchpoints and caught exceptions are removed and the run goes on without a debugger, which may
// connect again (it stops the machine where it is).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>

#include "vmsim/models/core/debug_target.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/run_control.h"
#include "vmsim/models/debug/gdb_protocol.h"
#include "vmsim/models/debug/rsp_packet.h"
#include "vmsim/models/debug/tcp_transport.h"

namespace vmsim::gdb {

class VMSIM_API Server final : public Debugger {
 public:
  // Listens on 127.0.0.1:`port` (0: the system chooses) for a debugger of `harts` (their hart ids
  // differ), which from now on wait for one at reset. Throws std::runtime_error if it cannot listen.
  // `run` ends the run when the debugger kills it.
  Server(std::uint16_t port, std::vector<DebugTarget*> harts, RunControl& run);
  ~Server();

  std::uint16_t port() const { return transport_.port(); }
  // When the simulation starts: writes the port into `port_file` (atomically, so that a script may
  // wait for the file) and tells the user on standard error where to connect. `interrupted` says
  // why the run must stop ("" if it need not) when a signal interrupts a wait in the socket.
  void start(const std::string& port_file, std::function<std::string()> interrupted);
  // Between two slices of the simulation: a Ctrl-C from the debugger, or a debugger connecting,
  // stops the machine here until the debugger lets it go. False if the run is over.
  bool poll();
  // The run has ended: a debugger waiting for the machine to stop hears how (W00 complete, W with
  // the program's code, X06 failed, X09 stopped early, with the reason as console text).
  void run_ended();

  // Debugger
  bool stopped(HartDebug& hart, const DebugStop& stop) override;
  bool held(HartDebug& hart) override;
  void exited(HartDebug& hart, int code) override;

 private:
  enum class Input : std::uint8_t { packet, interrupt, nothing, gone };

  // Holds the machine for the debugger until it resumes it (true), or the run ends (false).
  bool serve(const Stop& stop);
  // Waits for a debugger; false if the run is to end first.
  bool wait_for_client();
  // The next packet or interrupt from the client, waiting for one if `wait`.
  Input receive(bool wait);
  void send_packet(std::string_view payload);
  // The client has gone or detached: the machine runs on without a debugger.
  void drop_client();
  // Ends the run for `reason`: no debugger is served any more.
  void end(std::string reason);
  std::size_t index_of(const HartDebug& hart) const;

  TcpTransport transport_;
  Protocol protocol_;
  RunControl& run_;
  std::function<std::string()> interrupted_;
  PacketReader reader_{max_packet};
  std::string inbox_;  // bytes received, from consumed_ on not yet read
  std::size_t consumed_ = 0;
  std::string last_sent_;          // sent again when the client answers '-'
  bool waiting_for_stop_ = false;  // the client resumed the machine and waits for its stop reply
  bool ending_ = false;
  std::vector<bool> arrived_;  // each hart has reached reset
  std::size_t awaiting_;       // harts not at reset yet
  sc_core::sc_event resumed_;
};

}  // namespace vmsim::gdb
