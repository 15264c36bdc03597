// The disk: its image file, registers, DMA, timing models, and the kernel's driver.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "test_bench.h"
#include "vmsim/firmware/disk_driver.h"
#include "vmsim/models/devices/disk.h"

namespace vmsim::test {
namespace {

namespace fs = std::filesystem;
using sc_core::sc_time;

std::string image_path(const char* name) {
  return (fs::temp_directory_path() / fmt::format("vmsim_{}_{}.img", name, getpid())).string();
}

std::string platform(const std::string& image, const std::string& timing = "timing: ssd") {
  return fmt::format(R"(
components:
  bus:    {{type: router, hop_latency: 1ns}}
  dram:   {{type: dram, base: 0x80000000, size: 256MiB, read_latency: 50ns, write_latency: 50ns}}
  disk:   {{type: disk, base: 0x10001000, image: {}, capacity: 5120000, {}}}
  tester: {{type: test_initiator}}
)",
                     image, timing);
}

// The driver's way to the bus: the test initiator, from the test body.
class TesterHal final : public Hal {
 public:
  explicit TesterHal(TestInitiator& tester) : tester_(tester) {}
  bool read(std::uint64_t address, void* data, unsigned length, sc_time& delay) override {
    return transfer(AccessKind::load, address, data, length, delay);
  }
  bool write(std::uint64_t address, const void* data, unsigned length, sc_time& delay) override {
    return transfer(AccessKind::store, address, const_cast<void*>(data), length, delay);
  }

