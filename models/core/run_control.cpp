#include "models/core/run_control.h"

#include <systemc>

namespace vmsim {

void RunControl::boot_finished() {
  if (--pending_boots_ == 0) booted_.notify(sc_core::SC_ZERO_TIME);
}

void RunControl::wait_for_boot() {
  if (pending_boots_ != 0) sc_core::wait(booted_);
}

void RunControl::initiator_finished() {
  if (--active_initiators_ == 0) sc_core::sc_stop();
}

void RunControl::fail(std::string message) {
  if (failure_.empty()) failure_ = std::move(message);
  if (sc_core::sc_is_running()) sc_core::sc_stop();
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

}  // namespace vmsim
