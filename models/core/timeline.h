// What happened when, for a trace viewer (`vmsim run --timeline`): models report spans (a page walk,
// a disk command, a fault's handling) and instants (a context switch, a pin's edge) on tracks,
// which group by component or process. A model asks RunControl::timeline() once and records only
// when it is not null, so a run without a timeline pays one pointer test per event site: names are
// string literals and arguments plain numbers, nothing is formatted or allocated on the way.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

#include "vmsim/models/core/export.h"

namespace vmsim {

// An event's numeric argument, shown beside it ("va", 0x40001000); a null name means none.
struct VMSIM_API TimelineArg {
  const char* name = nullptr;
  std::uint64_t value = 0;
};

class VMSIM_API Timeline {
 public:
  using Track = std::uint32_t;
  using Arg = TimelineArg;

  virtual ~Timeline() = default;
  // A track named `name` in `group` (a component's name, or "processes"); the same pair gives the
  // same track. Made at elaboration or at rare events (a process starting), never per access.
  virtual Track track(const std::string& group, const std::string& name) = 0;
  // A span from `start` to `end` (absolute simulated times: sc_time_stamp() plus the local
  // offset). Spans of one track nest or follow each other; overlapping ones (requests in flight
  // together) are `overlapping`.
  virtual void span(Track track, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end,
                    Arg first = {}, Arg second = {}, bool overlapping = false) = 0;
  virtual void instant(Track track, const char* name, const sc_core::sc_time& at, Arg first = {}, Arg second = {}) = 0;
};

}  // namespace vmsim

namespace vmsim {

// A model's own track: the run's timeline (null when it keeps none) and the track the model records
// on. `if (track) track.span(...)` is the whole cost of an event site in a run without a timeline.
class VMSIM_API TimelineTrack {
 public:
  TimelineTrack() = default;
  TimelineTrack(Timeline* timeline, const std::string& group, const std::string& name)
      : timeline_(timeline), track_(timeline == nullptr ? 0 : timeline->track(group, name)) {}
  explicit operator bool() const { return timeline_ != nullptr; }
  void span(const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end, Timeline::Arg first = {},
            Timeline::Arg second = {}, bool overlapping = false) const {
    timeline_->span(track_, name, start, end, first, second, overlapping);
  }
  void instant(const char* name, const sc_core::sc_time& at, Timeline::Arg first = {},
               Timeline::Arg second = {}) const {
    timeline_->instant(track_, name, at, first, second);
  }

 private:
  Timeline* timeline_ = nullptr;
  Timeline::Track track_ = 0;
};

}  // namespace vmsim
