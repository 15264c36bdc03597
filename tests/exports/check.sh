#!/usr/bin/env bash
# Usage: check.sh SOURCE_DIR MODELS_LIBRARY PLATFORM_LIBRARY PLUGIN
# What the vmsim libraries export (nm -D): every symbol is vmsim's (in namespace vmsim: its functions
# and data, and the vtables, type information, thunks and guard variables of its classes), nothing of
# SystemC, TLM, the standard library, yaml-cpp or fmt; the public API is there; a plugin exports its
# entry point. And every class of an installed header is marked VMSIM_API (models/core/export.h),
# so that what a header declares is what the library exports.
set -euo pipefail
source_dir=$1
shift
failed=0
fail() { echo "exports: $*" >&2; failed=1; }

# nm's demangled names, without address and kind.
symbols() { nm -DC --defined-only "$1" | sed -E 's/^[0-9a-f]+ [A-Za-z] //'; }
vmsims='^((typeinfo|typeinfo name|vtable|VTT|guard variable) for |(non-)?virtual thunk to )?vmsim::'

models=$(symbols "$1")
platform=$(symbols "$2")
plugin=$(symbols "$3")
for library in models platform; do
  foreign=$(grep -Ev "$vmsims" <<<"${!library}" || true)
  [ -z "$foreign" ] || fail "libvmsim-$library exports symbols that are not vmsim's:"$'\n'"$foreign"
done
# The public API: a model, the platform, loading plugins, a parameter read through a declaration.
for needed in 'vmsim::Mmu::Mmu(' 'vmsim::Dram::Dram(' 'vmsim::ModelSet::bind()' 'vmsim::Params::scope(' \
              'vtable for vmsim::Component' 'typeinfo for vmsim::ConfigError'; do
  grep -qF "$needed" <<<"$models" || fail "libvmsim-models does not export $needed"
done
for needed in 'vmsim::System::System(' 'vmsim::load_plugins(' 'vmsim::register_builtin_models('; do
  grep -qF "$needed" <<<"$platform" || fail "libvmsim-platform does not export $needed"
done
# The firmware's kernel is inside the platform library, not part of its API.
if grep -qE '^vmsim::(Kernel|KernelModel)::' <<<"$platform"; then fail "libvmsim-platform exports the kernel"; fi
grep -qx 'vmsim_plugin_register' <<<"$plugin" || fail "$(basename "$3") does not export vmsim_plugin_register"

# Classes and structs defined at namespace level in the installed headers (not templates, not
# forward declarations, not the plugin interface's C structs) carry VMSIM_API.
cd "$source_dir"
unmarked=$(awk 'FNR == 1 { previous = "" }
                /^(class|struct) [A-Za-z_]/ && !/VMSIM_API/ && !/^struct vmsim_/ && !/;[[:space:]]*$/ && previous !~ /^template/ { print FILENAME ":" FNR ": " $0 }
                { previous = $0 }' \
             $(find models -name '*.h') platforms/system.h platforms/builtin_models.h platforms/plugins.h \
             platforms/results.h platforms/summary.h platforms/parameter_listing.h platforms/trace_events.h \
             platforms/console_script.h platforms/device_tree_builder.h)
[ -z "$unmarked" ] || fail "classes of installed headers without VMSIM_API:"$'\n'"$unmarked"

[ "$failed" = 0 ] && echo "exports: $(wc -l <<<"$models") symbols in libvmsim-models, $(wc -l <<<"$platform") in libvmsim-platform, all vmsim's"
exit "$failed"
