// HartDebug, the hooks a hart's execution loop calls: breakpoints, watchpoints, steps, caught
// exceptions, holding and sleeping, against a debugger that records what it is told.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "vmsim/models/core/debug_target.h"

namespace vmsim {
namespace {

using Kind = DebugStop::Kind;

class FakeHart final : public DebugTarget {
 public:
  std::uint64_t hart_id() const override { return 0; }
  std::string debug_name() const override { return "fake"; }
  unsigned float_register_bits() const override { return 0; }
  bool read_register(unsigned number, std::uint64_t& value) override {
    if (number != debug_register::pc) return false;
    value = pc;
    return true;
  }
  bool write_register(unsigned number, std::uint64_t value) override {
    if (number != debug_register::pc) return false;
    pc = value;
    return true;
  }
  std::size_t read_memory(std::uint64_t, std::uint8_t*, std::size_t) override { return 0; }
  std::size_t write_memory(std::uint64_t, const std::uint8_t*, std::size_t) override { return 0; }
  HartDebug& debug() override { return hart_debug; }

  std::uint64_t pc = 0x1000;
  HartDebug hart_debug{*this};
};

// Records each stop; `act` plays the debugger's part before the hart goes on (as GDB would remove
// the breakpoint it stopped at, or step on).
class RecordingDebugger final : public Debugger {
 public:
  bool stopped(HartDebug& hart, const DebugStop& stop) override {
    stops.push_back(stop);
    if (act) act(hart);
    return go_on;
  }
  bool held(HartDebug& hart) override {
    ++holds;
    hart.set_mode(HartDebug::Mode::running);
    return go_on;
  }
  void exited(HartDebug&, int code) override { exit_code = code; }

