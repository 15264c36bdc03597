// The GDB server end to end: Debian's gdb-multiarch in batch mode, and clients written here byte by
// byte (a scripted session, a hostile one), against platforms of stand-in harts (stand_in_hart.h).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "test_bench.h"
#include "vmsim/models/debug/rsp_packet.h"
#include "vmsim/platforms/child_process.h"

namespace vmsim::test {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A TCP client of the server, for the tests that speak the protocol themselves.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    const timeval timeout{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~Client() { close(); }
  bool connected() const { return connected_; }
  void send(const std::string& bytes) const { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // Sends a packet as a client frames it (no run-length encoding).
  void send_packet(const std::string& payload) const {
    send(fmt::format("${}#{:02x}", payload, gdb::checksum(payload)));
  }
  // The next `count` bytes, or fewer if the server closes or says nothing for 20 s.
  std::string receive(std::size_t count) const {
    std::string out;
    while (out.size() < count) {
      char buffer[4096];
      const ssize_t got = ::recv(fd_, buffer, std::min(sizeof buffer, count - out.size()), 0);
      if (got <= 0) break;
      out.append(buffer, static_cast<std::size_t>(got));
    }
    return out;
  }
  // The next packet's whole frame, skipping acknowledgements; "" if none comes.
  std::string receive_packet() const {
    std::string frame;
    for (;;) {
      const std::string c = receive(1);
      if (c.empty()) return "";
      if (frame.empty() && c != "$") continue;
      frame += c;
      if (c == "#") return frame + receive(2);
    }
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

// Runs the platform while `client` plays the debugger from another thread, then joins it.
void run_with(TestBench& bench, const std::function<void(std::uint16_t port)>& client) {
  std::thread debugger(client, bench.system->debugger()->port());
  EXPECT_TRUE(bench.system->run()) << bench.system->failure();
  debugger.join();
}

// gdb-multiarch in batch mode, connected to the platform's server through the port it writes into
// the output folder, running `commands`; returns its standard output with the port replaced by
// PORT. A gdb that never gets to the server cannot leave the run waiting for ever: once it has
// gone, a client connects and detaches.
std::string run_with_gdb(TestBench& bench, const std::vector<std::string>& commands) {
  EXPECT_EQ(std::system("command -v gdb-multiarch >/dev/null"), 0)
      << "gdb-multiarch is not installed: `scripts/setup.sh tests` installs it";
  const std::filesystem::path port_file = bench.output / "gdb-port";
  const std::filesystem::path out = bench.output / "gdb.out";
  const std::filesystem::path err = bench.output / "gdb.err";
  std::vector<std::string> words = {
      "bash", "-c",
      "for i in $(seq 300); do [ -s \"$0\" ] && break; sleep 0.1; done; port=$(cat \"$0\"); err=$1; shift; "
      "exec timeout 120 gdb-multiarch -nx -batch -ex 'set architecture riscv:rv64' -ex 'set remotetimeout 30' "
      "-ex \"target remote 127.0.0.1:$port\" \"$@\" 2>\"$err\"",
      port_file.string(), err.string()};
  for (const std::string& command : commands) words.insert(words.end(), {"-ex", command});
  const pid_t gdb = start_process(words, out.string());
  int status = -1;
  std::thread watchdog([&] {
    status = wait_for(gdb);
    Client late(bench.system->debugger()->port());
    if (late.connected()) late.send_packet("D");
  });
  EXPECT_TRUE(bench.system->run()) << bench.system->failure();
  watchdog.join();
  EXPECT_EQ(status, 0) << slurp(err);
  const std::string port = std::to_string(bench.system->debugger()->port());
  return std::regex_replace(slurp(out), std::regex(":" + port + "\\b"), ":PORT");
}

// Reads exactly `expected.size()` bytes and compares them.
void expect_bytes(const Client& client, const std::string& expected) {
  EXPECT_EQ(client.receive(expected.size()), expected);
}

// Asks for no-ack mode, as GDB does first.
void stop_acknowledging(const Client& client) {
  client.send_packet("QStartNoAckMode");
  expect_bytes(client, "+$OK#9a");
}

// One hart of 100 instructions taking 1 ns each, which exits with code 3: 13 loads (instructions
// k % 8 == 3) and 12 stores (k % 8 == 7), 100 ns.
const std::string one_hart = R"(
platform: {quantum: 100ns, gdb: 0}
components:
  cpu0: {type: stand_in_hart, instructions: 100, exit_code: 3}
)";

// What gdb says on standard error when it connects without a program.
const std::string no_executable =
    "warning: No executable has been specified and target does not support\n"
    "determining executable automatically.  Try using the \"file\" command.\n";

void expect_complete_run_of_one_hart(const TestBench& bench) {
  EXPECT_EQ(bench.system->partial(), "");
  EXPECT_EQ(bench.stat("system.cpu0.instructions"), 100);
  EXPECT_EQ(bench.stat("system.cpu0.loads"), 13);
  EXPECT_EQ(bench.stat("system.cpu0.stores"), 12);
  EXPECT_EQ(bench.stat("sim_seconds"), 100e-9);
}

TEST(Gdb, RegistersMemoryBreakpointStepWatchpointAndExit) {
  TestBench bench(one_hart);
  const std::string transcript = run_with_gdb(
      bench, {"info threads",
              "printf \"pc=%#lx s0=%#lx a0=%ld\\n\", $pc, $s0, $a0",
              "printf \"mstatus=%#lx misa=%#lx mhartid=%ld priv=%ld\\n\", $mstatus, $misa, $mhartid, $priv",
              "x/4wx 0x80000000",
              "x/2i 0x8000000c",
              "set $a2 = 0x1234",
              "set $frm = 3",
              "set $fflags = 1",
              "printf \"a2=%#lx fcsr=%#lx\\n\", $a2, $fcsr",
              "set {long}0x80008100 = 0x1122334455667788",
              "set {char[4]}0x80008108 = \"#$}\"",
              "x/2gx 0x80008100",
              "x/gx 0x90000000",
              "break *0x80000010",
              "continue",
              "printf \"a0=%ld a1=%ld\\n\", $a0, $a1",
              "stepi",
              "watch *(long*)0x80008008",
              "continue",
              "delete",
              "continue"});
  EXPECT_EQ(transcript, R"gdb(The target architecture is set to "riscv:rv64".
0x0000000080000000 in ?? ()
  Id   Target Id                Frame 
* 1    Thread 1 (hart 0 (cpu0)) 0x0000000080000000 in ?? ()
pc=0x80000000 s0=0x80008000 a0=0
mstatus=0xa00000000 misa=0x800000000000112d mhartid=0 priv=3
0x80000000:	0x00150513	0x00150513	0x00150513	0x00043583
   0x8000000c:	ld	a1,0(s0)
   0x80000010:	add	a0,a0,1
a2=0x1234 fcsr=0x61
0x80008100:	0x1122334455667788	0x00000000007d2423
0x90000000:	Breakpoint 1 at 0x80000010

Breakpoint 1, 0x0000000080000010 in ?? ()
a0=3 a1=0
0x0000000080000014 in ?? ()
Hardware watchpoint 2: *(long*)0x80008008

Hardware watchpoint 2: *(long*)0x80008008

Old value = 0
New value = 12
0x0000000080000040 in ?? ()
[Inferior 1 (Remote target) exited with code 03]
)gdb");
  EXPECT_EQ(slurp(bench.output / "gdb.err"), no_executable + "Cannot access memory at address 0x90000000\n");
  expect_complete_run_of_one_hart(bench);
  EXPECT_EQ(slurp(bench.output / "gdb-port"), fmt::format("{}\n", bench.system->debugger()->port()));
}

TEST(Gdb, DetachLetsTheRunFinishWithoutTheDebugger) {
  TestBench bench(one_hart);
  EXPECT_EQ(run_with_gdb(bench, {"break *0x80000010", "watch *(long*)0x80008008", "continue", "detach"}),
            R"gdb(The target architecture is set to "riscv:rv64".
0x0000000080000000 in ?? ()
Breakpoint 1 at 0x80000010
Hardware watchpoint 2: *(long*)0x80008008

Breakpoint 1, 0x0000000080000010 in ?? ()
[Inferior 1 (Remote target) detached]
)gdb");
  // The breakpoint and the watchpoint went with the debugger: the run ended as one without it does.
  expect_complete_run_of_one_hart(bench);
}

TEST(Gdb, KillEndsTheRunWithTheStatisticsSoFar) {
  TestBench bench(one_hart);
  EXPECT_EQ(run_with_gdb(bench, {"break *0x80000010", "continue", "kill"}),
            R"gdb(The target architecture is set to "riscv:rv64".
0x0000000080000000 in ?? ()
Breakpoint 1 at 0x80000010

Breakpoint 1, 0x0000000080000010 in ?? ()
Kill the program being debugged? (y or n) [answered Y; input not from terminal]
[Inferior 1 (Remote target) killed]
)gdb");
  EXPECT_EQ(bench.system->partial(), "killed by the debugger");
  // Instructions 0 to 3 retired; the fourth, at the breakpoint, did not.
  EXPECT_EQ(bench.stat("system.cpu0.instructions"), 4);
  EXPECT_EQ(bench.stat("system.cpu0.loads"), 1);
}

TEST(Gdb, ACaughtExceptionStopsTheHartAtItsHandler) {
  TestBench bench(one_hart, {"components.cpu0.fault_after=6"});
  EXPECT_EQ(run_with_gdb(bench, {"monitor catch faults", "continue",
                                 "printf \"pc=%#lx mepc=%#lx mcause=%ld mtval=%#lx\\n\", $pc, $mepc, $mcause, $mtval",
                                 "monitor catch none", "continue"}),
            R"gdb(The target architecture is set to "riscv:rv64".
0x0000000080000000 in ?? ()

Program received signal SIGSEGV, Segmentation fault.
0x0000000080000400 in ?? ()
pc=0x80000400 mepc=0x80000014 mcause=13 mtval=0xdead000
[Inferior 1 (Remote target) exited with code 03]
)gdb");
  // What the server says (the monitor's answers, the exception's cause and place) gdb shows on
  // standard error.
  EXPECT_EQ(slurp(bench.output / "gdb.err"), no_executable +
                                                 "exceptions caught (by cause): 0 1 2 4 5 6 7 12 13 15\n"
                                                 "hart 0 (cpu0): load page fault (cause 13) at pc 0x80000014, trap "
                                                 "value 0xdead000\n"
                                                 "no exceptions are caught\n");
  EXPECT_EQ(bench.stat("system.cpu0.exceptions"), 1);
  EXPECT_EQ(bench.stat("system.cpu0.instructions"), 100);
}

// The load of instruction 3 reads 0x80008000, the load of 11 and the store of 15 touch 0x80008008.
TEST(Gdb, HardwareBreakpointsAndReadAndAccessWatchpoints) {
  TestBench bench(one_hart);
  EXPECT_EQ(run_with_gdb(bench, {"rwatch *(long*)0x80008000", "continue", "delete", "hbreak *0x80000020", "continue",
                                 "delete", "awatch *(long*)0x80008008", "continue", "continue", "delete", "continue"}),
            R"gdb(The target architecture is set to "riscv:rv64".
0x0000000080000000 in ?? ()
Hardware read watchpoint 1: *(long*)0x80008000

Hardware read watchpoint 1: *(long*)0x80008000

Value = 0
0x0000000080000010 in ?? ()
Hardware assisted breakpoint 2 at 0x80000020

Breakpoint 2, 0x0000000080000020 in ?? ()
Hardware access (read/write) watchpoint 3: *(long*)0x80008008

Hardware access (read/write) watchpoint 3: *(long*)0x80008008

Value = 0
0x0000000080000030 in ?? ()

Hardware access (read/write) watchpoint 3: *(long*)0x80008008

Old value = 0
New value = 12
0x0000000080000040 in ?? ()
[Inferior 1 (Remote target) exited with code 03]
)gdb");
  expect_complete_run_of_one_hart(bench);
}

// Two harts, each with its program and memory; cpu1 runs longer and its end is the program's exit.
const std::string two_harts = R"(
platform: {quantum: 10ns, gdb: 0}
components:
  cpu0: {type: stand_in_hart, hart_id: 0, instructions: 100, exits: false}
  cpu1: {type: stand_in_hart, hart_id: 1, entry: 0x80010000, data: 0x80018000, instructions: 200, exit_code: 5}
)";

TEST(Gdb, EachHartIsAThread) {
  TestBench bench(two_harts);
  EXPECT_EQ(run_with_gdb(bench, {"info threads", "thread 2", "printf \"pc=%#lx mhartid=%ld\\n\", $pc, $mhartid",
                                 "break *0x80010100", "continue", "info threads", "thread 1",
                                 "printf \"pc=%#lx a0=%ld\\n\", $pc, $a0", "delete", "continue"}),
            R"gdb(The target architecture is set to "riscv:rv64".
0x0000000080000000 in ?? ()
  Id   Target Id                Frame 
* 1    Thread 1 (hart 0 (cpu0)) 0x0000000080000000 in ?? ()
  2    Thread 2 (hart 1 (cpu1)) 0x0000000080010000 in ?? ()
[Switching to thread 2 (Thread 2)]
#0  0x0000000080010000 in ?? ()
pc=0x80010000 mhartid=1
Breakpoint 1 at 0x80010100

Thread 2 hit Breakpoint 1, 0x0000000080010100 in ?? ()
  Id   Target Id                Frame 
  1    Thread 1 (hart 0 (cpu0)) 0x00000000800000f0 in ?? ()
* 2    Thread 2 (hart 1 (cpu1)) 0x0000000080010100 in ?? ()
[Switching to thread 1 (Thread 1)]
#0  0x00000000800000f0 in ?? ()
pc=0x800000f0 a0=45
[Inferior 1 (Remote target) exited with code 05]
)gdb");
  // At each time step of a quantum (10 instructions) cpu1 runs first: it stopped at its instruction
  // 64 (pc 0x80010100) with cpu0 at its instruction 60, after 45 increments of a0.
  EXPECT_EQ(bench.stat("system.cpu0.instructions"), 100);
  EXPECT_EQ(bench.stat("system.cpu1.instructions"), 200);
  EXPECT_EQ(bench.stat("sim_seconds"), 200e-9);
}

// A raw client: the exact bytes of a session, with acknowledgements and then without, a step
// (GDB steps RISC-V harts by breakpoints of its own), a breakpoint, and the exit.
TEST(GdbServer, AScriptedSessionByteForByte) {
  TestBench bench(one_hart);
  run_with(bench, [](std::uint16_t port) {
    const Client client(port);
    ASSERT_TRUE(client.connected());
    client.send("+");
    client.send_packet("qSupported:swbreak+;hwbreak+");
    expect_bytes(client,
                 "+$PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+#ba");
    client.send("+");
    client.send_packet("?");
    expect_bytes(client, "+$T05thread:1;#d7");
    client.send("+");
    stop_acknowledging(client);
    client.send("+");
    // No acknowledgements either way from here.
    client.send_packet("p20");
    expect_bytes(client, "$0*\"80*%#33");  // 0x80000000, run-length encoded
    client.send_packet("m80000000,4");
    expect_bytes(client, "$13051500#8f");
    client.send_packet("vCont;s:1");
    expect_bytes(client, "$T05thread:1;#d7");
    client.send_packet("p20");
    expect_bytes(client, "$040* 80*%#95");  // 0x80000004
    client.send_packet("s");
    expect_bytes(client, "$T05thread:1;#d7");
    client.send_packet("Z0,80000010,4");
    expect_bytes(client, "$OK#9a");
    client.send_packet("vCont;c");
    expect_bytes(client, "$T05thread:1;swbreak:;#3b");
    client.send_packet("z0,80000010,4");
    expect_bytes(client, "$OK#9a");
    client.send_packet("c");
    expect_bytes(client, "$W03#ba");
    EXPECT_EQ(client.receive(1), "");  // the server closed the connection
  });
  expect_complete_run_of_one_hart(bench);
}

// While cpu0 stops at a breakpoint, cpu1 sleeps (as in wfi) for 1 ms: stepping it alone ends at
// once, cpu0 held meanwhile; then both run to the end.
TEST(GdbServer, AHeldHartAndASleepingOneThatSteps) {
  TestBench bench(R"(
platform: {quantum: 10ns, gdb: 0}
components:
  cpu0: {type: stand_in_hart, hart_id: 0, instructions: 100, exits: false}
  cpu1: {type: stand_in_hart, hart_id: 1, entry: 0x80010000, data: 0x80018000, instructions: 2, sleep_after: 1,
         sleep_for: 1ms, exit_code: 5}
)");
  run_with(bench, [](std::uint16_t port) {
    const Client client(port);
    stop_acknowledging(client);
    client.send_packet("qfThreadInfo");
    expect_bytes(client, "$m1,2#fc");
    client.send_packet("Z0,800000c8,4");  // instruction 50 of cpu0
    expect_bytes(client, "$OK#9a");
    client.send_packet("vCont;c");
    expect_bytes(client, "$T05thread:1;#d7");
    client.send_packet("Hg2");
    expect_bytes(client, "$OK#9a");
    client.send_packet("p20");
    expect_bytes(client, "$04000180*%#dc");  // cpu1 asleep after its first instruction
    client.send_packet("vCont;s:2");
    expect_bytes(client, "$T05thread:2;#d8");
    client.send_packet("p20");
    expect_bytes(client, "$04000180*%#dc");
    client.send_packet("qC");
    expect_bytes(client, "$QC2#c6");
    client.send_packet("Hg1");
    expect_bytes(client, "$OK#9a");
    client.send_packet("p20");
    expect_bytes(client, "$c80* 80*%#cc");  // cpu0 did not move while held
    client.send_packet("z0,800000c8,4");
    expect_bytes(client, "$OK#9a");
    client.send_packet("vCont;c");
    expect_bytes(client, "$W05#bc");
  });
  EXPECT_EQ(bench.stat("system.cpu0.instructions"), 100);
  EXPECT_EQ(bench.stat("system.cpu1.instructions"), 2);
  // cpu1's second instruction, after its first (1 ns) and 1 ms of sleep.
  EXPECT_EQ(bench.stat("sim_seconds"), 1.000002e-3);
}

// The program's exit ends the session; a hart that runs on until the run ends passes its breakpoint.
TEST(GdbServer, AfterTheProgramsExitTheOtherHartsRunWithoutTheDebugger) {
  TestBench bench(two_harts, {"components.cpu0.instructions=10", "components.cpu0.exits=true",
                              "components.cpu0.exit_code=7", "components.cpu1.exits=false"});
  run_with(bench, [](std::uint16_t port) {
    const Client client(port);
    stop_acknowledging(client);
    client.send_packet("Z0,80010190,4");  // instruction 100 of cpu1
    expect_bytes(client, "$OK#9a");
    client.send_packet("c");
    expect_bytes(client, "$W07#be");
    EXPECT_EQ(client.receive(1), "");
  });
  EXPECT_EQ(bench.stat("system.cpu0.instructions"), 10);
  EXPECT_EQ(bench.stat("system.cpu1.instructions"), 200);
}

// Ctrl-C while the machine runs stops it where it is, on the current thread; k then ends the run.
TEST(GdbServer, CtrlCStopsTheRunningMachine) {
  TestBench bench(one_hart, {"components.cpu0.instructions=10000000000"});
  run_with(bench, [](std::uint16_t port) {
    const Client client(port);
    stop_acknowledging(client);
    client.send_packet("vCont;c");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    client.send("\x03");
    expect_bytes(client, "$T02thread:1;#d4");
    client.send_packet("k");
    EXPECT_EQ(client.receive(1), "");
  });
  EXPECT_EQ(bench.system->partial(), "killed by the debugger");
  const double instructions = bench.stat("system.cpu0.instructions");
  EXPECT_GT(instructions, 0);
  EXPECT_LT(instructions, 10000000000.0);
}

// After a detach the run goes on, and a debugger may connect again: the machine stops where it is.
TEST(GdbServer, ADebuggerMayConnectAgainToTheRunningMachine) {
  TestBench bench(one_hart, {"components.cpu0.instructions=10000000000"});
  run_with(bench, [](std::uint16_t port) {
    {
      const Client first(port);
      stop_acknowledging(first);
      first.send_packet("D");
      expect_bytes(first, "$OK#9a");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const Client second(port);
    second.send_packet("?");
    expect_bytes(second, "+$T05thread:1;#d7");
    second.send("+");
    second.send_packet("k");
    EXPECT_EQ(second.receive(1), "+");
    EXPECT_EQ(second.receive(1), "");
  });
  EXPECT_EQ(bench.system->partial(), "killed by the debugger");
  EXPECT_GT(bench.stat("system.cpu0.instructions"), 0);
}

// A signal (vmsim's Ctrl-C) while the harts wait for a debugger ends the run as the run's stop
// check says, with its statistics.
TEST(GdbServer, ASignalWhileWaitingForADebuggerEndsTheRun) {
  TestBench bench(one_hart);
  struct sigaction action {};
  action.sa_handler = [](int) {};  // no SA_RESTART: the wait in the socket returns
  sigemptyset(&action.sa_mask);
  sigaction(SIGUSR1, &action, nullptr);
  RunLimits limits;
  bool signalled = false;
  limits.should_stop = [&signalled] { return signalled ? std::string("interrupted by SIGUSR1") : std::string(); };
  const pthread_t simulation = pthread_self();
  std::thread signaller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    signalled = true;
    pthread_kill(simulation, SIGUSR1);
  });
  EXPECT_TRUE(bench.system->run(limits)) << bench.system->failure();
  signaller.join();
  EXPECT_EQ(bench.system->partial(), "interrupted by SIGUSR1");
  EXPECT_EQ(bench.stat("system.cpu0.instructions"), 0);
}

// A run that ends without a program's exit tells the debugger waiting for it: W00 when it is
// complete, X09 with the reason when a limit stopped it.
TEST(GdbServer, TheEndOfTheRunIsReported) {
  TestBench bench(one_hart, {"components.cpu0.exits=false"});
  run_with(bench, [](std::uint16_t port) {
    const Client client(port);
    stop_acknowledging(client);
    client.send_packet("c");
    expect_bytes(client, "$W00#b7");
  });
  expect_complete_run_of_one_hart(bench);
}

TEST(GdbServer, ALimitThatStopsTheRunIsReported) {
  TestBench bench(one_hart);
  RunLimits limits;
  limits.max_time = sc_core::sc_time(50, sc_core::SC_NS);
  std::thread debugger([port = bench.system->debugger()->port()] {
    const Client client(port);
    stop_acknowledging(client);
    client.send_packet("c");
    const std::string why = "vmsim: stopped by --max-time 50ns at 50ns\n";
    expect_bytes(client, gdb::frame("O" + gdb::to_hex(why)) + "$X09#c1");
  });
  EXPECT_TRUE(bench.system->run(limits)) << bench.system->failure();
  debugger.join();
  EXPECT_EQ(bench.system->partial(), "stopped by --max-time 50ns at 50ns");
}

// Garbage, wrong checksums, an over-long packet, a second client, a client that never
// acknowledges, and one that leaves in the middle of a packet: the run goes on, and ends exactly as
// a run without a debugger.
TEST(GdbServer, AHostileClientNeitherStopsNorCorruptsTheRun) {
  TestBench bench(one_hart);
  run_with(bench, [](std::uint16_t port) {
    const Client client(port);
    ASSERT_TRUE(client.connected());
    // Wrong checksums are refused, one '-' each; the packet is not acted on.
    client.send("$g#00$?#3e$M80000000,1:ff#00");
    expect_bytes(client, "---");
    client.send_packet("m80000000,1");
    expect_bytes(client, "+$13#64");
    // Longer than PacketSize: read to its end, answered E01.
    const std::string big(0x5000, 'm');
    client.send_packet(big);
    expect_bytes(client, "+$E01#a6");
    // Only one client at a time: a second is turned away at once.
    const Client second(port);
    EXPECT_EQ(second.receive(1), "");
    // Random bytes (the same each time); then a packet is answered as ever.
    std::mt19937 random(15);
    std::string noise(0x10000, '\0');
    for (char& c : noise) c = static_cast<char>(random());
    client.send(noise);
    client.send_packet("?");
    std::string frame;
    while ((frame = client.receive_packet()) != "$T05thread:1;#d7") ASSERT_FALSE(frame.empty());
    // Gone in the middle of a packet.
    client.send("$m80000000,4");
  });
  expect_complete_run_of_one_hart(bench);
}

TEST(GdbServer, APortInUseIsAConfigurationError) {
  const int other = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(other, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(other, 1), 0);
  socklen_t length = sizeof address;
  ::getsockname(other, reinterpret_cast<sockaddr*>(&address), &length);
  const unsigned port = ntohs(address.sin_port);
  EXPECT_EQ(config_error(one_hart, {fmt::format("platform.gdb={}", port)}),
            fmt::format("--set platform.gdb={}: platform.gdb: 127.0.0.1:{} is in use by another process", port, port));
  ::close(other);
}

TEST(GdbServer, ConfigurationErrors) {
  EXPECT_EQ(config_error(one_hart, {"platform.gdb=65536"}),
            "--set platform.gdb=65536: platform.gdb: '65536' is not a TCP port (0 to 65535; 0: a free one)");
  EXPECT_EQ(config_error(one_hart, {"platform.gdb=-1"}),
            "--set platform.gdb=-1: platform.gdb: '-1' is not a TCP port (0 to 65535; 0: a free one)");
  EXPECT_EQ(config_error(two_harts, {"components.cpu1.hart_id=0"}),
            "test.yaml:2:32: platform.gdb: cpu0 and cpu1 are both hart 0; a debugger tells harts apart by their ids");
}

}  // namespace
}  // namespace vmsim::test
