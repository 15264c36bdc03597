#include "vmsim/models/core/device_tree.h"

#include <libfdt.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include <fmt/format.h>

#include "vmsim/models/core/interrupt.h"

namespace vmsim {
namespace {

// A node's unit address, the hexadecimal number after its '@', if it has one.
std::optional<std::uint64_t> unit_address(const std::string& name) {
  const auto at = name.find('@');
  if (at == std::string::npos) return std::nullopt;
  return std::strtoull(name.c_str() + at + 1, nullptr, 16);
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\')
      out += fmt::format("\\{}", c);
    else if (byte >= 0x20 && byte < 0x7f)
      out += c;
    else
      out += fmt::format("\\x{:02x}", byte);
  }
  return out + "\"";
}

void put_be32(std::vector<std::uint8_t>& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(value >> shift));
}

}  // namespace

std::string DeviceTree::Node::path() const {
  if (parent_ == nullptr) return "/";
  const std::string above = parent_->path();
  return above == "/" ? "/" + name_ : above + "/" + name_;
}

DeviceTree::Node& DeviceTree::Node::child(const std::string& name) {
  for (const auto& existing : children_)
    if (existing->name_ == name) return *existing;
  children_.push_back(std::unique_ptr<Node>(new Node(*tree_, this, name)));
  return *children_.back();
}

const DeviceTree::Node* DeviceTree::Node::find_child(std::string_view name) const {
  for (const auto& existing : children_)
    if (existing->name_ == name) return existing.get();
  return nullptr;
}

DeviceTree::Node& DeviceTree::Node::add(Property property) {
  for (const Property& existing : properties_) {
    if (existing.name != property.name) continue;
    if (existing == property) return *this;
    throw ConfigError(fmt::format("device tree: {} {}: two components describe it differently", path(), property.name));
  }
  properties_.push_back(std::move(property));
  return *this;
}

DeviceTree::Node& DeviceTree::Node::set(const std::string& property, Cells cells) {
  return add({Property::Kind::cells, property, std::move(cells.cells_), {}});
}

DeviceTree::Node& DeviceTree::Node::set(const std::string& property, std::string text) {
  return set(property, std::vector<std::string>{std::move(text)});
}

DeviceTree::Node& DeviceTree::Node::set(const std::string& property, std::vector<std::string> strings) {
  return add({Property::Kind::strings, property, {}, std::move(strings)});
}

DeviceTree::Node& DeviceTree::Node::set(const std::string& property) {
  return add({Property::Kind::empty, property, {}, {}});
}

DeviceTree::Node& DeviceTree::Node::label(std::string name) {
  if (label_ == name) return *this;
  if (!label_.empty() || std::find(tree_->labels_.begin(), tree_->labels_.end(), name) != tree_->labels_.end())
    throw ConfigError(fmt::format("device tree: {}: the label '{}' is given twice", path(), name));
  label_ = name;
  tree_->labels_.push_back(name);
  return set("phandle", Cells().ref(std::move(name)));
}

std::vector<const DeviceTree::Node*> DeviceTree::Node::ordered_children() const {
  std::vector<const Node*> ordered;
  for (const auto& each : children_) ordered.push_back(each.get());
  std::stable_sort(ordered.begin(), ordered.end(), [](const Node* a, const Node* b) {
    const auto first = unit_address(a->name_);
    const auto second = unit_address(b->name_);
    if (!first || !second) return !first && second;
    return *first < *second;
  });
  return ordered;
}

DeviceTree::DeviceTree() : root_(new Node(*this, nullptr, "")) {
  root_->set("#address-cells", Cells().u32(2));
  root_->set("#size-cells", Cells().u32(2));
}

DeviceTree::Node& DeviceTree::node(std::string_view path) {
  Node* at = root_.get();
  std::size_t start = 1;
  while (start < path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    at = &at->child(std::string(path.substr(start, slash - start)));
    start = slash + 1;
  }
  return *at;
}

const DeviceTree::Node* DeviceTree::find(std::string_view path) const {
  const Node* at = root_.get();
  std::size_t start = 1;
  while (at != nullptr && start < path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    at = at->find_child(path.substr(start, slash - start));
    start = slash + 1;
  }
  return at;
}

