// The MMU against page tables built by hand with debug writes, entry by entry, so that every walk,
// latency and fault below can be checked against the format's rules.
#include <gtest/gtest.h>

#include "test_bench.h"
#include "vmsim/models/mmu/mmu.h"

namespace vmsim::test {
namespace {

using sc_core::sc_time;
using sc_core::SC_NS;

constexpr std::uint64_t regs = 0x10000000;
constexpr std::uint64_t root = 0x80000000;
constexpr std::uint64_t table1 = 0x80001000;
constexpr std::uint64_t table0 = 0x80002000;
constexpr std::uint64_t frame = 0x80100000;
constexpr std::uint8_t rwu = page_readable | page_writable | page_user;

// Latencies: 1 ns TLB look-up (1 cycle at 1 GHz), 1 ns bus hop, 50 ns DRAM read, 40 ns DRAM write.
const std::string platform = R"(
components:
  bus:    {type: router, hop_latency: 1ns}
  dram:   {type: dram, base: 0x80000000, size: 1GiB, read_latency: 50ns, write_latency: 40ns}
  mmu0:   {type: mmu, base: 0x10000000, format: sv39, frequency: 1GHz,
           dtlb: {entries: 8, ways: 8, latency: 1}, itlb: {entries: 4, ways: 4, latency: 1}}
  tester: {type: test_initiator, port: mmu0}
  kernel: {type: test_initiator, port: bus}
)";

constexpr std::uint64_t entry(std::uint64_t table, std::uint64_t index) { return table + 8 * index; }

class MmuTest : public ::testing::Test {
 protected:
  void build(const std::vector<std::string>& overrides = {}) {
    bench_ = std::make_unique<TestBench>(platform, overrides);
    bench_->elaborate();
    format_ = &dynamic_cast<Mmu&>(*sc_core::sc_find_object("system.mmu0")).format();
  }
  TestInitiator& cpu() { return bench_->initiator("tester"); }
  TestInitiator& kernel() { return bench_->initiator("kernel"); }
  double stat(const std::string& name) { return bench_->stat("system.mmu0." + name); }
  void program(std::uint64_t table, std::uint64_t asid, std::uint64_t control = mmu_regs::control_translate) {
    ASSERT_EQ(kernel().write64(regs + mmu_regs::root, table).status, tlm::TLM_OK_RESPONSE);
    ASSERT_EQ(kernel().write64(regs + mmu_regs::asid, asid).status, tlm::TLM_OK_RESPONSE);
    ASSERT_EQ(kernel().write64(regs + mmu_regs::control, control).status, tlm::TLM_OK_RESPONSE);
  }
  // Sv39: VA 0x40201000 + n * 0x1000 is root[1] -> table1[1] -> table0[1 + n].
  void sv39_path() {
    kernel().poke64(entry(root, 1), format_->encode_table(table1));
    kernel().poke64(entry(table1, 1), format_->encode_table(table0));
  }
  void sv39_leaf(unsigned n, std::uint64_t physical, std::uint8_t flags) {
    kernel().poke64(entry(table0, 1 + n), format_->encode_leaf(physical, flags, 0));
  }
  Pte leaf_entry(unsigned n) { return format_->decode(kernel().peek64(entry(table0, 1 + n)), 0); }
  std::uint64_t reg(std::uint64_t which) {
    std::uint64_t value = 0;
    EXPECT_EQ(kernel().read64(regs + which, value).status, tlm::TLM_OK_RESPONSE);
    return value;
  }

