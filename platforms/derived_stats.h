// Rates derived from a run's counters (hit and miss rates, row-hit rate, faults and walks per 1000
// accesses), computed from the collected statistics by name, so that every model's counters get
// the same formulas. docs/statistics.md lists each formula.
#pragma once

#include <vector>

#include "vmsim/models/core/stats.h"

namespace vmsim {

// `entries` with each derived statistic inserted right after the last counter it is computed from.
// A rate over zero events has no value (nan in stats.txt, null in stats.json).
std::vector<StatEntry> with_derived_stats(const std::vector<StatEntry>& entries);

}  // namespace vmsim
