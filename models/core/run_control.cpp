#include "vmsim/models/core/run_control.h"

#include <systemc>

#include <fmt/format.h>

#include "vmsim/models/core/units.h"

namespace vmsim {

void RunControl::boot_finished() {
  if (--pending_boots_ == 0) booted_.notify(sc_core::SC_ZERO_TIME);
}

void RunControl::wait_for_boot() {
  if (pending_boots_ != 0) sc_core::wait(booted_);
}

void RunControl::initiator_finished() {
  if (--active_initiators_ != 0) return;
  finished_at_ = sc_core::sc_time_stamp();
  if (when_finished_)
    when_finished_();
  else
    sc_core::sc_stop();
}

void RunControl::fail(std::string message) {
  if (failure_.empty()) {
    constexpr int elaborating =
        sc_core::SC_ELABORATION | sc_core::SC_BEFORE_END_OF_ELABORATION | sc_core::SC_END_OF_ELABORATION;
    failed_before_start_ = (sc_core::sc_get_status() & elaborating) != 0;
    failure_ = failed_before_start_ ? std::move(message)
                                    : fmt::format("at {}: {}", format_time(sc_core::sc_time_stamp()), message);
  }
  stop_simulation();
}

void RunControl::stop(std::string reason) {
  if (!stop_reason_.empty()) return;
  stop_reason_ = std::move(reason);
  stop_simulation();
}

void RunControl::stop_simulation() {
  // Once: a second sc_stop() (another platform's, in a program running several) draws SystemC's
  // warning.
  if (sc_core::sc_is_running() && sc_core::sc_get_status() != sc_core::SC_STOPPED) sc_core::sc_stop();
}

void RunControl::finish(int status, std::string message) {
  if (!exit_status_) {
    exit_status_ = status;
    exit_message_ = std::move(message);
  }
  stop_simulation();
}

std::vector<std::string> RunControl::unfinished_work() const {
  std::vector<std::string> work;
  for (const auto& reporter : unfinished_reporters_)
    for (std::string& item : reporter()) work.push_back(std::move(item));
  return work;
}

std::uint64_t RunControl::accesses() const {
  std::uint64_t total = 0;
  for (const Counter* counter : access_counters_) total += counter->value();
  return total;
}

std::uint64_t RunControl::instructions() const {
  std::uint64_t total = 0;
  for (const Counter* counter : instruction_counters_) total += counter->value();
  return total;
}

}  // namespace vmsim
