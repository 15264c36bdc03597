// The device tree a platform hands to the software it boots, as its components describe themselves:
// each one that real software should find implements DeviceTreeDevice and adds its nodes. The tree
// is kept as plain nodes and properties (no libfdt types here), written out as a flattened blob
// (libfdt) and as source text (.dts) that dtc compiles to the same tree. Nodes refer to each other
// by label (a component's name, or a hart's interrupt controller): each label becomes a phandle,
// numbered in the order labels are given, so the same platform gives the same blob.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/export.h"

namespace vmsim {

// A property value of 32-bit cells, some of which name a node by its label (its phandle, known
// once the whole tree is there).
class VMSIM_API Cells {
 public:
  Cells& u32(std::uint32_t value) {
    cells_.push_back({value, {}});
    return *this;
  }
  // Two cells, the high half first (an address or size with #address-cells = 2).
  Cells& u64(std::uint64_t value) {
    return u32(static_cast<std::uint32_t>(value >> 32)).u32(static_cast<std::uint32_t>(value));
  }
  Cells& ref(std::string label) {
    cells_.push_back({0, std::move(label)});
    return *this;
  }

 private:
  friend class DeviceTree;
  struct Cell {
    std::uint32_t value;
    std::string label;  // not empty: the phandle of the node so labelled
    bool operator==(const Cell& other) const { return value == other.value && label == other.label; }
  };
  std::vector<Cell> cells_;
};

class VMSIM_API DeviceTree {
 public:
  class Node {
   public:
    const std::string& name() const { return name_; }
    // "/soc/serial@10000000"
    std::string path() const;
    // The child of that name ("cpu@0", "interrupt-controller"), made if it is not there.
    Node& child(const std::string& name);
    const Node* find_child(std::string_view name) const;

    // Setting a property that is there already with another value is a ConfigError: two components
    // would describe one thing differently.
    Node& set(const std::string& property, Cells cells);
    Node& set(const std::string& property, std::string text);
    Node& set(const std::string& property, std::vector<std::string> strings);
    Node& set(const std::string& property);  // an empty (boolean) property
    // Gives the node a label that Cells::ref() names, and so a phandle.
    Node& label(std::string name);

   private:
    friend class DeviceTree;
    struct Property {
      enum class Kind { empty, cells, strings } kind;
      std::string name;
      std::vector<Cells::Cell> cells;
      std::vector<std::string> strings;
      bool operator==(const Property& other) const {
        return kind == other.kind && cells == other.cells && strings == other.strings;
      }
    };

    Node(DeviceTree& tree, Node* parent, std::string name) : tree_(&tree), parent_(parent), name_(std::move(name)) {}
    Node& add(Property property);
    // The children in the order they are written: those without a unit address as they came, then
    // the others by address.
    std::vector<const Node*> ordered_children() const;

    DeviceTree* tree_;
    Node* parent_;
    std::string name_;
    std::string label_;
    std::vector<Property> properties_;
    std::vector<std::unique_ptr<Node>> children_;
  };

  // The root with #address-cells = #size-cells = 2 (64-bit addresses and sizes).
  DeviceTree();
  DeviceTree(const DeviceTree&) = delete;
  DeviceTree& operator=(const DeviceTree&) = delete;

  Node& root() { return *root_; }
  // The node at `path` ("/cpus", "/soc"), made with its parents if it is not there.
  Node& node(std::string_view path);
  const Node* find(std::string_view path) const;

  // A device on the system bus: the node "/soc/<kind>@<base>" with its reg, belonging to component
  // `owner`. /soc is made as QEMU's virt machine has it (a simple-bus with identity ranges). A
  // device whose range overlaps another's is a ConfigError naming both.
  Node& device(const std::string& owner, const std::string& kind, std::uint64_t base, std::uint64_t size);
  // A memory range: "/memory@<base>" with device_type and reg, belonging to `owner`.
  Node& memory(const std::string& owner, std::uint64_t base, std::uint64_t size);
  // Hart `hart_id`: "/cpus/cpu@<id>" with device_type, reg, status, compatible "riscv", riscv,isa,
  // mmu-type (none if empty) and its interrupt controller child ("riscv,cpu-intc"), which
  // hart_interrupt_controller(hart_id) names; belonging to `owner`.
  Node& hart(const std::string& owner, unsigned hart_id, const std::string& isa, const std::string& mmu_type);
  // The label of hart `hart_id`'s interrupt controller, for interrupts-extended.
  static std::string hart_interrupt_controller(unsigned hart_id);
  // The main node of component `owner` (its device, memory or hart node), or null.
  const Node* node_of(const std::string& owner) const;

  // The flattened blob; a label that no node carries is a ConfigError.
  std::vector<std::uint8_t> blob() const;
  // The same tree as device-tree source, with each phandle written out.
  std::string source() const;

 private:
  struct Range {
    std::string owner;
    std::uint64_t base;
    std::uint64_t size;
  };
  // Each label's phandle, numbered from 1 in the order labels were given.
  std::map<std::string, std::uint32_t> phandles() const;
  void claim_range(const std::string& owner, std::uint64_t base, std::uint64_t size);

  std::unique_ptr<Node> root_;
  std::vector<std::string> labels_;
  std::map<std::string, const Node*, std::less<>> owned_;
  std::vector<Range> ranges_;
};

// A component that real software finds in the device tree. describe() is called once every
// component has resolved its references (interrupt sources have their numbers); `find` looks other
// components up by name. A ConfigError from it is a configuration error before simulation.
class VMSIM_API DeviceTreeDevice {
 public:
  virtual ~DeviceTreeDevice() = default;
  virtual void describe(DeviceTree& tree, const Component::Lookup& find) const = 0;
};

// interrupt-parent and interrupts of `node`, for a device whose lines are the sources `sources` at
// the interrupt controller named `controller`; nothing if `controller` is empty (the lines go
// nowhere).
VMSIM_API void describe_interrupt(DeviceTree::Node& node, const Component::Lookup& find, const std::string& controller,
                                  const std::vector<std::string>& sources);

}  // namespace vmsim
