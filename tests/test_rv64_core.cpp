// The RV64 core instruction by instruction, without a platform: machine code (encoded by
// tests/rv64_encode.h) in a memory of the test's own behind the hart's memory path, with exact
// register, memory, CSR and trap results per extension; and the decoder, the PMP, the decoded-
// instruction cache and the ELF reader on their own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

#include "rv64_encode.h"
#include "vmsim/models/cpu/rv64/core.h"
#include "vmsim/models/cpu/rv64/elf_file.h"
#include "vmsim/models/cpu/rv64/fpu.h"
#include "vmsim/models/cpu/rv64/hart_memory.h"
#include "vmsim/models/cpu/rv64/htif.h"
#include "vmsim/models/cpu/rv64/instruction.h"
#include "vmsim/models/cpu/rv64/pmp.h"

namespace vmsim::rv64 {
namespace {

namespace e = encode;
namespace fs = std::filesystem;

// Register numbers.
constexpr unsigned zero = 0, ra = 1, sp = 2, t0 = 5, t1 = 6, t2 = 7, a0 = 10, a1 = 11, a2 = 12, a3 = 13, a4 = 14,
                   a5 = 15;
constexpr std::uint64_t base = 0x80000000;
constexpr std::uint64_t memory_size = 1 << 16;
constexpr std::uint64_t mstatus_fs_initial = 1 << 13;

// Plain memory that times every access at 10 ns and counts them, as a memory with a direct
// interface does.
class TestMemory final : public DirectMemory {
 public:
  bool direct_access_allowed() const override { return true; }
  std::uint8_t* direct_access(bool write, std::uint64_t offset, unsigned length, sc_core::sc_time& delay) override {
    delay += sc_core::sc_time(10, sc_core::SC_NS);
    ++(write ? writes : reads);
    if (write) reservations_.written(offset, length);
    return bytes.data() + offset;
  }
  std::uint8_t* debug_pointer(std::uint64_t offset) override { return bytes.data() + offset; }
  Reservations& reservations() override { return reservations_; }

  std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(memory_size);
  unsigned reads = 0;
  unsigned writes = 0;

 private:
  Reservations reservations_;
};

class Rv64Core : public ::testing::Test {
 protected:
  Rv64Core() {
    route_.base = base;
    route_.last = base + memory_size - 1;
    route_.memory = &memory_;
    route_.hop_latency = sc_core::sc_time(1, sc_core::SC_NS);
    route_.transactions = &transactions_;
    route_.bytes = &bytes_;
    hart_memory_.connect(nullptr, {route_});
    core_.reset(base);
  }

  // Writes 32-bit instructions from `base` (or 16-bit ones with put16), as a debugger writes
  // memory: the hart's decoded copies of what was there go.
  void program(const std::vector<std::uint32_t>& words, std::uint64_t at = base) {
    ASSERT_EQ(hart_memory_.write_debug(at, words.data(), static_cast<unsigned>(words.size() * 4)), words.size() * 4);
  }
  void put16(std::uint64_t at, const std::vector<std::uint16_t>& parcels) {
    ASSERT_EQ(hart_memory_.write_debug(at, parcels.data(), static_cast<unsigned>(parcels.size() * 2)),
              parcels.size() * 2);
  }
  std::uint64_t peek(std::uint64_t address) const {
    std::uint64_t value = 0;
    std::memcpy(&value, memory_.bytes.data() + (address - base), 8);
    return value;
  }
  void poke(std::uint64_t address, std::uint64_t value) {
    std::memcpy(memory_.bytes.data() + (address - base), &value, 8);
  }
  Core::Stop run(std::uint64_t instructions) { return core_.run(sc_core::sc_max_time(), instructions); }
  std::uint64_t csr(unsigned number) {
    std::uint64_t value = 0;
    EXPECT_TRUE(core_.csrs().read_debug(number, value)) << std::hex << number;
    return value;
  }
  // Writes a CSR with machine privilege, as an M-mode program's csrw would.
  void set_csr(unsigned number, std::uint64_t value) {
    program({e::csrrw(zero, number, t2)}, base + 0x8000);
    const std::uint64_t pc = core_.pc();
    const std::uint64_t saved = core_.x(t2);
    core_.set_pc(base + 0x8000);
    core_.set_x(t2, value);
    run(1);
    core_.set_x(t2, saved);
    core_.set_pc(pc);
  }
  std::uint64_t counter(const std::string& name) const {
    for (const StatEntry& entry : stats_.collect())
      if (entry.name == "cpu." + name) return std::get<std::uint64_t>(entry.value);
    ADD_FAILURE() << "no counter " << name;
    return 0;
  }

