// The device tree: the writer (nodes, properties, labels and phandles, the blob and its source
// text) and a platform's tree as its components describe it, read back with libfdt, compared with
// its exact source and cross-checked with dtc; and the configurations a tree cannot be made of.
#include <gtest/gtest.h>

#include <libfdt.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "test_bench.h"
#include "vmsim/models/core/device_tree.h"

namespace vmsim::test {
namespace {

namespace fs = std::filesystem;

// The bytes of property `name` of the node at `path`, read with libfdt.
std::string property(const std::vector<std::uint8_t>& blob, const char* path, const char* name) {
  const int node = fdt_path_offset(blob.data(), path);
  EXPECT_GE(node, 0) << path;
  int length = 0;
  const auto* value = static_cast<const char*>(fdt_getprop(blob.data(), node, name, &length));
  EXPECT_NE(value, nullptr) << path << " " << name;
  return value == nullptr ? std::string() : std::string(value, static_cast<std::size_t>(length));
}

// The property as 32-bit cells (big-endian in the blob).
std::vector<std::uint32_t> cells(const std::vector<std::uint8_t>& blob, const char* path, const char* name) {
  const std::string bytes = property(blob, path, name);
  std::vector<std::uint32_t> numbers;
  for (std::size_t at = 0; at + 4 <= bytes.size(); at += 4) {
    fdt32_t cell;
    std::memcpy(&cell, bytes.data() + at, 4);
    numbers.push_back(fdt32_to_cpu(cell));
  }
  return numbers;
}

// The property as its NUL-terminated strings.
std::vector<std::string> strings(const std::vector<std::uint8_t>& blob, const char* path, const char* name) {
  const std::string bytes = property(blob, path, name);
  std::vector<std::string> texts;
  for (std::size_t at = 0; at < bytes.size(); at += texts.back().size() + 1) texts.emplace_back(bytes.c_str() + at);
  return texts;
}

TEST(DeviceTreeWriter, TheBlobReadsBackWithLibfdt) {
  DeviceTree tree;
  DeviceTree::Node& serial = tree.device("uart", "serial", 0x10000000, 0x100);
  serial.set("compatible", "ns16550a");
  serial.set("interrupt-parent", Cells().ref("plic"));
  tree.device("plic", "plic", 0xc000000, 0x600000).label("plic").set("interrupt-controller");
  tree.node("/chosen").set("stdout-path", serial.path());
  tree.memory("dram", 0x80000000, 0x1'0000'0000);
  const std::vector<std::uint8_t> blob = tree.blob();
  ASSERT_EQ(fdt_check_header(blob.data()), 0);
  EXPECT_EQ(fdt_totalsize(blob.data()), blob.size());
  EXPECT_EQ(cells(blob, "/", "#address-cells"), std::vector<std::uint32_t>{2});
  EXPECT_EQ(cells(blob, "/soc/serial@10000000", "reg"), (std::vector<std::uint32_t>{0, 0x10000000, 0, 0x100}));
  EXPECT_EQ(cells(blob, "/soc/serial@10000000", "interrupt-parent"), std::vector<std::uint32_t>{1});
  EXPECT_EQ(cells(blob, "/soc/plic@c000000", "phandle"), std::vector<std::uint32_t>{1});
  EXPECT_EQ(fdt_node_offset_by_phandle(blob.data(), 1), fdt_path_offset(blob.data(), "/soc/plic@c000000"));
  EXPECT_EQ(cells(blob, "/memory@80000000", "reg"), (std::vector<std::uint32_t>{0, 0x80000000, 1, 0}));
  EXPECT_EQ(strings(blob, "/chosen", "stdout-path"), std::vector<std::string>{"/soc/serial@10000000"});
  EXPECT_EQ(strings(blob, "/soc", "compatible"), std::vector<std::string>{"simple-bus"});
  int length = -1;
  EXPECT_NE(fdt_getprop(blob.data(), fdt_path_offset(blob.data(), "/soc"), "ranges", &length), nullptr);
  EXPECT_EQ(length, 0);
  EXPECT_EQ(tree.node_of("uart"), &serial);
  EXPECT_EQ(tree.node_of("nobody"), nullptr);
}

TEST(DeviceTreeWriter, TheSourceIsExactAndOrdersChildrenByAddress) {
  DeviceTree tree;
  tree.device("b", "serial", 0x20, 0x10).set("compatible", std::vector<std::string>{"x,one", "quote\"d"});
  tree.device("a", "serial", 0x10, 0x10).label("first");
  tree.node("/chosen").set("bootargs", "console=ttyS0\n");
  tree.node("/aliases").set("serial0", Cells().ref("first").u32(0xff));
  EXPECT_EQ(tree.source(), R"(/dts-v1/;

/ {
	#address-cells = <0x2>;
	#size-cells = <0x2>;

	soc {
		#address-cells = <0x2>;
		#size-cells = <0x2>;
		compatible = "simple-bus";
		ranges;

		first: serial@10 {
			reg = <0x0 0x10 0x0 0x10>;
			phandle = <0x1>;
		};

		serial@20 {
			reg = <0x0 0x20 0x0 0x10>;
			compatible = "x,one", "quote\"d";
		};
	};

	chosen {
		bootargs = "console=ttyS0\x0a";
	};

	aliases {
		serial0 = <&first 0xff>;
	};
};
)");
}

TEST(DeviceTreeWriter, WhatCannotBeOneTreeIsAConfigurationError) {
  DeviceTree tree;
  tree.device("uart", "serial", 0x10000000, 0x100).set("compatible", "ns16550a");
  const auto error = [](const auto& action) {
    try {
      action();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(
      error([&] { tree.device("virtio", "virtio_mmio", 0x100000f0, 0x1000); }),
      "device tree: uart [0x10000000, 0x100000ff] and virtio [0x100000f0, 0x100010ef] overlap: one address cannot "
      "hold two devices");
  EXPECT_EQ(error([&] { tree.memory("dram", 0x10000000, 0x1000); }),
            "device tree: uart [0x10000000, 0x100000ff] and dram [0x10000000, 0x10000fff] overlap: one address cannot "
            "hold two devices");
  EXPECT_EQ(error([&] { tree.node("/soc/serial@10000000").set("compatible", "other"); }),
            "device tree: /soc/serial@10000000 compatible: two components describe it differently");
  tree.node("/soc/serial@10000000").set("compatible", "ns16550a");  // the same again is no conflict
  tree.hart("cpu0", 0, "rv64ima", "");
  EXPECT_EQ(error([&] { tree.hart("cpu1", 0, "rv64ima", ""); }),
            "device tree: cpu1 is hart 0, which another component is already");
  EXPECT_EQ(error([&] { tree.node("/x").label(DeviceTree::hart_interrupt_controller(0)); }),
            "device tree: /x: the label 'hart0_intc' is given twice");
  tree.node("/y").set("interrupts-extended", Cells().ref(DeviceTree::hart_interrupt_controller(1)).u32(3));
  EXPECT_EQ(error([&] { tree.blob(); }),
            "device tree: /y interrupts-extended refers to 'hart1_intc', which is not in the device tree");
}

// QEMU's virt machine with two harts, as far as this branch has its devices.
const std::string machine = R"(
components:
  bus:      {type: router}
  dram:     {type: dram, base: 0x80000000, size: 128MiB}
  finisher: {type: test_finisher, base: 0x100000}
  clint:    {type: clint, base: 0x2000000, size: 0x10000, frequency: 10MHz}
  plic:     {type: plic, base: 0xc000000, size: 0x600000}
  uart:     {type: uart, base: 0x10000000, interrupt_controller: plic, terminal: false, input: none}
  virtio0:  {type: virtio_blk, base: 0x10001000, interrupt_controller: plic}
  virtio1:  {type: virtio_blk, base: 0x10002000, interrupt_controller: plic}
  hart0:    {type: rv64, port: bus, timer: clint, interrupt_controller: plic}
  hart1:    {type: rv64, port: bus, timer: clint, interrupt_controller: plic}
device_tree: {bootargs: "console=ttyS0 root=/dev/vda"}
)";

const char* const machine_source = R"(/dts-v1/;

/ {
	#address-cells = <0x2>;
	#size-cells = <0x2>;
	compatible = "riscv-virtio";
	model = "riscv-virtio,vmsim";

	chosen {
		bootargs = "console=ttyS0 root=/dev/vda";
		stdout-path = "/soc/serial@10000000";
	};

	soc {
		#address-cells = <0x2>;
		#size-cells = <0x2>;
		compatible = "simple-bus";
		ranges;

		finisher: test@100000 {
			reg = <0x0 0x100000 0x0 0x1000>;
			compatible = "sifive,test1", "sifive,test0", "syscon";
			phandle = <0x1>;
		};

		clint@2000000 {
			reg = <0x0 0x2000000 0x0 0x10000>;
			compatible = "sifive,clint0", "riscv,clint0";
			interrupts-extended = <&hart0_intc 0x3 &hart0_intc 0x7 &hart1_intc 0x3 &hart1_intc 0x7>;
		};

		plic: plic@c000000 {
			reg = <0x0 0xc000000 0x0 0x600000>;
			compatible = "sifive,plic-1.0.0", "riscv,plic0";
			#address-cells = <0x0>;
			#interrupt-cells = <0x1>;
			interrupt-controller;
			riscv,ndev = <0x60>;
			phandle = <0x2>;
			interrupts-extended = <&hart0_intc 0xb &hart0_intc 0x9 &hart1_intc 0xb &hart1_intc 0x9>;
		};

		serial@10000000 {
			reg = <0x0 0x10000000 0x0 0x100>;
			compatible = "ns16550a";
			clock-frequency = <0x384000>;
			interrupt-parent = <&plic>;
			interrupts = <0x1>;
		};

		virtio_mmio@10001000 {
			reg = <0x0 0x10001000 0x0 0x1000>;
			compatible = "virtio,mmio";
			interrupt-parent = <&plic>;
			interrupts = <0x2>;
		};

		virtio_mmio@10002000 {
			reg = <0x0 0x10002000 0x0 0x1000>;
			compatible = "virtio,mmio";
			interrupt-parent = <&plic>;
			interrupts = <0x3>;
		};
	};

	poweroff {
		compatible = "syscon-poweroff";
		regmap = <&finisher>;
		offset = <0x0>;
		value = <0x5555>;
	};

	reboot {
		compatible = "syscon-reboot";
		regmap = <&finisher>;
		offset = <0x0>;
		value = <0x7777>;
	};

	cpus {
		timebase-frequency = <0x989680>;
		#address-cells = <0x1>;
		#size-cells = <0x0>;

		cpu@0 {
			device_type = "cpu";
			reg = <0x0>;
			status = "okay";
			compatible = "riscv";
			riscv,isa = "rv64imafdc_zicntr_zicsr_zifencei_sstc";

			hart0_intc: interrupt-controller {
				#address-cells = <0x0>;
				#interrupt-cells = <0x1>;
				interrupt-controller;
				compatible = "riscv,cpu-intc";
				phandle = <0x3>;
			};
		};

		cpu@1 {
			device_type = "cpu";
			reg = <0x1>;
			status = "okay";
			compatible = "riscv";
			riscv,isa = "rv64imafdc_zicntr_zicsr_zifencei_sstc";

			hart1_intc: interrupt-controller {
				#address-cells = <0x0>;
				#interrupt-cells = <0x1>;
				interrupt-controller;
				compatible = "riscv,cpu-intc";
				phandle = <0x4>;
			};
		};
	};

	memory@80000000 {
		device_type = "memory";
		reg = <0x0 0x80000000 0x0 0x8000000>;
	};
};
)";

std::string file_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(PlatformDeviceTree, TheMachineDescribesItselfExactly) {
  TestBench bench(machine);
  bench.elaborate();
  ASSERT_NE(bench.system->device_tree(), nullptr);
  EXPECT_EQ(bench.system->device_tree()->source(), machine_source);
  // What the boot code places in memory is what the output folder holds.
  const std::vector<std::uint8_t>& blob = bench.system->run_control().device_tree_blob();
  const std::string written = file_text(bench.output / "device-tree.dtb");
  EXPECT_EQ(std::vector<std::uint8_t>(written.begin(), written.end()), blob);
  EXPECT_EQ(file_text(bench.output / "device-tree.dts"), machine_source);
  ASSERT_EQ(fdt_check_header(blob.data()), 0);
  EXPECT_EQ(cells(blob, "/cpus", "timebase-frequency"), std::vector<std::uint32_t>{10'000'000});
  EXPECT_EQ(cells(blob, "/soc/serial@10000000", "interrupts"), std::vector<std::uint32_t>{1});
  EXPECT_EQ(cells(blob, "/soc/serial@10000000", "interrupt-parent"), cells(blob, "/soc/plic@c000000", "phandle"));
  EXPECT_EQ(cells(blob, "/soc/clint@2000000", "interrupts-extended"),
            (std::vector<std::uint32_t>{3, 3, 3, 7, 4, 3, 4, 7}));
  EXPECT_EQ(cells(blob, "/cpus/cpu@1/interrupt-controller", "phandle"), std::vector<std::uint32_t>{4});
  EXPECT_EQ(strings(blob, "/cpus/cpu@1", "riscv,isa"),
            std::vector<std::string>{"rv64imafdc_zicntr_zicsr_zifencei_sstc"});
  EXPECT_EQ(strings(blob, "/soc/test@100000", "compatible"),
            (std::vector<std::string>{"sifive,test1", "sifive,test0", "syscon"}));
  EXPECT_EQ(cells(blob, "/poweroff", "regmap"), std::vector<std::uint32_t>{1});
  EXPECT_EQ(strings(blob, "/chosen", "bootargs"), std::vector<std::string>{"console=ttyS0 root=/dev/vda"});
}

// Runs `command` through the shell and returns its standard output; fails the test if it fails.
std::string shell(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << command;
  if (pipe == nullptr) return output;
  char buffer[4096];
  for (std::size_t count; (count = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) output.append(buffer, count);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  return output;
}

TEST(PlatformDeviceTree, AHartBehindAnMmuNamesItsTranslationMode) {
  // An MMU that its hart drives through satp has no registers on the bus, so nothing to describe;
  // the hart's node says what satp modes it has.
  TestBench bench(machine, {"components.mmu1.type=mmu", "components.mmu1.format=sv48", "components.mmu1.port=bus",
                            "components.mmu1.walker_port=bus", "components.hart1.port=mmu1"});
  bench.elaborate();
  const std::vector<std::uint8_t>& blob = bench.system->run_control().device_tree_blob();
  EXPECT_EQ(strings(blob, "/cpus/cpu@1", "mmu-type"), std::vector<std::string>{"riscv,sv48"});
  EXPECT_EQ(fdt_getprop(blob.data(), fdt_path_offset(blob.data(), "/cpus/cpu@0"), "mmu-type", nullptr), nullptr);
}

TEST(PlatformDeviceTree, DtcReadsOneTreeFromTheSourceAndTheBlob) {
  TestBench bench(machine);
  bench.elaborate();
  const std::string folder = bench.output.string();
  // Each file through dtc (device-tree-compiler) back to source: the same tree, and no warnings.
  const std::string from_blob = shell(fmt::format("dtc -I dtb -O dts '{}/device-tree.dtb' 2>&1", folder));
  const std::string from_source =
      shell(fmt::format("dtc -I dts -O dtb '{0}/device-tree.dts' 2>&1 | dtc -I dtb -O dts 2>&1", folder));
  EXPECT_EQ(from_blob, from_source);
  EXPECT_EQ(from_blob.find("Warning"), std::string::npos) << from_blob;
  EXPECT_NE(from_blob.find("stdout-path = \"/soc/serial@10000000\";"), std::string::npos) << from_blob;
}

TEST(PlatformDeviceTree, WithoutTheSectionThereIsNoTree) {
  std::string plain = machine.substr(0, machine.find("device_tree:"));
  TestBench bench(plain);
  bench.elaborate();
  EXPECT_EQ(bench.system->device_tree(), nullptr);
  EXPECT_TRUE(bench.system->run_control().device_tree_blob().empty());
  EXPECT_FALSE(fs::exists(bench.output / "device-tree.dtb"));
}

TEST(PlatformDeviceTree, StdoutNamesTheUartGiven) {
  TestBench bench(machine,
                  {"components.uart2.type=uart", "components.uart2.base=0x10003000", "components.uart2.terminal=false",
                   "components.uart2.input=none", "device_tree.stdout=uart2"});
  bench.elaborate();
  const std::vector<std::uint8_t>& blob = bench.system->run_control().device_tree_blob();
  EXPECT_EQ(strings(blob, "/chosen", "stdout-path"), std::vector<std::string>{"/soc/serial@10003000"});
}

TEST(PlatformDeviceTree, WhatTheTreeCannotHoldIsRefusedBeforeSimulation) {
  // A device with no binding: the MMU's registers belong to a hart without CSRs.
  EXPECT_EQ(config_error(machine, {"components.mmu0.type=mmu", "components.mmu0.base=0x10008000"}),
            "--set components.mmu0.type=mmu: components.mmu0: the device tree cannot describe this device (it has no "
            "binding)");
  // Two devices at one address, on two buses (one bus refuses the overlap itself).
  EXPECT_EQ(config_error(machine, {"components.bus2.type=router", "components.far.type=test_initiator",
                                   "components.far.port=bus2", "components.uart2.type=uart",
                                   "components.uart2.base=0x10000000", "components.uart2.bus=bus2"}),
            "--set components.uart2.type=uart: components.uart2: device tree: uart [0x10000000, 0x100000ff] and uart2 "
            "[0x10000000, 0x100000ff] overlap: one address cannot hold two devices");
  EXPECT_EQ(config_error(machine, {"device_tree.stdout=dram"}),
            "--set device_tree.stdout=dram: device_tree.stdout: 'dram' is not a UART");
  EXPECT_EQ(config_error(machine, {"components.hart1.hart_id=2"}),
            "test.yaml:13:14: device tree: /soc/clint@2000000 interrupts-extended refers to 'hart1_intc', which is not "
            "in the device tree");
}

}  // namespace
}  // namespace vmsim::test
