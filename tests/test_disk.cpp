// The disk: its image file, registers, DMA, timing models, and the kernel's driver.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "firmware/disk_driver.h"
#include "firmware/kernel_model.h"
#include "models/devices/disk.h"
#include "models/mmu/mmu.h"
#include "tests/test_bench.h"

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
  disk:   {{type: disk, base: 0x10001000, image: {}, capacity: 5120000, interrupt_controller: kernel, {}}}
  mmu0:   {{type: mmu, base: 0x10002000}}
  kernel: {{type: kernel, memory: dram}}
  tester: {{type: test_initiator}}
  user:   {{type: test_initiator, port: mmu0}}
)", image, timing);
}

TEST(Disk, TheImageIsCreatedAtItsSizeAndAnotherSizeIsRefused) {
  const std::string image = image_path("create");
  fs::remove(image);
  { TestBench bench(platform(image)); }
  EXPECT_EQ(fs::file_size(image), 5'120'000u);
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
                        "output folder or image", image));
  ::close(other_run);
  fs::remove(image);
}

// A run writes only into its output folder: a relative image lives there, not beside the
// configuration, and the resolved configuration keeps it relative for the next run's folder.
TEST(Disk, ARelativeImageIsCreatedInTheOutputFolder) {
  const TestBench bench(platform("swap-area.img"));
  EXPECT_EQ(fs::file_size(bench.output / "swap-area.img"), 5'120'000u);
  EXPECT_FALSE(fs::exists("swap-area.img"));
  EXPECT_EQ(bench.config->resolved()["components"]["disk"]["image"].Scalar(), "swap-area.img");
}

class DiskDriverTest : public ::testing::Test {
 protected:
  void build(const std::string& timing = "timing: ssd") {
    bench_ = std::make_unique<TestBench>(platform(image_, timing));
    model_ = &bench_->kernel_with();
    bench_->elaborate();  // boots the kernel
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
  KernelModel* model_ = nullptr;
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
  DiskDriver driver(*model_, 0x10001000, 0);
  bool wrote = false, flushed = false, read_back = false, read_old = false;
  sc_core::sc_spawn([&] {
    sc_core::sc_time delay;
    wrote = driver.write(100, 8, 0x80100000, delay);  // 4 KiB
    flushed = driver.flush(delay);
    read_back = driver.read(100, 8, 0x80200000, delay);
    read_old = driver.read(20, 1, 0x80300000, delay);
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  ASSERT_TRUE(wrote && flushed && read_back && read_old);
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
  EXPECT_EQ(bench_->stat("system.kernel.interrupts.disk_handled"), 4);
}

TEST_F(DiskDriverTest, SsdTimeIsLatencyPlusBandwidthPlusDma) {
  build();
  DiskDriver driver(*model_, 0x10001000, 0);
  sc_core::sc_spawn([&] {
    sc_core::sc_time delay;
    driver.read(0, 8, 0x80100000, delay);
  });
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  // 20 us per command, 4096 bytes at 500 MB/s (8.192 us), one 4 KiB DMA write (1 ns hop + 50 ns).
  EXPECT_DOUBLE_EQ(stat("avg_service_ns"), 20'000 + 8'192 + 51);
}

TEST_F(DiskDriverTest, HddTimeIsSeekRotationAndTransfer) {
  // 100 tracks of 100 sectors; 6000 rpm: one revolution in 10 ms.
  build("timing: hdd, rpm: 6000, sectors_per_track: 100, seek_min: 1ms, seek_max: 10ms");
  TestInitiator& cpu = *bench_->tester;
  cpu.write64(0x10001000 + Disk::reg_lba, 250);  // track 2, half a revolution round
  cpu.write64(0x10001000 + Disk::reg_sector_count, 1);
  cpu.write64(0x10001000 + Disk::reg_dma_address, 0x80100000);
  cpu.write64(0x10001000 + Disk::reg_command, Disk::command_read);
  sc_core::sc_start(sc_time(20, sc_core::SC_MS));
  // The command arrives after the bus hop, at 1 ns. Seek two tracks: 1 ms + 9 ms * sqrt(1/99); then
  // the platter turns until sector 50 of the track comes round, half a turn after time 0: seek and
  // wait end at 5 ms, 1 ns less than 5 ms after the start. Then 1/100 of a turn to read the sector,
  // and the DMA of 512 bytes (51 ns).
  EXPECT_NEAR(stat("avg_service_ns"), 5'000'000 - 1 + 100'000 + 51, 0.01);
  std::uint64_t status = 0;
  cpu.read64(0x10001000 + Disk::reg_status, status);
  EXPECT_EQ(status, Disk::status_done);
}

TEST_F(DiskDriverTest, BadCommandsAndAccessesAreErrors) {
  build();
  TestInitiator& cpu = *bench_->tester;
  cpu.write64(0x10001000 + Disk::reg_lba, 10'000);  // beyond the 10000 sectors
  cpu.write64(0x10001000 + Disk::reg_sector_count, 1);
  EXPECT_EQ(cpu.write64(0x10001000 + Disk::reg_command, Disk::command_read).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(cpu.write64(0x10001000 + Disk::reg_command, Disk::command_read).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  std::uint64_t value = 0;
  cpu.read64(0x10001000 + Disk::reg_status, value);
  EXPECT_EQ(value, Disk::status_done | Disk::status_error);
  cpu.read64(0x10001000 + Disk::reg_capacity, value);
  EXPECT_EQ(value, 10'000u);
  EXPECT_EQ(cpu.write64(0x10001000 + Disk::reg_capacity, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  std::uint32_t narrow = 0;
  EXPECT_EQ(cpu.transport(AccessKind::load, 0x10001000, reinterpret_cast<std::uint8_t*>(&narrow), 4).status,
            tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(stat("errors"), 4);
}

}  // namespace
}  // namespace vmsim::test
