// The GPIO's registers, pins, edges, interrupt line, stimulus and waveform file.
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_bench.h"
#include "vmsim/models/devices/gpio.h"

namespace vmsim::test {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;
using sc_core::SC_US;

constexpr std::uint64_t gpio = 0x10060000;

const std::string platform = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  dram:   {type: dram, base: 0x80000000, size: 1MiB}
  gpio:   {type: gpio, base: 0x10060000, pins: 8, register_latency: 5ns}
  tester: {type: test_initiator}
)";

class GpioTest : public ::testing::Test {
 protected:
  void build(const std::vector<std::string>& overrides = {}) {
    bench_ = std::make_unique<TestBench>(platform, overrides);
    bench_->elaborate();
    gpio_ = dynamic_cast<Gpio*>(sc_core::sc_find_object("system.gpio"));
  }
  std::uint32_t read(std::uint64_t reg) {
    std::uint32_t value = 0;
    EXPECT_EQ(bench_->tester->read32(gpio + reg, value).status, tlm::TLM_OK_RESPONSE) << std::hex << reg;
    return value;
  }
  void write(std::uint64_t reg, std::uint32_t value) {
    EXPECT_EQ(bench_->tester->write32(gpio + reg, value).status, tlm::TLM_OK_RESPONSE) << std::hex << reg;
  }
  std::uint32_t pins() {
    std::uint32_t value = 0;
    for (unsigned i = 0; i < gpio_->pins(); ++i) value |= std::uint32_t{gpio_->pin(i).read()} << i;
    return value;
  }
  // Runs the simulation for `time`; what is due at its very end has happened when this returns.
  void advance(sc_time time) {
    sc_core::sc_start(time);
    while (sc_core::sc_pending_activity_at_current_time()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }

  std::unique_ptr<TestBench> bench_;
  Gpio* gpio_ = nullptr;
};

TEST_F(GpioTest, TheRegistersSitAtTheOffsetsOfSiFivesGpio0) {
  EXPECT_EQ(gpio_regs::input_val, 0x00u);
  EXPECT_EQ(gpio_regs::input_en, 0x04u);
  EXPECT_EQ(gpio_regs::output_en, 0x08u);
  EXPECT_EQ(gpio_regs::output_val, 0x0cu);
  EXPECT_EQ(gpio_regs::pue, 0x10u);
  EXPECT_EQ(gpio_regs::ds, 0x14u);
  EXPECT_EQ(gpio_regs::rise_ie, 0x18u);
  EXPECT_EQ(gpio_regs::rise_ip, 0x1cu);
  EXPECT_EQ(gpio_regs::fall_ie, 0x20u);
  EXPECT_EQ(gpio_regs::fall_ip, 0x24u);
  EXPECT_EQ(gpio_regs::high_ie, 0x28u);
  EXPECT_EQ(gpio_regs::high_ip, 0x2cu);
  EXPECT_EQ(gpio_regs::low_ie, 0x30u);
  EXPECT_EQ(gpio_regs::low_ip, 0x34u);
  EXPECT_EQ(gpio_regs::iof_en, 0x38u);
  EXPECT_EQ(gpio_regs::iof_sel, 0x3cu);
  EXPECT_EQ(gpio_regs::out_xor, 0x40u);
  build();
  // Every per-pin register keeps the bits of the pins there are, and no others.
  for (const std::uint64_t reg : {gpio_regs::input_en, gpio_regs::output_en, gpio_regs::output_val, gpio_regs::pue,
                                  gpio_regs::ds, gpio_regs::rise_ie, gpio_regs::fall_ie, gpio_regs::high_ie,
                                  gpio_regs::low_ie, gpio_regs::iof_en, gpio_regs::iof_sel, gpio_regs::out_xor}) {
    write(reg, 0xffff'ff5a);
    EXPECT_EQ(read(reg), 0x5au) << std::hex << reg;
    write(reg, 0);
  }
}

TEST_F(GpioTest, EnabledOutputsDriveThePinsAtTheWritersTime) {
  build();
  write(gpio_regs::output_en, 0x0f);
  write(gpio_regs::output_val, 0xf5);  // only the low four pins are driven
  EXPECT_EQ(pins(), 0u);               // not yet: the write lands when the simulation gets there
  advance(sc_time(1, SC_NS));
  EXPECT_EQ(pins(), 0x05u);
  write(gpio_regs::out_xor, 0x03);  // inverts pins 0 and 1
  advance(sc_time(1, SC_NS));
  EXPECT_EQ(pins(), 0x06u);
  EXPECT_EQ(read(gpio_regs::output_val), 0xf5u);
  EXPECT_EQ(read(gpio_regs::input_val), 0u);  // no input enabled
  write(gpio_regs::input_en, 0xff);
  EXPECT_EQ(read(gpio_regs::input_val), 0x06u);
  // A pin handed to an I/O function is no longer the GPIO's to drive: it keeps its level.
  write(gpio_regs::iof_en, 0x04);
  write(gpio_regs::output_val, 0xf1);
  advance(sc_time(1, SC_NS));
  EXPECT_EQ(pins(), 0x06u);
  write(gpio_regs::iof_en, 0);
  advance(sc_time(1, SC_NS));
  EXPECT_EQ(pins(), 0x02u);
  // A write annotated 20 ns ahead reaches the pin 20 ns later.
  bench_->tester->at = sc_time(20, SC_NS);
  write(gpio_regs::output_val, 0xf9);
  bench_->tester->at = sc_core::SC_ZERO_TIME;
  advance(sc_time(19, SC_NS));
  EXPECT_EQ(pins(), 0x02u);
  advance(sc_time(1, SC_NS));
  EXPECT_EQ(pins(), 0x0au);
  EXPECT_EQ(bench_->stat("system.gpio.edges.pin3"), 1);
  EXPECT_EQ(bench_->stat("system.gpio.edges.pin2"), 2);
  // Each register access takes the configured latency.
  std::uint32_t value = 0;
  EXPECT_EQ(bench_->tester->read32(gpio + gpio_regs::input_val, value).delay, sc_time(5, SC_NS));
}

TEST_F(GpioTest, SampledInputsSetThePendingBitsAndEachPinHasItsLine) {
  build();
  write(gpio_regs::input_en, 0b111);
  write(gpio_regs::rise_ie, 0b101);  // pins 0 and 2 on rising edges
  write(gpio_regs::fall_ie, 0b110);  // pins 1 and 2 on falling edges
  const auto drive = [&](unsigned pin, bool level) {
    gpio_->pin(pin).write(level);
    advance(sc_time(1, SC_NS));
  };
  // Inputs not enabled read low: their low bits are pending from the start.
  EXPECT_EQ(read(gpio_regs::low_ip), 0xffu);
  drive(1, true);  // rising on pin 1: pending, but not enabled
  EXPECT_EQ(read(gpio_regs::rise_ip), 0b010u);
  EXPECT_EQ(read(gpio_regs::input_val), 0b010u);
  EXPECT_EQ(bench_->stat("system.gpio.interrupts"), 0);
  drive(2, true);  // rising on pin 2: its line rises
  EXPECT_EQ(read(gpio_regs::rise_ip), 0b110u);
  EXPECT_EQ(bench_->stat("system.gpio.interrupts"), 1);
  drive(1, false);  // falling on pin 1: its line rises
  EXPECT_EQ(read(gpio_regs::fall_ip), 0b010u);
  EXPECT_EQ(bench_->stat("system.gpio.interrupts"), 2);
  write(gpio_regs::fall_ip, 0b010);  // write one to clear: pin 1's line falls
  EXPECT_EQ(read(gpio_regs::fall_ip), 0u);
  write(gpio_regs::fall_ie, 0b111);  // an old falling edge of pin 0? none: nothing rises
  EXPECT_EQ(bench_->stat("system.gpio.interrupts"), 2);
  // Levels: pin 2 is high; a cleared high bit is pending again at once while it lasts.
  EXPECT_EQ(read(gpio_regs::high_ip), 0b110u);  // pin 1 was high too
  write(gpio_regs::high_ip, 0b110);
  EXPECT_EQ(read(gpio_regs::high_ip), 0b100u);
  EXPECT_EQ(read(gpio_regs::low_ip), 0xffu);
  write(gpio_regs::low_ip, 0xff);
  EXPECT_EQ(read(gpio_regs::low_ip), 0xfbu);
  write(gpio_regs::high_ie, 0b001);  // pin 0 is low: nothing
  EXPECT_EQ(bench_->stat("system.gpio.interrupts"), 2);
  write(gpio_regs::low_ie, 0b001);  // but its low level is pending: pin 0's line rises
  EXPECT_EQ(bench_->stat("system.gpio.interrupts"), 3);
  // An input switched off reads low: a falling edge.
  write(gpio_regs::input_en, 0b011);
  EXPECT_EQ(read(gpio_regs::input_val), 0u);
  EXPECT_EQ(read(gpio_regs::fall_ip), 0b100u);
  EXPECT_EQ(bench_->stat("system.gpio.edges.pin1"), 2);
}

TEST_F(GpioTest, BadAccessesAnswerErrors) {
  build();
  std::uint64_t wide = 0;
  std::uint32_t value = 0;
  EXPECT_EQ(bench_->tester->read64(gpio, wide).status, tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(bench_->tester->read32(gpio + 0x44, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // in the page
  EXPECT_EQ(bench_->tester->read32(gpio + 0x06, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(bench_->tester->write32(gpio + gpio_regs::input_val, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(bench_->stat("system.gpio.errors"), 4);
}

// Transitions of a VCD file: (time in ps, signal name, value).
std::vector<std::tuple<std::uint64_t, std::string, char>> transitions(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::map<std::string, std::string> names;
  std::vector<std::tuple<std::uint64_t, std::string, char>> changes;
  std::uint64_t time = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "$var") {
      std::string type, width, id, name;
      words >> type >> width >> id >> name;
      names[id] = name;
    } else if (!first.empty() && first[0] == '#') {
      time = std::stoull(first.substr(1));
    } else if (!first.empty() && (first[0] == '0' || first[0] == '1') && names.count(first.substr(1)) != 0) {
      changes.emplace_back(time, names[first.substr(1)], first[0]);
    }
  }
  return changes;
}

TEST_F(GpioTest, StimulusDrivesPinsAtItsTimesAndTheWaveformRecordsThem) {
  const auto stimulus = std::filesystem::temp_directory_path() / fmt::format("vmsim_stimulus_{}.txt", getpid());
  std::ofstream(stimulus) << "# time pin level\n10us 3 1\n25us 3 0   # button released\n\n25us 7 1\n";
  build({"components.gpio.stimulus=" + stimulus.string(), "components.gpio.trace=true"});
  write(gpio_regs::input_en, 0x08);
  write(gpio_regs::rise_ie, 0x08);
  advance(sc_time(9, SC_US));
  EXPECT_EQ(pins(), 0u);
  advance(sc_time(1, SC_US));
  EXPECT_EQ(pins(), 0x08u);
  EXPECT_EQ(bench_->stat("system.gpio.interrupts"), 1);
  advance(sc_time(20, SC_US));
  EXPECT_EQ(pins(), 0x80u);
  bench_->system.reset();  // closes the waveform file
  std::filesystem::remove(stimulus);
  const auto changes = transitions(bench_->output / "gpio.vcd");
  const std::vector<std::tuple<std::uint64_t, std::string, char>> expected = {
      {10'000'000, "pin3", '1'}, {10'000'000, "irq", '1'}, {25'000'000, "pin3", '0'}, {25'000'000, "pin7", '1'}};
  std::vector<std::tuple<std::uint64_t, std::string, char>> after_start;
  for (const auto& change : changes)
    if (std::get<0>(change) > 0) after_start.push_back(change);
  EXPECT_EQ(after_start, expected);
}

TEST(GpioStimulus, MistakesNameTheFileAndLine) {
  const auto file = std::filesystem::temp_directory_path() / fmt::format("vmsim_bad_stimulus_{}.txt", getpid());
  const auto error_for = [&](const std::string& text) {
    std::ofstream(file) << text;
    return config_error(platform, {"components.gpio.stimulus=" + file.string()});
  };
  EXPECT_EQ(error_for("5us 1 1\n1us 2 0\n"), file.string() + ":2: times must not go backwards (expected: TIME PIN LEVEL)");
  EXPECT_EQ(error_for("5us 9 1\n"), file.string() + ":1: pin 9 does not exist (the GPIO has 8) (expected: TIME PIN LEVEL)");
  EXPECT_EQ(error_for("5us 1 high\n"), file.string() + ":1: level 'high' is not 0 or 1 (expected: TIME PIN LEVEL)");
  EXPECT_EQ(error_for("soon 1 1\n"),
            file.string() + ":1: 'soon' is not a time (a number with fs, ps, ns, us, ms or s) (expected: TIME PIN LEVEL)");
  std::filesystem::remove(file);
  EXPECT_EQ(config_error(platform, {"components.gpio.pins=33"}),
            "--set components.gpio.pins=33: components.gpio.pins: must be from 1 to 32");
}

TEST(GpioConfig, ThePinsLinesTakeOneSourceNumberEach) {
  const std::string with_plic = platform + "  plic:   {type: plic, base: 0x0c000000}\n";
  EXPECT_EQ(config_error(with_plic, {"components.gpio.interrupt_controller=plic", "components.gpio.interrupts=3 4"}),
            "--set components.gpio.interrupts=3 4: components.gpio.interrupts: gives 2 source numbers for 8 pins: one "
            "per pin");
  EXPECT_EQ(config_error(with_plic, {"components.gpio.interrupt_controller=plic",
                                     "components.gpio.interrupts=1 2 3 4 "
                                     "5 6 7 x"}),
            "--set components.gpio.interrupts=1 2 3 4 5 6 7 x: components.gpio.interrupts: 'x' is not a whole number "
            "(decimal, or hex "
            "with 0x)");
  EXPECT_EQ(config_error(with_plic, {"components.gpio.interrupt_controller=plic", "components.gpio.interrupts=0 1"}),
            "--set components.gpio.interrupts=0 1: components.gpio.interrupts: source numbers start at 1");
  EXPECT_EQ(config_error(with_plic, {"components.gpio.interrupts=1 2 3 4 5 6 7 8"}),
            "--set components.gpio.interrupts=1 2 3 4 5 6 7 8: components.gpio.interrupts: source numbers need an "
            "interrupt_controller");
  EXPECT_EQ(config_error(with_plic,
                         {"components.gpio.interrupt_controller=plic", "components.gpio.interrupts=1 2 3 4 5 6 7 97"}),
            "--set components.gpio.interrupts=1 2 3 4 5 6 7 97: components.gpio.interrupts: 'plic' has sources 1 to "
            "96, not 97");
  EXPECT_EQ(config_error(with_plic,
                         {"components.gpio.interrupt_controller=plic", "components.gpio.interrupts=1 2 3 4 5 6 7 1"}),
            "--set components.gpio.interrupts=1 2 3 4 5 6 7 1: components.gpio.interrupts: source 1 of 'plic' is "
            "'gpio.pin0' already");
}

TEST(GpioUserSpace, TheBlinkExampleBlinksAndWakesOnTheButton) {
  std::ifstream file("configs/gpio-blink.yaml");
  std::stringstream text;
  text << file.rdbuf();
  // The example names its stimulus relative to its own folder; here the folder is the project's.
  const auto stats = run_platform(text.str(), {"components.gpio.stimulus=configs/gpio-button.stim",
                                               "components.gpio.trace=false"});
  EXPECT_EQ(find_stat(stats, "system.gpio.edges.pin0"), 20);  // ten blinks
  EXPECT_EQ(find_stat(stats, "system.gpio.edges.pin1"), 1);   // the watcher's LED
  EXPECT_EQ(find_stat(stats, "system.kernel.pin_waits"), 1);
  EXPECT_EQ(find_stat(stats, "system.kernel.interrupts.devices"), 1);
  EXPECT_GE(find_stat(stats, "sim_seconds"), 250e-6);  // not before the button press
  EXPECT_LT(find_stat(stats, "sim_seconds"), 252e-6);  // and soon after it
}

TEST(GpioUserSpace, AProcessTheConfigurationDoesNotAllowIsRefusedTheDevice) {
  std::ifstream file("configs/gpio-blink.yaml");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(run_failure(text.str(), {"components.gpio.stimulus=configs/gpio-button.stim", "components.gpio.trace=false",
                                     "components.kernel.devices.gpio=watcher"}),
            "at 40.038us: system.cpu0: blinker: mmap of region pins refused: the process may not map gpio");
}

TEST(GpioUserSpace, APinThatNeverComesIsAnErrorNamingTheSleeper) {
  std::ifstream file("configs/gpio-blink.yaml");
  std::stringstream text;
  text << file.rdbuf();
  const auto empty = std::filesystem::temp_directory_path() / ("vmsim_empty_" + std::to_string(getpid()) + ".stim");
  std::ofstream(empty) << "# nobody presses the button\n";
  EXPECT_EQ(run_failure(text.str(), {"components.gpio.stimulus=" + empty.string(), "components.gpio.trace=false"}),
            "at 243.8515us: the simulation ran out of events with work left: watcher on cpu0 waits for pin 4 of gpio "
            "to be 1");
  std::filesystem::remove(empty);
}

TEST(GpioUserSpace, WaitingForAPinWithoutAnInterruptLineFailsInsteadOfHanging) {
  EXPECT_EQ(run_failure(R"(
components:
  bus:    {type: router}
  dram:   {type: dram, base: 0x80000000, size: 64MiB}
  clint:  {type: clint, base: 0x02000000}
  plic:   {type: plic, base: 0x0c000000}
  gpio:   {type: gpio, base: 0x10060000, pins: 8}
  mmu0:   {type: mmu, base: 0x10002000}
  kernel: {type: kernel, memory: dram, devices: {gpio: w}, timer: clint, interrupt_controller: plic}
  cpu0:   {type: traffic_gen, port: mmu0, kernel: kernel, interrupt_controller: plic, timer: clint}
workload:
  cpu0: [{name: w, regions: [{name: pins, device: gpio}], phases: [{syscall: wait_pin, region: pins, pin: 1}]}]
)"),
            "at 39.492us: system.cpu0: w: wait_pin on gpio cannot sleep: it is no GPIO, or has no interrupt line");
}

}  // namespace
}  // namespace vmsim::test
