// Physical quantities that appear in configs, and their text form ("2GHz", "13.75ns", "4GiB").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <systemc>

#include "vmsim/models/core/export.h"

namespace vmsim {

struct VMSIM_API Bytes {
  std::uint64_t value = 0;
};

struct VMSIM_API Address {
  std::uint64_t value = 0;
};

struct VMSIM_API Frequency {
  std::uint64_t hz = 0;
  // One cycle, rounded to the simulation's time resolution.
  sc_core::sc_time period() const;
  sc_core::sc_time cycles(std::uint64_t count) const;
  // The first clock edge at or after `time`. A time within half a resolution step of an edge counts
  // as on it, so that cycle_at(cycles(n)) == n although cycles(n) was rounded.
  std::uint64_t cycle_at(const sc_core::sc_time& time) const;
};

// Each parser takes the whole text and throws std::invalid_argument with a message that says
// what was expected; none accepts trailing garbage or silently rounds.
VMSIM_API std::uint64_t parse_uint(std::string_view text);  // 123, 0x7b, 1_000_000
VMSIM_API double parse_double(std::string_view text);
VMSIM_API bool parse_bool(std::string_view text);              // true/false, yes/no, on/off
VMSIM_API sc_core::sc_time parse_time(std::string_view text);  // 10ns, 13.75ns, 1us, 0
VMSIM_API Frequency parse_frequency(std::string_view text);    // 2GHz, 800MHz, 100kHz, 50Hz
VMSIM_API Bytes parse_bytes(std::string_view text);            // 4096, 4KiB, 1.5GiB, 64MB (SI)

// The time of `ticks` steps of the time resolution, exactly (IEEE 1666-2011 has no constructor from
// a tick count: sc_time::from_value() is an extension of Accellera's).
VMSIM_API sc_core::sc_time time_of_ticks(std::uint64_t ticks);

// Exact conversions of simulated time (no floating-point scaling of the tick count on the way).
VMSIM_API double to_ns(const sc_core::sc_time& time);
VMSIM_API double to_seconds(const sc_core::sc_time& time);

// Canonical text forms, parsed back to the same value by the parsers above.
VMSIM_API std::string format_time(const sc_core::sc_time& time);
VMSIM_API std::string format_frequency(Frequency frequency);
VMSIM_API std::string format_bytes(Bytes bytes);
VMSIM_API std::string format_address(Address address);

}  // namespace vmsim