  std::vector<DebugStop> stops;
  std::function<void(HartDebug&)> act;
  unsigned holds = 0;
  int exit_code = -1;
  bool go_on = true;
};

// A hart attached to a debugger, past its reset.
struct Attached : ::testing::Test {
  Attached() {
    hart.debug().attach(debugger);
    EXPECT_TRUE(hart.debug().at_boundary(hart.pc));
    EXPECT_EQ(debugger.holds, 1u);
  }
  FakeHart hart;
  RecordingDebugger debugger;
};

TEST(HartDebug, WithoutADebuggerNothingStops) {
  FakeHart hart;
  HartDebug& debug = hart.debug();
  EXPECT_TRUE(debug.at_boundary(0x1000));
  EXPECT_FALSE(debug.watch_hit(0x1000, 8, AccessKind::store));
  debug.trap_taken(13, 0x1000, 0);
  EXPECT_TRUE(debug.at_boundary(0x1004));
  EXPECT_TRUE(debug.while_asleep(false));
  debug.exited(3);  // nobody to tell
}

TEST_F(Attached, ABreakpointStopsTheHartBeforeItsInstruction) {
  ASSERT_TRUE(hart.debug().insert_breakpoint(0x1008, false));
  ASSERT_TRUE(hart.debug().insert_breakpoint(0x100c, true));
  debugger.act = [](HartDebug& debug) { debug.remove_breakpoint(0x1008, false); };
  EXPECT_TRUE(hart.debug().at_boundary(0x1004));
  EXPECT_TRUE(debugger.stops.empty());
  EXPECT_TRUE(hart.debug().at_boundary(0x1008));
  ASSERT_EQ(debugger.stops.size(), 1u);
  EXPECT_EQ(debugger.stops[0].kind, Kind::breakpoint);
  debugger.act = [](HartDebug& debug) { debug.remove_breakpoint(0x100c, true); };
  EXPECT_TRUE(hart.debug().at_boundary(0x100c));
  ASSERT_EQ(debugger.stops.size(), 2u);
  EXPECT_EQ(debugger.stops[1].kind, Kind::hardware_breakpoint);
}

TEST_F(Attached, AnAddressThatSharesTheBreakpointsFilterBitDoesNotStop) {
  ASSERT_TRUE(hart.debug().insert_breakpoint(0x1000, false));
  // (pc / 2) mod 4096 is the same for 0x1000 and 0x3000.
  EXPECT_TRUE(hart.debug().at_boundary(0x3000));
  EXPECT_TRUE(debugger.stops.empty());
}

TEST_F(Attached, AResumeAtABreakpointStopsThereAgainUntilTheDebuggerRemovesIt) {
  ASSERT_TRUE(hart.debug().insert_breakpoint(0x1000, false));
  unsigned calls = 0;
  debugger.act = [&calls](HartDebug& debug) {
    if (++calls == 2) debug.remove_breakpoint(0x1000, false);
  };
  EXPECT_TRUE(hart.debug().at_boundary(0x1000));
  EXPECT_EQ(debugger.stops.size(), 2u);
}

TEST_F(Attached, AStepEndsAtTheNextBoundary) {
  hart.debug().set_mode(HartDebug::Mode::stepping);
  debugger.act = [](HartDebug& debug) { debug.set_mode(HartDebug::Mode::running); };
  EXPECT_TRUE(hart.debug().at_boundary(0x1000));
  EXPECT_TRUE(debugger.stops.empty());
  EXPECT_TRUE(hart.debug().at_boundary(0x1004));
  ASSERT_EQ(debugger.stops.size(), 1u);
  EXPECT_EQ(debugger.stops[0].kind, Kind::step);
  EXPECT_TRUE(hart.debug().at_boundary(0x1008));
  EXPECT_EQ(debugger.stops.size(), 1u);
}

TEST_F(Attached, WatchpointsFireBeforeTheAccessesTheyWatch) {
  HartDebug& debug = hart.debug();
  ASSERT_TRUE(debug.insert_watchpoint(0x2000, 4, WatchKind::write));
  ASSERT_TRUE(debug.insert_watchpoint(0x3000, 8, WatchKind::read));
  ASSERT_TRUE(debug.insert_watchpoint(0x4000, 1, WatchKind::access));
  EXPECT_FALSE(debug.watch_hit(0x2000, 4, AccessKind::load));
  EXPECT_FALSE(debug.watch_hit(0x1ff8, 8, AccessKind::store));
  EXPECT_FALSE(debug.watch_hit(0x2004, 4, AccessKind::store));
  EXPECT_FALSE(debug.watch_hit(0x2000, 4, AccessKind::fetch));
  EXPECT_FALSE(debug.watch_hit(0x3000, 8, AccessKind::store));
  // An 8-byte store from 0x1ffc touches the watched 0x2000 first.
  EXPECT_TRUE(debug.watch_hit(0x1ffc, 8, AccessKind::store));
  EXPECT_TRUE(debug.at_boundary(0x1000));
  ASSERT_EQ(debugger.stops.size(), 1u);
  EXPECT_EQ(debugger.stops[0].kind, Kind::watchpoint);
  EXPECT_EQ(debugger.stops[0].watch, WatchKind::write);
  EXPECT_EQ(debugger.stops[0].address, 0x2000u);
  EXPECT_TRUE(debug.watch_hit(0x3004, 2, AccessKind::load));
  EXPECT_TRUE(debug.at_boundary(0x1000));
  EXPECT_EQ(debugger.stops[1].watch, WatchKind::read);
  EXPECT_EQ(debugger.stops[1].address, 0x3004u);
  EXPECT_TRUE(debug.watch_hit(0x4000, 1, AccessKind::load));
  EXPECT_TRUE(debug.at_boundary(0x1000));
  EXPECT_TRUE(debug.watch_hit(0x4000, 1, AccessKind::store));
  EXPECT_TRUE(debug.at_boundary(0x1000));
  ASSERT_EQ(debugger.stops.size(), 4u);
  EXPECT_EQ(debugger.stops[3].watch, WatchKind::access);
  EXPECT_TRUE(debug.remove_watchpoint(0x2000, 4, WatchKind::write));
  EXPECT_FALSE(debug.remove_watchpoint(0x2000, 4, WatchKind::write));
  EXPECT_FALSE(debug.watch_hit(0x2000, 4, AccessKind::store));
}

TEST_F(Attached, ARangeOverManyPagesAndOneAtTheEndOfTheAddressSpace) {
  HartDebug& debug = hart.debug();
  ASSERT_TRUE(debug.insert_watchpoint(0x10000000, 0x40000000, WatchKind::write));
  EXPECT_TRUE(debug.watch_hit(0x3fffff00, 8, AccessKind::store));
  ASSERT_TRUE(debug.insert_watchpoint(~std::uint64_t{0} - 7, 8, WatchKind::write));
  EXPECT_TRUE(debug.watch_hit(~std::uint64_t{0}, 1, AccessKind::store));
  // Empty, or past the end.
  EXPECT_FALSE(debug.insert_watchpoint(0x1000, 0, WatchKind::write));
  EXPECT_FALSE(debug.insert_watchpoint(~std::uint64_t{0} - 7, 9, WatchKind::write));
}

TEST_F(Attached, CaughtExceptionsStopAtTheHandler) {
  HartDebug& debug = hart.debug();
  debug.trap_taken(13, 0x1000, 0xdead);
  EXPECT_TRUE(debug.at_boundary(0x1400));
  EXPECT_TRUE(debugger.stops.empty());
  debug.catch_exceptions(std::uint64_t{1} << 13);
  debug.trap_taken(12, 0x1000, 0xdead);
  debug.trap_taken(64, 0x1000, 0xdead);  // no such cause: ignored
  EXPECT_TRUE(debug.at_boundary(0x1400));
  EXPECT_TRUE(debugger.stops.empty());
  debug.trap_taken(13, 0x1008, 0xdead);
  EXPECT_TRUE(debug.at_boundary(0x1400));
  ASSERT_EQ(debugger.stops.size(), 1u);
  EXPECT_EQ(debugger.stops[0].kind, Kind::exception);
  EXPECT_EQ(debugger.stops[0].cause, 13u);
  EXPECT_EQ(debugger.stops[0].pc, 0x1008u);
  EXPECT_EQ(debugger.stops[0].value, 0xdeadu);
}

TEST_F(Attached, AHeldHartWaitsForTheDebuggerBeforeItsInstruction) {
  hart.debug().set_mode(HartDebug::Mode::held);
  EXPECT_TRUE(hart.debug().at_boundary(0x1000));
  EXPECT_EQ(debugger.holds, 2u);
}

TEST_F(Attached, TheDebuggerEndsTheRun) {
  ASSERT_TRUE(hart.debug().insert_breakpoint(0x1000, false));
  debugger.go_on = false;
  EXPECT_FALSE(hart.debug().at_boundary(0x1000));
  hart.debug().set_mode(HartDebug::Mode::held);
  EXPECT_FALSE(hart.debug().at_boundary(0x1004));
}

TEST_F(Attached, AfterAStopTheHartLooksAtThePcTheDebuggerLeft) {
  ASSERT_TRUE(hart.debug().insert_breakpoint(0x1000, false));
  ASSERT_TRUE(hart.debug().insert_breakpoint(0x2000, false));
  // The debugger moves the pc onto the other breakpoint, then removes it.
  debugger.act = [this](HartDebug& debug) {
    if (hart.pc == 0x2000) debug.remove_breakpoint(0x2000, false);
    hart.pc = 0x2000;
  };
  EXPECT_TRUE(hart.debug().at_boundary(0x1000));
  EXPECT_EQ(debugger.stops.size(), 2u);
}

TEST_F(Attached, ASleepingHartThatStepsStopsAtOnce) {
  HartDebug& debug = hart.debug();
  EXPECT_TRUE(debug.while_asleep(false));
  EXPECT_TRUE(debugger.stops.empty());
  debug.set_mode(HartDebug::Mode::stepping);
  debugger.act = [](HartDebug& d) { d.set_mode(HartDebug::Mode::running); };
  EXPECT_TRUE(debug.while_asleep(false));
  ASSERT_EQ(debugger.stops.size(), 1u);
  EXPECT_EQ(debugger.stops[0].kind, Kind::step);
  // Woken by an interrupt, it leaves its sleep, and its step ends after what it does next.
  debug.set_mode(HartDebug::Mode::stepping);
  EXPECT_TRUE(debug.while_asleep(true));
  EXPECT_EQ(debugger.stops.size(), 1u);
  debug.set_mode(HartDebug::Mode::held);
  EXPECT_TRUE(debug.while_asleep(false));
  EXPECT_EQ(debugger.holds, 2u);
}

TEST_F(Attached, ReleaseForgetsEverything) {
  HartDebug& debug = hart.debug();
  ASSERT_TRUE(debug.insert_breakpoint(0x1000, false));
  ASSERT_TRUE(debug.insert_watchpoint(0x2000, 8, WatchKind::access));
  debug.catch_exceptions(~std::uint64_t{0});
  debug.set_mode(HartDebug::Mode::stepping);
  debug.release();
  EXPECT_EQ(debug.mode(), HartDebug::Mode::running);
  EXPECT_EQ(debug.caught_exceptions(), 0u);
  EXPECT_FALSE(debug.watch_hit(0x2000, 8, AccessKind::store));
  debug.trap_taken(13, 0x1000, 0);
  EXPECT_TRUE(debug.at_boundary(0x1000));
  EXPECT_TRUE(debug.at_boundary(0x1004));
  EXPECT_TRUE(debugger.stops.empty());
}

TEST_F(Attached, PointsAreLimited) {
  HartDebug& debug = hart.debug();
  for (std::uint64_t i = 0; i < HartDebug::max_points; ++i) ASSERT_TRUE(debug.insert_breakpoint(0x1000 + 4 * i, true));
  EXPECT_FALSE(debug.insert_breakpoint(0x100000, true));
  EXPECT_TRUE(debug.insert_breakpoint(0x1000, true));  // already there
  EXPECT_TRUE(debug.remove_breakpoint(0x1000, true));
  EXPECT_FALSE(debug.remove_breakpoint(0x1000, true));
  EXPECT_FALSE(debug.remove_breakpoint(0x1004, false));  // a software one was never set there
}

TEST_F(Attached, TheProgramsExitIsReported) {
  hart.debug().exited(3);
  EXPECT_EQ(debugger.exit_code, 3);
}

TEST(AddressFilter, HoldsWhatWasAddedAndMayHoldMore) {
  AddressFilter<12> pages;
  EXPECT_FALSE(pages.may_hold(0));
  pages.add(0x1fff, 0x3000);  // pages 1 to 3
  EXPECT_FALSE(pages.may_hold(0x0fff));
  EXPECT_TRUE(pages.may_hold(0x1000));
  EXPECT_TRUE(pages.may_hold(0x3fff));
  EXPECT_FALSE(pages.may_hold(0x4000));
  EXPECT_TRUE(pages.may_hold(0x1000000 + 0x2000));  // 4096 pages on: the same bit
  // Round the end of the classes: pages 4095 and 4096 (class 0).
  AddressFilter<12> round;
  round.add(0xfff000, 0x1000fff);
  EXPECT_TRUE(round.may_hold(0xfff000));
  EXPECT_TRUE(round.may_hold(0x1000000));
  EXPECT_FALSE(round.may_hold(0x1001000));
  EXPECT_FALSE(round.may_hold(0xffe000));
  // 4096 pages or more: everything.
  AddressFilter<12> all;
  all.add(0, 0xffffff);
  EXPECT_TRUE(all.may_hold(0x123456789));
  all.clear();
  EXPECT_FALSE(all.may_hold(0x123456789));
}

}  // namespace
}  // namespace vmsim
