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

}  // namespace vmsim
