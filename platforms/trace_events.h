// The timeline of a run as Chrome trace-event JSON (`vmsim run --timeline FILE.json`), which
// Perfetto (ui.perfetto.dev) and chrome://tracing open: each track group (a component, or the
// processes) is a trace "process", each track a "thread"; spans are complete events ("X"), spans
// that overlap others on their track async events ("b"/"e"), instants "i". Times are in
// microseconds with picosecond digits, so the file is the same for the same run.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/timeline.h"

namespace vmsim {

class VMSIM_API TraceEventWriter final : public Timeline {
 public:
  // Keeps the events that overlap [start, end] of simulated time.
  TraceEventWriter(const sc_core::sc_time& start, const sc_core::sc_time& end);

  Track track(const std::string& group, const std::string& name) override;
  void span(Track track, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end, Arg first,
            Arg second, bool overlapping) override;
  void instant(Track track, const char* name, const sc_core::sc_time& at, Arg first, Arg second) override;

  std::string json() const;
  // Creates `file` empty, before the run; throws ConfigError naming it, and why, if it cannot.
  static void create(const std::string& file);
  // Throws std::runtime_error naming the file if it cannot be written.
  void write(const std::string& file) const;

 private:
  struct Event {
    Track track;
    const char* name;
    char phase;  // 'X', 'b' (with its 'e'), 'i'
    std::uint64_t start_ps;
    std::uint64_t end_ps;
    Arg first;
    Arg second;
  };
  struct TrackInfo {
    unsigned pid;
    unsigned tid;
    std::string name;
  };
  std::uint64_t picoseconds(const sc_core::sc_time& time) const { return time.value() * ps_per_tick_; }

  std::uint64_t ps_per_tick_;
  std::uint64_t start_ps_;
  std::uint64_t end_ps_;
  std::vector<std::string> groups_;  // pid - 1 -> name
  std::vector<TrackInfo> tracks_;    // by Track
  std::map<std::pair<std::string, std::string>, Track> ids_;
  std::vector<Event> events_;
};

}  // namespace vmsim
