#include "vmsim/platforms/device_tree_builder.h"

#include <fmt/format.h>

#include "vmsim/models/core/serial_port.h"

namespace vmsim {

void DeviceTreeSettings::declare(ParamSchema& schema) {
  schema.optional<std::string>("bootargs", "", "The kernel's command line (/chosen/bootargs; none if empty)");
  schema.optional<std::string>("stdout", "", "The UART whose node /chosen/stdout-path names (default: the first UART)");
  schema.optional<std::string>("model", "riscv-virtio,vmsim", "The root's model");
  schema.optional<std::string>("compatible", "riscv-virtio", "The root's compatible, as QEMU's virt machine has it");
}

DeviceTreeSettings DeviceTreeSettings::read(Params& params) {
  DeviceTreeSettings settings;
  settings.bootargs = params.get<std::string>("bootargs");
  settings.stdout_uart = params.get<std::string>("stdout");
  settings.where = params.locate("stdout");
  settings.model = params.get<std::string>("model");
  settings.compatible = params.get<std::string>("compatible");
  return settings;
}

Component* first_serial_port(const std::vector<std::unique_ptr<Component>>& components) {
  for (const auto& component : components)
    if (dynamic_cast<SerialPort*>(component.get()) != nullptr) return component.get();
  return nullptr;
}

std::unique_ptr<DeviceTree> build_device_tree(const DeviceTreeSettings& settings,
                                              const std::vector<std::unique_ptr<Component>>& components,
                                              const Component::Lookup& find,
                                              const std::function<std::string(const Component&)>& where) {
  auto tree = std::make_unique<DeviceTree>();
  DeviceTree::Node& root = tree->root();
  root.set("compatible", settings.compatible);
  root.set("model", settings.model);
  DeviceTree::Node& chosen = tree->node("/chosen");
  for (const auto& component : components) {
    const auto* device = dynamic_cast<const DeviceTreeDevice*>(component.get());
    if (device == nullptr) {
      // Models that are not on a bus (harts, kernels, boot loaders, buses) have nothing to say; a
      // device that software would reach but cannot find is a mistake.
      if (!component->mapped_targets().empty())
        throw ConfigError(
            fmt::format("{}: the device tree cannot describe this device (it has no binding)", where(*component)));
      continue;
    }
    try {
      device->describe(*tree, find);
    } catch (const ConfigError& e) {
      throw ConfigError(fmt::format("{}: {}", where(*component), e.what()));
    }
  }
  if (!settings.bootargs.empty()) chosen.set("bootargs", settings.bootargs);
  const Component* out = nullptr;
  if (!settings.stdout_uart.empty()) {
    out = &find(settings.stdout_uart, settings.where, "device_tree.stdout");
    if (dynamic_cast<const SerialPort*>(out) == nullptr)
      throw ConfigError(
          fmt::format("{}: device_tree.stdout: '{}' is not a UART", settings.where, settings.stdout_uart));
  } else {
    out = first_serial_port(components);
  }
  if (out != nullptr) {
    const DeviceTree::Node* node = tree->node_of(out->basename());
    if (node == nullptr)
      throw ConfigError(fmt::format("{}: '{}' is not in the device tree", settings.where, out->basename()));
    chosen.set("stdout-path", node->path());
  }
  // A reference to a node no component described is found here, before anything runs.
  try {
    tree->blob();
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", settings.where, e.what()));
  }
  return tree;
}

}  // namespace vmsim