 private:
  bool transfer(AccessKind kind, std::uint64_t address, void* data, unsigned length, sc_time& delay) {
    const auto result = tester_.transport(kind, address, static_cast<std::uint8_t*>(data), length);
    delay += result.delay;
    return result.status == tlm::TLM_OK_RESPONSE;
  }
  TestInitiator& tester_;
};

// Created once the whole configuration is accepted, not by the constructor (SystemC elaborates once
// per process: the refusal of another size is a test of its own).
TEST(Disk, TheImageIsCreatedAtItsSizeWhenElaborationEnds) {
  const std::string image = image_path("create");
  fs::remove(image);
  {
    TestBench bench(platform(image));
    EXPECT_FALSE(fs::exists(image));
    bench.elaborate();
  }
  EXPECT_EQ(fs::file_size(image), 5'120'000u);
  fs::remove(image);
}

TEST(Disk, AnImageOfAnotherSizeIsRefused) {
  const std::string image = image_path("size");
  std::ofstream(image, std::ios::trunc) << "too short";
  EXPECT_EQ(config_error(platform(image)),
            fmt::format("test.yaml:5:49: components.disk.image: {} is 9 bytes, but the disk's capacity is 5000KiB "
                        "(5120000 bytes)", image));
  fs::remove(image);
}

// Two runs sharing an image would overwrite each other's sectors: the second is refused.
TEST(Disk, AnImageInUseByAnotherRunIsRefused) {
  const std::string image = image_path("locked");
  fs::remove(image);
  const int other_run = ::open(image.c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_EQ(flock(other_run, LOCK_EX), 0);
  EXPECT_EQ(config_error(platform(image)),
            fmt::format("test.yaml:5:49: components.disk.image: {} is in use by another run; give each run its own "
                        "output folder or image",
                        image));
  ::close(other_run);
  fs::remove(image);
}

// A run writes only into its output folder: a relative image lives there, not beside the
// configuration, and the resolved configuration keeps it relative for the next run's folder.
TEST(Disk, ARelativeImageIsCreatedInTheOutputFolder) {
  TestBench bench(platform("swap-area.img"));
  bench.elaborate();
  EXPECT_EQ(fs::file_size(bench.output / "swap-area.img"), 5'120'000u);
  EXPECT_FALSE(fs::exists("swap-area.img"));
  EXPECT_EQ(bench.config->resolved()["components"]["disk"]["image"].Scalar(), "swap-area.img");
}

class DiskDriverTest : public ::testing::Test {
 protected:
  void build(const std::string& timing = "timing: ssd") {
    bench_ = std::make_unique<TestBench>(platform(image_, timing));
    bench_->elaborate();
    hal_ = std::make_unique<TesterHal>(*bench_->tester);
    driver_ = std::make_unique<DiskDriver>(*hal_, 0x10001000);
  }
  // Queues a command whose completion is recorded in `completed`.
  DiskDriver::Completion record() {
    return [this](bool ok, sc_time&) { completed_.push_back(ok); };
  }
  // Lets the disk finish the running command, then takes its interrupt as the kernel would.
  void serve() {
    sc_core::sc_start(sc_time(1, sc_core::SC_MS));
    driver_->interrupt(delay_);
  }
  void SetUp() override {
    image_ = image_path(::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove(image_);
  }
  void TearDown() override {
    bench_.reset();
    fs::remove(image_);
  }
  double stat(const std::string& name) { return bench_->stat("system.disk." + name); }

  std::string image_;
  std::unique_ptr<TestBench> bench_;
  std::unique_ptr<TesterHal> hal_;
  std::unique_ptr<DiskDriver> driver_;
  std::vector<bool> completed_;
  sc_time delay_;
};

TEST_F(DiskDriverTest, DataGoesToTheImageAndComesBackThroughDma) {
  // As if an earlier run had left data on the image: sector 20 holds a pattern.
  {
    std::ofstream file(image_, std::ios::binary);
    std::vector<char> zeroes(5'120'000);
    for (int i = 0; i < 512; ++i) zeroes[20 * 512 + i] = static_cast<char>(i * 7);
    file.write(zeroes.data(), static_cast<std::streamsize>(zeroes.size()));
  }
  build();
  TestInitiator& memory = *bench_->tester;
  for (std::uint64_t i = 0; i < 512; i += 8) memory.poke64(0x80100000 + i * 8, 0x1111111111111111ull * (i % 15));
  // Three commands queued at once: the driver starts each when the one before has interrupted.
  driver_->write(100, 8, 0x80100000, record(), delay_);  // 4 KiB
  driver_->read(100, 8, 0x80200000, record(), delay_);
  driver_->read(20, 1, 0x80300000, record(), delay_);
  EXPECT_TRUE(driver_->busy());
  for (int command = 0; command < 3; ++command) serve();
  EXPECT_EQ(completed_, (std::vector<bool>{true, true, true}));
  EXPECT_FALSE(driver_->busy());
  memory.write64(0x10001000 + disk_regs::command, disk_regs::command_flush);
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  for (std::uint64_t i = 0; i < 512; i += 8) EXPECT_EQ(memory.peek64(0x80200000 + i * 8), memory.peek64(0x80100000 + i * 8));
  std::ifstream file(image_, std::ios::binary);
  file.seekg(100 * 512);
  std::uint64_t first = 0;
  file.read(reinterpret_cast<char*>(&first), 8);
  EXPECT_EQ(first, 0u);  // i = 0
  file.seekg(100 * 512 + 8 * 8);
  file.read(reinterpret_cast<char*>(&first), 8);
  EXPECT_EQ(first, 0x8888888888888888ull);  // i = 8: on the file after the flush
  std::uint64_t old = 0;
  old = memory.peek64(0x80300000 + 8);
  EXPECT_EQ(old & 0xff, static_cast<std::uint64_t>(static_cast<unsigned char>(8 * 7)));
  EXPECT_EQ(stat("writes"), 1);
  EXPECT_EQ(stat("reads"), 2);
  EXPECT_EQ(stat("flushes"), 1);
  EXPECT_EQ(stat("bytes_written"), 4096);
}

TEST_F(DiskDriverTest, SsdTimeIsLatencyPlusBandwidthPlusDma) {
  build();
  driver_->read(0, 8, 0x80100000, record(), delay_);
  serve();
  // 20 us per command, 4096 bytes at 500 MB/s (8.192 us), one 4 KiB DMA write (1 ns hop + 50 ns).
  EXPECT_DOUBLE_EQ(stat("avg_service_ns"), 20'000 + 8'192 + 51);
}

TEST_F(DiskDriverTest, HddTimeIsSeekRotationAndTransfer) {
  // 100 tracks of 100 sectors; 6000 rpm: one revolution in 10 ms.
  build("timing: hdd, rpm: 6000, sectors_per_track: 100, seek_min: 1ms, seek_max: 10ms");
  TestInitiator& cpu = *bench_->tester;
  cpu.write64(0x10001000 + disk_regs::lba, 250);  // track 2, half a revolution round
  cpu.write64(0x10001000 + disk_regs::sector_count, 1);
  cpu.write64(0x10001000 + disk_regs::dma_address, 0x80100000);
  cpu.write64(0x10001000 + disk_regs::command, disk_regs::command_read);
  sc_core::sc_start(sc_time(20, sc_core::SC_MS));
  // The command arrives after the bus hop, at 1 ns. Seek two tracks: 1 ms + 9 ms * sqrt(1/99); then
  // the platter turns until sector 50 of the track comes round, half a turn after time 0: seek and
  // wait end at 5 ms, 1 ns less than 5 ms after the start. Then 1/100 of a turn to read the sector,
  // and the DMA of 512 bytes (51 ns).
  EXPECT_NEAR(stat("avg_service_ns"), 5'000'000 - 1 + 100'000 + 51, 0.01);
  std::uint64_t status = 0;
  cpu.read64(0x10001000 + disk_regs::status, status);
  EXPECT_EQ(status, disk_regs::status_done);
}

TEST_F(DiskDriverTest, BadCommandsAndAccessesAreErrors) {
  build();
  TestInitiator& cpu = *bench_->tester;
  cpu.write64(0x10001000 + disk_regs::lba, 10'000);  // beyond the 10000 sectors
  cpu.write64(0x10001000 + disk_regs::sector_count, 1);
  EXPECT_EQ(cpu.write64(0x10001000 + disk_regs::command, disk_regs::command_read).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(cpu.write64(0x10001000 + disk_regs::command, disk_regs::command_read).status,
            tlm::TLM_COMMAND_ERROR_RESPONSE);
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  std::uint64_t value = 0;
  cpu.read64(0x10001000 + disk_regs::status, value);
  EXPECT_EQ(value, disk_regs::status_done | disk_regs::status_error);
  cpu.read64(0x10001000 + disk_regs::capacity, value);
  EXPECT_EQ(value, 10'000u);
  EXPECT_EQ(cpu.write64(0x10001000 + disk_regs::capacity, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  std::uint32_t narrow = 0;
  EXPECT_EQ(cpu.transport(AccessKind::load, 0x10001000, reinterpret_cast<std::uint8_t*>(&narrow), 4).status,
            tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(stat("errors"), 4);
}

}  // namespace
}  // namespace vmsim::test
