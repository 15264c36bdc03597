#include "vmsim/platforms/trace_events.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "vmsim/models/core/config_document.h"

namespace vmsim {
namespace {

std::string microseconds(std::uint64_t ps) { return fmt::format("{}.{:06}", ps / 1000000, ps % 1000000); }

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\')
      out += fmt::format("\\{}", c);
    else if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    else
      out += c;
  }
  return out + "\"";
}

std::string args(const Timeline::Arg& first, const Timeline::Arg& second) {
  std::string text;
  for (const Timeline::Arg* arg : {&first, &second})
    if (arg->name != nullptr) text += fmt::format("{}\"{}\":{}", text.empty() ? "" : ",", arg->name, arg->value);
  return text.empty() ? "" : ",\"args\":{" + text + "}";
}

}  // namespace

TraceEventWriter::TraceEventWriter(const sc_core::sc_time& start, const sc_core::sc_time& end)
    : ps_per_tick_(static_cast<std::uint64_t>(
          std::llround(sc_core::sc_get_time_resolution() / sc_core::sc_time(1, sc_core::SC_PS)))),
      start_ps_(picoseconds(start)),
      end_ps_(end == sc_core::sc_max_time() ? ~std::uint64_t{0} : picoseconds(end)) {}

Timeline::Track TraceEventWriter::track(const std::string& group, const std::string& name) {
  if (const auto it = ids_.find({group, name}); it != ids_.end()) return it->second;
  auto group_it = std::find(groups_.begin(), groups_.end(), group);
  if (group_it == groups_.end()) group_it = groups_.insert(groups_.end(), group);
  const auto pid = static_cast<unsigned>(group_it - groups_.begin()) + 1;
  const auto tid = static_cast<unsigned>(
      std::count_if(tracks_.begin(), tracks_.end(), [pid](const TrackInfo& t) { return t.pid == pid; }) + 1);
  tracks_.push_back({pid, tid, name});
  const auto id = static_cast<Track>(tracks_.size() - 1);
  ids_.emplace(std::make_pair(group, name), id);
  return id;
}

void TraceEventWriter::span(Track track, const char* name, const sc_core::sc_time& start, const sc_core::sc_time& end,
                            Arg first, Arg second, bool overlapping) {
  const std::uint64_t from = picoseconds(start);
  const std::uint64_t to = picoseconds(end);
  if (to < start_ps_ || from > end_ps_) return;
  events_.push_back({track, name, overlapping ? 'b' : 'X', from, to, first, second});
}

void TraceEventWriter::instant(Track track, const char* name, const sc_core::sc_time& at, Arg first, Arg second) {
  const std::uint64_t when = picoseconds(at);
  if (when < start_ps_ || when > end_ps_) return;
  events_.push_back({track, name, 'i', when, when, first, second});
}

std::string TraceEventWriter::json() const {
  std::vector<std::string> lines;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    lines.push_back(
        fmt::format(R"({{"ph":"M","name":"process_name","pid":{},"args":{{"name":{}}}}})", g + 1, quoted(groups_[g])));
    lines.push_back(
        fmt::format(R"({{"ph":"M","name":"process_sort_index","pid":{},"args":{{"sort_index":{}}}}})", g + 1, g + 1));
  }
  for (const TrackInfo& track : tracks_)
    lines.push_back(fmt::format(R"({{"ph":"M","name":"thread_name","pid":{},"tid":{},"args":{{"name":{}}}}})",
                                track.pid, track.tid, quoted(track.name)));
  std::uint64_t async_id = 0;
  for (const Event& event : events_) {
    const TrackInfo& track = tracks_[event.track];
    const std::string head = fmt::format(R"("name":{},"pid":{},"tid":{})", quoted(event.name), track.pid, track.tid);
    switch (event.phase) {
      case 'X':
        lines.push_back(fmt::format(R"({{"ph":"X",{},"ts":{},"dur":{}{}}})", head, microseconds(event.start_ps),
                                    microseconds(event.end_ps - event.start_ps), args(event.first, event.second)));
        break;
      case 'b':
        ++async_id;
        lines.push_back(fmt::format(R"({{"ph":"b","cat":"overlapping",{},"id":{},"ts":{}{}}})", head, async_id,
                                    microseconds(event.start_ps), args(event.first, event.second)));
        lines.push_back(fmt::format(R"({{"ph":"e","cat":"overlapping",{},"id":{},"ts":{}}})", head, async_id,
                                    microseconds(event.end_ps)));
        break;
      default:
        lines.push_back(fmt::format(R"({{"ph":"i","s":"t",{},"ts":{}{}}})", head, microseconds(event.start_ps),
                                    args(event.first, event.second)));
    }
  }
  return fmt::format("{{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n{}\n]}}\n", fmt::join(lines, ",\n"));
}

void TraceEventWriter::create(const std::string& file) {
  std::FILE* created = std::fopen(file.c_str(), "w");
  if (created == nullptr)
    throw ConfigError(fmt::format("{}: cannot create the timeline file: {}", file, std::strerror(errno)));
  std::fclose(created);
}

void TraceEventWriter::write(const std::string& file) const {
  std::ofstream out(file);
  out << json();
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the file", file));
}

}  // namespace vmsim
