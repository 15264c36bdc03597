// The virtio-mmio block device: its registers (modern and legacy), feature negotiation, the
// configuration space, requests through descriptor chains (direct and indirect) and the used ring,
// interrupts, reset, timing, the image file, and what malformed input from the driver does: IOERR
// or UNSUPP in the request's status, or DEVICE_NEEDS_RESET, never a crash. The fuzz test drives it
// with random descriptor tables from a fixed seed against a reference walk of the chains.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <fmt/format.h>

#include "test_bench.h"
#include "vmsim/models/devices/virtio_mmio.h"
#include "vmsim/models/devices/virtio_registers.h"

namespace vmsim::test {
namespace {

namespace fs = std::filesystem;
using sc_core::SC_MS;
using sc_core::sc_time;

constexpr std::uint64_t device = 0x10001000;
// Where the test's driver keeps its queue and buffers.
constexpr std::uint64_t descriptors = 0x80010000;
constexpr std::uint64_t driver_ring = 0x80011000;
constexpr std::uint64_t device_ring = 0x80012000;
constexpr std::uint64_t buffers = 0x80100000;
constexpr std::uint64_t nowhere = 0x40000000;  // no memory answers here

constexpr std::uint64_t sectors = 64;

std::string platform(const std::string& image, const std::string& extra = "") {
  // A TLM-2.0 base-protocol checker on every connection: the device's DMA among them.
  return fmt::format(R"(
components:
  bus:    {{type: router, hop_latency: 1ns}}
  dram:   {{type: dram, base: 0x80000000, size: 16MiB, read_latency: 50ns, write_latency: 50ns}}
  disk:   {{type: virtio_blk, base: 0x10001000, image: '{}', command_latency: 10us, bandwidth: 512MB{}}}
  tester: {{type: test_initiator}}
platform: {{protocol_checks: true}}
)",
                     image, extra);
}

struct Descriptor {
  std::uint64_t address;
  std::uint32_t length;
  std::uint16_t flags;
  std::uint16_t next;
};

class VirtioBlkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    image_ = (fs::temp_directory_path() / fmt::format("vmsim_virtio_{}_{}.img",
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                                                      getpid()))
                 .string();
    // Sector s holds bytes s, s+1, s+2, ...
    std::ofstream file(image_, std::ios::binary);
    for (std::uint64_t s = 0; s < sectors; ++s)
      for (unsigned i = 0; i < 512; ++i) file.put(static_cast<char>(s + i));
  }
  void TearDown() override {
    if (bench_) {
      EXPECT_EQ(bench_->system->failure(), "");
    }
    bench_.reset();
    fs::remove(image_);
  }
  void build(const std::string& extra = "") {
    bench_ = std::make_unique<TestBench>(platform(image_, extra));
    bench_->elaborate();
  }

  std::uint32_t reg(std::uint64_t offset) {
    std::uint32_t value = 0;
    EXPECT_EQ(
        bench_->tester->transport(AccessKind::load, device + offset, reinterpret_cast<std::uint8_t*>(&value), 4).status,
        tlm::TLM_OK_RESPONSE)
        << std::hex << offset;
    return value;
  }
  tlm::tlm_response_status access(AccessKind kind, std::uint64_t offset, unsigned length, std::uint64_t value = 0) {
    return bench_->tester->transport(kind, device + offset, reinterpret_cast<std::uint8_t*>(&value), length).status;
  }
  void set(std::uint64_t offset, std::uint32_t value) {
    EXPECT_EQ(bench_->tester->transport(AccessKind::store, device + offset, reinterpret_cast<std::uint8_t*>(&value), 4)
                  .status,
              tlm::TLM_OK_RESPONSE)
        << std::hex << offset;
  }
  void poke(std::uint64_t address, const void* data, unsigned length) {
    std::vector<std::uint8_t> bytes(static_cast<const std::uint8_t*>(data),
                                    static_cast<const std::uint8_t*>(data) + length);
    ASSERT_EQ(bench_->tester->debug(tlm::TLM_WRITE_COMMAND, address, bytes.data(), length), length);
  }
  template <typename T>
  void poke_value(std::uint64_t address, T value) {
    poke(address, &value, sizeof(value));
  }
  template <typename T>
  T peek(std::uint64_t address) {
    T value{};
    EXPECT_EQ(bench_->tester->debug(tlm::TLM_READ_COMMAND, address, reinterpret_cast<std::uint8_t*>(&value), sizeof(T)),
              sizeof(T));
    return value;
  }

  // What a driver does at start-up (xv6's and Linux's order), accepting `features` of those offered.
  void start(std::uint32_t queue = 8, std::uint64_t features = ~std::uint64_t{0}) {
    set(virtio::status, 0);
    set(virtio::status, virtio::status_acknowledge);
    set(virtio::status, virtio::status_acknowledge | virtio::status_driver);
    for (std::uint32_t word = 0; word < 2; ++word) {
      set(virtio::device_features_sel, word);
      set(virtio::driver_features_sel, word);
      set(virtio::driver_features, reg(virtio::device_features) & static_cast<std::uint32_t>(features >> (32 * word)));
    }
    set(virtio::status, virtio::status_acknowledge | virtio::status_driver | virtio::status_features_ok);
    ASSERT_NE(reg(virtio::status) & virtio::status_features_ok, 0u);
    set(virtio::queue_sel, 0);
    set(virtio::queue_num, queue);
    set(virtio::queue_desc_low, static_cast<std::uint32_t>(descriptors));
    set(virtio::queue_desc_high, 0);
    set(virtio::queue_driver_low, static_cast<std::uint32_t>(driver_ring));
    set(virtio::queue_driver_high, 0);
    set(virtio::queue_device_low, static_cast<std::uint32_t>(device_ring));
    set(virtio::queue_device_high, 0);
    set(virtio::queue_ready, 1);
    set(virtio::status,
        virtio::status_acknowledge | virtio::status_driver | virtio::status_features_ok | virtio::status_driver_ok);
    available_ = 0;
    std::vector<std::uint8_t> zeroes(0x1000);
    poke(driver_ring, zeroes.data(), 0x1000);
    poke(device_ring, zeroes.data(), 0x1000);
  }
  void put_descriptor(std::uint64_t table, std::uint16_t index, const Descriptor& d) {
    poke_value(table + 16 * index, d.address);
    poke_value(table + 16 * index + 8, d.length);
    poke_value(table + 16 * index + 12, d.flags);
    poke_value(table + 16 * index + 14, d.next);
  }
  void put_header(std::uint64_t address, std::uint32_t type, std::uint64_t sector) {
    poke_value(address, type);
    poke_value(address + 4, std::uint32_t{0});
    poke_value(address + 8, sector);
  }
  // Makes the chain from `head` available, notifies, and lets the device work for a millisecond.
  void submit(std::uint16_t head, std::uint16_t queue = 8) {
    poke_value(driver_ring + 4 + 2 * (available_ % queue), head);
    ++available_;
    poke_value(driver_ring + 2, available_);
    set(virtio::queue_notify, 0);
    sc_core::sc_start(sc_time(1, SC_MS));
  }
  // A request of three descriptors, as xv6 makes them: header, data, status.
  void request(std::uint32_t type, std::uint64_t sector, std::uint64_t data, std::uint32_t length, bool device_writes) {
    put_header(buffers, type, sector);
    poke_value(buffers + 0x800, std::uint8_t{0xff});
    put_descriptor(descriptors, 0, {buffers, 16, virtio::descriptor_next, 1});
    put_descriptor(
        descriptors, 1,
        {data, length,
         static_cast<std::uint16_t>(virtio::descriptor_next | (device_writes ? virtio::descriptor_write : 0)), 2});
    put_descriptor(descriptors, 2, {buffers + 0x800, 1, virtio::descriptor_write, 0});
    submit(0);
  }
  std::uint8_t request_status() { return peek<std::uint8_t>(buffers + 0x800); }
  std::uint16_t used_index() { return peek<std::uint16_t>(device_ring + 2); }
  std::uint32_t used_id(unsigned slot) { return peek<std::uint32_t>(device_ring + 4 + 8 * slot); }
  std::uint32_t used_length(unsigned slot) { return peek<std::uint32_t>(device_ring + 8 + 8 * slot); }
  double stat(const std::string& name) { return bench_->stat("system.disk." + name); }
  std::string why() { return dynamic_cast<VirtioMmio*>(sc_core::sc_find_object("system.disk"))->needs_reset_why(); }

  std::string image_;
  std::unique_ptr<TestBench> bench_;
  std::uint16_t available_ = 0;
};

