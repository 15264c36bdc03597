// The detailed DRAM timing against latencies worked out by hand from the DDR4-2400 preset
// (configs/dram/DDR4-2400.yaml): 1200 MHz clock, CL 17, CWL 12, tRCD 17, tRP 17, tRAS 39, tRC 56,
// tRRD_S 4, tRRD_L 6, tCCD_S 4, tCCD_L 6, tFAW 26, tWTR_S 3, tWTR_L 9, tRTP 9, tRFC 420,
// tREFI 9360, burst 4 cycles. A read's latency ends with its last data beat.
#include <gtest/gtest.h>

#include "test_bench.h"
#include "vmsim/models/memory/dram_address_mapping.h"

namespace vmsim::test {
namespace {

const std::string ddr4 = R"(
components:
  bus:    {type: router, hop_latency: 0ns}
  dram:   {type: dram, base: 0x0, size: 8GiB, timing: detailed, preset: configs/dram/DDR4-2400.yaml}
  tester: {type: test_initiator}
)";

const Frequency clock{1'200'000'000};

class DramTest : public ::testing::Test {
 protected:
  void build(const std::vector<std::string>& overrides = {}) {
    bench_ = std::make_unique<TestBench>(ddr4, overrides);
    bench_->elaborate();
  }
  // The latency in cycles of an access arriving at `arrival` cycles.
  std::uint64_t latency(bool read, const DramCoordinates& where, std::uint64_t arrival) {
    TestInitiator& tester = *bench_->tester;
    tester.at = clock.cycles(arrival);
    std::uint64_t value = 0;
    const auto result = read ? tester.read64(mapping_.encode(where), value) : tester.write64(mapping_.encode(where), 1);
    EXPECT_EQ(result.status, tlm::TLM_OK_RESPONSE);
    return clock.cycle_at(tester.at + result.delay) - arrival;
  }
  double stat(const std::string& name) { return bench_->stat("system.dram." + name); }

  DramOrganisation organisation_{1, 1, 4, 4, 65536, 1024, 64, 8};
  DramAddressMapping mapping_{"RoBaRaCoCh", organisation_};
  std::unique_ptr<TestBench> bench_;
};

DramCoordinates at(unsigned group, unsigned bank, std::uint64_t row, std::uint64_t column = 0) {
  DramCoordinates c;
  c.bank_group = group;
  c.bank = bank;
  c.row = row;
  c.column = column;
  return c;
}

TEST_F(DramTest, RowMissHitAndConflict) {
  build();
  EXPECT_EQ(latency(true, at(0, 0, 5), 0), 17u + 17 + 4);         // ACT, tRCD, CL, burst
  EXPECT_EQ(latency(true, at(0, 0, 5, 8), 100), 17u + 4);         // open row: CL, burst
  EXPECT_EQ(latency(true, at(0, 0, 6), 200), 17u + 17 + 17 + 4);  // PRE, tRP, tRCD, CL, burst
  EXPECT_EQ(stat("row_misses"), 1);
  EXPECT_EQ(stat("row_hits"), 1);
  EXPECT_EQ(stat("row_conflicts"), 1);
  EXPECT_EQ(stat("activates"), 2);
  EXPECT_EQ(stat("precharges"), 1);
  EXPECT_EQ(stat("banks.bank0"), 3);
}

TEST_F(DramTest, ConflictWaitsForTrasAndTrtp) {
  build();
  latency(true, at(1, 0, 5), 0);  // ACT at 0: no precharge before tRAS = 39
  // PRE at 39, ACT at 56 (tRP 17, also tRC), RD at 73, data ends at 73 + 17 + 4 = 94.
  EXPECT_EQ(latency(true, at(1, 0, 6), 20), 94u - 20);
}

TEST_F(DramTest, ReadAfterWriteWaitsForTwtr) {
  build();
  // ACT 0, WR at 17, data 29 to 33.
  EXPECT_EQ(latency(false, at(2, 1, 9), 0), 17u + 12 + 4);
  // Same bank group: the read waits until 33 + tWTR_L = 42; its data ends at 42 + 17 + 4.
  EXPECT_EQ(latency(true, at(2, 1, 9, 16), 0), 63u);
}

TEST_F(DramTest, FourActivateWindowDelaysTheFifth) {
  build();
  // Activates at 0, 4, 8, 12 (tRRD_S between bank groups); reads at 17, 21, 25, 29, data until 50.
  EXPECT_EQ(latency(true, at(0, 0, 1), 0), 38u);
  EXPECT_EQ(latency(true, at(1, 0, 1), 0), 42u);
  EXPECT_EQ(latency(true, at(2, 0, 1), 0), 46u);
  EXPECT_EQ(latency(true, at(3, 0, 1), 0), 50u);
  // The fifth activate waits for tFAW after the first: 26; read at 43, data 60 to 64.
  EXPECT_EQ(latency(true, at(0, 1, 1), 0), 64u);
}

TEST_F(DramTest, ClosedPagePolicyPrechargesAfterEveryAccess) {
  build({"components.dram.page_policy=closed"});
  EXPECT_EQ(latency(true, at(0, 0, 5), 0), 38u);
  // Auto-precharge at max(tRAS 39, RD 17 + tRTP 9) = 39, so the next activate waits for 56.
  EXPECT_EQ(latency(true, at(0, 0, 5), 40), 56u + 17 + 17 + 4 - 40);
  EXPECT_EQ(latency(true, at(0, 0, 5), 200), 38u);
  EXPECT_EQ(stat("row_hits"), 0);
  EXPECT_EQ(stat("row_misses"), 3);
  EXPECT_EQ(stat("precharges"), 3);
}

TEST_F(DramTest, OpenAdaptivePolicyClosesIdleRows) {
  build({"components.dram.page_policy=open_adaptive", "components.dram.idle_close=100ns"});  // 120 cycles
  EXPECT_EQ(latency(true, at(0, 0, 5), 0), 38u);     // data ends at 38
  EXPECT_EQ(latency(true, at(0, 0, 5), 100), 21u);   // within 120 cycles: still open; ends at 121
  EXPECT_EQ(latency(true, at(0, 0, 5), 300), 38u);   // closed at 241: a miss, not a hit
  EXPECT_EQ(stat("row_hits"), 1);
  EXPECT_EQ(stat("row_misses"), 2);
}

TEST_F(DramTest, RefreshBlocksEveryBankForTrfc) {
  build();
  // The first refresh is due at tREFI = 9360 and keeps every bank busy until 9780.
  EXPECT_EQ(latency(true, at(3, 3, 7), 9370), 9780u + 17 + 17 + 4 - 9370);
  EXPECT_EQ(stat("refreshes"), 1);
  EXPECT_EQ(latency(true, at(0, 0, 7), 100 * 9360 + 500), 38u);  // 99 more refreshes, long past
  EXPECT_EQ(stat("refreshes"), 100);
}

TEST_F(DramTest, ConfigurationMistakes) {
  EXPECT_EQ(config_error(ddr4, {"components.dram.size=4GiB"}),
            "--set components.dram.size=4GiB: components.dram.size: 4GiB does not match the organisation's capacity "
            "of 8GiB");
  EXPECT_EQ(config_error(ddr4, {"components.dram.mapping=RoCoBa"}),
            "--set components.dram.mapping=RoCoBa: components.dram.mapping: 'RoCoBa' is not an address mapping "
            "(RoBaRaCoCh, RoRaBaChCo, RoRaBaCoCh, RoBaRaCoCh_xor)");
  EXPECT_EQ(config_error(ddr4, {"components.dram.organisation.rows=1000"}),
            "--set components.dram.organisation.rows=1000: components.dram.organisation.rows: must be a power of two");
  EXPECT_EQ(config_error(ddr4, {"components.dram.organisation.rows=32768"}),
            "test.yaml:4:41: components.dram.size: 8GiB does not match the organisation's capacity of 4GiB");
  EXPECT_EQ(config_error(ddr4, {"components.dram.timings.tXYZ=3"}),
            "--set components.dram.timings.tXYZ=3: components.dram.timings.tXYZ: unknown parameter");
  EXPECT_EQ(config_error(ddr4, {"components.dram.preset=configs/dram/none.yaml"}),
            "--set components.dram.preset=configs/dram/none.yaml: components.dram.preset: " +
                (std::filesystem::current_path() / "configs/dram/none.yaml").string() +
                ": cannot open the configuration file");
  EXPECT_EQ(config_error(ddr4, {"components.dram.preset=DDR9"}),
            "--set components.dram.preset=DDR9: components.dram.preset: no preset named 'DDR9' in dram/ beside the "
            "configuration or in " VMSIM_SOURCE_PRESETS);
}

// A preset by name is found among the shipped ones; the size is its capacity unless given, and the
// resolved configuration records the file, so that it replays from anywhere.
TEST(DramPresets, ByNameWithTheirCapacityAsTheDefaultSize) {
  const TestBench bench(R"(
components:
  bus:    {type: router}
  dram:   {type: dram, base: 0x0, timing: detailed, preset: DDR5-4800}
  tester: {type: test_initiator}
)");
  const YAML::Node dram = bench.config->resolved()["components"]["dram"];
  EXPECT_EQ(dram["size"].Scalar(), "16GiB");
  EXPECT_EQ(dram["preset"].Scalar(), VMSIM_SOURCE_PRESETS "/DDR5-4800.yaml");
  EXPECT_EQ(dram["timings"]["CL"].Scalar(), "40");
}

TEST(DramAddressMapping, BitLayoutOfEachScheme) {
  // Two channels, two ranks, 4 x 4 banks, 64 Ki rows, 1 Ki columns, 64-bit bus: 3 byte bits.
  const DramOrganisation organisation{2, 2, 4, 4, 65536, 1024, 64, 8};
  using Field = DramAddressMapping::Field;
  const auto shifts = [&](const char* scheme) {
    const DramAddressMapping mapping(scheme, organisation);
    return std::vector<unsigned>{mapping.shift_of(Field::channel), mapping.shift_of(Field::column),
                                 mapping.shift_of(Field::rank), mapping.shift_of(Field::bank),
                                 mapping.shift_of(Field::row)};
  };
  // Channel, column, rank, bank (group bits first), row.
  EXPECT_EQ(shifts("RoBaRaCoCh"), (std::vector<unsigned>{3, 4, 14, 15, 19}));
  EXPECT_EQ(shifts("RoRaBaChCo"), (std::vector<unsigned>{13, 3, 18, 14, 19}));
  EXPECT_EQ(shifts("RoRaBaCoCh"), (std::vector<unsigned>{3, 4, 18, 14, 19}));

  const DramAddressMapping plain("RoBaRaCoCh", organisation);
  const DramCoordinates c = plain.decode((std::uint64_t{0x1234} << 19) | (std::uint64_t{0b1011} << 15) |
                                         (std::uint64_t{1} << 14) | (std::uint64_t{0x155} << 4) | (1u << 3) | 5);
  EXPECT_EQ(c.row, 0x1234u);
  EXPECT_EQ(c.bank_group, 0b11u);
  EXPECT_EQ(c.bank, 0b10u);
  EXPECT_EQ(c.rank, 1u);
  EXPECT_EQ(c.column, 0x155u);
  EXPECT_EQ(c.channel, 1u);
  // The XOR scheme permutes the bank by the low row bits, and encode inverts decode in every scheme.
  const DramAddressMapping permuted("RoBaRaCoCh_xor", organisation);
  const DramCoordinates p = permuted.decode((std::uint64_t{0x1234} << 19) | (std::uint64_t{0b1011} << 15));
  EXPECT_EQ((p.bank << 2) | p.bank_group, 0b1011u ^ 0x4u);
  for (const auto name : DramAddressMapping::names()) {
    const DramAddressMapping mapping(name, organisation);
    for (std::uint64_t address : {0x0ull, 0x7ffffff8ull, 0x123456780ull, 0x3fffffff8ull})
      EXPECT_EQ(mapping.encode(mapping.decode(address)), address) << name << " " << address;
  }
}

class DramStreaming : public ::testing::TestWithParam<const char*> {};

// The same stream through the loosely-timed model and through the request queues.
INSTANTIATE_TEST_SUITE_P(Modes, DramStreaming, ::testing::Values("lt", "at"));

TEST_P(DramStreaming, OneOutstandingReadReachesTheShareOfPeakItsLatencyAllows) {
  const auto stats = run_platform(R"(
components:
  bus:  {type: router, hop_latency: 0ns}
  dram: {type: dram, base: 0x0, size: 8GiB, timing: detailed, preset: configs/dram/DDR4-2400.yaml}
  cpu0: {type: traffic_gen}
workload:
  cpu0: [{name: stream, phases: [{pattern: linear, base: 0x0, size: 8KiB, access_size: 64, count: 128, read_fraction: 1}]}]
)", {std::string("components.dram.mode=") + GetParam()});
  // One row: a miss (38 cycles), then 127 hits of CL + burst (21 cycles) back to back.
  const double seconds = to_seconds(clock.cycles(38 + 127 * 21));
  EXPECT_DOUBLE_EQ(find_stat(stats, "sim_seconds"), seconds);
  EXPECT_EQ(find_stat(stats, "system.dram.row_hits"), 127);
  EXPECT_DOUBLE_EQ(find_stat(stats, "system.dram.bandwidth_bytes_per_second"), 8192 / seconds);
  // 4 of every 21 cycles carry data: 18.9% of the 19.2 GB/s peak.
  EXPECT_EQ(find_stat(stats, "system.dram.peak_bandwidth_bytes_per_second"), 19.2e9);
  EXPECT_NEAR(8192 / seconds / 19.2e9, 128.0 * 4 / 2705, 1e-6);
}

const std::string queued = R"(
components:
  bus:     {type: router, hop_latency: 0ns}
  dram:    {type: dram, base: 0x0, size: 8GiB, timing: detailed, preset: configs/dram/DDR4-2400.yaml, mode: at}
  tester:  {type: test_initiator}
  tester2: {type: test_initiator}
)";

struct Request {
  explicit Request(std::uint64_t address) {
    trans.set_command(tlm::TLM_READ_COMMAND);
    trans.set_address(address);
    trans.set_data_ptr(data);
    trans.set_data_length(8);
    trans.set_streaming_width(8);
  }
  tlm::tlm_generic_payload trans;
  unsigned char data[8] = {};
};

TEST(DramQueues, FrFcfsServesAYoungerRowHitBeforeAnOlderConflict) {
  TestBench bench(queued);
  bench.elaborate();
  TestInitiator& first = bench.initiator("tester");
  TestInitiator& second = bench.initiator("tester2");
  const DramOrganisation organisation{1, 1, 4, 4, 65536, 1024, 64, 8};
  const DramAddressMapping mapping("RoBaRaCoCh", organisation);
  Request prime(mapping.encode(at(0, 0, 5)));
  Request older(mapping.encode(at(0, 0, 6)));     // conflicts with the open row 5
  Request younger(mapping.encode(at(0, 0, 5, 8)));  // hits it
  EXPECT_EQ(first.begin(prime.trans), tlm::TLM_ACCEPTED);
  sc_core::sc_start(clock.cycles(1200));
  ASSERT_EQ(first.responses.size(), 1u);
  EXPECT_EQ(first.responses[0].second, clock.cycles(38));
  // Both arrive at cycle 1200 while the bus is idle: the hit goes first and ends at 1200 + 21.
  first.begin(older.trans);
  second.begin(younger.trans);
  sc_core::sc_start(clock.cycles(200));
  ASSERT_EQ(second.responses.size(), 1u);
  ASSERT_EQ(first.responses.size(), 2u);
  EXPECT_EQ(second.responses[0].second, clock.cycles(1221));
  // The conflict then precharges at 1209 (the hit's read + tRTP), activates at 1226, reads at 1243.
  EXPECT_EQ(first.responses[1].second, clock.cycles(1264));
  EXPECT_EQ(bench.stat("system.dram.queue.reordered"), 1);
  EXPECT_EQ(bench.stat("system.dram.row_hits"), 1);
  EXPECT_EQ(bench.stat("system.dram.row_conflicts"), 1);
  EXPECT_EQ(bench.stat("system.bus.transactions"), 3);
}

TEST(DramQueues, AFullQueueHoldsBackTheEndOfRequest) {
  TestBench bench(queued, {"components.dram.read_queue=1"});
  bench.elaborate();
  Request a(0x0);
  Request b(0x40);
  bench.initiator("tester").begin(a.trans);
  bench.initiator("tester2").begin(b.trans);
  sc_core::sc_start(clock.cycles(1000));
  ASSERT_EQ(bench.initiator("tester").responses.size(), 1u);
  ASSERT_EQ(bench.initiator("tester2").responses.size(), 1u);
  EXPECT_EQ(bench.stat("system.dram.queue.full_stalls"), 1);
  // The second waited for the first to leave the queue, then hit the row it opened: its read waits
  // for tCCD_L after the first read (17 + 6 = 23), so its data ends at 23 + 17 + 4.
  EXPECT_EQ(bench.initiator("tester2").responses[0].second, clock.cycles(44));
}

TEST(DramQueues, ManyOutstandingAccessesKeepStoresAndLoadsInOrder) {
  // Four accesses in flight over 256 bytes: loads often follow stores to the same bytes, and the
  // self-check fails the run if the scheduler let one overtake the other.
  const auto stats = run_platform(R"(
components:
  bus:  {type: router, hop_latency: 1ns}
  dram: {type: dram, base: 0x0, size: 8GiB, timing: detailed, preset: configs/dram/DDR4-2400.yaml, mode: at}
  cpu0: {type: traffic_gen, outstanding: 4}
workload:
  cpu0: [{name: p, phases: [{pattern: random, base: 0x0, size: 256, access_size: 8, count: 5000, read_fraction: 0.5},
                            {pattern: random, base: 0x0, size: 64MiB, access_size: 64, count: 5000, read_fraction: 0.5}]}]
)");
  EXPECT_EQ(find_stat(stats, "system.cpu0.accesses"), 10000);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), find_stat(stats, "system.cpu0.reads"));
  EXPECT_GT(find_stat(stats, "system.dram.queue.reordered"), 0);
  EXPECT_EQ(find_stat(stats, "system.dram.reads") + find_stat(stats, "system.dram.writes"), 10000);
}

}  // namespace
}  // namespace vmsim::test
