#include "vmsim/models/memory/dram_timing.h"

#include <algorithm>

#include <fmt/format.h>

namespace vmsim {

DramTiming::DramTiming(StatGroup& stats, const DramOrganisation& organisation, const DramTimings& timings,
                       const DramAddressMapping& mapping, PagePolicy policy, std::uint64_t idle_close_cycles)
    : organisation_(organisation),
      t_(timings),
      mapping_(mapping),
      policy_(policy),
      idle_close_(idle_close_cycles),
      banks_per_rank_(organisation.bank_groups * organisation.banks_per_group),
      burst_cycles_(organisation.burst_length / 2),
      banks_(organisation.banks()),
      ranks_(std::size_t{organisation.channels} * organisation.ranks),
      channels_(organisation.channels),
      row_hits_(stats, "row_hits", "Bursts to the open row of their bank"),
      row_misses_(stats, "row_misses", "Bursts to a bank with no open row"),
      row_conflicts_(stats, "row_conflicts", "Bursts to a bank with another row open"),
      activates_(stats, "activates", "Row activations"),
      precharges_(stats, "precharges", "Row precharges (explicit, automatic or for refresh)"),
      refreshes_(stats, "refreshes", "All-bank refreshes, over all ranks"),
      bank_stats_(stats, "banks") {
  for (Rank& rank : ranks_) {
    rank.next_activate_group.assign(organisation.bank_groups, 0);
    rank.next_column_group.assign(organisation.bank_groups, 0);
    rank.next_read_group.assign(organisation.bank_groups, 0);
    rank.next_refresh = t_.tREFI;
  }
  for (unsigned index = 0; index < organisation.banks(); ++index)
    bank_accesses_.push_back(std::make_unique<Counter>(bank_stats_, fmt::format("bank{}", index),
                                                       "Bursts served by the bank (channel, rank, group, bank order)"));
}

double DramTiming::peak_bytes_per_second() const {
  // Two transfers a clock on every channel.
  return static_cast<double>(organisation_.channels) * (organisation_.bus_width / 8) * 2.0 *
         static_cast<double>(t_.clock.hz);
}

std::uint64_t DramTiming::access(bool is_read, std::uint64_t offset, std::uint64_t length, std::uint64_t arrival) {
  const std::uint64_t burst_bytes = organisation_.burst_bytes();
  std::uint64_t end = arrival;
  const std::uint64_t first = offset / burst_bytes;
  const std::uint64_t last = (offset + std::max<std::uint64_t>(length, 1) - 1) / burst_bytes;
  for (std::uint64_t index = first; index <= last; ++index)
    end = std::max(end, burst(is_read, mapping_.decode(index * burst_bytes), arrival));
  return end;
}

void DramTiming::precharge(Bank& bank, std::uint64_t earliest) {
  const std::uint64_t at = std::max(earliest, bank.next_precharge);
  bank.row = closed_row;
  bank.next_activate = std::max(bank.next_activate, at + t_.tRP);
  ++precharges_;
}

void DramTiming::refresh_until(unsigned channel, unsigned rank_index, std::uint64_t cycle) {
  Rank& rank = ranks_[channel * organisation_.ranks + rank_index];
  if (t_.tREFI == 0 || rank.next_refresh > cycle) return;
  // The first refresh due closes every bank and waits for them; later ones before `cycle` find the
  // banks idle, so only the last of them still blocks.
  std::uint64_t start = rank.next_refresh;
  for (unsigned b = 0; b < banks_per_rank_; ++b) {
    Bank& bank = bank_at(channel, rank_index, b);
    if (bank.row != closed_row) precharge(bank, rank.next_refresh);
    start = std::max(start, bank.next_activate);
  }
  const std::uint64_t more = (cycle - rank.next_refresh) / t_.tREFI;
  refreshes_ += 1 + more;
  rank.next_refresh += (1 + more) * t_.tREFI;
  if (more > 0) start = std::max(start + t_.tRFC, rank.next_refresh - t_.tREFI);
  for (unsigned b = 0; b < banks_per_rank_; ++b) {
    Bank& bank = bank_at(channel, rank_index, b);
    bank.next_activate = std::max(bank.next_activate, start + t_.tRFC);
  }
}

std::uint64_t DramTiming::burst(bool is_read, const DramCoordinates& where, std::uint64_t arrival) {
  refresh_until(where.channel, where.rank, arrival);
  Rank& rank = ranks_[where.channel * organisation_.ranks + where.rank];
  Channel& channel = channels_[where.channel];
  Bank& bank = bank_at(where.channel, where.rank, where.bank_group * organisation_.banks_per_group + where.bank);
  const unsigned group = where.bank_group;
  ++*bank_accesses_[where.flat_bank(organisation_)];

  if (policy_ == PagePolicy::open_adaptive && bank.row != closed_row && arrival > bank.last_column + idle_close_)
    precharge(bank, bank.last_column + idle_close_);

  if (bank.row == where.row) {
    ++row_hits_;
  } else {
    if (bank.row == closed_row) {
      ++row_misses_;
    } else {
      ++row_conflicts_;
      precharge(bank, arrival);
    }
    const std::uint64_t activate =
        std::max({arrival, bank.next_activate, rank.next_activate, rank.next_activate_group[group],
                  rank.activations < rank.activates.size() ? 0 : rank.activates[rank.oldest] + t_.tFAW});
    ++rank.activations;
    rank.activates[rank.oldest] = activate;
    rank.oldest = (rank.oldest + 1) % rank.activates.size();
    rank.next_activate = activate + t_.tRRD_S;
    rank.next_activate_group[group] = activate + t_.tRRD_L;
    bank.row = where.row;
    bank.next_precharge = std::max(bank.next_precharge, activate + t_.tRAS);
    bank.next_activate = activate + t_.tRC;
    bank.next_column = activate + t_.tRCD;
    ++activates_;
  }

  std::uint64_t column = std::max({arrival, bank.next_column, rank.next_column, rank.next_column_group[group]});
  if (is_read) column = std::max({column, rank.next_read, rank.next_read_group[group]});
  std::uint64_t data = column + (is_read ? t_.CL : t_.CWL);
  // The channel's data bus: one burst at a time, with a gap to switch ranks or from reading to writing.
  std::uint64_t bus_ready = channel.bus_free;
  if (channel.used && channel.last_rank != where.rank) bus_ready += t_.tRTRS;
  if (channel.used && channel.last_read && !is_read) bus_ready += t_.tRTW;
  if (data < bus_ready) {
    column += bus_ready - data;
    data = bus_ready;
  }
  const std::uint64_t end = data + burst_cycles_;
  channel = Channel{end, true, is_read, where.rank};
  rank.next_column = column + t_.tCCD_S;
  rank.next_column_group[group] = column + t_.tCCD_L;
  bank.last_column = end;
  if (is_read) {
    bank.next_precharge = std::max(bank.next_precharge, column + t_.tRTP);
  } else {
    bank.next_precharge = std::max(bank.next_precharge, end + t_.tWR);
    rank.next_read = std::max(rank.next_read, end + t_.tWTR_S);
    rank.next_read_group[group] = std::max(rank.next_read_group[group], end + t_.tWTR_L);
  }
  if (policy_ == PagePolicy::closed) precharge(bank, 0);
  return end;
}

}  // namespace vmsim