  std::unique_ptr<TestBench> bench_;
  const PageTableFormat* format_ = nullptr;
};

TEST_F(MmuTest, Sv39WalkTimingAndAccessedDirtyBits) {
  build();
  sv39_path();
  sv39_leaf(0, frame, rwu);
  program(root, 1);
  std::uint64_t value = 1;
  // TLB 1 + three entry reads 3 x 51 + setting A 41 + the load 51.
  auto result = cpu().read64(0x40201008, value);
  EXPECT_EQ(result.status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(result.delay, sc_time(246, SC_NS));
  EXPECT_EQ(value, 0u);
  EXPECT_NE(leaf_entry(0).flags & page_accessed, 0);
  EXPECT_EQ(leaf_entry(0).flags & page_dirty, 0);
  // A store to the clean page walks again to set D: TLB 1 + 153 + 41 + the store 41.
  EXPECT_EQ(cpu().write64(0x40201008, 0xfeed).delay, sc_time(236, SC_NS));
  EXPECT_NE(leaf_entry(0).flags & page_dirty, 0);
  result = cpu().read64(0x40201008, value);
  EXPECT_EQ(result.delay, sc_time(52, SC_NS));
  EXPECT_EQ(value, 0xfeedu);
  EXPECT_EQ(cpu().write64(0x40201010, 1).delay, sc_time(42, SC_NS));
  EXPECT_EQ(kernel().peek64(frame + 8), 0xfeedu);
  EXPECT_EQ(stat("accesses"), 4);
  EXPECT_EQ(stat("walker.walks"), 2);
  EXPECT_EQ(stat("walker.pte_reads"), 6);
  EXPECT_EQ(stat("walker.pte_writes"), 2);
  EXPECT_EQ(stat("dtlb.hits"), 3);
  EXPECT_EQ(stat("dtlb.misses"), 1);
  EXPECT_EQ(stat("walker.walk_latency_ns::mean"), (194.0 + 194.0) / 2);
}

TEST_F(MmuTest, Sv39SuperpagesAtEveryLevel) {
  build();
  sv39_path();
  kernel().poke64(entry(table1, 2), format_->encode_leaf(0x80200000, rwu, 1));  // 2 MiB at 0x40400000
  kernel().poke64(entry(root, 2), format_->encode_leaf(0x80000000, rwu, 2));    // 1 GiB at 0x80000000
  kernel().poke64(entry(root, 3), format_->encode_leaf(0x80200000, rwu, 2));    // 1 GiB, misaligned
  program(root, 1);
  kernel().poke64(0x80212340, 77);
  std::uint64_t value = 0;
  auto result = cpu().read64(0x40412340, value);
  EXPECT_EQ(value, 77u);
  EXPECT_EQ(result.delay, sc_time(1 + 2 * 51 + 41 + 51, SC_NS));
  kernel().poke64(0x8abcdef0, 88);
  result = cpu().read64(0x8abcdef0, value);
  EXPECT_EQ(value, 88u);
  EXPECT_EQ(result.delay, sc_time(1 + 51 + 41 + 51, SC_NS));
  EXPECT_EQ(stat("walker.pte_reads"), 3);
  EXPECT_EQ(cpu().read64(0xc0000000, value).fault, FaultCause::misaligned_superpage);
  // Both superpages now hit in the TLB, each under its own size.
  cpu().read64(0x40400000, value);
  cpu().read64(0xbffffff8, value);
  EXPECT_EQ(stat("dtlb.hits_2MiB"), 1);
  EXPECT_EQ(stat("dtlb.hits_1GiB"), 1);
}

TEST_F(MmuTest, EveryFaultCauseStopsBeforeTheBus) {
  build();
  sv39_path();
  sv39_leaf(0, frame, page_readable | page_user);                    // read-only user page
  sv39_leaf(1, frame, page_readable | page_writable);                // supervisor page
  sv39_leaf(2, frame, page_writable | page_user);                    // W without R: reserved
  sv39_leaf(3, frame, rwu);                                          // user data page
  program(root, 1);
  std::uint64_t value = 0;
  const auto fault_of = [&](auto&& access) { return access.fault; };
  EXPECT_EQ(fault_of(cpu().read64(0x40601000, value)), FaultCause::not_present);
  EXPECT_EQ(reg(mmu_regs::fault_address), 0x40601000u);
  EXPECT_EQ(reg(mmu_regs::fault_cause), static_cast<std::uint64_t>(FaultCause::not_present));
  const auto store = cpu().write64(0x40201000, 1);
  EXPECT_EQ(store.status, tlm::TLM_GENERIC_ERROR_RESPONSE);
  EXPECT_EQ(store.fault, FaultCause::permission);
  EXPECT_EQ(store.fault_address, 0x40201000u);
  EXPECT_EQ(leaf_entry(0).flags & (page_accessed | page_dirty), 0);  // a failed access sets nothing
  EXPECT_EQ(fault_of(cpu().read64(0x40202000, value)), FaultCause::supervisor_page);
  EXPECT_EQ(fault_of(cpu().read64(0x40203000, value)), FaultCause::malformed_entry);
  EXPECT_EQ(fault_of(cpu().fetch64(0x40204000, value)), FaultCause::permission);  // not executable
  EXPECT_EQ(fault_of(cpu().read64(0x4000000000, value)), FaultCause::non_canonical);
  EXPECT_EQ(fault_of(cpu().read64(0xffffffc000000000, value)), FaultCause::not_present);  // canonical, unmapped
  // The supervisor touches user pages only with SUM, and never executes them.
  cpu().privilege = Privilege::supervisor;
  EXPECT_EQ(fault_of(cpu().read64(0x40204000, value)), FaultCause::permission);
  program(root, 1, mmu_regs::control_translate | mmu_regs::control_sum);
  EXPECT_EQ(fault_of(cpu().read64(0x40204000, value)), FaultCause::none);
  EXPECT_EQ(fault_of(cpu().read64(0x40202000, value)), FaultCause::none);
  EXPECT_EQ(stat("faults.not_present"), 2);
  EXPECT_EQ(stat("faults.permission"), 3);
  EXPECT_EQ(stat("faults.supervisor_page"), 1);
  EXPECT_EQ(stat("faults.malformed_entry"), 1);
  EXPECT_EQ(stat("faults.non_canonical"), 1);
  // Only the walks and register writes reached the bus; the two accesses that succeeded, too.
  EXPECT_EQ(bench_->stat("system.dram.reads") + bench_->stat("system.dram.writes"),
            stat("walker.pte_reads") + stat("walker.pte_writes") + 2);
}

TEST_F(MmuTest, AsidsIsolateAddressSpacesAndGlobalPagesSurviveAnAsidFlush) {
  build();
  sv39_path();
  sv39_leaf(0, frame, rwu);
  sv39_leaf(1, frame + 0x1000, rwu | page_global);
  // A second address space maps the same VA to another frame.
  const std::uint64_t root_b = 0x80010000, table1_b = 0x80011000, table0_b = 0x80012000;
  kernel().poke64(entry(root_b, 1), format_->encode_table(table1_b));
  kernel().poke64(entry(table1_b, 1), format_->encode_table(table0_b));
  kernel().poke64(entry(table0_b, 1), format_->encode_leaf(frame + 0x5000, rwu, 0));
  kernel().poke64(frame, 0xa);
  kernel().poke64(frame + 0x5000, 0xb);
  std::uint64_t value = 0;
  program(root, 1);
  cpu().read64(0x40201000, value);
  EXPECT_EQ(value, 0xau);
  cpu().read64(0x40202000, value);
  program(root_b, 2);
  cpu().read64(0x40201000, value);
  EXPECT_EQ(value, 0xbu);
  program(root, 1);
  cpu().read64(0x40201000, value);  // still in the TLB, tagged with ASID 1
  EXPECT_EQ(value, 0xau);
  EXPECT_EQ(stat("walker.walks"), 3);

  kernel().write64(regs + mmu_regs::flush_asid, 1);
  cpu().read64(0x40202000, value);  // global: survives
  EXPECT_EQ(stat("walker.walks"), 3);
  cpu().read64(0x40201000, value);  // flushed
  EXPECT_EQ(stat("walker.walks"), 4);
  program(root_b, 2);
  cpu().read64(0x40201000, value);  // ASID 2 was not flushed
  EXPECT_EQ(value, 0xbu);
  EXPECT_EQ(stat("walker.walks"), 4);
}

TEST_F(MmuTest, FlushByAddressDropsAStaleTranslation) {
  build();
  sv39_path();
  sv39_leaf(0, frame, rwu);
  kernel().poke64(frame, 1);
  kernel().poke64(frame + 0x7000, 2);
  program(root, 1);
  std::uint64_t value = 0;
  cpu().read64(0x40201000, value);
  EXPECT_EQ(value, 1u);
  sv39_leaf(0, frame + 0x7000, rwu | page_accessed);  // remapped in memory only
  cpu().read64(0x40201000, value);
  EXPECT_EQ(value, 1u);  // the TLB still holds the old translation, as hardware would
  kernel().write64(regs + mmu_regs::flush_address_asid, 1);
  kernel().write64(regs + mmu_regs::flush_address, 0x40201abc);
  cpu().read64(0x40201000, value);
  EXPECT_EQ(value, 2u);
  EXPECT_EQ(stat("dtlb.flushed_entries"), 1);
}

TEST_F(MmuTest, AnAccessAcrossTwoPagesIsTranslatedForBoth) {
  build();
  sv39_path();
  sv39_leaf(0, frame, rwu);
  sv39_leaf(1, frame + 0x200000, rwu);  // not adjacent to the first frame
  sv39_leaf(2, frame + 0x201000, rwu);  // adjacent to the second
  program(root, 1);
  kernel().poke64(frame + 0xff8, 0xaaaaaaaabbbbbbbbull);
  kernel().poke64(frame + 0x200000, 0xddddddddccccccccull);
  std::uint64_t value = 0;
  EXPECT_EQ(cpu().read64(0x40201ffc, value).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(value, 0xccccccccaaaaaaaaull);
  EXPECT_EQ(cpu().write64(0x40202ffc, 0x1234567887654321ull).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(kernel().peek64(frame + 0x200ffc), 0x1234567887654321ull);  // one transaction: adjacent frames
  EXPECT_EQ(stat("accesses"), 2);
  EXPECT_EQ(stat("page_crossings"), 2);
  EXPECT_EQ(stat("split_accesses"), 1);
  EXPECT_EQ(stat("dtlb.misses"), 3);
  EXPECT_EQ(stat("dtlb.hits"), 1);  // the second page of the store: hit, but clean, so walked for D
  // A fault on the second page fails the whole access.
  EXPECT_EQ(cpu().read64(0x40203ffc, value).fault, FaultCause::not_present);
  EXPECT_EQ(reg(mmu_regs::fault_address), 0x40204000u);
}

TEST_F(MmuTest, X86FourLevelWalkSetsAccessedOnEveryLevel) {
  build({"components.mmu0.format=x86_64"});
  // VA 0x40201000: PML4[0] -> PDPT[1] -> PD[1] -> PT[1].
  const std::uint64_t pml4 = 0x80000000, pdpt = 0x80001000, pd = 0x80002000, pt = 0x80003000;
  kernel().poke64(entry(pml4, 0), format_->encode_table(pdpt));
  kernel().poke64(entry(pdpt, 1), format_->encode_table(pd));
  kernel().poke64(entry(pd, 1), format_->encode_table(pt));
  kernel().poke64(entry(pt, 1), format_->encode_leaf(frame, rwu, 0));
  kernel().poke64(entry(pd, 2), format_->encode_leaf(0x80200000, rwu | page_executable, 1));  // 2 MiB
  kernel().poke64(entry(pdpt, 2), 0x80000000 | 0x83);  // 1 GiB page: P, RW, PS; supervisor only
  kernel().poke64(entry(pml4, 1), 0x80000000 | 0x87);  // PS in a PML4 entry is reserved
  program(pml4, 1);
  std::uint64_t value = 0;
  EXPECT_EQ(cpu().read64(0x40201000, value).delay, sc_time(1 + 4 * 51 + 4 * 41 + 51, SC_NS));
  EXPECT_EQ(stat("walker.pte_reads"), 4);
  EXPECT_EQ(stat("walker.pte_writes"), 4);
  EXPECT_EQ(kernel().peek64(entry(pml4, 0)) & 0x20, 0x20u);  // A in a table entry
  EXPECT_EQ(cpu().fetch64(0x40201000, value).fault, FaultCause::permission);  // XD set
  EXPECT_EQ(cpu().fetch64(0x40400010, value).fault, FaultCause::none);
  EXPECT_EQ(stat("walker.pte_reads"), 4 + 4 + 3);
  EXPECT_EQ(cpu().read64(0x80000000, value).fault, FaultCause::supervisor_page);
  EXPECT_EQ(cpu().read64(0x8000000000, value).fault, FaultCause::malformed_entry);
  // x86 lets the supervisor use user pages, and combines the upper levels' RW and US bits.
  cpu().privilege = Privilege::supervisor;
  EXPECT_EQ(cpu().read64(0x40201000, value).fault, FaultCause::none);
  kernel().poke64(entry(pdpt, 1), (pd & 0x000ffffffffff000ull) | 0x21);  // present, accessed, read-only
  kernel().write64(regs + mmu_regs::flush_all, 0);
  EXPECT_EQ(cpu().write64(0x40201000, 5).fault, FaultCause::permission);
  cpu().privilege = Privilege::user;
  EXPECT_EQ(cpu().read64(0x40201000, value).fault, FaultCause::supervisor_page);
}

TEST_F(MmuTest, Sv48WalksFourLevels) {
  build({"components.mmu0.format=sv48"});
  const std::uint64_t top = 0x80003000;
  kernel().poke64(entry(top, 0), format_->encode_table(root));
  sv39_path();
  sv39_leaf(0, frame, rwu);
  program(top, 1);
  std::uint64_t value = 0;
  EXPECT_EQ(cpu().read64(0x40201000, value).status, tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(stat("walker.pte_reads"), 4);
  EXPECT_EQ(cpu().read64(0x800000000000, value).fault, FaultCause::non_canonical);
}

TEST_F(MmuTest, Armv8WalksFourLevelsWithBlocksPermissionsAndHardwareAccessDirtyState) {
  build({"components.mmu0.format=armv8a_4k"});
  // VA 0x40201000 + n * 0x1000: Arm level 0 [0] -> level 1 [1] -> level 2 [1] -> level 3 [1 + n].
  // Descriptors by hand (Arm ARM, VMSAv8-64 descriptors): table = address | 0b11; a page is 0b11 at
  // level 3, a block 0b01 at levels 1-2; AP[1] bit 6 EL0, AP[2] bit 7 read-only, SH 0x300, AF bit
  // 10, nG bit 11, DBM bit 51, PXN bit 53, UXN bit 54.
  const std::uint64_t l0 = 0x80000000, l1 = 0x80001000, l2 = 0x80002000, l3 = 0x80003000;
  kernel().poke64(entry(l0, 0), l1 | 0b11);
  kernel().poke64(entry(l1, 1), l2 | 0b11);
  kernel().poke64(entry(l2, 1), l3 | 0b11);
  kernel().poke64(entry(l3, 1), 0x0068000080100bc3);  // user, writable-clean (AP[2] + DBM), UXN, PXN
  kernel().poke64(entry(l3, 2), 0x0060000080101bc3);  // user, read-only (AP[2], no DBM), UXN, PXN
  kernel().poke64(entry(l3, 3), 0x0068000080102b03);  // EL1 only (AP[1] clear), read-write
  kernel().poke64(entry(l3, 4), 0x0020000080103bc3);  // user, read-only, executable (UXN clear), PXN
  kernel().poke64(entry(l3, 5), 0x0068000080104bc1);  // 0b01 at level 3: reserved
  kernel().poke64(entry(l2, 2), 0x0068000080200bc1);  // 2 MiB block at 0x40400000, user, writable-clean
  kernel().poke64(entry(l0, 1), 0x0000000080000401);  // a block at level 0: none with a 4 KiB granule
  program(l0, 1);
  std::uint64_t value = 0;
  // TLB 1 + four descriptor reads 4 x 51 + setting AF 41 (on the page only: no AF in tables without
  // FEAT_HAFT) + the load 51.
  EXPECT_EQ(cpu().read64(0x40201000, value).delay, sc_time(1 + 4 * 51 + 41 + 51, SC_NS));
  EXPECT_EQ(stat("walker.pte_reads"), 4);
  EXPECT_EQ(stat("walker.pte_writes"), 1);
  EXPECT_EQ(kernel().peek64(entry(l3, 1)), 0x0068000080100fc3u);  // AF
  EXPECT_EQ(kernel().peek64(entry(l0, 0)), l1 | 0b11);
  // The first store walks again and clears AP[2]: writable-dirty. TLB 1 + 204 + 41 + the store 41.
  EXPECT_EQ(cpu().write64(0x40201000, 7).delay, sc_time(1 + 4 * 51 + 41 + 41, SC_NS));
  EXPECT_EQ(kernel().peek64(entry(l3, 1)), 0x0068000080100f43u);
  EXPECT_EQ(kernel().peek64(0x80100000), 7u);

  EXPECT_EQ(cpu().read64(0x40202000, value).fault, FaultCause::none);
  EXPECT_EQ(cpu().write64(0x40202000, 1).fault, FaultCause::permission);          // read-only
  EXPECT_EQ(cpu().read64(0x40203000, value).fault, FaultCause::supervisor_page);  // no EL0 access
  EXPECT_EQ(cpu().fetch64(0x40201000, value).fault, FaultCause::permission);      // UXN
  EXPECT_EQ(cpu().fetch64(0x40204000, value).fault, FaultCause::none);
  EXPECT_EQ(cpu().read64(0x40205000, value).fault, FaultCause::malformed_entry);
  EXPECT_EQ(cpu().read64(0x8000000000, value).fault, FaultCause::malformed_entry);
  EXPECT_EQ(cpu().read64(0x800000000000, value).fault, FaultCause::non_canonical);  // 48-bit VA

  // The block: three reads, AF set, and the offset within 2 MiB carried over.
  kernel().poke64(0x80212340, 99);
  const double reads = stat("walker.pte_reads");
  EXPECT_EQ(cpu().read64(0x40412340, value).delay, sc_time(1 + 3 * 51 + 41 + 51, SC_NS));
  EXPECT_EQ(value, 99u);
  EXPECT_EQ(stat("walker.pte_reads"), reads + 3);
  EXPECT_EQ(kernel().peek64(entry(l2, 2)), 0x0068000080200fc1u);

  // EL1: user pages are PXN, and with PAN set (SUM clear) not to be loaded either.
  cpu().privilege = Privilege::supervisor;
  EXPECT_EQ(cpu().fetch64(0x40204000, value).fault, FaultCause::permission);
  EXPECT_EQ(cpu().read64(0x40201000, value).fault, FaultCause::permission);
  EXPECT_EQ(cpu().read64(0x40203000, value).fault, FaultCause::none);
  program(l0, 1, mmu_regs::control_translate | mmu_regs::control_sum);
  EXPECT_EQ(cpu().read64(0x40201000, value).fault, FaultCause::none);
  EXPECT_EQ(stat("faults.permission"), 4);
  EXPECT_EQ(stat("faults.supervisor_page"), 1);
  EXPECT_EQ(stat("faults.malformed_entry"), 2);
}

TEST_F(MmuTest, WalkCacheSkipsTheUpperLevels) {
  build({"components.mmu0.walk_cache={entries: 4}"});
  sv39_path();
  sv39_leaf(0, frame, rwu);
  sv39_leaf(1, frame + 0x1000, rwu);
  program(root, 1);
  std::uint64_t value = 0;
  cpu().read64(0x40201000, value);
  EXPECT_EQ(stat("walker.pte_reads"), 3);
  EXPECT_EQ(cpu().read64(0x40202000, value).delay, sc_time(1 + 51 + 41 + 51, SC_NS));
  EXPECT_EQ(stat("walker.pte_reads"), 4);
  EXPECT_EQ(stat("walk_cache.hits"), 1);
  kernel().write64(regs + mmu_regs::flush_all, 0);  // the walk cache is flushed with the TLBs
  cpu().read64(0x40202000, value);
  EXPECT_EQ(stat("walker.pte_reads"), 7);
}

TEST_F(MmuTest, SecondLevelTlbCatchesFirstLevelEvictions) {
  build({"components.mmu0.dtlb={entries: 1, ways: 1, latency: 1}",
         "components.mmu0.l2tlb={entries: 8, ways: 8, latency: 6}"});
  sv39_path();
  sv39_leaf(0, frame, rwu);
  sv39_leaf(1, frame + 0x1000, rwu);
  program(root, 1);
  std::uint64_t value = 0;
  cpu().read64(0x40201000, value);
  cpu().read64(0x40202000, value);
  EXPECT_EQ(cpu().read64(0x40201000, value).delay, sc_time(1 + 6 + 51, SC_NS));
  EXPECT_EQ(stat("walker.walks"), 2);
  EXPECT_EQ(stat("l2tlb.hits"), 1);
  EXPECT_EQ(stat("dtlb.misses"), 3);
}

// Two ways; page 0 is hit, then pages 1 and 2 fill, then page 0 is read again.
class TlbPolicyChoice : public MmuTest {
 protected:
  double dtlb_hits(const std::string& policy) {
    build({"components.mmu0.dtlb={entries: 2, ways: 2, latency: 1, " + policy + "}"});
    sv39_path();
    for (unsigned n = 0; n < 3; ++n) sv39_leaf(n, frame + n * 0x1000, rwu);
    program(root, 1);
    std::uint64_t value = 0;
    for (const unsigned n : {0, 0, 1, 2, 0}) cpu().read64(0x40201000 + n * 0x1000, value);
    return stat("dtlb.hits");
  }
};

TEST_F(TlbPolicyChoice, SrripWithItsOwnParameterKeepsTheHitPage) {
  // RRPVs of 3 bits: 0 6 after page 1; page 2 ages the set to 1 7 and replaces page 1.
  EXPECT_EQ(dtlb_hits("policy: srrip, rrpv_bits: 3"), 2);
}

TEST_F(TlbPolicyChoice, LruReplacesTheHitPage) { EXPECT_EQ(dtlb_hits("policy: lru"), 1); }

TEST_F(MmuTest, BareModePassesAddressesThroughAndDebugAccessTranslatesWithoutSideEffects) {
  build();
  std::uint64_t value = 0;
  kernel().poke64(frame, 42);
  EXPECT_EQ(cpu().read64(frame, value).delay, sc_time(51, SC_NS));
  EXPECT_EQ(value, 42u);
  EXPECT_EQ(stat("bare_accesses"), 1);
  sv39_path();
  sv39_leaf(0, frame, rwu);
  program(root, 1);
  EXPECT_EQ(cpu().peek64(0x40201000), 42u);
  EXPECT_EQ(stat("walker.walks"), 0);
  EXPECT_EQ(leaf_entry(0).flags & page_accessed, 0);
  EXPECT_EQ(stat("dtlb.misses"), 0);
}

TEST_F(MmuTest, RegisterAccessRules) {
  build();
  std::uint32_t narrow = 0;
  EXPECT_EQ(kernel().transport(AccessKind::load, regs, reinterpret_cast<std::uint8_t*>(&narrow), 4).status,
            tlm::TLM_BURST_ERROR_RESPONSE);
  std::uint64_t value = 0;
  EXPECT_EQ(kernel().read64(regs + mmu_regs::block_size, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(kernel().read64(regs + 4, value).status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(kernel().write64(regs + mmu_regs::fault_cause, 1).status, tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(kernel().write64(regs + mmu_regs::root, 0x80000000).delay, sc_time(1 + 2, SC_NS));
  EXPECT_EQ(reg(mmu_regs::root), 0x80000000u);
  kernel().write64(regs + mmu_regs::control, ~0ull);
  EXPECT_EQ(reg(mmu_regs::control), mmu_regs::control_translate | mmu_regs::control_sum);
}

TEST(MmuPlatform, TranslatedWorkloadWalksOncePerPage) {
  const auto stats = run_platform(R"(
components:
  bus:  {type: router}
  dram: {type: dram, base: 0x80000000, size: 1GiB}
  mmu0: {type: mmu, base: 0x10000000, format: sv39}
  boot: {type: page_tables, mmu: mmu0, table_base: 0x80000000,
         mappings: [{va: 0x40000000, pa: 0x80100000, size: 64KiB, flags: rwu}]}
  cpu0: {type: traffic_gen, port: mmu0}
workload:
  cpu0:
    - name: p
      phases: [{pattern: linear, base: 0x40000000, size: 64KiB, stride: 64, count: 2048, read_fraction: 1}]
)");
  // 16 pages, each walked once (the 64-entry TLB holds them all), three entries a walk.
  EXPECT_EQ(find_stat(stats, "system.mmu0.walker.walks"), 16);
  EXPECT_EQ(find_stat(stats, "system.mmu0.walker.pte_reads"), 48);
  EXPECT_EQ(find_stat(stats, "system.mmu0.dtlb.misses"), 16);
  EXPECT_EQ(find_stat(stats, "system.mmu0.dtlb.hits"), 2048 - 16);
  EXPECT_EQ(find_stat(stats, "system.boot.table_pages"), 3);
  EXPECT_EQ(find_stat(stats, "system.boot.mapped_pages"), 16);
  EXPECT_EQ(find_stat(stats, "system.cpu0.checked_reads"), 2048);
}

TEST(MmuPlatform, UnmappedAccessWithoutAKernelFailsTheRunWithTheFault) {
  EXPECT_EQ(run_failure(R"(
components:
  bus:  {type: router}
  dram: {type: dram, base: 0x80000000, size: 1GiB}
  mmu0: {type: mmu, base: 0x10000000}
  boot: {type: page_tables, mmu: mmu0, table_base: 0x80000000,
         mappings: [{va: 0x40000000, pa: 0x80100000, size: 4KiB, flags: rwu}]}
  cpu0: {type: traffic_gen, port: mmu0}
workload:
  cpu0: [{name: p, phases: [{pattern: linear, base: 0x40000000, size: 8KiB, stride: 4KiB, count: 2, read_fraction: 1}]}]
)"),
            "at 12ns: system.cpu0: page fault (not_present) on a load at 0x40001000, and no kernel to handle it");
}

TEST(MmuPlatform, PageTableMistakesAreConfigurationErrors) {
  const std::string base = R"(
components:
  bus:  {type: router}
  dram: {type: dram, base: 0x80000000, size: 1GiB}
  mmu0: {type: mmu, base: 0x10000000}
  boot: {type: page_tables, mmu: mmu0, table_base: 0x80000000,
         mappings: [{va: 0x40000000, pa: 0x80200000, size: 2MiB, page_size: 2MiB}]}
)";
  const auto error_of = [&](const std::string& assignment) { return config_error(base, {assignment}); };
  EXPECT_EQ(error_of("components.boot.mappings.0.va=0x40001000"),
            "--set components.boot.mappings.0.va=0x40001000: components.boot.mappings.0.va: must be aligned to the "
            "page size");
  EXPECT_EQ(error_of("components.boot.mappings.0={va: 0, pa: 0, size: 512GiB, page_size: 512GiB}"),
            "--set components.boot.mappings.0={va: 0, pa: 0, size: 512GiB, page_size: 512GiB}: components.boot.mmu: "
            "sv39 has no 512GiB pages");
  EXPECT_EQ(error_of("components.boot.mmu=dram"),
            "--set components.boot.mmu=dram: components.boot.mmu: 'dram' is not an MMU");
  EXPECT_EQ(error_of("components.boot.mappings.0.flags=rwz"),
            "--set components.boot.mappings.0.flags=rwz: components.boot.mappings.0.flags: use only the letters r w "
            "x u g a d");
  EXPECT_EQ(error_of("components.mmu0.format=sv32"),
            "--set components.mmu0.format=sv32: components.mmu0.format: 'sv32' is not a page-table format (sv39, sv48, "
            "sv57, x86_64, x86_64_la57, armv8a_4k)");
  EXPECT_EQ(error_of("components.mmu0.dtlb.entries=0"),
            "--set components.mmu0.dtlb.entries=0: components.mmu0.dtlb.entries: must be at least 1");
  EXPECT_EQ(error_of("components.mmu0.dtlb.ways=3"),
            "--set components.mmu0.dtlb.ways=3: components.mmu0.dtlb.ways: 64 entries cannot be divided into sets of "
            "3 ways");
}

TEST(MmuPlatform, TlbPolicyMistakesAreConfigurationErrors) {
  const std::string base = R"(
components:
  bus:  {type: router}
  dram: {type: dram, base: 0x80000000, size: 1GiB}
  mmu0: {type: mmu, base: 0x10000000}
)";
  const auto error_of = [&](const std::string& assignment) { return config_error(base, {assignment}); };
  EXPECT_EQ(error_of("components.mmu0.dtlb={policy: lru, rrpv_bits: 3}"),
            "--set components.mmu0.dtlb={policy: lru, rrpv_bits: 3}: components.mmu0.dtlb.rrpv_bits: applies to "
            "policy srrip, not to lru");
  EXPECT_EQ(error_of("components.mmu0.itlb={policy: srrip, rrpv_bits: 9}"),
            "--set components.mmu0.itlb={policy: srrip, rrpv_bits: 9}: components.mmu0.itlb.rrpv_bits: must be 1 to 8");
  EXPECT_EQ(error_of("components.mmu0.l2tlb.policy=lfu"),
            "--set components.mmu0.l2tlb.policy=lfu: components.mmu0.l2tlb.policy: 'lfu' is not one of "
            "lru|plru|fifo|random|srrip");
  EXPECT_EQ(error_of("components.mmu0.dtlb.entrys=8"),
            "--set components.mmu0.dtlb.entrys=8: components.mmu0.dtlb.entrys: unknown parameter (did you mean "
            "'entries'?)");
  EXPECT_EQ(error_of("components.mmu0.dtlb={entries: 12, ways: 3, policy: plru}"),
            "--set components.mmu0.dtlb={entries: 12, ways: 3, policy: plru}: components.mmu0.dtlb.ways: tree PLRU "
            "needs a power-of-two number of ways, not 3");
}

// The direct interface of a core that drives its own MMU (AddressTranslation).
class DirectMmuTest : public MmuTest {
 protected:
  Mmu& mmu() { return dynamic_cast<Mmu&>(*sc_core::sc_find_object("system.mmu0")); }
  static AccessExtension access(AccessKind kind, Privilege privilege = Privilege::user, bool sum = false,
                                bool mxr = false) {
    AccessExtension extension;
    extension.kind = kind;
    extension.privilege = privilege;
    extension.sum = sum;
    extension.mxr = mxr;
    return extension;
  }
  PhysicalAccess translate(std::uint64_t address, unsigned length, const AccessExtension& extension,
                           sc_time* delay = nullptr) {
    PhysicalAccess out;
    sc_time local;
    mmu().translate(address, length, extension, local, out);
    if (delay != nullptr) *delay = local;
    return out;
  }
};

TEST_F(DirectMmuTest, TranslatingDirectlyCountsAndTimesWhatBTransportDoes) {
  build();
  sv39_path();
  for (unsigned n = 0; n < 12; ++n) sv39_leaf(n, frame + 0x1000 * n, rwu | page_accessed | page_dirty);
  ASSERT_TRUE(mmu().set_translation(TranslationMode::sv39, 1, root));
  // The same accesses through b_transport, then (after a flush) directly: the same look-ups, hits,
  // walks and entry reads, and each the same latency (the transaction's less its bus and memory).
  const std::vector<std::uint64_t> addresses = {0x40201008, 0x40205010, 0x40201000, 0x4020c000,
                                                0x40209ffc, 0x40203000, 0x40201008, 0x4020affa};
  const auto counts = [&] {
    return std::vector<double>{stat("accesses"),       stat("walker.walks"),      stat("walker.pte_reads"),
                               stat("dtlb.hits"),      stat("dtlb.misses"),       stat("page_crossings"),
                               stat("split_accesses"), stat("faults.not_present")};
  };
  std::vector<sc_time> through_bus;
  for (const std::uint64_t address : addresses) {
    std::uint64_t value = 0;
    through_bus.push_back(cpu().read64(address, value).delay);
  }
  const std::vector<double> after_bus = counts();
  mmu().flush(std::nullopt, std::nullopt);
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    sc_time delay;
    const PhysicalAccess where = translate(addresses[i], 8, access(AccessKind::load), &delay);
    EXPECT_EQ(where.fault, FaultCause::none);
    // DRAM reads take 51 ns with the hop; a page-crossing access to adjacent frames is one read.
    EXPECT_EQ(delay + sc_time(51, SC_NS), through_bus[i]) << std::hex << addresses[i];
  }
  const std::vector<double> after_direct = counts();
  for (std::size_t i = 0; i < after_bus.size(); ++i) EXPECT_EQ(after_direct[i], 2 * after_bus[i]) << i;
  EXPECT_EQ(stat("page_crossings"), 4);
}

TEST_F(DirectMmuTest, SatpModesUpToTheConfiguredFormatAndMachineAccessesPassThrough) {
  build({"components.mmu0.format=sv48"});
  EXPECT_TRUE(mmu().supports(TranslationMode::sv39));
  EXPECT_TRUE(mmu().supports(TranslationMode::sv48));
  EXPECT_FALSE(mmu().supports(TranslationMode::sv57));
  // An Sv39 walk on an sv48 MMU: three levels from the root.
  sv39_path();
  sv39_leaf(0, frame, rwu);
  ASSERT_TRUE(mmu().set_translation(TranslationMode::sv39, 1, root));
  EXPECT_EQ(translate(0x40201008, 8, access(AccessKind::load)).address, frame + 8);
  EXPECT_EQ(stat("walker.pte_reads"), 3);
  // Sv57 cannot be walked: nothing changes.
  EXPECT_FALSE(mmu().set_translation(TranslationMode::sv57, 2, table0));
  EXPECT_EQ(reg(mmu_regs::asid), 1u);
  EXPECT_EQ(translate(0x40201008, 8, access(AccessKind::load)).address, frame + 8);
  // Machine accesses are never translated.
  const double bare = stat("bare_accesses");
  EXPECT_EQ(translate(0x40201008, 8, access(AccessKind::load, Privilege::machine)).address, 0x40201008u);
  EXPECT_EQ(stat("bare_accesses"), bare + 1);
  ASSERT_TRUE(mmu().set_translation(TranslationMode::bare, 0, 0));
  EXPECT_EQ(reg(mmu_regs::control) & mmu_regs::control_translate, 0u);
}

TEST_F(DirectMmuTest, SumAndMxrComeWithTheAccess) {
  build();
  sv39_path();
  sv39_leaf(0, frame, rwu);
  sv39_leaf(1, frame + 0x1000, page_executable);
  ASSERT_TRUE(mmu().set_translation(TranslationMode::sv39, 1, root));
  EXPECT_EQ(translate(0x40201000, 8, access(AccessKind::load, Privilege::supervisor)).fault, FaultCause::permission);
  EXPECT_EQ(translate(0x40201000, 8, access(AccessKind::load, Privilege::supervisor, true)).fault, FaultCause::none);
  EXPECT_EQ(translate(0x40201000, 4, access(AccessKind::fetch, Privilege::supervisor, true)).fault,
            FaultCause::permission);
  EXPECT_EQ(translate(0x40202000, 8, access(AccessKind::load, Privilege::supervisor)).fault, FaultCause::permission);
  EXPECT_EQ(translate(0x40202000, 8, access(AccessKind::load, Privilege::supervisor, false, true)).fault,
            FaultCause::none);
}

TEST_F(DirectMmuTest, SfenceFlushesByAddressOrAsidAndAnAsidAloneKeepsGlobalPages) {
  build();
  sv39_path();
  sv39_leaf(0, frame, rwu | page_global);
  sv39_leaf(1, frame + 0x1000, rwu);
  ASSERT_TRUE(mmu().set_translation(TranslationMode::sv39, 1, root));
  translate(0x40201000, 8, access(AccessKind::load));
  translate(0x40202000, 8, access(AccessKind::load));
  const double walks = stat("walker.walks");
  mmu().flush(std::nullopt, 1);
  translate(0x40201000, 8, access(AccessKind::load));  // global: still there
  translate(0x40202000, 8, access(AccessKind::load));  // walks again
  EXPECT_EQ(stat("walker.walks"), walks + 1);
  mmu().flush(0x40201000, std::nullopt);  // every address space's entry for the address
  translate(0x40201000, 8, access(AccessKind::load));
  EXPECT_EQ(stat("walker.walks"), walks + 2);
}

TEST_F(DirectMmuTest, SvadeFaultsWhereTheWalkerWouldSetAccessedOrDirty) {
  build({"components.mmu0.accessed_dirty=fault"});
  sv39_path();
  sv39_leaf(0, frame, rwu);
  sv39_leaf(1, frame + 0x1000, rwu | page_accessed);
  ASSERT_TRUE(mmu().set_translation(TranslationMode::sv39, 1, root));
  EXPECT_EQ(translate(0x40201000, 8, access(AccessKind::load)).fault, FaultCause::accessed_dirty);
  EXPECT_EQ(translate(0x40202000, 8, access(AccessKind::load)).fault, FaultCause::none);
  EXPECT_EQ(translate(0x40202000, 8, access(AccessKind::store)).fault, FaultCause::accessed_dirty);
  EXPECT_EQ(leaf_entry(1).flags & page_dirty, 0);  // nothing written
  EXPECT_EQ(stat("faults.accessed_dirty"), 2);
  EXPECT_EQ(stat("walker.pte_writes"), 0);
}

TEST_F(DirectMmuTest, TheCoresPhysicalCheckCanRefuseTheWalkersReads) {
  build();
  sv39_path();
  sv39_leaf(0, frame, rwu);
  struct RefuseTable0 final : PhysicalAccessCheck {
    bool allows(std::uint64_t address, unsigned, AccessKind kind, Privilege privilege) override {
      EXPECT_EQ(privilege, Privilege::supervisor);
      EXPECT_EQ(kind, AccessKind::load);
      return address < table0 || address >= table0 + 0x1000;
    }
  } check;
  mmu().set_physical_check(&check);
  ASSERT_TRUE(mmu().set_translation(TranslationMode::sv39, 1, root));
  const PhysicalAccess where = translate(0x40201000, 8, access(AccessKind::load));
  EXPECT_EQ(where.fault, FaultCause::walk_error);
  EXPECT_EQ(where.fault_address, 0x40201000u);
  EXPECT_EQ(stat("walker.pte_reads"), 2);  // the refused read is not made
  mmu().set_physical_check(nullptr);
}

TEST(MmuPlatform, BootRunsOutOfTableMemory) {
  EXPECT_EQ(run_failure(R"(
components:
  bus:  {type: router}
  dram: {type: dram, base: 0x80000000, size: 1GiB}
  mmu0: {type: mmu, base: 0x10000000}
  boot: {type: page_tables, mmu: mmu0, table_base: 0x80000000, table_size: 8KiB,
         mappings: [{va: 0x40000000, pa: 0x80100000, size: 4KiB}]}
  cpu0: {type: traffic_gen, port: mmu0}
)"),
            "at 0ns: system.boot: cannot map 0x40000000: the table memory is full");
}

}  // namespace
}  // namespace vmsim::test
