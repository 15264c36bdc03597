// The summary `vmsim run` prints: what a user came for, grouped by component (accesses and latency
// per CPU, TLB hit rates and walks, faults and swap, DRAM row hits and bandwidth, devices), then
// simulated and host time. stats.txt holds everything else.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"

namespace vmsim {

// Counts with thousands separators, rates in percent, times in a readable unit, never an exponent.
// With `colour`, component names and the run line are highlighted with ANSI escapes.
VMSIM_API std::string format_summary(const std::vector<StatEntry>& stats, bool colour);

// Colour only on a terminal, and not when NO_COLOR is set or TERM is dumb.
VMSIM_API bool use_colour(std::FILE* stream);

}  // namespace vmsim
