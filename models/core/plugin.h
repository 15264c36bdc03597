// A plugin: a shared library that adds component types to vmsim. It has one entry point, with C
// linkage so that vmsim finds it by name, which VMSIM_PLUGIN writes:
//
//   #include <vmsim/models/core/plugin.h>
//
//   VMSIM_PLUGIN(registry) {
//     registry.add<MyDevice>("my_device", "A device of mine");  // as vmsim's own models are added
//   }
//
// vmsim calls it with its own versions, and the entry point, compiled into the plugin, compares
// them with those the plugin was built with before it registers anything: the plugin interface
// (VMSIM_PLUGIN_INTERFACE), the SystemC headers (SC_VERSION) and the C++ standard (__cplusplus, as
// SystemC itself requires one standard for a program and its libraries). A mismatch, and an
// exception the registration throws (a type registered twice), come back to vmsim as one line.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>

#include <systemc>

#include "vmsim/models/core/export.h"
#include "vmsim/models/core/registry.h"

// The plugin interface's version: what vmsim_plugin_host holds, and the registry a plugin fills.
// Raised when either changes in a way a plugin built before would misread.
#define VMSIM_PLUGIN_INTERFACE 1
// The entry point's name, which vmsim looks up in the library.
#define VMSIM_PLUGIN_ENTRY vmsim_plugin_register
#define VMSIM_PLUGIN_ENTRY_NAME "vmsim_plugin_register"

extern "C" {

// What vmsim passes the entry point. The first member stays first in every interface version, so
// that a plugin of another version reads it, and refuses, before it reads anything else.
struct vmsim_plugin_host {
  unsigned interface_version;      // VMSIM_PLUGIN_INTERFACE of vmsim
  const char* systemc_version;     // SC_VERSION of the SystemC headers vmsim was built with
  long cplusplus;                  // __cplusplus of vmsim's build
  vmsim::ModelRegistry* registry;  // where the plugin's types go, beside vmsim's own
};

// The entry point: returns 0 once the plugin's types are registered, or 1 with the reason in
// `error` (at most `error_size` bytes, terminated).
typedef int (*vmsim_plugin_entry)(const vmsim_plugin_host* host, char* error, std::size_t error_size);

// What a plugin was built with, which VMSIM_PLUGIN records where it expands, in the plugin.
struct vmsim_plugin_build {
  unsigned interface_version;
  const char* systemc_version;
  long cplusplus;
};
}

namespace vmsim::plugin_detail {

// Compiled into the plugin: compares what it was built with against vmsim's, then registers.
inline int enter(const vmsim_plugin_host* host, char* error, std::size_t error_size, const vmsim_plugin_build& built,
                 void (*register_types)(ModelRegistry&)) {
  if (host->interface_version != built.interface_version) {
    std::snprintf(error, error_size, "built for vmsim plugin interface %u, but this vmsim has interface %u",
                  built.interface_version, host->interface_version);
    return 1;
  }
  if (std::strcmp(host->systemc_version, built.systemc_version) != 0) {
    std::snprintf(error, error_size, "built for SystemC %s, but this vmsim uses SystemC %s", built.systemc_version,
                  host->systemc_version);
    return 1;
  }
  if (host->cplusplus != built.cplusplus) {
    std::snprintf(error, error_size, "built for C++ %ld (__cplusplus), but this vmsim was built for C++ %ld",
                  built.cplusplus, host->cplusplus);
    return 1;
  }
  try {
    register_types(*host->registry);
  } catch (const std::exception& e) {
    std::snprintf(error, error_size, "%s", e.what());
    return 1;
  }
  return 0;
}

}  // namespace vmsim::plugin_detail

// Defines the plugin's entry point around the body that follows, which registers the plugin's
// types in `registry` (a vmsim::ModelRegistry&).
#define VMSIM_PLUGIN(registry)                                                                                      \
  static void vmsim_plugin_types(vmsim::ModelRegistry& registry);                                                   \
  extern "C" VMSIM_API int VMSIM_PLUGIN_ENTRY(const vmsim_plugin_host* host, char* error, std::size_t error_size) { \
    return vmsim::plugin_detail::enter(host, error, error_size, {VMSIM_PLUGIN_INTERFACE, SC_VERSION, __cplusplus},  \
                                       vmsim_plugin_types);                                                         \
  }                                                                                                                 \
  static void vmsim_plugin_types(vmsim::ModelRegistry& registry)