  TestMemory memory_;
  StatGroup bus_stats_{"bus"};
  Counter transactions_{bus_stats_, "transactions", ""};
  Counter bytes_{bus_stats_, "bytes", ""};
  MemoryRoute route_;
  StatGroup stats_{"cpu"};
  HartMemory hart_memory_{HartMemory::Config{}, stats_};
  Core core_{Core::Config{}, hart_memory_, stats_};
};

TEST_F(Rv64Core, IntegerArithmeticAndLogicHaveExactResults) {
  core_.set_x(a0, 0x7fffffffffffffff);
  core_.set_x(a1, 1);
  core_.set_x(a2, 0xfffffffffffffff0);  // -16
  program({e::add(a3, a0, a1),          // wraps to the smallest
           e::sub(a4, zero, a1),        // -1
           e::op(0, 1, a5, a1, a2),     // sll by 0xf0 & 63 = 48
           e::op(0x20, 5, t0, a2, a1),  // sra -16 >> 1 = -8
           e::op(0, 5, t1, a2, a1),     // srl
           e::op(0, 2, t2, a2, a1),     // slt -16 < 1
           e::op(0, 3, ra, a2, a1),     // sltu: 0xfff...f0 < 1 is false
           e::addiw(sp, a0, 1),         // 0xffffffff + 1 in 32 bits: 0, sign-extended
           e::lui(zero, 0x12345),       // x0 stays 0
           e::lui(a0, 0x80000),         // sign-extended
           e::auipc(a1, 1)});
  EXPECT_EQ(run(11), Core::Stop::instructions);
  EXPECT_EQ(core_.x(a3), 0x8000000000000000);
  EXPECT_EQ(core_.x(a4), ~std::uint64_t{0});
  EXPECT_EQ(core_.x(a5), std::uint64_t{1} << 48);
  EXPECT_EQ(core_.x(t0), static_cast<std::uint64_t>(-8));
  EXPECT_EQ(core_.x(t1), 0x7ffffffffffffff8);
  EXPECT_EQ(core_.x(t2), 1u);
  EXPECT_EQ(core_.x(ra), 0u);
  EXPECT_EQ(core_.x(sp), 0u);
  EXPECT_EQ(core_.x(zero), 0u);
  EXPECT_EQ(core_.x(a0), 0xffffffff80000000);
  EXPECT_EQ(core_.x(a1), base + 40 + 0x1000);
  EXPECT_EQ(core_.retired_instructions(), 11u);
}

TEST_F(Rv64Core, WordShiftsWorkOnTheLow32BitsAndSignExtend) {
  core_.set_x(a0, 0x00000000ffff0000);
  core_.set_x(a1, 36);  // & 31 = 4
  program({e::op32(0, 1, a2, a0, a1), e::op32(0, 5, a3, a0, a1), e::op32(0x20, 5, a4, a0, a1), e::srai(a5, a0, 16)});
  run(4);
  EXPECT_EQ(core_.x(a2), 0xfffffffffff00000);  // sllw
  EXPECT_EQ(core_.x(a3), 0x000000000ffff000);  // srlw
  EXPECT_EQ(core_.x(a4), 0xfffffffffffff000);  // sraw
  EXPECT_EQ(core_.x(a5), 0x000000000000ffff);
}

TEST_F(Rv64Core, BranchesAndJumpsLinkAndTarget) {
  core_.set_x(a0, 3);
  core_.set_x(a1, 3);
  program({e::beq(a0, a1, 8),                        // taken: to +8
           e::nop, e::bne(a0, a1, 8),                // not taken
           e::jal(ra, 12),                           // to +24, ra = +16
           e::nop, e::nop, e::addi(t0, zero, 0x41),  // at +24
           e::jalr(t1, t0, -0x20)});                 // to (0x41 - 0x20) & ~1 = 0x20, t1 = +32
  run(5);
  EXPECT_EQ(core_.x(ra), base + 16);
  EXPECT_EQ(core_.x(t1), base + 32);
  EXPECT_EQ(core_.pc(), 0x20u);
}

TEST_F(Rv64Core, LoadsExtendAndStoresWriteOnlyTheirBytes) {
  const std::uint64_t data = base + 0x1000;
  poke(data, 0x8899aabbccddeeff);
  core_.set_x(a0, data);
  core_.set_x(a1, 0x1122334455667788);
  program({e::load(0, t0, a0, 0), e::load(4, t1, a0, 0), e::load(1, t2, a0, 0), e::load(5, ra, a0, 0),
           e::load(2, a2, a0, 0), e::load(6, a3, a0, 0), e::ld(a4, a0, 0), e::store(0, a1, a0, 8),
           e::store(1, a1, a0, 17), e::store(2, a1, a0, 28), e::sd(a1, a0, 35), e::ld(a5, a0, 35)});
  run(12);
  EXPECT_EQ(core_.x(t0), 0xffffffffffffffff);      // lb
  EXPECT_EQ(core_.x(t1), 0xffu);                   // lbu
  EXPECT_EQ(core_.x(t2), 0xffffffffffffeeff);      // lh
  EXPECT_EQ(core_.x(ra), 0xeeffu);                 // lhu
  EXPECT_EQ(core_.x(a2), 0xffffffffccddeeff);      // lw
  EXPECT_EQ(core_.x(a3), 0xccddeeffu);             // lwu
  EXPECT_EQ(core_.x(a4), 0x8899aabbccddeeff);      // ld
  EXPECT_EQ(peek(data + 8), 0x88u);                // sb
  EXPECT_EQ(peek(data + 16), 0x778800u);           // sh at 17
  EXPECT_EQ(peek(data + 24), 0x5566778800000000);  // sw at 28
  EXPECT_EQ(core_.x(a5), 0x1122334455667788);      // a misaligned sd and ld, performed
  EXPECT_EQ(counter("loads"), 8u);
  EXPECT_EQ(counter("stores"), 4u);
}

TEST_F(Rv64Core, MultiplyAndDivideFollowTheirCornerCases) {
  constexpr std::uint64_t smallest = std::uint64_t{1} << 63;
  core_.set_x(a0, ~std::uint64_t{0});
  core_.set_x(a1, smallest);
  core_.set_x(a2, 7);
  program({e::op(1, 1, t0, a0, a0),      // mulh -1 * -1
           e::op(1, 3, t1, a0, a0),      // mulhu
           e::op(1, 2, t2, a0, a0),      // mulhsu -1 * (2^64 - 1)
           e::op(1, 4, ra, a2, zero),    // div by zero
           e::op(1, 6, sp, a2, zero),    // rem by zero
           e::op(1, 4, a3, a1, a0),      // smallest / -1
           e::op(1, 6, a4, a1, a0),      // smallest % -1
           e::op32(1, 5, a5, a2, zero),  // divuw by zero
           e::op(1, 0, a2, a2, a0)});    // mul 7 * -1
  run(9);
  EXPECT_EQ(core_.x(t0), 0u);
  EXPECT_EQ(core_.x(t1), 0xfffffffffffffffe);
  EXPECT_EQ(core_.x(t2), 0xffffffffffffffff);
  EXPECT_EQ(core_.x(ra), 0xffffffffffffffff);
  EXPECT_EQ(core_.x(sp), 7u);
  EXPECT_EQ(core_.x(a3), smallest);
  EXPECT_EQ(core_.x(a4), 0u);
  EXPECT_EQ(core_.x(a5), 0xffffffffffffffff);
  EXPECT_EQ(core_.x(a2), static_cast<std::uint64_t>(-7));
}

TEST_F(Rv64Core, AtomicsReturnTheOldValueAndStoreTheNew) {
  const std::uint64_t data = base + 0x2000;
  poke(data, 5);
  poke(data + 8, 0x00000000fffffff0);  // -16 as a word
  core_.set_x(a0, data);
  core_.set_x(a1, 10);
  core_.set_x(a2, data + 8);
  core_.set_x(a3, 3);
  program({e::amo(0x00, 3, t0, a0, a1),    // amoadd.d
           e::amo(0x10, 2, t1, a2, a3),    // amomin.w: -16 < 3, stays
           e::amo(0x1c, 2, t2, a2, a3),    // amomaxu.w: 0xfffffff0 > 3, stays
           e::amo(0x14, 2, ra, a2, a3),    // amomax.w: 3
           e::amo(0x01, 3, sp, a0, a3)});  // amoswap.d
  run(5);
  EXPECT_EQ(core_.x(t0), 5u);
  EXPECT_EQ(core_.x(t1), 0xfffffffffffffff0);  // the old word, sign-extended
  EXPECT_EQ(core_.x(t2), 0xfffffffffffffff0);
  EXPECT_EQ(core_.x(ra), 0xfffffffffffffff0);
  EXPECT_EQ(core_.x(sp), 15u);
  EXPECT_EQ(peek(data), 3u);
  EXPECT_EQ(peek(data + 8), 3u);
  EXPECT_EQ(counter("amos"), 5u);
}

TEST_F(Rv64Core, StoreConditionalNeedsAnUnbrokenReservation) {
  const std::uint64_t data = base + 0x2000;
  core_.set_x(a0, data);
  core_.set_x(a1, 42);
  program({e::amo(0x02, 3, t0, a0, zero),    // lr.d
           e::amo(0x03, 3, t1, a0, a1),      // sc.d: stores, t1 = 0
           e::amo(0x03, 3, t2, a0, a1),      // sc.d again: no reservation, t2 = 1
           e::amo(0x02, 3, t0, a0, zero),    // lr.d
           e::amo(0x03, 3, ra, a0, zero)});  // after another writer's store: fails
  run(4);
  memory_.reservations().written(data - base + 4, 1);  // another hart, or DMA
  run(1);
  EXPECT_EQ(core_.x(t1), 0u);
  EXPECT_EQ(core_.x(t2), 1u);
  EXPECT_EQ(core_.x(ra), 1u);
  EXPECT_EQ(peek(data), 42u);
  EXPECT_EQ(counter("lr"), 2u);
  EXPECT_EQ(counter("sc_success"), 1u);
  EXPECT_EQ(counter("sc_failure"), 2u);
}

TEST_F(Rv64Core, CompressedInstructionsRunAsTheirExpansions) {
  core_.set_x(sp, base + 0x3000);
  core_.set_x(a3, 0);
  put16(base, {0x4515,    // c.li a0, 5
               0x1575,    // c.addi a0, -3
               0x0512,    // c.slli a0, 4
               0x85aa,    // c.mv a1, a0
               0x95aa,    // c.add a1, a0
               0xe42e,    // c.sdsp a1, 8(sp)
               0x6622,    // c.ldsp a2, 8(sp)
               0x2505,    // c.addiw a0, 1
               0x65fd,    // c.lui a1, 0x1f
               0x713d});  // c.addi16sp sp, -32
  run(10);
  EXPECT_EQ(core_.x(a0), 33u);
  EXPECT_EQ(core_.x(a2), 64u);
  EXPECT_EQ(core_.x(a1), 0x1f000u);
  EXPECT_EQ(core_.x(sp), base + 0x3000 - 32);
  EXPECT_EQ(core_.pc(), base + 20);
  EXPECT_EQ(peek(base + 0x3008), 64u);
}

TEST(Rv64Decoder, CompressedEncodingsDecodeAsTheOperationTheyStandFor) {
  struct Pair {
    std::uint16_t compressed;
    std::uint32_t full;
  };
  const Pair pairs[] = {{0x4515, e::addi(a0, zero, 5)},
                        {0x1575, e::addi(a0, a0, -3)},
                        {0x0512, e::slli(a0, a0, 4)},
                        {0x85aa, e::add(a1, zero, a0)},
                        {0x95aa, e::add(a1, a1, a0)},
                        {0xe42e, e::sd(a1, sp, 8)},
                        {0x6622, e::ld(a2, sp, 8)},
                        {0x0818, e::addi(a4, sp, 16)},
                        {0x435c, e::load(2, a5, a4, 4)},
                        {0x8f99, e::sub(a5, a5, a4)},
                        {0x2505, e::addiw(a0, a0, 1)},
                        {0x65fd, e::lui(a1, 0x1f)},
                        {0x713d, e::addi(sp, sp, -32)},
                        {0x8082, e::jalr(zero, ra, 0)},
                        {0x9502, e::jalr(ra, a0, 0)},
                        {0x870d, e::srai(a4, a4, 3)},
                        {0x9b7d, e::i_type(-1, a4, 7, a4, 0x13)},
                        {0x9f1d, e::op32(0x20, 0, a4, a4, a5)},
                        {0x9002, e::ebreak}};
  for (const Pair& pair : pairs) {
    const Instruction compressed = decode(pair.compressed);
    const Instruction full = decode(pair.full);
    EXPECT_EQ(compressed.length, 2u) << std::hex << pair.compressed;
    EXPECT_EQ(compressed.op, full.op) << std::hex << pair.compressed;
    EXPECT_EQ(compressed.rd, full.rd) << std::hex << pair.compressed;
    EXPECT_EQ(compressed.rs1, full.rs1) << std::hex << pair.compressed;
    EXPECT_EQ(compressed.rs2, full.rs2) << std::hex << pair.compressed;
    EXPECT_EQ(compressed.imm, full.imm) << std::hex << pair.compressed;
    EXPECT_EQ(compressed.raw, pair.compressed);
  }
  // Reserved and unimplemented encodings.
  for (const std::uint32_t reserved : {0x0000u,       // the all-zero parcel
                                       0x6001u,       // c.lui with a zero immediate
                                       0x2001u,       // c.addiw x0
                                       0x8000u,       // quadrant 0, funct3 4
                                       0x4002u,       // c.lwsp x0
                                       0x8002u,       // c.jr x0
                                       0xffffffffu,   // a 48-bit prefix
                                       0x0000707fu,   // 80-bit prefix
                                       0x04001013u,   // slli with a funct6 that is not 0
                                       0x0000300fu,   // misc-mem funct3 3
                                       0x00004073u})  // system funct3 4
    EXPECT_EQ(decode(reserved).op, Op::illegal) << std::hex << reserved;
  EXPECT_EQ(decode(0x7c002573).op, Op::csrrs);  // an unknown CSR decodes; its access traps
}

TEST_F(Rv64Core, CsrInstructionsSwapSetAndClear) {
  constexpr unsigned mscratch = 0x340;
  core_.set_x(a0, 0xf0);
  core_.set_x(a1, 0x3c);
  program({e::csrrw(zero, mscratch, a0), e::csrrs(t0, mscratch, a1), e::csrrc(t1, mscratch, a0),
           e::csrrs(t2, mscratch, zero), e::csr(5, ra, mscratch, 7), e::csr(7, sp, mscratch, 1),
           e::csrrs(a2, 0x301, zero), e::csrrs(a3, 0xf14, zero)});
  run(8);
  EXPECT_EQ(core_.x(t0), 0xf0u);
  EXPECT_EQ(core_.x(t1), 0xfcu);
  EXPECT_EQ(core_.x(t2), 0x0cu);
  EXPECT_EQ(core_.x(ra), 0x0cu);  // csrrwi 7
  EXPECT_EQ(core_.x(sp), 7u);     // csrrci 1
  EXPECT_EQ(csr(mscratch), 6u);
  EXPECT_EQ(core_.x(a2), 0x800000000014112du);  // misa: RV64 ACDFIMSU
  EXPECT_EQ(core_.x(a3), 0u);                   // mhartid
}

TEST_F(Rv64Core, IllegalCsrAccessesTrapWithTheInstructionInMtval) {
  constexpr std::uint64_t handler = base + 0x100;
  set_csr(0x305, handler);
  const std::uint32_t write_read_only = e::csrrw(zero, 0xf14, a0);  // mhartid
  const std::uint32_t unknown = e::csrrs(a0, 0x7c0, zero);
  program({write_read_only});
  const std::uint64_t retired = core_.retired_instructions();
  run(1);
  EXPECT_EQ(core_.pc(), handler);
  EXPECT_EQ(csr(0x342), 2u);  // mcause
  EXPECT_EQ(csr(0x341), base);
  EXPECT_EQ(csr(0x343), write_read_only);
  EXPECT_EQ(core_.retired_instructions(), retired);  // a trapping instruction does not retire
  program({unknown}, handler);
  run(1);
  EXPECT_EQ(csr(0x343), unknown);
  EXPECT_EQ(counter("exceptions.illegal_instruction"), 2u);
}

TEST_F(Rv64Core, TrapsGoToTheirModeAndXretComesBack) {
  constexpr std::uint64_t machine_handler = base + 0x100, supervisor_handler = base + 0x200;
  set_csr(0x305, machine_handler);
  set_csr(0x105, supervisor_handler);
  set_csr(0x302, 1 << 8);  // medeleg: ecall from U
  set_csr(0x3b0, ~std::uint64_t{0});
  set_csr(0x3a0, 0x1f);         // PMP: everything for S and U
  set_csr(0x341, base + 0x40);  // mepc
  set_csr(0x300, 1 << 7);       // MPIE, MPP = U
  program({e::mret});
  program({e::ecall}, base + 0x40);
  run(1);
  EXPECT_EQ(core_.privilege(), Privilege::user);
  EXPECT_EQ(core_.pc(), base + 0x40);
  EXPECT_EQ(csr(0x300) & (1 << 3), 1u << 3);  // MIE from MPIE
  run(1);
  EXPECT_EQ(core_.privilege(), Privilege::supervisor);
  EXPECT_EQ(core_.pc(), supervisor_handler);
  EXPECT_EQ(csr(0x142), 8u);             // scause
  EXPECT_EQ(csr(0x141), base + 0x40);    // sepc
  EXPECT_EQ(csr(0x100) & (1 << 8), 0u);  // SPP: from U
  // An ebreak in S is not delegated: M takes it, MPP says S.
  program({e::ebreak}, supervisor_handler);
  run(1);
  EXPECT_EQ(core_.privilege(), Privilege::machine);
  EXPECT_EQ(core_.pc(), machine_handler);
  EXPECT_EQ(csr(0x342), 3u);
  EXPECT_EQ(csr(0x343), supervisor_handler);  // mtval: the pc
  EXPECT_EQ((csr(0x300) >> 11) & 3, 1u);
}

TEST_F(Rv64Core, InterruptsAreTakenByPriorityAtTheirVector) {
  constexpr std::uint64_t vectors = base + 0x400;
  set_csr(0x305, vectors | 1);          // vectored
  set_csr(0x304, (1 << 7) | (1 << 3));  // mie: MTIE, MSIE
  program({e::nop, e::nop, e::nop});
  core_.set_interrupt(7, true);  // MTIP
  core_.set_interrupt(3, true);  // MSIP, before MTI by priority
  run(1);
  EXPECT_EQ(core_.pc(), base + 4);  // MIE is clear: nothing taken
  set_csr(0x300, 1 << 3);
  run(1);
  EXPECT_EQ(core_.pc(), vectors + 4 * 3);
  EXPECT_EQ(csr(0x342), (std::uint64_t{1} << 63) | 3);
  EXPECT_EQ(csr(0x341), base + 4);
  EXPECT_EQ(counter("interrupts.machine_software"), 1u);
  EXPECT_EQ(counter("exceptions.breakpoint"), 0u);
}

TEST_F(Rv64Core, SettingMipBitsKeepsThePlicsSupervisorLineOutOfTheSoftwareBit) {
  // OpenSBI sets and clears SSIP and STIP with csrrs and csrrc while the PLIC may hold SEIP high:
  // the line's level must not be written back as the software's SEIP.
  program({e::addi(5, 0, 1 << 5), e::csrrc(0, 0x344, 5), e::addi(5, 0, 1 << 1), e::csrrs(6, 0x344, 5)});
  core_.set_interrupt(9, true);  // SEIP from the PLIC
  run(4);
  EXPECT_EQ(core_.x(6), std::uint64_t{1} << 9);  // csrrs read the line
  core_.set_interrupt(9, false);
  EXPECT_EQ(csr(0x344), std::uint64_t{1} << 1);  // SSIP alone: the line's SEIP went with it
}

TEST_F(Rv64Core, WfiSleepsOnlyWithNothingPending) {
  program({e::wfi, e::wfi, e::nop});
  EXPECT_EQ(run(5), Core::Stop::wfi);
  EXPECT_EQ(core_.pc(), base + 4);  // wfi retires; the hart sleeps after it
  EXPECT_FALSE(core_.wakes());
  set_csr(0x304, 1 << 7);
  core_.set_interrupt(7, true);  // pending and enabled in mie, though MIE is clear
  EXPECT_TRUE(core_.wakes());
  EXPECT_EQ(run(2), Core::Stop::instructions);
  EXPECT_EQ(core_.pc(), base + 12);
}

TEST_F(Rv64Core, FloatingPointFollowsMstatusFsAndNanBoxing) {
  constexpr std::uint64_t handler = base + 0x100;
  set_csr(0x305, handler);
  const std::uint32_t fadd_s = e::fp(0x00, 0, 3, 1, 2);  // fadd.s f3, f1, f2 (rne)
  program({fadd_s});
  run(1);
  EXPECT_EQ(core_.pc(), handler);  // FS is Off: illegal
  EXPECT_EQ(csr(0x343), fadd_s);
  set_csr(0x300, mstatus_fs_initial);
  core_.set_f(1, 0xffffffff3f800000);  // 1.0f, boxed
  core_.set_f(2, 0xffffffff40000000);  // 2.0f
  core_.set_pc(base);
  run(1);
  EXPECT_EQ(core_.f(3), 0xffffffff40400000u);  // 3.0f, boxed
  EXPECT_EQ((csr(0x300) >> 13) & 3, 3u);       // Dirty
  EXPECT_EQ(csr(0x300) >> 63, 1u);             // SD
  core_.set_f(2, 0x0000000040000000);          // not boxed: reads as the canonical NaN
  core_.set_pc(base);
  run(1);
  EXPECT_EQ(core_.f(3), 0xffffffff7fc00000u);
  // 1.0 / 0.0 raises divide-by-zero; fmv.x.w sign-extends the low word.
  core_.set_f(2, 0xffffffff00000000);
  program({e::fp(0x0c, 0, 4, 1, 2), e::fp(0x70, 0, a0, 4, 0)}, base + 0x10);
  core_.set_pc(base + 0x10);
  run(2);
  EXPECT_EQ(core_.f(4), 0xffffffff7f800000u);
  EXPECT_EQ(csr(0x001), fflag::divide_by_zero);
  EXPECT_EQ(core_.x(a0), 0x000000007f800000u);
  // A dynamic rounding mode of 5 in frm is reserved: illegal.
  set_csr(0x002, 5);
  const std::uint32_t dynamic = e::fp(0x00, 7, 3, 1, 2);
  program({dynamic}, base + 0x20);
  core_.set_pc(base + 0x20);
  run(1);
  EXPECT_EQ(core_.pc(), handler);
  EXPECT_EQ(csr(0x343), dynamic);
}

TEST_F(Rv64Core, OwnStoresToDecodedCodeAreSeen) {
  // Runs an addi, rewrites it with a store, and runs it again: the new instruction executes.
  const std::uint32_t replacement = e::addi(a0, zero, 2);
  core_.set_x(a1, replacement);
  core_.set_x(a2, base);
  program({e::addi(a0, zero, 1), e::store(2, a1, a2, 0), e::jal(zero, -8)});
  run(4);
  EXPECT_EQ(core_.x(a0), 2u);
  EXPECT_EQ(core_.pc(), base + 4);
}

TEST_F(Rv64Core, OtherWritersCodeIsSeenAfterFenceI) {
  // A loop of addi a0, a0, 1 while a1 is 0; then fence.i and back to the addi.
  program({e::addi(a0, a0, 1), e::beq(a1, zero, -4), e::fence_i, e::jal(zero, -12)});
  run(2);
  EXPECT_EQ(core_.x(a0), 1u);
  // Another hart (or DMA) rewrites the addi: without fence.i the hart may go on with what it decoded.
  const std::uint32_t add_ten = e::addi(a0, a0, 10);
  std::memcpy(memory_.bytes.data(), &add_ten, 4);
  run(2);
  EXPECT_EQ(core_.x(a0), 2u);
  core_.set_x(a1, 1);
  run(5);  // addi (as decoded), beq, fence.i, jal, addi (as now in memory)
  EXPECT_EQ(core_.x(a0), 13u);
}

TEST_F(Rv64Core, CodeAnotherWriterWritesThroughTheMemoryIsSeenWithoutFenceI) {
  // xv6's exec writes a program into pages another hart may have run code from, and never executes
  // fence.i: a write the memory serves reaches every hart's decoded code.
  program({e::addi(a0, a0, 1), e::jal(zero, -4)});
  run(2);
  EXPECT_EQ(core_.x(a0), 1u);
  const std::uint32_t add_ten = e::addi(a0, a0, 10);
  std::memcpy(memory_.bytes.data(), &add_ten, 4);
  memory_.reservations().written(0, 4);  // as the memory tells it of every write (another hart, DMA)
  run(2);
  EXPECT_EQ(core_.x(a0), 11u);
}

TEST_F(Rv64Core, FetchesReadMemoryOneBlockAtATime) {
  std::vector<std::uint32_t> code(40, e::nop);  // 160 bytes: blocks at +0, +64, +128
  program(code);
  run(40);
  EXPECT_EQ(counter("fetches"), 40u);
  EXPECT_EQ(counter("fetch_blocks"), 3u);
  EXPECT_EQ(memory_.reads, 3u);
  EXPECT_EQ(transactions_.value(), 3u);
  EXPECT_EQ(bytes_.value(), 3u * 64);
}

TEST_F(Rv64Core, AJumpToNowhereWithNoHandlerStopsTheHart) {
  core_.set_x(a0, 0x1000);
  program({e::jalr(zero, a0, 0)});
  EXPECT_EQ(run(10), Core::Stop::lost);
  EXPECT_EQ(core_.lost_reason(), "jumped to 0x1000, which has no memory behind it, and so has the trap handler at 0x0");
}

TEST(Rv64Pmp, TheLowestMatchingEntryDecidesAndMustMatchEveryByte) {
  Pmp pmp;
  // 0: NAPOT 4 KiB at 0x80001000 read-only; 1: NA4 at 0x80002000, nothing; 2-3: TOR [0x80003000,
  // 0x80004000) read and write; 15: everything.
  pmp.write_address_register(0, (0x80001000 >> 2) | ((4096 >> 3) - 1));
  pmp.write_address_register(1, 0x80002000 >> 2);
  pmp.write_address_register(2, 0x80003000 >> 2);
  pmp.write_address_register(3, 0x80004000 >> 2);
  pmp.write_address_register(15, ~std::uint64_t{0});
  pmp.write_config_register(0, std::uint64_t{0x0b} << 24 | std::uint64_t{0x10} << 8 | 0x19);
  pmp.write_config_register(2, std::uint64_t{0x1f} << 56);
  const auto user = [&](std::uint64_t address, unsigned length, AccessKind kind) {
    return pmp.check(address, length, kind, Privilege::user);
  };
  EXPECT_TRUE(user(0x80001000, 8, AccessKind::load));
  EXPECT_FALSE(user(0x80001ff8, 8, AccessKind::store));
  EXPECT_TRUE(pmp.check(0x80001ff8, 8, AccessKind::store, Privilege::machine));  // not locked
  EXPECT_FALSE(user(0x80001ffc, 8, AccessKind::load));                           // half in entry 0, half in 15
  EXPECT_FALSE(user(0x80002000, 4, AccessKind::load));
  EXPECT_TRUE(user(0x80002004, 4, AccessKind::load));
  EXPECT_TRUE(user(0x80003ff8, 8, AccessKind::store));
  EXPECT_FALSE(user(0x80003000, 4, AccessKind::fetch));
  EXPECT_TRUE(user(0x90000000, 4, AccessKind::fetch));
  // Locked: M is bound too, and the registers stay.
  pmp.write_config_register(0, std::uint64_t{0x0b} << 24 | std::uint64_t{0x10} << 8 | 0x99);
  EXPECT_FALSE(pmp.check(0x80001000, 8, AccessKind::store, Privilege::machine));
  pmp.write_config_register(0, 0x1f);
  EXPECT_EQ(pmp.config_register(0) & 0xff, 0x99u);
  pmp.write_address_register(0, 0);
  EXPECT_NE(pmp.address_register(0), 0u);
  // With no entry matching, M passes and the others fail.
  Pmp empty;
  EXPECT_TRUE(empty.check(0x80000000, 8, AccessKind::store, Privilege::machine));
  EXPECT_FALSE(empty.check(0x80000000, 8, AccessKind::load, Privilege::supervisor));
}

// A minimal ELF64 RISC-V executable: one PT_LOAD segment of `code`, entry at its start, and a
// symbol table with `main` (a function) and `tohost`.
std::vector<std::uint8_t> elf_image(std::uint16_t machine = 243, std::uint8_t elf_class = 2) {
  std::vector<std::uint8_t> image(0x200);
  const auto put = [&](std::size_t at, std::uint64_t value, unsigned size) { std::memcpy(&image[at], &value, size); };
  const std::uint8_t ident[] = {0x7f, 'E', 'L', 'F', elf_class, 1, 1};
  std::memcpy(image.data(), ident, sizeof ident);
  put(16, 2, 2);  // ET_EXEC
  put(18, machine, 2);
  put(24, base, 8);   // entry
  put(32, 0x40, 8);   // program headers
  put(40, 0x100, 8);  // section headers
  put(54, 56, 2);
  put(56, 1, 2);
  put(58, 64, 2);
  put(60, 3, 2);  // null, symtab, strtab
  // PT_LOAD: 16 bytes at 0x78 of the file, 32 in memory, at base.
  put(0x40, 1, 4);
  put(0x48, 0x78, 8);
  put(0x50, base, 8);
  put(0x58, base, 8);
  put(0x60, 16, 8);
  put(0x68, 32, 8);
  put(0x78, 0x1122334455667788, 8);
  // Section 1: symbols at 0x1c0 (null, main, tohost), linked to section 2: names at 0x90.
  put(0x140 + 4, 2, 4);
  put(0x140 + 24, 0x1c0, 8);
  put(0x140 + 32, 3 * 24, 8);
  put(0x140 + 40, 2, 4);
  put(0x180 + 4, 3, 4);
  put(0x180 + 24, 0x90, 8);
  put(0x180 + 32, 16, 8);
  const char names[] = "\0main\0tohost\0";
  std::memcpy(&image[0x90], names, sizeof names);
  image.resize(0x1c0 + 3 * 24);
  put(0x1c0 + 24, 1, 4);         // main
  image[0x1c0 + 24 + 4] = 0x12;  // global function
  put(0x1c0 + 24 + 6, 1, 2);
  put(0x1c0 + 24 + 8, base + 4, 8);
  put(0x1c0 + 24 + 16, 8, 8);
  put(0x1c0 + 48, 6, 4);  // tohost
  image[0x1c0 + 48 + 4] = 0x10;
  put(0x1c0 + 48 + 6, 1, 2);
  put(0x1c0 + 48 + 8, base + 16, 8);
  return image;
}

std::string write_file(const std::string& name, const std::vector<std::uint8_t>& bytes) {
  const fs::path path = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path.string();
}

std::string elf_error(const std::string& name, const std::vector<std::uint8_t>& bytes) {
  const std::string file = write_file(name, bytes);
  try {
    ElfFile elf(file);
  } catch (const std::runtime_error& e) {
    fs::remove(file);
    return std::string(e.what()).substr(file.size() + 2);
  }
  fs::remove(file);
  return "no error";
}

TEST(Rv64Elf, ReadsSegmentsEntryAndSymbols) {
  const std::string file = write_file("program", elf_image());
  const ElfFile elf(file);
  fs::remove(file);
  EXPECT_EQ(elf.entry(), base);
  ASSERT_EQ(elf.segments().size(), 1u);
  EXPECT_EQ(elf.segments()[0].physical_address, base);
  EXPECT_EQ(elf.segments()[0].file_size, 16u);
  EXPECT_EQ(elf.segments()[0].memory_size, 32u);
  std::uint64_t first = 0;
  std::memcpy(&first, elf.data(elf.segments()[0]), 8);
  EXPECT_EQ(first, 0x1122334455667788u);
  EXPECT_EQ(elf.symbol("tohost"), base + 16);
  EXPECT_EQ(elf.symbol("nothing"), std::nullopt);
  const auto location = elf.function_at(base + 6);
  ASSERT_TRUE(location);
  EXPECT_EQ(location->function->name, "main");
  EXPECT_EQ(location->offset, 2u);
  EXPECT_FALSE(elf.function_at(base + 12));  // beyond main's 8 bytes
  EXPECT_EQ(elf.physical(base + 20), base + 20);
}

TEST(Rv64Elf, EveryWrongFileIsOneLineSayingWhat) {
  EXPECT_EQ(elf_error("text", {'h', 'e', 'l', 'l', 'o'}), "is not an ELF file");
  EXPECT_EQ(elf_error("short", {0x7f, 'E', 'L', 'F', 2}), "is truncated: 5 bytes, shorter than an ELF header");
  EXPECT_EQ(elf_error("class32", elf_image(243, 1)),
            "is a 32-bit ELF file; an rv64 hart runs 64-bit (ELFCLASS64) programs");
  EXPECT_EQ(elf_error("x86", elf_image(62)), "is a program for x86-64, not for RISC-V");
  std::vector<std::uint8_t> cut = elf_image();
  cut.resize(0x80);
  EXPECT_EQ(elf_error("cut", cut), "is truncated: segment 0 needs bytes up to 136 of its 128");
}

// Memory for the HTIF: 4 KiB from address 0.
class HtifMemory final : public Htif::Memory {
 public:
  bool read(std::uint64_t address, void* data, unsigned length) override {
    if (address > bytes.size() || length > bytes.size() - address) return false;
    std::memcpy(data, bytes.data() + address, length);
    return true;
  }
  bool write(std::uint64_t address, const void* data, unsigned length) override {
    if (address > bytes.size() || length > bytes.size() - address) return false;
    std::memcpy(bytes.data() + address, data, length);
    return true;
  }
  std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(4096);
};

TEST(Rv64Htif, AWriteCallOfAnyLengthIsAnsweredWithoutAllocatingIt) {
  RunControl run;
  HtifMemory memory;
  Htif htif("loader", run, memory, 0x0, 0x8, "/dev/null");
  // write(1, 0x200, 2^62): the program's length is refused as a fault (-EFAULT), not allocated.
  const std::uint64_t call[4] = {64, 1, 0x200, std::uint64_t{1} << 62};
  std::memcpy(memory.bytes.data() + 0x100, call, sizeof(call));
  const std::uint64_t command = 0x100;  // device 0, command 0: the system call at 0x100
  std::memcpy(memory.bytes.data(), &command, 8);
  EXPECT_FALSE(htif.written());
  std::uint64_t result = 0;
  std::memcpy(&result, memory.bytes.data() + 0x100, 8);
  EXPECT_EQ(result, static_cast<std::uint64_t>(-14));
  EXPECT_FALSE(run.failed());
}

}  // namespace
}  // namespace vmsim::rv64
