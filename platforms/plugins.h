// Loading plugins (models/core/plugin.h): shared libraries whose component types join the registry
// the built-in models are in, named by a configuration (`plugins: [lib/libmydevice.so]`, relative to
// its folder) or on the command line (--plugin). Every mistake is a ConfigError, one line naming the
// plugin: a library that does not load (with the loader's reason), one without the entry point, one
// built for another plugin interface, SystemC or C++ standard, a type that another plugin or vmsim
// itself has registered.
#pragma once

#include <string>
#include <vector>

#include "vmsim/models/core/config_document.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/registry.h"

namespace vmsim {

// Loads the plugin in `file` and registers its types in `registry`. A library stays loaded for the
// rest of the process (its code is in every component it creates, and in the registry's factories).
// Loading one file again into another registry registers its types there too; into the same one, it
// is a type registered twice.
VMSIM_API void load_plugin(const std::string& file, ModelRegistry& registry);

// The plugins of `config`: those its `plugins` list names (relative to its folder) and then `extra`
// (from the command line, relative to the working folder). Each is loaded into `registry`, once even
// if named twice, and the list is rewritten with absolute paths, so that the resolved configuration
// (config.yaml) loads the same ones again.
VMSIM_API void load_plugins(ConfigDocument& config, ModelRegistry& registry,
                            const std::vector<std::string>& extra = {});

}  // namespace vmsim
