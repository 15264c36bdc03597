#include "vmsim/models/core/hart_debug.h"

#include <algorithm>

#include "vmsim/models/core/debug_target.h"

namespace vmsim {

bool HartDebug::boundary(std::uint64_t pc) {
  if (debugger_ == nullptr) return true;
  for (;;) {
    if (mode_ == Mode::held) {
      if (!debugger_->held(*this)) return false;
      pc = current_pc();
      continue;
    }
    DebugStop stop;
    if (pending_) {
      stop = *pending_;
      pending_.reset();
    } else if (mode_ == Mode::stepping && step_started_) {
      stop.kind = DebugStop::Kind::step;
    } else if (const auto hit = std::find_if(breakpoints_.begin(), breakpoints_.end(),
                                             [pc](const Breakpoint& b) { return b.address == pc; });
               hit != breakpoints_.end()) {
      stop.kind = hit->hardware ? DebugStop::Kind::hardware_breakpoint : DebugStop::Kind::breakpoint;
    } else {
      if (mode_ == Mode::stepping) step_started_ = true;
      return true;
    }
    update();
    if (!debugger_->stopped(*this, stop)) return false;
    pc = current_pc();
  }
}

bool HartDebug::while_asleep(bool ready) {
  while (debugger_ != nullptr) {
    if (mode_ == Mode::held) {
      if (!debugger_->held(*this)) return false;
    } else if (mode_ == Mode::stepping && !ready) {
      DebugStop stop;
      stop.kind = DebugStop::Kind::step;
      if (!debugger_->stopped(*this, stop)) return false;
    } else {
      break;
    }
  }
  return true;
}

void HartDebug::exited(int code) {
  if (debugger_ != nullptr) debugger_->exited(*this, code);
}

bool HartDebug::watched(std::uint64_t address, unsigned size, AccessKind kind) {
  if (kind == AccessKind::fetch) return false;
  const bool store = kind == AccessKind::store;
  const std::uint64_t last = address + size - 1;
  for (const Watchpoint& point : watchpoints_) {
    if (point.kind != WatchKind::access && (point.kind == WatchKind::write) != store) continue;
    const std::uint64_t first_watched = std::max(address, point.address);
    const std::uint64_t last_watched = std::min(last, point.address + point.length - 1);
    if (first_watched > last_watched) continue;
    DebugStop stop;
    stop.kind = DebugStop::Kind::watchpoint;
    stop.watch = point.kind;
    stop.address = first_watched;
    pending_ = stop;
    update();
    return true;
  }
  return false;
}

void HartDebug::caught(std::uint64_t cause, std::uint64_t pc, std::uint64_t value) {
  DebugStop stop;
  stop.kind = DebugStop::Kind::exception;
  stop.cause = cause;
  stop.pc = pc;
  stop.value = value;
  pending_ = stop;
  update();
}

std::uint64_t HartDebug::current_pc() const {
  std::uint64_t pc = 0;
  target_.read_register(debug_register::pc, pc);
  return pc;
}

void HartDebug::attach(Debugger& debugger) {
  debugger_ = &debugger;
  set_mode(Mode::held);
}

void HartDebug::release() {
  breakpoints_.clear();
  watchpoints_.clear();
  caught_ = 0;
  pending_.reset();
  set_mode(Mode::running);
}

void HartDebug::set_mode(Mode mode) {
  mode_ = mode;
  step_started_ = false;
  if (mode == Mode::stepping) attention_.notify(sc_core::SC_ZERO_TIME);
  update();
}

bool HartDebug::insert_breakpoint(std::uint64_t address, bool hardware) {
  for (const Breakpoint& point : breakpoints_)
    if (point.address == address && point.hardware == hardware) return true;
  if (breakpoints_.size() == max_points) return false;
  breakpoints_.push_back({address, hardware});
  update();
  return true;
}

bool HartDebug::remove_breakpoint(std::uint64_t address, bool hardware) {
  const auto found = std::find_if(breakpoints_.begin(), breakpoints_.end(), [&](const Breakpoint& point) {
    return point.address == address && point.hardware == hardware;
  });
  if (found == breakpoints_.end()) return false;
  breakpoints_.erase(found);
  update();
  return true;
}

bool HartDebug::insert_watchpoint(std::uint64_t address, std::uint64_t length, WatchKind kind) {
  if (length == 0 || address + (length - 1) < address) return false;  // empty, or past the end of the address space
  for (const Watchpoint& point : watchpoints_)
    if (point.address == address && point.length == length && point.kind == kind) return true;
  if (watchpoints_.size() == max_points) return false;
  watchpoints_.push_back({address, length, kind});
  update();
  return true;
}

bool HartDebug::remove_watchpoint(std::uint64_t address, std::uint64_t length, WatchKind kind) {
  const auto found = std::find_if(watchpoints_.begin(), watchpoints_.end(), [&](const Watchpoint& point) {
    return point.address == address && point.length == length && point.kind == kind;
  });
  if (found == watchpoints_.end()) return false;
  watchpoints_.erase(found);
  update();
  return true;
}

void HartDebug::update() {
  eventful_ = mode_ != Mode::running || pending_.has_value();
  armed_ = eventful_ || !breakpoints_.empty();
  watching_ = !watchpoints_.empty();
  breakpoint_filter_.clear();
  for (const Breakpoint& point : breakpoints_) breakpoint_filter_.add(point.address, point.address);
  watch_filter_.clear();
  for (const Watchpoint& point : watchpoints_) watch_filter_.add(point.address, point.address + point.length - 1);
}

}  // namespace vmsim
