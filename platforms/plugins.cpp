#include "vmsim/platforms/plugins.h"

#include <dlfcn.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "vmsim/models/core/plugin.h"

namespace vmsim {

namespace {

// Loads the plugin and registers its types; returns why it could not, or "".
std::string try_loading(const std::string& file, ModelRegistry& registry) {
  // RTLD_NOW: a symbol the plugin needs and no library has is the loader's error here, not a crash
  // in the middle of a run. RTLD_LOCAL: two plugins' own symbols do not meet.
  void* library = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) return fmt::format("cannot load it: {}", dlerror());
  auto* entry = reinterpret_cast<vmsim_plugin_entry>(dlsym(library, VMSIM_PLUGIN_ENTRY_NAME));
  if (entry == nullptr)
    return fmt::format("it has no entry point {} (a plugin defines it with VMSIM_PLUGIN, vmsim/models/core/plugin.h)",
                       VMSIM_PLUGIN_ENTRY_NAME);
  const vmsim_plugin_host host{VMSIM_PLUGIN_INTERFACE, SC_VERSION, __cplusplus, &registry};
  char error[512] = {};
  registry.set_origin(file);
  const int failed = entry(&host, error, sizeof error);
  registry.set_origin({});
  return failed != 0 ? std::string(error) : std::string();
}

}  // namespace

void load_plugin(const std::string& file, ModelRegistry& registry) {
  if (const std::string problem = try_loading(file, registry); !problem.empty())
    throw ConfigError(fmt::format("plugin {}: {}", file, problem));
}

void load_plugins(ConfigDocument& config, ModelRegistry& registry, const std::vector<std::string>& extra) {
  const std::string key = "plugins";
  // Through a const node, and reset(): yaml-cpp's operator[] would add the key, or give an invalid node.
  YAML::Node list;
  const YAML::Node& root = config.root();
  if (const YAML::Node found = root[key]; found.IsDefined()) list.reset(found);
  if (!list.IsNull() && !list.IsSequence())
    config.fail(list, key, "expected a list of plugin files (shared libraries)");
  const std::filesystem::path folder = std::filesystem::absolute(config.origin()).parent_path();
  struct Named {
    std::string file;   // absolute
    std::string where;  // who named it, for messages
  };
  std::vector<Named> plugins;
  const auto add = [&](const std::filesystem::path& file, std::string where) {
    const std::string absolute = file.lexically_normal().string();
    if (std::none_of(plugins.begin(), plugins.end(), [&](const Named& named) { return named.file == absolute; }))
      plugins.push_back({absolute, std::move(where)});
  };
  for (std::size_t i = 0; list.IsSequence() && i < list.size(); ++i) {
    const std::string path = fmt::format("{}.{}", key, i);
    if (!list[i].IsScalar() || list[i].Scalar().empty()) config.fail(list[i], path, "expected the file of a plugin");
    add(folder / list[i].Scalar(),
        fmt::format("{}: {}: plugin {}", config.locate(list[i], path), path, list[i].Scalar()));
  }
  for (const std::string& file : extra) add(std::filesystem::absolute(file), "--plugin " + file);
  if (plugins.empty()) return;
  for (const Named& plugin : plugins)
    if (const std::string problem = try_loading(plugin.file, registry); !problem.empty())
      throw ConfigError(fmt::format("{}: {}", plugin.where, problem));
  // The configuration that ran names every plugin it used, by absolute path.
  YAML::Node rewritten(YAML::NodeType::Sequence);
  for (const Named& plugin : plugins) rewritten.push_back(plugin.file);
  YAML::Node writable = config.root();
  writable[key] = rewritten;
}

}  // namespace vmsim
