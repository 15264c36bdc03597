#include "vmsim/platforms/summary.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <string_view>

#include <fmt/color.h>
#include <fmt/format.h>

namespace vmsim {
namespace {

enum class Unit { count, percent, nanoseconds, seconds, bytes_per_second, number };

// What the summary shows of a component, when the component has it: the statistic's name below
// the component's, and its label.
struct Fact {
  std::string_view stat;
  std::string_view label;
  Unit unit;
};

constexpr Fact facts[] = {
    {"instructions", "instructions", Unit::count},
    {"cpi", "cycles / instruction", Unit::number},
    {"loads", "loads", Unit::count},
    {"stores", "stores", Unit::count},
    {"accesses", "accesses", Unit::count},
    {"transactions", "transactions", Unit::count},
    {"reads", "reads", Unit::count},
    {"writes", "writes", Unit::count},
    {"latency_ns::mean", "mean latency", Unit::nanoseconds},
    {"avg_latency_ns", "mean latency", Unit::nanoseconds},
    {"faults", "faulting accesses", Unit::count},
    {"dtlb.hit_rate", "L1 dTLB hit rate", Unit::percent},
    {"itlb.hit_rate", "L1 iTLB hit rate", Unit::percent},
    {"l2tlb.hit_rate", "L2 TLB hit rate", Unit::percent},
    {"walk_cache.hit_rate", "walk cache hit rate", Unit::percent},
    {"walker.walks", "page walks", Unit::count},
    {"walker.walks_per_kilo_access", "walks / 1000 accesses", Unit::number},
    {"walker.walk_latency_ns::mean", "mean walk latency", Unit::nanoseconds},
    {"faults.minor", "minor faults", Unit::count},
    {"faults.major", "major faults", Unit::count},
    {"faults.per_kilo_access", "faults / 1000 accesses", Unit::number},
    {"faults.segfaults", "segfaults", Unit::count},
    {"swap.outs", "swap outs", Unit::count},
    {"swap.ins", "swap ins", Unit::count},
    {"context_switches", "context switches", Unit::count},
    {"row_hit_rate", "row-hit rate", Unit::percent},
    {"bandwidth_bytes_per_second", "bandwidth", Unit::bytes_per_second},
    {"avg_service_ns", "mean service time", Unit::nanoseconds},
    {"busy_fraction", "busy", Unit::percent},
    {"register_writes", "register writes", Unit::count},
    {"interrupts", "interrupts", Unit::count},
};

std::string with_separators(std::uint64_t value) {
  std::string digits = std::to_string(value);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

std::string seconds(double value) {
  if (value >= 1) return fmt::format("{:.3f} s", value);
  if (value >= 1e-3) return fmt::format("{:.3f} ms", value * 1e3);
  return fmt::format("{:.3f} us", value * 1e6);
}

std::string format_value(const StatEntry::value_type& value, Unit unit) {
  if (std::holds_alternative<std::monostate>(value)) return "-";
  const double number = std::holds_alternative<std::uint64_t>(value)
                            ? static_cast<double>(std::get<std::uint64_t>(value))
                            : std::get<double>(value);
  switch (unit) {
    case Unit::count: return with_separators(static_cast<std::uint64_t>(std::llround(number)));
    case Unit::percent: return fmt::format("{:.2f} %", number * 100);
    case Unit::nanoseconds: return number < 1e4 ? fmt::format("{:.1f} ns", number) : seconds(number * 1e-9);
    case Unit::seconds: return seconds(number);
    case Unit::bytes_per_second:
      return number >= 1e9 ? fmt::format("{:.2f} GB/s", number / 1e9) : fmt::format("{:.2f} MB/s", number / 1e6);
    case Unit::number: return fmt::format("{:.2f}", number);
  }
  return {};
}

}  // namespace

std::string format_summary(const std::vector<StatEntry>& stats, bool colour) {
  std::map<std::string, const StatEntry*, std::less<>> by_name;
  std::vector<std::string> components;  // in the order of their statistics
  for (const auto& entry : stats) {
    by_name[entry.name] = &entry;
    constexpr std::string_view root = "system.";
    if (entry.name.compare(0, root.size(), root) != 0) continue;
    const std::string component = entry.name.substr(root.size(), entry.name.find('.', root.size()) - root.size());
    if (components.empty() || components.back() != component) components.push_back(component);
  }
  const auto find = [&](const std::string& name) -> const StatEntry* {
    const auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  };
  const auto heading = [&](const std::string& text) {
    return colour ? fmt::format(fmt::emphasis::bold | fmt::fg(fmt::terminal_color::cyan), "{}", text) : text;
  };

  // Two label-value cells a line, so that the whole machine fits on a screen.
  const auto lines = [](const std::vector<std::pair<std::string, std::string>>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const bool left = i % 2 == 0;
      text += fmt::format("{}{:<22}{:>14}", left ? "  " : "   ", cells[i].first, cells[i].second);
      if (!left || i + 1 == cells.size()) text += "\n";
    }
    return text;
  };

  std::string text;
  for (const std::string& component : components) {
    std::vector<std::pair<std::string, std::string>> cells;
    for (const Fact& fact : facts) {
      const StatEntry* entry = find(fmt::format("system.{}.{}", component, fact.stat));
      // A memory has two names for its mean latency: show one.
      const bool shown =
          std::any_of(cells.begin(), cells.end(), [&](const auto& cell) { return cell.first == fact.label; });
      if (entry == nullptr || std::holds_alternative<std::monostate>(entry->value) || shown) continue;
      cells.emplace_back(fact.label, format_value(entry->value, fact.unit));
    }
    if (!cells.empty()) text += heading(component) + "\n" + lines(cells);
  }
  const auto value = [&](const char* name, Unit unit) {
    const StatEntry* entry = find(name);
    return entry == nullptr ? std::string("-") : format_value(entry->value, unit);
  };
  text += heading("run") + "\n";
  std::vector<std::pair<std::string, std::string>> run = {
      {"simulated time", value("sim_seconds", Unit::seconds)},
      {"accesses", value("sim_accesses", Unit::count)},
      {"host time", value("host_seconds", Unit::seconds)},
      {"accesses / host second", value("host_accesses_per_second", Unit::count)}};
  // Harts that execute instructions: their speed too.
  if (const StatEntry* rate = find("host_instructions_per_second");
      rate != nullptr && std::holds_alternative<double>(rate->value) && std::get<double>(rate->value) > 0)
    run.emplace_back("instructions / host s", format_value(rate->value, Unit::count));
  text += lines(run);
  return text;
}

bool use_colour(std::FILE* stream) {
  const char* term = std::getenv("TERM");
  return isatty(fileno(stream)) != 0 && std::getenv("NO_COLOR") == nullptr &&
         !(term != nullptr && std::string_view(term) == "dumb");
}

}  // namespace vmsim
