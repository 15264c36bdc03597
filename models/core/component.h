// The base of every model that a platform configuration can name: a SystemC module with its
// parameters, its statistics, and the sockets it offers for the platform to bind.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/params.h"
#include "vmsim/models/core/run_control.h"
#include "vmsim/models/core/stats.h"

namespace vmsim {

using TargetSocket = tlm::tlm_base_target_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;

// What a component's constructor gets from the platform.
struct VMSIM_API ComponentContext {
  Params& params;
  StatGroup& parent_stats;
  RunControl& run;
  std::uint64_t seed;                 // platform.seed
  std::vector<Params>* workload;      // this component's entry of the workload section, if any
  std::string output_directory;       // where the run's result files go (created before elaboration ends)
};

// A target socket that occupies a range of the physical address map of an interconnect.
struct VMSIM_API MappedTarget {
  std::string owner;
  std::string bus;    // the interconnect component it sits on
  TargetSocket* socket;
  std::uint64_t base;
  std::uint64_t size;
  std::string where;  // configuration location of `base`, for overlap errors
};

// What an initiator port may connect to: a component of one of these types (their names in the
// model registry), either shared with other initiators (a bus) or the port's alone (its MMU, whose
// target takes one initiator).
struct VMSIM_API PeerKind {
  std::string type;
  bool exclusive = false;
};

// An initiator port as a model declares it: the parameter naming its peer, and what it accepts.
// The platform checks each connection against it before binding anything, so that a wrong peer is a
// configuration error naming the key rather than SystemC's binding report.
struct VMSIM_API Connection {
  std::string port;
  std::string default_peer;
  std::string description;
  std::vector<PeerKind> accepts;
};

// An initiator socket together with the component it must be bound to.
struct VMSIM_API InitiatorBinding {
  const Connection* connection;
  std::string peer;   // component name from the configuration
  std::string where;  // configuration location of the peer name
  std::function<void(TargetSocket&)> bind;
};

class VMSIM_API Component : public sc_core::sc_module {
 public:
  Component(const sc_core::sc_module_name& name, ComponentContext& context);

  StatGroup& stats() { return stats_; }
  // The socket that initiators naming this component are bound to.
  virtual TargetSocket* target_socket() { return nullptr; }
  // The socket a program that embeds the platform binds an initiator of its own to (ExternalPort).
  virtual TargetSocket* external_socket() { return nullptr; }
  const std::vector<MappedTarget>& mapped_targets() const { return mapped_targets_; }
  const std::vector<InitiatorBinding>& initiator_bindings() const { return initiator_bindings_; }

  // Finds a component by name, or throws ConfigError naming `where` and `path`.
  using Lookup = std::function<Component&(const std::string& name, const std::string& where, const std::string& path)>;
  // Called once every component exists and is bound: a model that refers to another by name looks
  // it up here.
  virtual void resolve(const Lookup& /*find*/) {}
  // Called once every component has resolved its references, for the checks that need every
  // connection made (a line another model connects in its own resolve()); throws ConfigError.
  virtual void check_resolved() const {}

 protected:
  // Parameter groups several models share: each helper that reads one has a declaration beside it.

  // `base`, `size` (default `default_size`) and `bus` (the interconnect it sits on) of a target
  // socket on the address map.
  static void declare_mapping(ParamSchema& schema, std::uint64_t default_size, std::string_view what);
  // The same with a size whose default the model works out, as `size_rule` says.
  static void declare_mapping(ParamSchema& schema, std::string size_rule, std::string_view what);
  // The same for a socket that may stay off the bus: its base is optional, and `absent` says what
  // a component without one is.
  static void declare_optional_mapping(ParamSchema& schema, std::uint64_t default_size, std::string_view what,
                                       std::string absent);
  // Reads the mapping's parameters for `socket`, given the size's default if the model works it out;
  // returns the size.
  std::uint64_t map_on_bus(TargetSocket& socket, Params& params, std::optional<std::uint64_t> derived_size = {});

  // The parameter naming the component that an initiator socket connects to; `connection` lives as
  // long as the program (a model's static), as the binding refers to it.
  static void declare_connection(ParamSchema& schema, const Connection& connection);
  template <typename InitiatorSocket>
  void connect(InitiatorSocket& socket, Params& params, const Connection& connection) {
    const auto peer = params.get<std::string>(connection.port);
    initiator_bindings_.push_back(
        {&connection, peer, params.locate(connection.port), [&socket](TargetSocket& target) { socket.bind(target); }});
  }

  // A scope `key` ({buckets, max}) setting the buckets of a latency distribution in ns.
  static void declare_latency_distribution(ParamSchema& schema, std::string key, std::string_view name,
                                           sc_core::sc_time default_max);
  std::unique_ptr<Distribution> latency_distribution(Params& params, std::string_view key, StatGroup& group,
                                                     std::string name, std::string description);

  RunControl& run() { return run_; }
  // The name the component's random streams are derived from (with platform.seed): its name as the
  // vmsim command's platform has it, "system.<name>", whatever a program that embeds the platform
  // calls the platform's module, so that a platform draws the same numbers wherever it runs.
  std::string stream_name() const { return "system." + std::string(basename()); }
  // This component's track `name` on the run's timeline (one that records nothing without one).
  TimelineTrack timeline_track(const std::string& name) { return TimelineTrack(run_.timeline(), basename(), name); }

 private:
  StatGroup stats_;
  RunControl& run_;
  std::vector<MappedTarget> mapped_targets_;
  std::vector<InitiatorBinding> initiator_bindings_;
};

// A component that routes transactions to mapped targets (the bus).
class VMSIM_API Interconnect {
 public:
  virtual ~Interconnect() = default;
  virtual void attach(const MappedTarget& target) = 0;
};

// What an initiator socket is bound to in place of `target`: `target` itself, or the target socket
// of something put between them (a protocol checker), bound to `target` in turn. `initiator` names
// the initiator side ("components.cpu0.port", "components.bus").
using SocketLink = std::function<TargetSocket&(TargetSocket& target, const std::string& initiator)>;

// Binds `components` as their parameters say, as a platform does: each initiator port to the
// component it names, each mapped target onto the interconnect its `bus` names; then each component
// resolves the others it names, and checks them. `find` looks a name up (and throws ConfigError for
// one it does not know); `section` is where the components' parameters are ("components": paths
// are components.<name>.<key>). `resolved`, if given, runs between the two (a platform describes
// its machine there: a device tree needs every reference resolved, and the checks may need it).
VMSIM_API void bind_components(const std::vector<std::unique_ptr<Component>>& components, const Component::Lookup& find,
                               std::string_view section, const SocketLink& link = {},
                               const std::function<void()>& resolved = {});

}  // namespace vmsim
