// The device tree of a platform whose configuration has a `device_tree` section: each component on
// a bus describes itself (DeviceTreeDevice), the section adds the root's identity and /chosen.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

// The `device_tree` section.
struct VMSIM_API DeviceTreeSettings {
  std::string bootargs;
  std::string stdout_uart;  // a component's name; empty: the first UART
  std::string where;        // of `stdout`, or of the section if it has none
  std::string model;
  std::string compatible;

  static void declare(ParamSchema& schema);
  static DeviceTreeSettings read(Params& params);
};

// The first component that is a serial port, in the configuration's order, or null.
VMSIM_API Component* first_serial_port(const std::vector<std::unique_ptr<Component>>& components);

// Builds the tree; throws ConfigError for a component on a bus that has no node (it cannot be
// described), for what describing finds (two devices at one address, a reference to something not
// in the tree), and for a stdout that is not a UART. `where` names a component's place in the
// configuration ("file:line:col: components.name") for the messages.
VMSIM_API std::unique_ptr<DeviceTree> build_device_tree(const DeviceTreeSettings& settings,
                                                        const std::vector<std::unique_ptr<Component>>& components,
                                                        const Component::Lookup& find,
                                                        const std::function<std::string(const Component&)>& where);

}  // namespace vmsim
