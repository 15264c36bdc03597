// A plugin that registers a type vmsim has already: the registry refuses it.
#include <vmsim/models/core/plugin.h>
#include <vmsim/models/interconnect/router.h>

VMSIM_PLUGIN(registry) { registry.add<vmsim::Router>("router", "A second router"); }
