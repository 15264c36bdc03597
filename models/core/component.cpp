#include "vmsim/models/core/component.h"

#include <optional>
#include <utility>

#include <fmt/format.h>

namespace vmsim {

Component::Component(const sc_core::sc_module_name& name, ComponentContext& context)
    : sc_core::sc_module(name), stats_(context.parent_stats, basename()), run_(context.run) {}

namespace {

// The mapping's parameters, in the order they are read, with the size declared by `declare_size`.
template <typename DeclareSize>
void declare_mapping_with(ParamSchema& schema, std::string_view what, DeclareSize declare_size,
                          std::optional<std::string> absent = {}) {
  if (absent)
    schema.derived<Address>("base", std::move(*absent), fmt::format("Lowest physical address of the {}", what));
  else
    schema.required<Address>("base", fmt::format("Lowest physical address of the {}", what));
  declare_size(fmt::format("Size of the {}", what));
  schema.optional<std::string>("bus", "bus", fmt::format("Interconnect that the {} is mapped on", what));
}

}  // namespace

void Component::declare_mapping(ParamSchema& schema, std::uint64_t default_size, std::string_view what) {
  declare_mapping_with(schema, what, [&](std::string description) {
    schema.optional<Bytes>("size", Bytes{default_size}, std::move(description));
  });
}

void Component::declare_optional_mapping(ParamSchema& schema, std::uint64_t default_size, std::string_view what,
                                         std::string absent) {
  declare_mapping_with(
      schema, what,
      [&](std::string description) { schema.optional<Bytes>("size", Bytes{default_size}, std::move(description)); },
      std::move(absent));
}

void Component::declare_mapping(ParamSchema& schema, std::string size_rule, std::string_view what) {
  declare_mapping_with(schema, what, [&](std::string description) {
    schema.derived<Bytes>("size", std::move(size_rule), std::move(description));
  });
}

std::uint64_t Component::map_on_bus(TargetSocket& socket, Params& params, std::optional<std::uint64_t> derived_size) {
  const auto base = params.require<Address>("base");
  const auto size = derived_size ? params.get<Bytes>("size", Bytes{*derived_size}) : params.get<Bytes>("size");
  const auto bus = params.get<std::string>("bus");
  if (size.value == 0) params.fail("size", "must not be zero");
  if (base.value + (size.value - 1) < base.value) params.fail("size", "the range wraps past the end of the address space");
  mapped_targets_.push_back({basename(), bus, &socket, base.value, size.value, params.locate("base")});
  return size.value;
}

void Component::declare_connection(ParamSchema& schema, const Connection& connection) {
  std::vector<std::string> kinds;
  for (const PeerKind& kind : connection.accepts)
    kinds.push_back(kind.exclusive ? fmt::format("its own {}", kind.type) : fmt::format("a {}", kind.type));
  schema.optional<std::string>(connection.port, connection.default_peer,
                               fmt::format("{} ({})", connection.description, fmt::join(kinds, " or ")));
}

void Component::declare_latency_distribution(ParamSchema& schema, std::string key, std::string_view name,
                                             sc_core::sc_time default_max) {
  ParamSchema& histogram =
      schema.scope(std::move(key), fmt::format("Buckets of the {} distribution", name)).declare_members();
  histogram.optional<unsigned>("buckets", 20, "Number of equal buckets");
  histogram.optional<sc_core::sc_time>("max", default_max, "Upper end of the last bucket");
}

std::unique_ptr<Distribution> Component::latency_distribution(Params& params, std::string_view key, StatGroup& group,
                                                              std::string name, std::string description) {
  Params histogram = params.scope(key);
  const auto buckets = histogram.get<unsigned>("buckets");
  const auto limit = histogram.get<sc_core::sc_time>("max");
  if (buckets == 0) histogram.fail("buckets", "must be at least 1");
  if (limit == sc_core::SC_ZERO_TIME) histogram.fail("max", "must be above zero");
  return std::make_unique<Distribution>(group, std::move(name), std::move(description), buckets, 0.0, to_ns(limit));
}

void bind_components(const std::vector<std::unique_ptr<Component>>& components, const Component::Lookup& find,
                     std::string_view section, const SocketLink& link, const std::function<void()>& resolved) {
  const auto linked = [&link](TargetSocket& target, const std::string& initiator) -> TargetSocket& {
    return link ? link(target, initiator) : target;
  };
  for (const auto& component : components) {
    for (const InitiatorBinding& binding : component->initiator_bindings()) {
      const std::string path = join_path(join_path(section, component->basename()), binding.connection->port);
      binding.bind(linked(*find(binding.peer, binding.where, path).target_socket(), path));
    }
    for (const MappedTarget& mapped : component->mapped_targets()) {
      const std::string path = join_path(join_path(section, component->basename()), "bus");
      auto* interconnect = dynamic_cast<Interconnect*>(&find(mapped.bus, mapped.where, path));
      if (interconnect == nullptr)
        throw ConfigError(fmt::format("{}: {}: '{}' is not an interconnect", mapped.where, path, mapped.bus));
      MappedTarget attached = mapped;
      attached.socket = &linked(*mapped.socket, join_path(section, mapped.bus));
      interconnect->attach(attached);
    }
  }
  for (const auto& component : components) component->resolve(find);
  if (resolved) resolved();
  for (const auto& component : components) component->check_resolved();
}

}  // namespace vmsim
