// The GDB server's commands, payload in and reply out, against two fake harts: exact replies,
// malformed packets, unknown commands (the empty reply), threads, resumes and the target
// description.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <map>
#include <string>

#include <fmt/format.h>

#include "vmsim/models/debug/gdb_protocol.h"
#include "vmsim/models/debug/rsp_packet.h"

namespace vmsim::gdb {
namespace {

using Mode = HartDebug::Mode;

// x0..x31, pc, mstatus, a read-only mhartid and priv; no F. 256 bytes of memory at 0x1000.
class FakeHart final : public DebugTarget {
 public:
  explicit FakeHart(std::uint64_t id) : id_(id) {}
  std::uint64_t hart_id() const override { return id_; }
  std::string debug_name() const override { return "fake" + std::to_string(id_); }
  unsigned float_register_bits() const override { return 0; }
  bool read_register(unsigned number, std::uint64_t& value) override {
    if (number < 32) {
      value = number == 0 ? 0 : x[number];
    } else if (number == debug_register::pc) {
      value = pc;
    } else if (number == debug_register::csr0 + 0x300) {
      value = mstatus;
    } else if (number == debug_register::csr0 + 0xf14) {
      value = id_;
    } else if (number == debug_register::privilege) {
      value = 3;
    } else {
      return false;
    }
    return true;
  }
  bool write_register(unsigned number, std::uint64_t value) override {
    if (number < 32) {
      if (number != 0) x[number] = value;
    } else if (number == debug_register::pc) {
      pc = value;
    } else if (number == debug_register::csr0 + 0x300) {
      mstatus = value;
    } else {
      return false;
    }
    return true;
  }
  std::size_t read_memory(std::uint64_t address, std::uint8_t* data, std::size_t length) override {
    std::size_t moved = 0;
    for (; moved < length && address + moved >= 0x1000 && address + moved < 0x1100; ++moved)
      data[moved] = memory[address + moved - 0x1000];
    return moved;
  }
  std::size_t write_memory(std::uint64_t address, const std::uint8_t* data, std::size_t length) override {
    std::size_t moved = 0;
    for (; moved < length && address + moved >= 0x1000 && address + moved < 0x1100; ++moved)
      memory[address + moved - 0x1000] = data[moved];
    return moved;
  }
  HartDebug& debug() override { return hart_debug; }

  std::array<std::uint64_t, 32> x{};
  std::uint64_t pc = 0x1000;
  std::uint64_t mstatus = 0xa00000000;
  std::array<std::uint8_t, 256> memory{};
  HartDebug hart_debug{*this};

 private:
  std::uint64_t id_;
};

struct ProtocolTest : ::testing::Test {
  ProtocolTest() : protocol({&hart0, &hart1}) {
    for (std::size_t i = 0; i < hart0.memory.size(); ++i) hart0.memory[i] = static_cast<std::uint8_t>(i);
    hart0.x[1] = 0x1122334455667788;
    protocol.start_session();
  }
  // The reply to `packet`, which must not resume, detach or kill.
  std::string ask(const std::string& packet) {
    const Protocol::Response response = protocol.handle(packet);
    EXPECT_EQ(response.action, Protocol::Action::none) << packet;
    EXPECT_TRUE(response.reply.has_value()) << packet;
    return response.reply.value_or("<none>");
  }
  // The modes after `packet`, which must resume without a reply.
  std::vector<Mode> resume(const std::string& packet) {
    const Protocol::Response response = protocol.handle(packet);
    EXPECT_EQ(response.action, Protocol::Action::resume) << packet;
    EXPECT_FALSE(response.reply.has_value()) << packet;
    return protocol.resume_modes();
  }