TEST_F(VirtioBlkTest, RegistersIdentifyABlockDeviceOnTheModernTransport) {
  build();
  EXPECT_EQ(reg(virtio::magic_value), 0x74726976u);
  EXPECT_EQ(reg(virtio::version), 2u);
  EXPECT_EQ(reg(virtio::device_id), 2u);
  EXPECT_EQ(reg(virtio::vendor_id), 0x554d4551u);
  set(virtio::device_features_sel, 0);
  // SEG_MAX (2), BLK_SIZE (6), FLUSH (9), INDIRECT_DESC (28)
  EXPECT_EQ(reg(virtio::device_features), 0x1000'0244u);
  set(virtio::device_features_sel, 1);
  EXPECT_EQ(reg(virtio::device_features), 1u);  // VERSION_1
  set(virtio::device_features_sel, 2);
  EXPECT_EQ(reg(virtio::device_features), 0u);
  EXPECT_EQ(reg(virtio::queue_num_max), 128u);
  set(virtio::queue_sel, 1);
  EXPECT_EQ(reg(virtio::queue_num_max), 0u);  // one queue
  EXPECT_EQ(reg(virtio::queue_ready), 0u);
  EXPECT_EQ(reg(virtio::config_generation), 0u);
  // The configuration space: capacity 64 sectors in two 32-bit halves, seg_max, blk_size.
  EXPECT_EQ(reg(virtio::config + 0), 64u);
  EXPECT_EQ(reg(virtio::config + 4), 0u);
  EXPECT_EQ(reg(virtio::config + 12), 126u);
  EXPECT_EQ(reg(virtio::config + 20), 512u);
  std::uint64_t wide = 0;
  EXPECT_EQ(
      bench_->tester->transport(AccessKind::load, device + virtio::config, reinterpret_cast<std::uint8_t*>(&wide), 8)
          .status,
      tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(wide, 64u);
  std::uint8_t byte = 0;
  EXPECT_EQ(bench_->tester->transport(AccessKind::load, device + virtio::config + 21, &byte, 1).status,
            tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(byte, 2u);  // 512 = 0x200
  // What is not there, or not so.
  EXPECT_EQ(access(AccessKind::load, virtio::config + 36, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(access(AccessKind::load, virtio::config + 2, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // misaligned
  EXPECT_EQ(access(AccessKind::store, virtio::config, 4, 1), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(access(AccessKind::load, virtio::queue_pfn, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);  // legacy only
  EXPECT_EQ(access(AccessKind::load, 0x018, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(access(AccessKind::load, virtio::queue_desc_low, 4), tlm::TLM_COMMAND_ERROR_RESPONSE);  // write-only
  EXPECT_EQ(access(AccessKind::load, virtio::version, 8), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(access(AccessKind::store, virtio::magic_value, 4, 0), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(stat("register_errors"), 8);
}

TEST_F(VirtioBlkTest, WithoutAnImageTheSlotIsEmpty) {
  bench_ = std::make_unique<TestBench>(platform(""));
  bench_->elaborate();
  EXPECT_EQ(reg(virtio::magic_value), 0x74726976u);
  EXPECT_EQ(reg(virtio::device_id), 0u);
  EXPECT_EQ(reg(virtio::device_features), 0u);
  EXPECT_EQ(reg(virtio::queue_num_max), 0u);
  EXPECT_EQ(access(AccessKind::load, virtio::config, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_F(VirtioBlkTest, ReadsAndWritesGoThroughTheQueueAndLeaveTheImageAlone) {
  build();
  start();
  request(virtio::blk_in, 3, buffers + 0x1000, 1024, true);  // sectors 3 and 4
  EXPECT_EQ(request_status(), virtio::blk_ok);
  for (unsigned i = 0; i < 1024; i += 97)
    EXPECT_EQ(peek<std::uint8_t>(buffers + 0x1000 + i), static_cast<std::uint8_t>(3 + i / 512 + i % 512)) << i;
  EXPECT_EQ(used_index(), 1);
  EXPECT_EQ(used_id(0), 0u);
  EXPECT_EQ(used_length(0), 1025u);  // the data and the status byte
  EXPECT_EQ(reg(virtio::interrupt_status), virtio::interrupt_used_buffer);
  set(virtio::interrupt_ack, virtio::interrupt_used_buffer);
  EXPECT_EQ(reg(virtio::interrupt_status), 0u);
  // A write, then reading it back; the image file is as it was (snapshot).
  std::vector<std::uint8_t> pattern(512);
  for (unsigned i = 0; i < 512; ++i) pattern[i] = static_cast<std::uint8_t>(0xa5 ^ i);
  poke(buffers + 0x2000, pattern.data(), 512);
  request(virtio::blk_out, 63, buffers + 0x2000, 512, false);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  EXPECT_EQ(used_length(1), 1u);
  set(virtio::interrupt_ack, virtio::interrupt_used_buffer);
  request(virtio::blk_in, 62, buffers + 0x3000, 1024, true);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  EXPECT_EQ(peek<std::uint8_t>(buffers + 0x3000 + 511), static_cast<std::uint8_t>(62 + 511));
  for (unsigned i = 0; i < 512; ++i) ASSERT_EQ(peek<std::uint8_t>(buffers + 0x3200 + i), pattern[i]) << i;
  std::ifstream file(image_, std::ios::binary);
  file.seekg(63 * 512);
  EXPECT_EQ(file.get(), 63);
  EXPECT_EQ(stat("reads"), 2);
  EXPECT_EQ(stat("writes"), 1);
  EXPECT_EQ(stat("bytes_read"), 2048);
  EXPECT_EQ(stat("bytes_written"), 512);
  EXPECT_EQ(stat("notifications"), 3);
  EXPECT_EQ(stat("interrupts"), 3);
}

TEST_F(VirtioBlkTest, WithoutSnapshotWritesReachTheImageAndFlushSucceeds) {
  build(", snapshot: false");
  start();
  std::vector<std::uint8_t> pattern(512, 0x5c);
  poke(buffers + 0x2000, pattern.data(), 512);
  request(virtio::blk_out, 10, buffers + 0x2000, 512, false);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  put_header(buffers, virtio::blk_flush, 0);
  put_descriptor(descriptors, 0, {buffers, 16, virtio::descriptor_next, 1});
  put_descriptor(descriptors, 1, {buffers + 0x800, 1, virtio::descriptor_write, 0});
  submit(0);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  EXPECT_EQ(stat("flushes"), 1);
  std::ifstream file(image_, std::ios::binary);
  file.seekg(10 * 512 + 100);
  EXPECT_EQ(file.get(), 0x5c);
}

TEST_F(VirtioBlkTest, ServiceTimeIsTheMediumsAndTheDmas) {
  build();
  start();
  request(virtio::blk_in, 0, buffers + 0x1000, 512, true);
  // Taking the request: the ring's index and entry, three descriptors, the header (6 reads of 51
  // ns); the medium: 10 us + 512 bytes at 512 MB/s; the data and the status written (2 x 51 ns).
  EXPECT_DOUBLE_EQ(stat("avg_service_ns"), 6 * 51 + 10'000 + 1'000 + 2 * 51);
}

TEST_F(VirtioBlkTest, ANotificationWhileTheDeviceReadsAnEmptyRingIsServed) {
  build();
  start();
  put_header(buffers, virtio::blk_in, 0);
  put_descriptor(descriptors, 0, {buffers, 16, virtio::descriptor_next, 1});
  put_descriptor(descriptors, 1, {buffers + 0x1000, 512, virtio::descriptor_next | virtio::descriptor_write, 2});
  put_descriptor(descriptors, 2, {buffers + 0x800, 1, virtio::descriptor_write, 0});
  const auto make_available = [&] {
    poke_value(driver_ring + 4 + 2 * (available_ % 8), std::uint16_t{0});
    ++available_;
    poke_value(driver_ring + 2, available_);
    set(virtio::queue_notify, 0);
  };
  make_available();
  // Step to the first request's interrupt: as it raised it, the device read the ring's index again,
  // found no request, and now waits out that read (51 ns).
  while (reg(virtio::interrupt_status) == 0) sc_core::sc_start(sc_time(1, sc_core::SC_NS));
  EXPECT_EQ(sc_core::sc_time_stamp(), sc_time(11563, sc_core::SC_NS));
  make_available();
  sc_core::sc_start(sc_time(1, SC_MS));
  EXPECT_EQ(used_index(), 2);
  EXPECT_EQ(stat("reads"), 2);
}

TEST_F(VirtioBlkTest, AResetWhileTheMediumWorksLeavesTheRequestsBuffersAlone) {
  build();
  start();
  std::vector<std::uint8_t> pattern(512, 0xaa);
  poke(buffers + 0x1000, pattern.data(), 512);
  put_header(buffers, virtio::blk_in, 3);
  poke_value(buffers + 0x800, std::uint8_t{0xff});
  put_descriptor(descriptors, 0, {buffers, 16, virtio::descriptor_next, 1});
  put_descriptor(descriptors, 1, {buffers + 0x1000, 512, virtio::descriptor_next | virtio::descriptor_write, 2});
  put_descriptor(descriptors, 2, {buffers + 0x800, 1, virtio::descriptor_write, 0});
  poke_value(driver_ring + 4, std::uint16_t{0});
  poke_value(driver_ring + 2, std::uint16_t{1});
  set(virtio::queue_notify, 0);
  sc_core::sc_start(sc_time(5, sc_core::SC_US));  // the medium takes 11 us
  set(virtio::status, 0);
  sc_core::sc_start(sc_time(1, sc_core::SC_MS));
  EXPECT_EQ(peek<std::uint64_t>(buffers + 0x1000), 0xaaaa'aaaa'aaaa'aaaaULL);
  EXPECT_EQ(request_status(), 0xff);
  EXPECT_EQ(used_index(), 0);
}

TEST_F(VirtioBlkTest, GetIdFlushAndUnknownRequests) {
  build(", serial: vmsim-disk-7");
  start();
  request(virtio::blk_get_id, 0, buffers + 0x1000, 20, true);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  char id[21] = {};
  for (unsigned i = 0; i < 20; ++i) id[i] = static_cast<char>(peek<std::uint8_t>(buffers + 0x1000 + i));
  EXPECT_EQ(std::string(id), "vmsim-disk-7");
  EXPECT_EQ(used_length(0), 21u);
  request(99, 0, buffers + 0x1000, 512, true);
  EXPECT_EQ(request_status(), virtio::blk_unsupp);
  EXPECT_EQ(stat("get_ids"), 1);
  EXPECT_EQ(stat("unsupported"), 1);
}

TEST_F(VirtioBlkTest, RequestsTheDeviceCannotDoAreAnsweredWithIoerr) {
  build(", read_only: true");
  set(virtio::device_features_sel, 0);
  EXPECT_EQ(reg(virtio::device_features) & virtio::bit(virtio::feature_blk_ro), virtio::bit(virtio::feature_blk_ro));
  start();
  request(virtio::blk_out, 1, buffers + 0x1000, 512, false);  // a read-only image
  EXPECT_EQ(request_status(), virtio::blk_ioerr);
  request(virtio::blk_in, 63, buffers + 0x1000, 1024, true);  // past the last sector
  EXPECT_EQ(request_status(), virtio::blk_ioerr);
  request(virtio::blk_in, 0, buffers + 0x1000, 500, true);  // not whole sectors
  EXPECT_EQ(request_status(), virtio::blk_ioerr);
  request(virtio::blk_in, 0, nowhere, 512, true);  // a buffer in no memory
  EXPECT_EQ(request_status(), virtio::blk_ioerr);
  // A header of 8 bytes.
  put_descriptor(descriptors, 0, {buffers, 8, virtio::descriptor_next, 1});
  poke_value(buffers + 0x800, std::uint8_t{0xff});
  submit(0);
  EXPECT_EQ(request_status(), virtio::blk_ioerr);
  EXPECT_EQ(used_index(), 5);
  EXPECT_EQ(stat("errors"), 5);
  EXPECT_EQ(stat("device_errors"), 0);
  EXPECT_EQ(reg(virtio::status) & virtio::status_needs_reset, 0u);
}

TEST_F(VirtioBlkTest, HeaderDataAndStatusMayShareDescriptors) {
  build();
  start();
  // One readable descriptor with the header, one writable with 512 bytes of data and the status.
  put_header(buffers, virtio::blk_in, 5);
  put_descriptor(descriptors, 4, {buffers, 16, virtio::descriptor_next, 6});
  put_descriptor(descriptors, 6, {buffers + 0x1000, 513, virtio::descriptor_write, 0});
  submit(4);
  EXPECT_EQ(peek<std::uint8_t>(buffers + 0x1000 + 512), virtio::blk_ok);
  EXPECT_EQ(peek<std::uint8_t>(buffers + 0x1000 + 7), 12);
  EXPECT_EQ(used_id(0), 4u);
}

TEST_F(VirtioBlkTest, IndirectTablesServeWhenNegotiated) {
  build();
  start();
  constexpr std::uint64_t table = 0x80020000;
  put_header(buffers, virtio::blk_in, 2);
  put_descriptor(table, 0, {buffers, 16, virtio::descriptor_next, 1});
  put_descriptor(table, 1, {buffers + 0x1000, 256, virtio::descriptor_write | virtio::descriptor_next, 2});
  put_descriptor(table, 2, {buffers + 0x1400, 256, virtio::descriptor_write | virtio::descriptor_next, 3});
  put_descriptor(table, 3, {buffers + 0x800, 1, virtio::descriptor_write, 0});
  put_descriptor(descriptors, 0, {table, 64, virtio::descriptor_indirect, 0});
  poke_value(buffers + 0x800, std::uint8_t{0xff});
  submit(0);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  EXPECT_EQ(peek<std::uint8_t>(buffers + 0x1000 + 255), static_cast<std::uint8_t>(2 + 255));
  EXPECT_EQ(peek<std::uint8_t>(buffers + 0x1400), static_cast<std::uint8_t>(2 + 256));
  // Not negotiated: the same chain is a driver's mistake.
  start(8, ~virtio::bit(virtio::feature_indirect_desc));
  put_descriptor(descriptors, 0, {table, 64, virtio::descriptor_indirect, 0});
  submit(0);
  EXPECT_NE(reg(virtio::status) & virtio::status_needs_reset, 0u);
  EXPECT_EQ(why(),
            "descriptor 0 is an indirect table the device cannot take (flags 0x4, 64 bytes, the feature not "
            "negotiated)");
}

TEST_F(VirtioBlkTest, MalformedChainsNeedAReset) {
  build();
  const auto expect_needs_reset = [this](const std::string& reason) {
    EXPECT_EQ(reg(virtio::status) & virtio::status_needs_reset, virtio::status_needs_reset);
    EXPECT_EQ(reg(virtio::interrupt_status), virtio::interrupt_config_change);
    EXPECT_EQ(why(), reason);
    EXPECT_EQ(used_index(), 0);
  };
  start();
  submit(200);  // beyond the table
  expect_needs_reset("descriptor 200 is beyond the 8 of its table");
  // Nothing more is served until the driver resets the device.
  request(virtio::blk_in, 0, buffers + 0x1000, 512, true);
  EXPECT_EQ(used_index(), 0);
  EXPECT_EQ(request_status(), 0xff);

  start();
  put_descriptor(descriptors, 0, {buffers, 16, virtio::descriptor_next, 1});
  put_descriptor(descriptors, 1, {buffers + 0x1000, 512, virtio::descriptor_next, 0});
  submit(0);
  expect_needs_reset("the chain from descriptor 0 loops");

  start();
  put_descriptor(descriptors, 0, {buffers, 16, 0, 0});
  submit(0);
  expect_needs_reset("the chain from descriptor 0 has no writable byte for the request's status");

  start();
  put_descriptor(descriptors, 0, {buffers + 0x800, 1, virtio::descriptor_write | virtio::descriptor_next, 1});
  put_descriptor(descriptors, 1, {buffers, 16, 0, 0});
  submit(0);
  expect_needs_reset("descriptor 1 is device-readable after device-writable ones");

  start();
  set(virtio::queue_desc_low, static_cast<std::uint32_t>(nowhere));
  set(virtio::queue_ready, 1);
  submit(0);
  expect_needs_reset("descriptor table at 0x40000000 is where no memory answers");

  start();
  set(virtio::queue_num, 3);
  set(virtio::queue_ready, 1);
  EXPECT_EQ(reg(virtio::queue_ready), 0u);
  EXPECT_EQ(why(), "queue size 3 is not a power of two up to 128");

  // After a reset, all is well again.
  start();
  request(virtio::blk_in, 0, buffers + 0x1000, 512, true);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  EXPECT_EQ(stat("device_errors"), 6);
  EXPECT_EQ(stat("resets"), 7);
  EXPECT_EQ(stat("reads"), 1);
}

TEST_F(VirtioBlkTest, TheLegacyTransportPlacesTheRingsByPageFrame) {
  build(", version: 1");
  EXPECT_EQ(reg(virtio::version), 1u);
  set(virtio::device_features_sel, 0);
  EXPECT_EQ(reg(virtio::device_features), 0x1800'0244u);  // with ANY_LAYOUT (27), without VERSION_1
  set(virtio::device_features_sel, 1);
  EXPECT_EQ(reg(virtio::device_features), 0u);
  EXPECT_EQ(access(AccessKind::load, virtio::queue_ready, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  set(virtio::status, virtio::status_acknowledge | virtio::status_driver);
  set(virtio::driver_features, 0);
  set(virtio::guest_page_size, 4096);
  set(virtio::queue_sel, 0);
  set(virtio::queue_num, 8);
  set(virtio::queue_align, 4096);
  set(virtio::queue_pfn, static_cast<std::uint32_t>(descriptors / 4096));
  EXPECT_EQ(reg(virtio::queue_pfn), descriptors / 4096);
  set(virtio::status, virtio::status_acknowledge | virtio::status_driver | virtio::status_driver_ok);
  // Descriptors at the frame, the driver ring right after them (8 x 16 bytes), the device ring at the
  // next 4 KiB.
  constexpr std::uint64_t legacy_driver_ring = descriptors + 128;
  constexpr std::uint64_t legacy_device_ring = descriptors + 4096;
  put_header(buffers, virtio::blk_in, 9);
  put_descriptor(descriptors, 0, {buffers, 16, virtio::descriptor_next, 1});
  put_descriptor(descriptors, 1, {buffers + 0x1000, 512, virtio::descriptor_write | virtio::descriptor_next, 2});
  put_descriptor(descriptors, 2, {buffers + 0x800, 1, virtio::descriptor_write, 0});
  poke_value(legacy_driver_ring + 4, std::uint16_t{0});
  poke_value(legacy_driver_ring + 2, std::uint16_t{1});
  set(virtio::queue_notify, 0);
  sc_core::sc_start(sc_time(1, SC_MS));
  EXPECT_EQ(request_status(), virtio::blk_ok);
  EXPECT_EQ(peek<std::uint8_t>(buffers + 0x1000 + 1), 10);
  EXPECT_EQ(peek<std::uint16_t>(legacy_device_ring + 2), 1);
  EXPECT_EQ(peek<std::uint32_t>(legacy_device_ring + 8), 513u);
}

TEST_F(VirtioBlkTest, SuppressedInterruptsAreNotSent) {
  build();
  start();
  poke_value(driver_ring, virtio::avail_no_interrupt);
  request(virtio::blk_in, 0, buffers + 0x1000, 512, true);
  EXPECT_EQ(request_status(), virtio::blk_ok);
  EXPECT_EQ(reg(virtio::interrupt_status), 0u);
  EXPECT_EQ(stat("interrupts"), 0);
}

// The reference the fuzz test checks the device against: how the specification says a chain from
// `head` is walked, and whether the device must refuse it (DEVICE_NEEDS_RESET).
struct ReferenceWalk {
  bool broken = false;
  std::uint64_t readable = 0;
  std::uint64_t writable = 0;
  std::uint64_t status_address = 0;  // the last writable byte, where the request's status goes
};

bool in_memory(std::uint64_t address) { return address >= 0x80000000 && address < 0x80000000 + 16 * 1024 * 1024; }

ReferenceWalk walk_reference(const std::vector<Descriptor>& table, std::uint16_t head, bool indirect_allowed,
                             const std::map<std::uint64_t, std::vector<Descriptor>>& indirect_tables) {
  ReferenceWalk walk;
  const std::vector<Descriptor>* current = &table;
  bool in_indirect = false;
  std::uint32_t index = head;
  std::set<std::uint32_t> seen;
  while (true) {
    if (index >= current->size() || !seen.insert(index).second) return {true, 0, 0};
    const Descriptor& d = (*current)[index];
    if ((d.flags & virtio::descriptor_indirect) != 0) {
      const auto found = indirect_tables.find(d.address);
      if (!indirect_allowed || in_indirect || (d.flags & virtio::descriptor_next) != 0 ||
          found == indirect_tables.end())
        return {true, 0, 0};
      current = &found->second;
      in_indirect = true;
      index = 0;
      seen.clear();
      continue;
    }
    const bool writable = (d.flags & virtio::descriptor_write) != 0;
    if (!writable && walk.writable != 0) return {true, 0, 0};
    (writable ? walk.writable : walk.readable) += d.length;
    if (writable && d.length != 0) walk.status_address = d.address + d.length - 1;
    if ((d.flags & virtio::descriptor_next) == 0) break;
    index = d.next;
  }
  if (walk.writable == 0) walk.broken = true;
  return walk;
}

TEST_F(VirtioBlkTest, RandomDescriptorTablesNeverBreakTheSimulator) {
  build();
  constexpr std::uint16_t queue = 16;
  std::mt19937_64 random(20240601);
  const auto pick = [&](std::uint64_t bound) {
    return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(random);
  };
  unsigned completed = 0;
  unsigned refused = 0;
  unsigned unanswered = 0;  // done, but the status byte is where no memory answers
  for (int trial = 0; trial < 300; ++trial) {
    start(queue);
    // Buffers in memory (some spanning the end of DRAM) or where nothing answers; lengths around a
    // header, a sector, a status byte; any flags; next indexes sometimes beyond the table.
    const auto random_descriptor = [&](std::uint16_t size) {
      Descriptor d{};
      switch (pick(8)) {
        case 0: d.address = nowhere + pick(0x1000); break;
        case 1: d.address = 0x80000000 + 16 * 1024 * 1024 - pick(600); break;
        default: d.address = buffers + 0x1000 * pick(32) + pick(8) * 64;
      }
      const std::uint32_t lengths[] = {0, 1, 8, 16, 17, 512, 513, 1024, 4096, 5000};
      d.length = lengths[pick(10)];
      d.flags = static_cast<std::uint16_t>(pick(4) | (pick(8) == 0 ? virtio::descriptor_indirect : 0));
      d.next = static_cast<std::uint16_t>(pick(size + 3));
      return d;
    };
    std::vector<Descriptor> table(queue);
    std::map<std::uint64_t, std::vector<Descriptor>> indirect_tables;
    for (std::uint16_t i = 0; i < queue; ++i) {
      table[i] = random_descriptor(queue);
      if ((table[i].flags & virtio::descriptor_indirect) != 0 && pick(2) == 0) {
        // A real indirect table in memory, of random size.
        const std::uint64_t address = 0x80040000 + 0x1000 * i;
        const auto entries = static_cast<std::uint16_t>(1 + pick(6));
        std::vector<Descriptor> inner(entries);
        for (std::uint16_t e = 0; e < entries; ++e) {
          inner[e] = random_descriptor(entries);
          put_descriptor(address, e, inner[e]);
        }
        table[i].address = address;
        table[i].length = entries * 16;
        indirect_tables[address] = inner;
      } else if ((table[i].flags & virtio::descriptor_indirect) != 0 && table[i].length % 16 == 0 &&
                 table[i].length / 16 <= queue) {
        // No table behind it: a length no table can have, so that the device refuses it as the reference does.
        table[i].length += 1;
      }
      put_descriptor(descriptors, i, table[i]);
    }
    // Headers of random type and sector wherever the buffers are.
    for (unsigned b = 0; b < 32; ++b)
      put_header(buffers + 0x1000 * b, static_cast<std::uint32_t>(pick(10)),
                 pick(2) == 0 ? pick(sectors) : pick(1 << 20));
    const auto head = static_cast<std::uint16_t>(pick(queue + 2));
    const ReferenceWalk expected = walk_reference(table, head, true, indirect_tables);
    submit(head, queue);
    ASSERT_EQ(bench_->system->failure(), "") << "trial " << trial;
    const bool needs_reset = (reg(virtio::status) & virtio::status_needs_reset) != 0;
    // The reference decides, but for a status byte where no memory answers, which also needs a reset.
    if (expected.broken) {
      EXPECT_TRUE(needs_reset) << "trial " << trial << ": head " << head;
      EXPECT_EQ(used_index(), 0) << "trial " << trial;
    } else {
      EXPECT_EQ(needs_reset, !in_memory(expected.status_address)) << "trial " << trial << ": head " << head;
      if (needs_reset) ++unanswered;
    }
    if (needs_reset) {
      ++refused;
      continue;
    }
    ++completed;
    EXPECT_EQ(used_index(), 1) << "trial " << trial;
    EXPECT_EQ(used_id(0), head) << "trial " << trial;
    EXPECT_LE(used_length(0), expected.writable) << "trial " << trial;
  }
  // Every kind of outcome happened, and every request the device did was counted once.
  EXPECT_GT(completed, 50u);
  EXPECT_GT(refused, 50u);
  EXPECT_GT(unanswered, 5u);
  EXPECT_EQ(stat("reads") + stat("writes") + stat("flushes") + stat("get_ids") + stat("errors") + stat("unsupported"),
            completed + unanswered);
  EXPECT_EQ(stat("device_errors"), refused);
}

TEST(VirtioBlkConfig, ImagesMustExistAndHoldWholeSectors) {
  const std::string missing = (fs::temp_directory_path() / "vmsim-no-such-image.img").string();
  EXPECT_EQ(config_error(platform(missing)),
            fmt::format("test.yaml:5:55: components.disk.image: {}: cannot open the disk image", missing));
  const std::string odd = (fs::temp_directory_path() / fmt::format("vmsim-odd-{}.img", getpid())).string();
  std::ofstream(odd) << std::string(1000, 'x');
  EXPECT_EQ(config_error(platform(odd)),
            fmt::format("test.yaml:5:55: components.disk.image: {} is 1000 bytes, not a whole number of 512-byte "
                        "sectors",
                        odd));
  fs::remove(odd);
  EXPECT_EQ(config_error(platform("", ", queue_size: 100")),
            "test.yaml:5:112: components.disk.queue_size: must be a power of two from 1 to 32768");
  EXPECT_EQ(config_error(platform("", ", version: 3")),
            "test.yaml:5:109: components.disk.version: must be 2 (modern) or 1 (legacy)");
}

}  // namespace
}  // namespace vmsim::test
