#include "models/core/component.h"

#include <fmt/format.h>

namespace vmsim {

Component::Component(const sc_core::sc_module_name& name, ComponentContext& context)
    : sc_core::sc_module(name), stats_(context.parent_stats, basename()), run_(context.run) {}

std::uint64_t Component::map_on_bus(TargetSocket& socket, Params& params, std::uint64_t default_size, std::string_view what) {
  const auto base = params.require<Address>("base", fmt::format("Lowest physical address of the {}", what));
  const auto size = params.get<Bytes>("size", Bytes{default_size}, fmt::format("Size of the {}", what));
  const auto bus = params.get<std::string>("bus", "bus", fmt::format("Interconnect that the {} is mapped on", what));
  if (size.value == 0) params.fail("size", "must not be zero");
  if (base.value + (size.value - 1) < base.value) params.fail("size", "the range wraps past the end of the address space");
  mapped_targets_.push_back({basename(), bus, &socket, base.value, size.value, params.locate("base")});
  return size.value;
}

std::unique_ptr<Distribution> Component::latency_distribution(Params& params, std::string_view key, StatGroup& group,
                                                              std::string name, std::string description,
                                                              sc_core::sc_time default_max) {
  Params histogram = params.scope(key, fmt::format("Buckets of the {} distribution", name));
  const auto buckets = histogram.get<unsigned>("buckets", 20, "Number of equal buckets");
  const auto limit = histogram.get<sc_core::sc_time>("max", default_max, "Upper end of the last bucket");
  if (buckets == 0) histogram.fail("buckets", "must be at least 1");
  if (limit == sc_core::SC_ZERO_TIME) histogram.fail("max", "must be above zero");
  return std::make_unique<Distribution>(group, std::move(name), std::move(description), buckets, 0.0, to_ns(limit));
}

}  // namespace vmsim
