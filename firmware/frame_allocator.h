// Physical page frames of main memory: handed out from a free list, or from the part of memory
// never used yet, so that start-up costs nothing however large the memory.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

namespace vmsim {

class FrameAllocator {
 public:
  static constexpr std::uint64_t frame_size = 4096;

  // At most `limit` frames in use at once (0: as many as fit), to model a smaller memory.
  FrameAllocator(std::uint64_t base, std::uint64_t size, std::uint64_t limit = 0)
      : next_(base), end_(base + size / frame_size * frame_size), limit_(limit) {}

  std::optional<std::uint64_t> allocate() {
    if (limit_ != 0 && used_ == limit_) return std::nullopt;
    std::uint64_t frame = 0;
    if (!free_.empty()) {
      frame = free_.back();
      free_.pop_back();
    } else if (next_ < end_) {
      frame = next_;
      next_ += frame_size;
    } else {
      return std::nullopt;
    }
    ++used_;
    high_water_ = used_ > high_water_ ? used_ : high_water_;
    return frame;
  }
  void release(std::uint64_t frame) {
    free_.push_back(frame);
    --used_;
  }

  std::uint64_t used() const { return used_; }
  std::uint64_t free() const {
    const std::uint64_t left = (end_ - next_) / frame_size + free_.size();
    return limit_ == 0 ? left : std::min(left, limit_ - used_);
  }
  std::uint64_t high_water() const { return high_water_; }

 private:
  std::uint64_t next_;
  std::uint64_t end_;
  std::uint64_t limit_;
  std::vector<std::uint64_t> free_;
  std::uint64_t used_ = 0;
  std::uint64_t high_water_ = 0;
};

}  // namespace vmsim