  FakeHart hart0{0};
  FakeHart hart1{1};
  Protocol protocol;
};

const std::string zero64 = "0000000000000000";

TEST_F(ProtocolTest, Supported) {
  EXPECT_EQ(ask("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;vContSupported+"),
            "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+");
  EXPECT_EQ(ask("qSupported"),
            "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+");
}

TEST_F(ProtocolTest, UnknownCommandsGetTheEmptyReply) {
  for (const char* packet : {"vMustReplyEmpty", "qTStatus", "qOffsets", "!", "R00", "bc", "i", "qFooBar", "Qbogus",
                             "vFile:setfs:0", "vCont", "gx", "qXfer:auxv:read::0,100", "\x7f"})
    EXPECT_EQ(ask(packet), "") << packet;
  EXPECT_EQ(ask(""), "");
}

TEST_F(ProtocolTest, NoAckMode) {
  EXPECT_TRUE(protocol.acknowledging());
  EXPECT_EQ(ask("QStartNoAckMode"), "OK");
  EXPECT_FALSE(protocol.acknowledging());
  protocol.start_session();
  EXPECT_TRUE(protocol.acknowledging());
}

TEST_F(ProtocolTest, StopReplies) {
  EXPECT_EQ(ask("?"), "T05thread:1;");
  DebugStop stop;
  stop.kind = DebugStop::Kind::breakpoint;
  EXPECT_EQ(protocol.report({1, stop}), "T05thread:2;");
  EXPECT_EQ(ask("?"), "T05thread:2;");
  EXPECT_EQ(ask("qC"), "QC2");
  ask("qSupported:swbreak+;hwbreak+");
  EXPECT_EQ(protocol.report({1, stop}), "T05thread:2;swbreak:;");
  stop.kind = DebugStop::Kind::hardware_breakpoint;
  EXPECT_EQ(protocol.report({0, stop}), "T05thread:1;hwbreak:;");
  stop.kind = DebugStop::Kind::watchpoint;
  stop.address = 0x80001008;
  EXPECT_EQ(protocol.report({0, stop}), "T05thread:1;watch:80001008;");
  stop.watch = WatchKind::read;
  EXPECT_EQ(protocol.report({0, stop}), "T05thread:1;rwatch:80001008;");
  stop.watch = WatchKind::access;
  EXPECT_EQ(protocol.report({0, stop}), "T05thread:1;awatch:80001008;");
  stop.kind = DebugStop::Kind::step;
  EXPECT_EQ(protocol.report({0, stop}), "T05thread:1;");
  stop.kind = DebugStop::Kind::interrupted;
  EXPECT_EQ(protocol.report({1, stop}), "T02thread:2;");
  EXPECT_EQ(protocol.explain({1, stop}), "");
  stop.kind = DebugStop::Kind::exception;
  stop.cause = 13;
  stop.pc = 0x80000010;
  stop.value = 0xdead000;
  EXPECT_EQ(protocol.report({0, stop}), "T0bthread:1;");
  EXPECT_EQ(protocol.explain({0, stop}),
            "hart 0 (fake0): load page fault (cause 13) at pc 0x80000010, trap value 0xdead000\n");
  stop.cause = 2;
  EXPECT_EQ(protocol.report({0, stop}), "T04thread:1;");
  stop.cause = 6;
  EXPECT_EQ(protocol.report({0, stop}), "T0athread:1;");
  stop.cause = 11;
  EXPECT_EQ(protocol.report({0, stop}), "T05thread:1;");
}

TEST_F(ProtocolTest, Registers) {
  std::string expected = zero64 + "8877665544332211";
  for (int i = 2; i < 32; ++i) expected += zero64;
  expected += "0010000000000000";
  EXPECT_EQ(ask("g"), expected);
  EXPECT_EQ(ask("p20"), "0010000000000000");
  EXPECT_EQ(ask("p1"), "8877665544332211");
  EXPECT_EQ(ask("p341"), "000000000a000000");   // mstatus, 65 + 0x300
  EXPECT_EQ(ask("pf55"), "0000000000000000");   // mhartid, 65 + 0xf14
  EXPECT_EQ(ask("p1041"), "0300000000000000");  // priv
  EXPECT_EQ(ask("P20=0020000000000000"), "OK");
  EXPECT_EQ(hart0.pc, 0x2000u);
  EXPECT_EQ(ask("P5=efbeadde00000000"), "OK");
  EXPECT_EQ(hart0.x[5], 0xdeadbeefu);
  EXPECT_EQ(ask("P0=0100000000000000"), "OK");  // x0 takes it and stays 0
  EXPECT_EQ(ask("p0"), zero64);
  EXPECT_EQ(ask("Pf55=0100000000000000"), "E03");  // read-only
  EXPECT_EQ(ask("p21"), "E03");                    // no f registers
  EXPECT_EQ(ask("p100000000"), "E03");
  EXPECT_EQ(ask("p"), "E01");
  EXPECT_EQ(ask("pzz"), "E01");
  EXPECT_EQ(ask("P20=00"), "E01");
  EXPECT_EQ(ask("P20"), "E01");
  std::string all = expected;
  all.replace(16 * 10, 16, "0a00000000000000");  // a0 = 10
  EXPECT_EQ(ask("G" + all), "OK");
  EXPECT_EQ(hart0.x[10], 10u);
  EXPECT_EQ(hart0.pc, 0x1000u);
  EXPECT_EQ(ask("G" + all.substr(2)), "E01");
  EXPECT_EQ(ask("G" + all.substr(2) + "zz"), "E01");
}

TEST_F(ProtocolTest, TheGeneralThreadChoosesTheHart) {
  EXPECT_EQ(ask("Hg2"), "OK");
  EXPECT_EQ(ask("p1"), zero64);
  EXPECT_EQ(ask("pf55"), "0100000000000000");
  EXPECT_EQ(ask("Hgp1.1"), "OK");  // the multiprocess form
  EXPECT_EQ(ask("p1"), "8877665544332211");
  EXPECT_EQ(ask("Hg0"), "OK");  // any: the current one
  EXPECT_EQ(ask("pf55"), zero64);
  EXPECT_EQ(ask("Hc-1"), "OK");
  EXPECT_EQ(ask("Hg3"), "E02");
  EXPECT_EQ(ask("Hx1"), "E01");
  EXPECT_EQ(ask("H"), "E01");
  EXPECT_EQ(ask("T1"), "OK");
  EXPECT_EQ(ask("T2"), "OK");
  EXPECT_EQ(ask("T3"), "E02");
  EXPECT_EQ(ask("qfThreadInfo"), "m1,2");
  EXPECT_EQ(ask("qsThreadInfo"), "l");
  EXPECT_EQ(ask("qThreadExtraInfo,2"), to_hex("hart 1 (fake1)"));
  EXPECT_EQ(ask("qThreadExtraInfo,7"), "E02");
  EXPECT_EQ(ask("qAttached"), "1");
  EXPECT_EQ(ask("qAttached:1"), "1");
  // A stop makes its hart the current thread, and the general thread follows it.
  EXPECT_EQ(ask("Hg1"), "OK");
  EXPECT_EQ(protocol.report({1, DebugStop{}}), "T05thread:2;");
  EXPECT_EQ(ask("pf55"), "0100000000000000");
}

TEST_F(ProtocolTest, Memory) {
  EXPECT_EQ(ask("m1000,4"), "00010203");
  EXPECT_EQ(ask("m10fe,4"), "feff");  // only what answers
  EXPECT_EQ(ask("m2000,4"), "E14");
  EXPECT_EQ(ask("m1000"), "E01");
  EXPECT_EQ(ask("m1000,0"), "E01");
  EXPECT_EQ(ask("m,4"), "E01");
  EXPECT_EQ(ask("mxyz,4"), "E01");
  EXPECT_EQ(ask("M1000,2:abcd"), "OK");
  EXPECT_EQ(hart0.memory[0], 0xab);
  EXPECT_EQ(hart0.memory[1], 0xcd);
  EXPECT_EQ(ask("M1000,2:abc"), "E01");
  EXPECT_EQ(ask("M1000,1:abcd"), "E01");
  EXPECT_EQ(ask("M1000,2"), "E01");
  EXPECT_EQ(ask("M10ff,2:0102"), "E14");
  EXPECT_EQ(ask("M2000,1:01"), "E14");
  EXPECT_EQ(ask(std::string("X1000,4:}\x03}]}\x0a"
                            "a")),
            "OK");
  EXPECT_EQ(std::string(hart0.memory.begin(), hart0.memory.begin() + 4), "#}*a");
  EXPECT_EQ(ask("X1000,0:"), "OK");
  EXPECT_EQ(ask("X1000,2:a"), "E01");
  EXPECT_EQ(ask("X1000,1:}"), "E01");
  // Memory is the general thread's.
  EXPECT_EQ(ask("Hg2"), "OK");
  EXPECT_EQ(ask("m1000,2"), "0000");
}

TEST_F(ProtocolTest, BreakpointsAndWatchpointsGoToEveryHart) {
  EXPECT_EQ(ask("Z0,1008,4"), "OK");
  EXPECT_EQ(ask("Z1,100c,2"), "OK");
  EXPECT_EQ(ask("Z2,1100,8"), "OK");
  EXPECT_EQ(ask("Z3,1200,4;X3,0"), "OK");  // conditions are not evaluated
  EXPECT_EQ(ask("Z4,1300,1"), "OK");
  for (FakeHart* hart : {&hart0, &hart1}) {
    EXPECT_TRUE(hart->debug().remove_breakpoint(0x1008, false));
    EXPECT_TRUE(hart->debug().insert_breakpoint(0x1008, false));
    EXPECT_TRUE(hart->debug().watch_hit(0x1104, 4, AccessKind::store));
    EXPECT_TRUE(hart->debug().watch_hit(0x1200, 8, AccessKind::load));
    EXPECT_TRUE(hart->debug().watch_hit(0x1300, 1, AccessKind::load));
  }
  EXPECT_EQ(ask("z0,1008,4"), "OK");
  EXPECT_EQ(ask("z0,1008,4"), "E01");
  EXPECT_EQ(ask("z1,100c,2"), "OK");
  EXPECT_EQ(ask("z2,1100,8"), "OK");
  EXPECT_EQ(ask("z3,1200,4"), "OK");
  EXPECT_EQ(ask("z4,1300,1"), "OK");
  EXPECT_FALSE(hart1.debug().remove_breakpoint(0x1008, false));
  EXPECT_EQ(ask("Z5,1000,4"), "E01");
  EXPECT_EQ(ask("Z0,1000"), "E01");
  EXPECT_EQ(ask("Z01000,4"), "E01");
  EXPECT_EQ(ask("Z2,1000,0"), "E04");  // an empty range is refused
}

TEST_F(ProtocolTest, TooManyBreakpoints) {
  for (std::size_t i = 0; i < HartDebug::max_points; ++i)
    ASSERT_EQ(ask(fmt::format("Z0,{:x},4", 0x1000 + 4 * i)), "OK");
  EXPECT_EQ(ask("Z0,100000,4"), "E04");
}

TEST_F(ProtocolTest, Resume) {
  EXPECT_EQ(ask("vCont?"), "vCont;c;C;s;S");
  EXPECT_EQ(resume("vCont;c"), (std::vector<Mode>{Mode::running, Mode::running}));
  EXPECT_EQ(resume("vCont;s:1;c"), (std::vector<Mode>{Mode::stepping, Mode::running}));
  // Only the named thread goes; the other stays stopped.
  EXPECT_EQ(resume("vCont;s:2"), (std::vector<Mode>{Mode::held, Mode::stepping}));
  EXPECT_EQ(resume("vCont;c:p1.1"), (std::vector<Mode>{Mode::running, Mode::held}));
  EXPECT_EQ(resume("vCont;c:p1.-1"), (std::vector<Mode>{Mode::running, Mode::running}));
  // The first action that names a thread wins; signals are not delivered.
  EXPECT_EQ(resume("vCont;C0b:1;s"), (std::vector<Mode>{Mode::running, Mode::stepping}));
  EXPECT_EQ(resume("vCont;S05:2;c:2;c:1"), (std::vector<Mode>{Mode::running, Mode::stepping}));
  EXPECT_EQ(ask("vCont;c:3"), "E02");
  EXPECT_EQ(ask("vCont;t"), "E01");
  EXPECT_EQ(ask("vCont;r1000,2000"), "E01");
  EXPECT_EQ(ask("vCont;"), "E01");
  EXPECT_EQ(ask("vCont;C5"), "E01");
  // The old forms: everything runs, the Hc thread (else the current one) steps.
  EXPECT_EQ(resume("c"), (std::vector<Mode>{Mode::running, Mode::running}));
  EXPECT_EQ(resume("s"), (std::vector<Mode>{Mode::stepping, Mode::running}));
  EXPECT_EQ(ask("Hc2"), "OK");
  EXPECT_EQ(resume("S05"), (std::vector<Mode>{Mode::running, Mode::stepping}));
  EXPECT_EQ(resume("C0b;2000"), (std::vector<Mode>{Mode::running, Mode::running}));
  EXPECT_EQ(hart1.pc, 0x2000u);
  EXPECT_EQ(resume("c1400"), (std::vector<Mode>{Mode::running, Mode::running}));
  EXPECT_EQ(hart1.pc, 0x1400u);
  EXPECT_EQ(ask("cxyz"), "E01");
  EXPECT_EQ(ask("Cxy"), "E01");
}

TEST_F(ProtocolTest, DetachAndKill) {
  Protocol::Response detach = protocol.handle("D");
  EXPECT_EQ(detach.action, Protocol::Action::detach);
  EXPECT_EQ(detach.reply, "OK");
  EXPECT_EQ(protocol.handle("D;1").action, Protocol::Action::detach);
  const Protocol::Response kill = protocol.handle("k");
  EXPECT_EQ(kill.action, Protocol::Action::kill);
  EXPECT_FALSE(kill.reply.has_value());
  const Protocol::Response vkill = protocol.handle("vKill;1");
  EXPECT_EQ(vkill.action, Protocol::Action::kill);
  EXPECT_EQ(vkill.reply, "OK");
}

TEST_F(ProtocolTest, Monitor) {
  const auto monitor = [this](const std::string& command) {
    const Protocol::Response response = protocol.handle("qRcmd," + to_hex(command));
    EXPECT_EQ(response.reply, "OK");
    std::string text;
    for (const std::string& line : response.console) text += line;
    return text;
  };
  EXPECT_EQ(monitor("catch"), "no exceptions are caught\n");
  EXPECT_EQ(monitor("catch faults"), "exceptions caught (by cause): 0 1 2 4 5 6 7 12 13 15\n");
  EXPECT_EQ(hart1.debug().caught_exceptions(), 0xb0f7u);
  EXPECT_EQ(monitor("catch 13,15 3"), "exceptions caught (by cause): 3 13 15\n");
  EXPECT_EQ(hart0.debug().caught_exceptions(), 0xa008u);
  EXPECT_EQ(monitor("catch 64"), "usage: monitor catch [faults|all|none|CAUSE,...] (causes 0 to 63)\n");
  EXPECT_EQ(monitor("catch x"), "usage: monitor catch [faults|all|none|CAUSE,...] (causes 0 to 63)\n");
  EXPECT_EQ(hart0.debug().caught_exceptions(), 0xa008u);
  EXPECT_EQ(
      monitor("catch all"), "exceptions caught (by cause): " + [] {
        std::string all;
        for (int i = 0; i < 64; ++i) all += (i == 0 ? "" : " ") + std::to_string(i);
        return all;
      }() + "\n");
  EXPECT_EQ(monitor("catch none"), "no exceptions are caught\n");
  EXPECT_EQ(monitor("time"), "simulated time: 0ns\n");
  EXPECT_EQ(monitor("frobnicate"), "unknown monitor command 'frobnicate'; 'monitor help' lists them\n");
  EXPECT_NE(monitor("help").find("monitor catch"), std::string::npos);
  EXPECT_EQ(ask("qRcmd,zz"), "E01");
}

TEST_F(ProtocolTest, TargetDescription) {
  std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
      "<architecture>riscv:rv64</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
  const char* names[] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
                         "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                         "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
  for (int i = 0; i < 32; ++i) {
    const char* type = i == 1 ? "code_ptr" : (i >= 2 && i <= 4) || i == 8 ? "data_ptr" : "int";
    xml += fmt::format("<reg name=\"{}\" bitsize=\"64\" type=\"{}\" regnum=\"{}\"/>\n", names[i], type, i);
  }
  xml +=
      "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n</feature>\n"
      "<feature name=\"org.gnu.gdb.riscv.csr\">\n"
      "<reg name=\"mstatus\" bitsize=\"64\" type=\"int\" regnum=\"833\"/>\n"
      "<reg name=\"mhartid\" bitsize=\"64\" type=\"int\" regnum=\"3925\"/>\n</feature>\n"
      "<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
      "<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"4161\"/>\n</feature>\n</target>\n";
  // Read in pieces, as GDB does.
  std::string read;
  for (std::size_t offset = 0;; offset += 0x100) {
    const std::string reply = ask(fmt::format("qXfer:features:read:target.xml:{:x},100", offset));
    ASSERT_FALSE(reply.empty());
    read += *unescape_binary(reply.substr(1));
    if (reply[0] == 'l') break;
    ASSERT_EQ(reply[0], 'm');
  }
  EXPECT_EQ(read, xml);
  EXPECT_EQ(ask(fmt::format("qXfer:features:read:target.xml:{:x},100", xml.size())), "l");
  EXPECT_EQ(ask(fmt::format("qXfer:features:read:target.xml:{:x},100", xml.size() + 1)), "E01");
  EXPECT_EQ(ask("qXfer:features:read:riscv-csr.xml:0,100"), "E00");
  EXPECT_EQ(ask("qXfer:features:read:target.xml:0"), "E01");
  EXPECT_EQ(ask("qXfer:features:read:target.xml"), "E01");
}

TEST(CsrNames, StandardNamesAndNumberedFamilies) {
  EXPECT_EQ(csr_name(0x300), "mstatus");
  EXPECT_EQ(csr_name(0x180), "satp");
  EXPECT_EQ(csr_name(0x3a0), "pmpcfg0");
  EXPECT_EQ(csr_name(0x3ef), "pmpaddr63");
  EXPECT_EQ(csr_name(0xc03), "hpmcounter3");
  EXPECT_EQ(csr_name(0xb1f), "mhpmcounter31");
  EXPECT_EQ(csr_name(0x33f), "mhpmevent31");
  EXPECT_EQ(csr_name(0x7c0), "csr0x7c0");
}

}  // namespace
}  // namespace vmsim::gdb
