#include "vmsim/models/core/model_set.h"

#include <fmt/format.h>

namespace vmsim {

ModelSet::ModelSet() : ModelSet(Options{}) {}

ModelSet::ModelSet(Options options)
    : options_(std::move(options)),
      // Relative file names (a DRAM preset, a stimulus file) are taken from the working folder.
      document_(ConfigDocument::from_string("{}", "C++ parameters")),
      stats_(root_stats_, options_.name) {
  run_.set_quantum(options_.quantum);
}

ModelSet::~ModelSet() = default;

Params ModelSet::parameters(const std::string& name, const Values& values, ParamSchema schema) {
  YAML::Node root = document_.root();
  if (root[name]) throw ConfigError(fmt::format("C++ parameters: {}: the set has a model of that name already", name));
  YAML::Node map(YAML::NodeType::Map);
  for (const auto& [path, value] : values) {
    // yaml-cpp nodes are references: reset() moves the cursor, assignment would overwrite the node.
    YAML::Node cursor;
    cursor.reset(map);
    std::size_t start = 0;
    for (std::size_t dot = path.find('.'); dot != std::string::npos; start = dot + 1, dot = path.find('.', start)) {
      const std::string key = path.substr(start, dot - start);
      if (!cursor[key]) cursor[key] = YAML::Node(YAML::NodeType::Map);
      if (!cursor[key].IsMap())
        throw ConfigError(fmt::format("C++ parameters: {}.{}: '{}' is a value, not a map", name, path, key));
      YAML::Node child = cursor[key];
      cursor.reset(child);
    }
    cursor[path.substr(start)] = value.text();
  }
  root[name] = map;
  document_.resolved()[name] = YAML::Node(YAML::NodeType::Map);
  return Params(document_, root[name], document_.resolved()[name], name, schemas_.emplace_back(std::move(schema)));
}

ComponentContext ModelSet::context(Params& params) {
  return ComponentContext{params, stats_, run_, options_.seed, nullptr, options_.output_directory};
}

void ModelSet::adopt(std::unique_ptr<Component> model, const Params& params) {
  params.reject_unknown();
  models_.push_back(std::move(model));
}

void ModelSet::bind() {
  const auto find = [this](const std::string& name, const std::string& where, const std::string& path) -> Component& {
    for (const auto& model : models_)
      if (name == model->basename()) return *model;
    throw ConfigError(fmt::format("{}: {}: the set has no model named '{}'", where, path, name));
  };
  bind_components(models_, find, "");
}

}  // namespace vmsim
