// The timing of a DRAM device array, request by request: per-bank open rows and the earliest cycle
// each bank may next activate, precharge, read or write; per-rank activate windows (tRRD, tFAW),
// column spacing (tCCD) and write-to-read turnaround (tWTR); the data bus of each channel; and
// all-bank refresh every tREFI for tRFC. Each request's latency follows from this state at its
// arrival cycle. Requests are served in the order they are presented: under temporal decoupling a
// request stamped earlier than one already served waits behind it, an error bounded by the quantum.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/stats.h"
#include "vmsim/models/core/units.h"
#include "vmsim/models/memory/dram_address_mapping.h"

namespace vmsim {

// JEDEC timing parameters, in clock cycles of `clock`.
struct VMSIM_API DramTimings {
  Frequency clock;
  unsigned CL, CWL, tRCD, tRP, tRAS, tRC, tRRD_S, tRRD_L, tCCD_S, tCCD_L, tFAW, tWR, tWTR_S, tWTR_L, tRTP, tRFC,
      tREFI, tRTRS, tRTW;
};

enum class PagePolicy { open, closed, open_adaptive };

class VMSIM_API DramTiming {
 public:
  DramTiming(StatGroup& stats, const DramOrganisation& organisation, const DramTimings& timings,
             const DramAddressMapping& mapping, PagePolicy policy, std::uint64_t idle_close_cycles);

  // Serves one access of `length` bytes at `offset` (split into bursts) arriving at `arrival`
  // cycles; returns the cycle its last data transfer ends.
  std::uint64_t access(bool is_read, std::uint64_t offset, std::uint64_t length, std::uint64_t arrival);

  double peak_bytes_per_second() const;

  // For a request scheduler: whether the burst at `where` would hit its bank's open row, when the
  // channel's data bus is next free, and how many cycles the commands of a burst take before its
  // data (column latency, plus activate and precharge as the bank's state needs).
  bool row_open(const DramCoordinates& where) const { return bank_of(where).row == where.row; }
  std::uint64_t bus_free(unsigned channel) const { return channels_[channel].bus_free; }
  std::uint64_t lead_cycles(const DramCoordinates& where, bool is_read) const {
    const Bank& bank = bank_of(where);
    const std::uint64_t column = is_read ? t_.CL : t_.CWL;
    if (bank.row == where.row) return column;
    return bank.row == closed_row ? t_.tRCD + column : t_.tRP + t_.tRCD + column;
  }

 private:
  static constexpr std::uint64_t closed_row = ~std::uint64_t{0};
  struct Bank {
    std::uint64_t row = closed_row;
    std::uint64_t next_activate = 0;
    std::uint64_t next_precharge = 0;
    std::uint64_t next_column = 0;  // tRCD after the activate
    std::uint64_t last_column = 0;  // for open-adaptive closing
  };
  struct Rank {
    std::array<std::uint64_t, 4> activates{};  // the last four, for tFAW
    unsigned oldest = 0;
    std::uint64_t activations = 0;
    std::uint64_t next_activate = 0;
    std::vector<std::uint64_t> next_activate_group;
    std::uint64_t next_column = 0;
    std::vector<std::uint64_t> next_column_group;
    std::uint64_t next_read = 0;  // after a write: tWTR
    std::vector<std::uint64_t> next_read_group;
    std::uint64_t next_refresh = 0;
  };
  struct Channel {
    std::uint64_t bus_free = 0;
    bool used = false;
    bool last_read = true;
    unsigned last_rank = 0;
  };

  std::uint64_t burst(bool is_read, const DramCoordinates& where, std::uint64_t arrival);
  void refresh_until(unsigned channel, unsigned rank, std::uint64_t cycle);
  void precharge(Bank& bank, std::uint64_t earliest);
  const Bank& bank_of(const DramCoordinates& where) const {
    return banks_[(where.channel * organisation_.ranks + where.rank) * banks_per_rank_ +
                  where.bank_group * organisation_.banks_per_group + where.bank];
  }
  Bank& bank_at(unsigned channel, unsigned rank, unsigned flat_in_rank) {
    return banks_[(channel * organisation_.ranks + rank) * banks_per_rank_ + flat_in_rank];
  }

  DramOrganisation organisation_;
  DramTimings t_;
  const DramAddressMapping& mapping_;
  PagePolicy policy_;
  std::uint64_t idle_close_;
  unsigned banks_per_rank_;
  unsigned burst_cycles_;
  std::vector<Bank> banks_;
  std::vector<Rank> ranks_;
  std::vector<Channel> channels_;

  Counter row_hits_;
  Counter row_misses_;
  Counter row_conflicts_;
  Counter activates_;
  Counter precharges_;
  Counter refreshes_;
  StatGroup bank_stats_;
  std::vector<std::unique_ptr<Counter>> bank_accesses_;
};

}  // namespace vmsim