void DeviceTree::claim_range(const std::string& owner, std::uint64_t base, std::uint64_t size) {
  const std::uint64_t last = base + (size - 1);
  for (const Range& other : ranges_) {
    const std::uint64_t other_last = other.base + (other.size - 1);
    if (base <= other_last && other.base <= last)
      throw ConfigError(fmt::format(
          "device tree: {} [{:#x}, {:#x}] and {} [{:#x}, {:#x}] overlap: one address cannot hold two devices",
          other.owner, other.base, other_last, owner, base, last));
  }
  ranges_.push_back({owner, base, size});
}

DeviceTree::Node& DeviceTree::device(const std::string& owner, const std::string& kind, std::uint64_t base,
                                     std::uint64_t size) {
  claim_range(owner, base, size);
  Node& soc = node("/soc");
  soc.set("#address-cells", Cells().u32(2));
  soc.set("#size-cells", Cells().u32(2));
  soc.set("compatible", "simple-bus");
  soc.set("ranges");
  Node& added = soc.child(fmt::format("{}@{:x}", kind, base));
  added.set("reg", Cells().u64(base).u64(size));
  owned_.emplace(owner, &added);
  return added;
}

DeviceTree::Node& DeviceTree::memory(const std::string& owner, std::uint64_t base, std::uint64_t size) {
  claim_range(owner, base, size);
  Node& added = root_->child(fmt::format("memory@{:x}", base));
  added.set("device_type", "memory");
  added.set("reg", Cells().u64(base).u64(size));
  owned_.emplace(owner, &added);
  return added;
}

DeviceTree::Node& DeviceTree::hart(const std::string& owner, unsigned hart_id, const std::string& isa,
                                   const std::string& mmu_type) {
  Node& cpus = node("/cpus");
  cpus.set("#address-cells", Cells().u32(1));
  cpus.set("#size-cells", Cells().u32(0));
  const std::string name = fmt::format("cpu@{:x}", hart_id);
  if (cpus.find_child(name) != nullptr)
    throw ConfigError(fmt::format("device tree: {} is hart {}, which another component is already", owner, hart_id));
  Node& cpu = cpus.child(name);
  cpu.set("device_type", "cpu");
  cpu.set("reg", Cells().u32(hart_id));
  cpu.set("status", "okay");
  cpu.set("compatible", "riscv");
  cpu.set("riscv,isa", isa);
  if (!mmu_type.empty()) cpu.set("mmu-type", mmu_type);
  Node& controller = cpu.child("interrupt-controller");
  controller.set("#address-cells", Cells().u32(0));
  controller.set("#interrupt-cells", Cells().u32(1));
  controller.set("interrupt-controller");
  controller.set("compatible", "riscv,cpu-intc");
  controller.label(hart_interrupt_controller(hart_id));
  owned_.emplace(owner, &cpu);
  return cpu;
}

std::string DeviceTree::hart_interrupt_controller(unsigned hart_id) { return fmt::format("hart{}_intc", hart_id); }

const DeviceTree::Node* DeviceTree::node_of(const std::string& owner) const {
  const auto found = owned_.find(owner);
  return found == owned_.end() ? nullptr : found->second;
}

std::map<std::string, std::uint32_t> DeviceTree::phandles() const {
  std::map<std::string, std::uint32_t> numbers;
  for (const std::string& label : labels_) numbers.emplace(label, static_cast<std::uint32_t>(numbers.size() + 1));
  return numbers;
}

