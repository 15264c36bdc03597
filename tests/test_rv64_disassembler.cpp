// The rv64 hart's disassembler (what the instruction trace prints): each shape of operands, compressed
// instructions as what they expand to, and which register file an instruction writes. The machine
// code and the operands are those of riscv64-unknown-elf-as and objdump -M no-aliases.
#include <gtest/gtest.h>

#include "vmsim/models/cpu/rv64/disassembler.h"

namespace vmsim::rv64 {
namespace {

struct Case {
  std::uint64_t pc;
  std::uint32_t bits;
  const char* text;
  Destination written;
};

TEST(Rv64Disassembler, EveryShapeOfOperands) {
  const Case cases[] = {
      {0x80000000, 0x12345537, "lui a0,0x12345", Destination::x},
      {0x80000004, 0xfffff097, "auipc ra,0xfffff", Destination::x},
      {0x80000008, 0x001000ef, "jal ra,0x80000808", Destination::x},
      {0x8000000c, 0xffc08067, "jalr zero,-4(ra)", Destination::none},
      {0x80000010, 0xfeb508e3, "beq a0,a1,0x80000000", Destination::none},
      {0x80000014, 0x0002f463, "bgeu t0,zero,0x8000001c", Destination::none},
      {0x80000018, 0xfff10403, "lb fp,-1(sp)", Destination::x},
      {0x8000001c, 0x7ff76783, "lwu a5,2047(a4)", Destination::x},
      {0x80000020, 0x00113423, "sd ra,8(sp)", Destination::none},
      {0x80000024, 0x41f3d31b, "sraiw t1,t2,31", Destination::x},
      {0x80000028, 0x43f3d313, "srai t1,t2,63", Destination::x},
      {0x8000002c, 0xfff5b513, "sltiu a0,a1,-1", Destination::x},
      {0x80000030, 0x02c5a533, "mulhsu a0,a1,a2", Destination::x},
      {0x80000034, 0x0349f93b, "remuw s2,s3,s4", Destination::x},
      {0x80000038, 0x18029073, "csrrw zero,satp,t0", Destination::none},
      {0x8000003c, 0x30046573, "csrrsi a0,mstatus,8", Destination::x},
      {0x80000040, 0x7c0035f3, "csrrc a1,csr0x7c0,zero", Destination::x},
      {0x80000044, 0x12050073, "sfence.vma a0,zero", Destination::none},
      {0x80000048, 0x0ff0000f, "fence", Destination::none},
      {0x8000004c, 0x0000100f, "fence.i", Destination::none},
      {0x80000050, 0x00000073, "ecall", Destination::none},
      {0x80000054, 0x00100073, "ebreak", Destination::none},
      {0x80000058, 0x30200073, "mret", Destination::none},
      {0x8000005c, 0x10200073, "sret", Destination::none},
      {0x80000060, 0x10500073, "wfi", Destination::none},
      {0x80000064, 0x1005b52f, "lr.d a0,(a1)", Destination::x},
      {0x80000068, 0x18d7262f, "sc.w a2,a3,(a4)", Destination::x},
      {0x8000006c, 0xe063b2af, "amomaxu.d t0,t1,(t2)", Destination::x},
      {0x80000070, 0x00412507, "flw fa0,4(sp)", Destination::f},
      {0x80000074, 0xfe843c27, "fsd fs0,-8(fp)", Destination::none},
      {0x80000078, 0x6ac59543, "fmadd.d fa0,fa1,fa2,fa3,rtz", Destination::f},
      {0x8000007c, 0x0020f053, "fadd.s ft0,ft1,ft2", Destination::f},
      {0x80000080, 0x5a05f553, "fsqrt.d fa0,fa1", Destination::f},
      {0x80000084, 0x22b59553, "fsgnjn.d fa0,fa1,fa1", Destination::f},
      {0x80000088, 0xa0b52553, "feq.s a0,fa0,fa1", Destination::x},
      {0x8000008c, 0xe2051553, "fclass.d a0,fa0", Destination::x},
      {0x80000090, 0xc2051553, "fcvt.w.d a0,fa0,rtz", Destination::x},
      {0x80000094, 0xd2353553, "fcvt.d.lu fa0,a0,rup", Destination::f},
      {0x80000098, 0xe2050553, "fmv.x.d a0,fa0", Destination::x},
      {0x8000009c, 0xf0000553, "fmv.w.x fa0,zero", Destination::f},
      {0x800000a0, 0x4015f553, "fcvt.s.d fa0,fa1", Destination::f},
      {0x800000a4, 0x0505, "addi a0,a0,1", Destination::x},
      {0x800000a6, 0x41c8, "lw a0,4(a1)", Destination::x},
      {0x800000a8, 0xa019, "jal zero,0x800000ae", Destination::none},
      {0x800000aa, 0x852e, "add a0,zero,a1", Destination::x},
      {0x800000ac, 0x60a2, "ld ra,8(sp)", Destination::x},
      {0x800000ae, 0x0000, "illegal", Destination::none},
  };
  for (const Case& c : cases) {
    const Instruction instruction = decode(c.bits);
    EXPECT_EQ(disassemble(instruction, c.pc), c.text) << std::hex << c.bits;
    EXPECT_EQ(destination(instruction), c.written) << c.text;
  }
}

TEST(Rv64Disassembler, NoDestinationForX0) {
  // addi zero,zero,0 (nop) and jal zero: x0 is discarded.
  EXPECT_EQ(destination(decode(0x00000013)), Destination::none);
  EXPECT_EQ(disassemble(decode(0x00000013), 0), "addi zero,zero,0");
}

}  // namespace
}  // namespace vmsim::rv64
