// A plugin as if built against another vmsim, SystemC or C++ standard (MISMATCH names which): its
// entry point checks what vmsim passes against that, as VMSIM_PLUGIN's does, and must refuse.
#include <vmsim/models/core/plugin.h>

namespace {

void register_nothing(vmsim::ModelRegistry&) {}

#if MISMATCH == 1
constexpr vmsim_plugin_build built{VMSIM_PLUGIN_INTERFACE + 1, SC_VERSION, __cplusplus};
#elif MISMATCH == 2
constexpr vmsim_plugin_build built{VMSIM_PLUGIN_INTERFACE, "2.3.3-Accellera", __cplusplus};
#else
constexpr vmsim_plugin_build built{VMSIM_PLUGIN_INTERFACE, SC_VERSION, 202002L};
#endif

}  // namespace

extern "C" VMSIM_API int VMSIM_PLUGIN_ENTRY(const vmsim_plugin_host* host, char* error, std::size_t error_size) {
  return vmsim::plugin_detail::enter(host, error, error_size, built, register_nothing);
}