std::vector<std::uint8_t> DeviceTree::blob() const {
  const std::map<std::string, std::uint32_t> numbers = phandles();
  const auto encode = [&](const Node& node, const Node::Property& property) {
    std::vector<std::uint8_t> bytes;
    for (const Cells::Cell& cell : property.cells) {
      if (cell.label.empty()) {
        put_be32(bytes, cell.value);
        continue;
      }
      const auto found = numbers.find(cell.label);
      if (found == numbers.end())
        throw ConfigError(fmt::format("device tree: {} {} refers to '{}', which is not in the device tree", node.path(),
                                      property.name, cell.label));
      put_be32(bytes, found->second);
    }
    for (const std::string& text : property.strings)
      bytes.insert(bytes.end(), text.c_str(), text.c_str() + text.size() + 1);
    return bytes;
  };
  // libfdt writes into a buffer of a size given in advance: start with a guess and double it until
  // the tree fits.
  for (std::size_t capacity = 4096;; capacity *= 2) {
    std::vector<std::uint8_t> buffer(capacity);
    void* fdt = buffer.data();
    int status = fdt_create(fdt, static_cast<int>(capacity));
    if (status == 0) status = fdt_finish_reservemap(fdt);
    const std::function<int(const Node&)> write = [&](const Node& node) {
      if (const int begun = fdt_begin_node(fdt, node.name_.c_str()); begun != 0) return begun;
      for (const Node::Property& property : node.properties_) {
        const std::vector<std::uint8_t> bytes = encode(node, property);
        if (const int set = fdt_property(fdt, property.name.c_str(), bytes.data(), static_cast<int>(bytes.size()));
            set != 0)
          return set;
      }
      for (const Node* child : node.ordered_children())
        if (const int written = write(*child); written != 0) return written;
      return fdt_end_node(fdt);
    };
    if (status == 0) status = write(*root_);
    if (status == 0) status = fdt_finish(fdt);
    if (status == -FDT_ERR_NOSPACE) continue;
    if (status != 0) throw std::logic_error(fmt::format("libfdt: {}", fdt_strerror(status)));
    buffer.resize(fdt_totalsize(fdt));
    return buffer;
  }
}

std::string DeviceTree::source() const {
  const std::map<std::string, std::uint32_t> numbers = phandles();
  std::string text = "/dts-v1/;\n\n";
  const std::function<void(const Node&, unsigned)> write = [&](const Node& node, unsigned depth) {
    const std::string indent(depth, '\t');
    const std::string label = node.label_.empty() ? "" : node.label_ + ": ";
    text += fmt::format("{}{}{} {{\n", indent, label, node.parent_ == nullptr ? "/" : node.name_);
    for (const Node::Property& property : node.properties_) {
      text += fmt::format("{}\t{}", indent, property.name);
      if (property.kind == Node::Property::Kind::cells) {
        std::vector<std::string> cells;
        for (const Cells::Cell& cell : property.cells) {
          if (cell.label.empty())
            cells.push_back(fmt::format("{:#x}", cell.value));
          else if (property.name == "phandle" && numbers.count(cell.label) != 0)
            cells.push_back(fmt::format("{:#x}", numbers.at(cell.label)));  // dtc takes a node's own phandle as given
          else
            cells.push_back("&" + cell.label);
        }
        text += fmt::format(" = <{}>", fmt::join(cells, " "));
      } else if (property.kind == Node::Property::Kind::strings) {
        std::vector<std::string> strings;
        for (const std::string& each : property.strings) strings.push_back(quoted(each));
        text += fmt::format(" = {}", fmt::join(strings, ", "));
      }
      text += ";\n";
    }
    for (const Node* child : node.ordered_children()) {
      text += "\n";
      write(*child, depth + 1);
    }
    text += fmt::format("{}}};\n", indent);
  };
  write(*root_, 0);
  return text;
}

void describe_interrupt(DeviceTree::Node& node, const Component::Lookup& find, const std::string& controller,
                        const std::vector<std::string>& sources) {
  if (controller.empty()) return;
  const auto* interrupts = dynamic_cast<const InterruptController*>(&find(controller, node.path(), "interrupt-parent"));
  Cells numbers;
  for (const std::string& source : sources) {
    const std::optional<unsigned> number = interrupts != nullptr ? interrupts->source_number(source) : std::nullopt;
    if (!number)
      throw ConfigError(fmt::format("device tree: {}: '{}' is not a source at '{}'", node.path(), source, controller));
    numbers.u32(*number);
  }
  node.set("interrupt-parent", Cells().ref(controller));
  node.set("interrupts", std::move(numbers));
}

}  // namespace vmsim
