#include "vmsim/models/core/stats.h"

#include <cmath>

#include <fmt/format.h>

#include "vmsim/models/core/config_document.h"

namespace vmsim {
namespace {

std::string format_number(const StatEntry::value_type& value, std::string_view empty) {
  if (std::holds_alternative<std::uint64_t>(value)) return fmt::format("{}", std::get<std::uint64_t>(value));
  if (std::holds_alternative<double>(value)) return fmt::format("{}", std::get<double>(value));
  return std::string(empty);
}

std::string json_escape(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '"' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

}  // namespace

Stat::Stat(StatGroup& group, std::string name, std::string description)
    : name_(std::move(name)), description_(std::move(description)) {
  group.stats_.push_back(this);
}

StatGroup::StatGroup(std::string name) : full_name_(std::move(name)) {}

StatGroup::StatGroup(StatGroup& parent, std::string name) : full_name_(join_path(parent.full_name_, name)) {
  parent.children_.push_back(this);
}

std::vector<StatEntry> StatGroup::collect() const {
  std::vector<StatEntry> entries;
  collect(entries);
  return entries;
}

void StatGroup::collect(std::vector<StatEntry>& out) const {
  for (const Stat* stat : stats_) stat->collect(full_name_, out);
  for (const StatGroup* child : children_) child->collect(out);
}

void Counter::collect(const std::string& prefix, std::vector<StatEntry>& out) const {
  out.push_back({join_path(prefix, name()), value_, description()});
}

void Value::collect(const std::string& prefix, std::vector<StatEntry>& out) const {
  out.push_back({join_path(prefix, name()), value_, description()});
}

double Average::mean() const { return count_ == 0 ? std::nan("") : sum_ / static_cast<double>(count_); }

void Average::collect(const std::string& prefix, std::vector<StatEntry>& out) const {
  StatEntry entry{join_path(prefix, name()), std::monostate{}, description()};
  if (count_ != 0) entry.value = mean();
  out.push_back(std::move(entry));
}

Distribution::Distribution(StatGroup& group, std::string name, std::string description, unsigned buckets, double low,
                           double high)
    : Stat(group, std::move(name), std::move(description)),
      axis_(buckets, low, high),
      counts_(static_cast<std::size_t>(buckets) + 2) {}

double Distribution::mean() const { return count_ == 0 ? std::nan("") : sum_ / static_cast<double>(count_); }

void Distribution::collect(const std::string& prefix, std::vector<StatEntry>& out) const {
  const std::string base = join_path(prefix, name());
  const auto add = [&](std::string_view suffix, StatEntry::value_type value, std::string text) {
    out.push_back({fmt::format("{}::{}", base, suffix), value, std::move(text)});
  };
  const auto optional = [&](double value) -> StatEntry::value_type {
    if (count_ == 0) return std::monostate{};
    return value;
  };
  add("samples", count_, description());
  add("mean", optional(mean()), "Mean of the samples");
  const double variance = count_ < 2 ? 0.0
                                     : (sum_squares_ - sum_ * sum_ / static_cast<double>(count_)) /
                                           static_cast<double>(count_ - 1);
  add("stdev", optional(std::sqrt(std::max(variance, 0.0))), "Sample standard deviation");
  add("min", optional(min_), "Smallest sample");
  add("max", optional(max_), "Largest sample");
  std::uint64_t cumulative = 0;
  const int buckets = axis_.size();
  for (int index = -1; index <= buckets; ++index) {
    const std::uint64_t count = counts_[static_cast<std::size_t>(index + 1)];
    if (index < 0) {
      add("underflows", count, "Samples below the first bucket");
    } else if (index == buckets) {
      add("overflows", count, "Samples above the last bucket");
    } else {
      add(fmt::format("{:.6g}-{:.6g}", axis_.bin(index).lower(), axis_.bin(index).upper()), count,
          "Samples in the bucket");
    }
    cumulative += count;
    if (count_ != 0)
      out.back().shares = StatEntry::Shares{static_cast<double>(count) / static_cast<double>(count_),
                                            static_cast<double>(cumulative) / static_cast<double>(count_)};
  }
}

Formula::Formula(StatGroup& group, std::string name, std::string description, std::function<double()> compute)
    : Stat(group, std::move(name), std::move(description)), compute_(std::move(compute)) {}

void Formula::collect(const std::string& prefix, std::vector<StatEntry>& out) const {
  StatEntry entry{join_path(prefix, name()), std::monostate{}, description()};
  const double value = compute_();
  if (std::isfinite(value)) entry.value = value;
  out.push_back(std::move(entry));
}

std::string format_stats_text(const std::vector<StatEntry>& entries) {
  std::size_t width = 0;
  for (const auto& entry : entries) width = std::max(width, entry.name.size());
  std::string text = "---------- Begin Simulation Statistics ----------\n";
  for (const auto& entry : entries) {
    const std::string shares =
        entry.shares ? fmt::format(" {:>9.2f}% {:>9.2f}%", entry.shares->pdf * 100, entry.shares->cdf * 100) : "";
    text += fmt::format("{:<{}} {:>20}{} # {}\n", entry.name, width, format_number(entry.value, "nan"), shares,
                        entry.description);
  }
  text += "---------- End Simulation Statistics   ----------\n";
  return text;
}

std::string format_stats_json(const std::vector<StatEntry>& entries) {
  std::vector<std::string> members;
  for (const auto& entry : entries) {
    const std::string name = json_escape(entry.name);
    members.push_back(fmt::format("  \"{}\": {}", name, format_number(entry.value, "null")));
    if (!entry.shares) continue;
    members.push_back(fmt::format("  \"{}::pdf\": {}", name, entry.shares->pdf));
    members.push_back(fmt::format("  \"{}::cdf\": {}", name, entry.shares->cdf));
  }
  std::string json = fmt::format("{{\n{}\n}}\n", fmt::join(members, ",\n"));
  return json;
}

}  // namespace vmsim
