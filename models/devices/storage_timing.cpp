#include "vmsim/models/devices/storage_timing.h"

#include <cmath>

namespace vmsim {

void StorageTiming::declare(ParamSchema& schema) {
  schema.choice("timing", Kind::ssd, {{"ssd", Kind::ssd}, {"hdd", Kind::hdd}},
                "ssd: command latency plus bandwidth; hdd: seek by distance, rotation, transfer");
  schema
      .optional<sc_core::sc_time>("command_latency", sc_core::sc_time(20, sc_core::SC_US),
                                  "Latency of each command (and every flush)")
      .when("timing: ssd");
  schema.optional<Bytes>("bandwidth", Bytes{500'000'000}, "Bytes transferred per second").when("timing: ssd");
  schema.optional<double>("rpm", 7200, "Spindle speed, revolutions per minute").when("timing: hdd");
  schema.optional<std::uint64_t>("sectors_per_track", 1024, "Sectors on one track").when("timing: hdd");
  schema.optional<sc_core::sc_time>("seek_min", sc_core::sc_time(1, sc_core::SC_MS), "Seek to the next track")
      .when("timing: hdd");
  schema.optional<sc_core::sc_time>("seek_max", sc_core::sc_time(10, sc_core::SC_MS), "Seek across the whole disk")
      .when("timing: hdd");
}

void StorageTiming::read(Params& params) {
  kind_ = params.get<Kind>("timing");
  command_latency_ = params.get<sc_core::sc_time>("command_latency");
  bytes_per_second_ = static_cast<double>(params.get<Bytes>("bandwidth").value);
  rpm_ = params.get<double>("rpm");
  sectors_per_track_ = params.get<std::uint64_t>("sectors_per_track");
  seek_min_ = params.get<sc_core::sc_time>("seek_min");
  seek_max_ = params.get<sc_core::sc_time>("seek_max");
  if (!(bytes_per_second_ > 0) || !(rpm_ > 0) || sectors_per_track_ == 0 || seek_max_ < seek_min_)
    params.fail("timing", "bandwidth, rpm and sectors_per_track must be above zero, seek_max at least seek_min");
}

sc_core::sc_time StorageTiming::transfer(std::uint64_t lba, std::uint64_t sectors) {
  const double bytes = static_cast<double>(sectors * sector_bytes_);
  if (kind_ == Kind::ssd) return command_latency_ + sc_core::sc_time(bytes / bytes_per_second_, sc_core::SC_SEC);
  // Seek: the track-to-track time, growing with the square root of the distance to the full stroke.
  const std::uint64_t tracks = (sectors_ + sectors_per_track_ - 1) / sectors_per_track_;
  const std::uint64_t track = lba / sectors_per_track_;
  const std::uint64_t distance = track > head_track_ ? track - head_track_ : head_track_ - track;
  double seconds = 0;
  if (distance > 0) {
    const double span = tracks > 1 ? std::sqrt(static_cast<double>(distance - 1) / static_cast<double>(tracks - 1)) : 0;
    seconds = seek_min_.to_seconds() + (seek_max_.to_seconds() - seek_min_.to_seconds()) * span;
  }
  // Rotation: wait until the first sector comes under the head, then let the sectors pass.
  const double period = 60.0 / rpm_;
  const double angle = std::fmod((sc_core::sc_time_stamp().to_seconds() + seconds) / period, 1.0);
  const double sector_angle = static_cast<double>(lba % sectors_per_track_) / static_cast<double>(sectors_per_track_);
  seconds += std::fmod(sector_angle - angle + 1.0, 1.0) * period;
  seconds += static_cast<double>(sectors) * period / static_cast<double>(sectors_per_track_);
  head_track_ = (lba + sectors - 1) / sectors_per_track_;
  return sc_core::sc_time(seconds, sc_core::SC_SEC);
}

}  // namespace vmsim
