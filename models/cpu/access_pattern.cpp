#include "vmsim/models/cpu/access_pattern.h"

#include <algorithm>
#include <cmath>

namespace vmsim {
namespace {

// log1p(x) / x and expm1(x) / x, accurate near zero.
double log1p_over(double x) { return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x)); }
double expm1_over(double x) {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}

}  // namespace

AccessPattern::AccessPattern(const Spec& spec, std::uint64_t seed)
    : spec_(spec), random_(seed), elements_(spec.size / spec.access_size) {
  const unsigned streams = spec.kind == Kind::strided ? spec.streams : 1;
  slice_ = spec.size / streams;
  offsets_.assign(streams, 0);
  if (spec.kind == Kind::zipf) {
    const auto h_integral = [this](double x) {
      const double log_x = std::log(x);
      return expm1_over((1 - spec_.skew) * log_x) * log_x;
    };
    h_integral_x1_ = h_integral(1.5) - 1;
    h_integral_n_ = h_integral(static_cast<double>(elements_) + 0.5);
    const double h2 = std::exp(-spec_.skew * std::log(2.0));
    const double target = h_integral(2.5) - h2;
    double t = target * (1 - spec_.skew);
    if (t < -1) t = -1;
    s_ = 2 - std::exp(log1p_over(t) * target);
  }
}

std::uint64_t AccessPattern::next_strided() {
  std::uint64_t& offset = offsets_[stream_];
  const std::uint64_t address = spec_.base + stream_ * slice_ + offset;
  // Each stream wraps within its slice as soon as its next access would not fit.
  offset += spec_.stride;
  if (offset > slice_ - spec_.access_size) offset = 0;
  stream_ = (stream_ + 1) % offsets_.size();
  return address;
}

std::uint64_t AccessPattern::next_hot_cold() {
  const std::uint64_t hot = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(spec_.hot_fraction * elements_));
  const std::uint64_t cold = elements_ - hot;
  const bool to_hot = cold == 0 || random_.unit() < spec_.hot_probability;
  const std::uint64_t element = to_hot ? random_.below(hot) : hot + random_.below(cold);
  return spec_.base + element * spec_.access_size;
}

std::uint64_t AccessPattern::next_zipf() {
  const double skew = spec_.skew;
  const auto h = [skew](double x) { return std::exp(-skew * std::log(x)); };
  const auto h_integral = [skew](double x) {
    const double log_x = std::log(x);
    return expm1_over((1 - skew) * log_x) * log_x;
  };
  const auto h_integral_inverse = [skew](double x) {
    double t = x * (1 - skew);
    if (t < -1) t = -1;
    return std::exp(log1p_over(t) * x);
  };
  while (true) {
    const double u = h_integral_n_ + random_.unit() * (h_integral_x1_ - h_integral_n_);
    const double x = h_integral_inverse(u);
    double k = std::floor(x + 0.5);
    if (k < 1) k = 1;
    if (k > static_cast<double>(elements_)) k = static_cast<double>(elements_);
    if (k - x <= s_ || u >= h_integral(k + 0.5) - h(k)) return static_cast<std::uint64_t>(k);
  }
}

}  // namespace vmsim
