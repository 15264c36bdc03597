#include "vmsim/platforms/derived_stats.h"

#include <map>
#include <optional>
#include <string>

namespace vmsim {
namespace {

class Derivation {
 public:
  explicit Derivation(const std::vector<StatEntry>& entries) {
    for (const auto& entry : entries) {
      if (const auto* count = std::get_if<std::uint64_t>(&entry.value))
        numbers_[entry.name] = static_cast<double>(*count);
      if (const auto* number = std::get_if<double>(&entry.value)) numbers_[entry.name] = *number;
    }
  }

  std::optional<double> number(const std::string& name) const {
    const auto it = numbers_.find(name);
    if (it == numbers_.end()) return std::nullopt;
    return it->second;
  }

  // Appends the statistics derived from `entry`, which has just been appended to `out`.
  void derive(const StatEntry& entry, std::vector<StatEntry>& out) const {
    const auto dot = entry.name.rfind('.');
    if (dot == std::string::npos) return;
    const std::string group = entry.name.substr(0, dot);
    const std::string leaf = entry.name.substr(dot + 1);
    const auto add = [&](const std::string& name, double numerator, double denominator, double scale,
                         const char* description) {
      StatEntry derived{name, std::monostate{}, description};
      if (denominator > 0) derived.value = scale * numerator / denominator;
      out.push_back(std::move(derived));
    };

    if (leaf == "misses") {  // a TLB or walk cache
      const auto hits = number(group + ".hits");
      const auto misses = number(entry.name);
      if (!hits) return;
      add(group + ".hit_rate", *hits, *hits + *misses, 1, "hits / (hits + misses)");
      add(group + ".miss_rate", *misses, *hits + *misses, 1, "misses / (hits + misses)");
    } else if (leaf == "row_conflicts") {  // a DRAM
      const auto hits = number(group + ".row_hits");
      const auto misses = number(group + ".row_misses");
      const auto conflicts = number(entry.name);
      if (!hits || !misses) return;
      const double bursts = *hits + *misses + *conflicts;
      add(group + ".row_hit_rate", *hits, bursts, 1,
          "row_hits / (row_hits + row_misses + row_conflicts): share of bursts to the open row");
      add(group + ".row_conflict_rate", *conflicts, bursts, 1,
          "row_conflicts / (row_hits + row_misses + row_conflicts)");
    } else if (leaf == "walks" && group.size() > 7 && group.compare(group.size() - 7, 7, ".walker") == 0) {
      const auto accesses = number(group.substr(0, group.size() - 7) + ".accesses");
      if (!accesses) return;
      add(group + ".walks_per_kilo_access", *number(entry.name), *accesses, 1000,
          "1000 * walks / accesses translated by the MMU");
    } else if (leaf == "major" && group.size() > 7 && group.compare(group.size() - 7, 7, ".faults") == 0) {  // a kernel
      const auto minor = number(group + ".minor");
      const auto accesses = number("sim_accesses");
      if (!minor || !accesses) return;
      add(group + ".per_kilo_access", *minor + *number(entry.name), *accesses, 1000,
          "1000 * (minor + major faults) / sim_accesses");
    }
  }

 private:
  std::map<std::string, double> numbers_;
};

}  // namespace

std::vector<StatEntry> with_derived_stats(const std::vector<StatEntry>& entries) {
  const Derivation derivation(entries);
  std::vector<StatEntry> out;
  out.reserve(entries.size() + entries.size() / 4);
  for (const auto& entry : entries) {
    out.push_back(entry);
    derivation.derive(entry, out);
  }
  return out;
}

}  // namespace vmsim
