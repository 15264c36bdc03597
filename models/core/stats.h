// Statistics in the manner of gem5: each has a hierarchical name and a description, lives in the
// model that updates it (so updating one is a plain increment), and is dumped at the end of a run.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/histogram/axis/regular.hpp>

#include "vmsim/models/core/export.h"

namespace vmsim {

// One dumped number: "system.dram.reads", 42, "Read transactions served". Empty averages have no
// value (nan in stats.txt, null in stats.json).
// A distribution's bucket (and its underflows and overflows) also carries, as gem5 prints them,
// its share of the samples (pdf) and the share in it and every bucket before it (cdf).
struct VMSIM_API StatEntry {
  using value_type = std::variant<std::monostate, std::uint64_t, double>;
  struct Shares {
    double pdf;
    double cdf;
  };
  std::string name;
  value_type value;
  std::string description;
  std::optional<Shares> shares = std::nullopt;
};

class StatGroup;

class VMSIM_API Stat {
 public:
  Stat(StatGroup& group, std::string name, std::string description);
  virtual ~Stat() = default;
  Stat(const Stat&) = delete;
  Stat& operator=(const Stat&) = delete;

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  virtual void collect(const std::string& prefix, std::vector<StatEntry>& out) const = 0;

 private:
  std::string name_;
  std::string description_;
};

class VMSIM_API StatGroup {
 public:
  // A root group: its name ("" for the top level) prefixes everything below it.
  explicit StatGroup(std::string name = {});
  StatGroup(StatGroup& parent, std::string name);
  StatGroup(const StatGroup&) = delete;
  StatGroup& operator=(const StatGroup&) = delete;

  const std::string& full_name() const { return full_name_; }
  std::vector<StatEntry> collect() const;

 private:
  friend class Stat;
  void collect(std::vector<StatEntry>& out) const;

  std::string full_name_;
  std::vector<const Stat*> stats_;
  std::vector<const StatGroup*> children_;
};

class VMSIM_API Counter final : public Stat {
 public:
  using Stat::Stat;
  Counter& operator++() {
    ++value_;
    return *this;
  }
  Counter& operator+=(std::uint64_t amount) {
    value_ += amount;
    return *this;
  }
  std::uint64_t value() const { return value_; }
  void collect(const std::string& prefix, std::vector<StatEntry>& out) const override;

 private:
  std::uint64_t value_ = 0;
};

// A number set once, usually at the end of a run (sim_seconds, host_seconds).
class VMSIM_API Value final : public Stat {
 public:
  using Stat::Stat;
  void set(double value) { value_ = value; }
  double value() const { return value_; }
  void collect(const std::string& prefix, std::vector<StatEntry>& out) const override;

 private:
  double value_ = 0;
};

// Mean of the samples.
class VMSIM_API Average final : public Stat {
 public:
  using Stat::Stat;
  void sample(double value) {
    sum_ += value;
    ++count_;
  }
  std::uint64_t count() const { return count_; }
  double mean() const;
  void collect(const std::string& prefix, std::vector<StatEntry>& out) const override;

 private:
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// Histogram over [low, high) in equal buckets, plus count, mean, stdev, min, max, and the samples
// that fell outside the range. A sample is one bucket index (boost's regular axis, which also gives
// the buckets' bounds) and one increment of a plain counter: distributions are filled on every
// access.
class VMSIM_API Distribution final : public Stat {
 public:
  Distribution(StatGroup& group, std::string name, std::string description, unsigned buckets, double low, double high);
  void sample(double value) { sample(value, bucket(value)); }
  // For a model that samples a few values again and again (a fixed latency): the bucket of a
  // value, worked out once, and a sample of the value in it.
  std::size_t bucket(double value) const { return static_cast<std::size_t>(axis_.index(value) + 1); }
  void sample(double value, std::size_t bucket) {
    ++counts_[bucket];
    sum_ += value;
    sum_squares_ += value * value;
    min_ = value < min_ ? value : min_;
    max_ = value > max_ ? value : max_;
    ++count_;
  }
  std::uint64_t count() const { return count_; }
  double mean() const;
  void collect(const std::string& prefix, std::vector<StatEntry>& out) const override;

 private:
  boost::histogram::axis::regular<> axis_;
  std::vector<std::uint64_t> counts_;  // underflows, each bucket, overflows (a NaN among them)
  double sum_ = 0;
  double sum_squares_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
  std::uint64_t count_ = 0;
};

// Derived from other statistics when dumped (bandwidth, hit rate).
class VMSIM_API Formula final : public Stat {
 public:
  Formula(StatGroup& group, std::string name, std::string description, std::function<double()> compute);
  void collect(const std::string& prefix, std::vector<StatEntry>& out) const override;

 private:
  std::function<double()> compute_;
};

// The two output formats; both are written from the same entries, so they hold the same numbers.
// stats.txt prints a bucket's count, pdf and cdf on its line; stats.json gives them as
// "<bucket>", "<bucket>::pdf" and "<bucket>::cdf".
VMSIM_API std::string format_stats_text(const std::vector<StatEntry>& entries);
VMSIM_API std::string format_stats_json(const std::vector<StatEntry>& entries);

}  // namespace vmsim
