/* With the hart's misaligned: trap, misaligned loads and stores raise address-misaligned exceptions
   (mtval the address) instead of being performed, and change nothing; aligned ones still work. */
#include "test.inc"

  .section .text.init
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  la s8, data
  li s11, 0x1122334455667788
  sd s11, 0(s8)

  addi s9, s8, 1
  la s6, 2f
1:lh a0, 0(s9)
  FAIL(1)
2:EXPECT(2, s3, CAUSE_LOAD_MISALIGNED)
  EXPECT_REG(3, s5, s9)
  la t0, 1b
  EXPECT_REG(4, s4, t0)
  addi s9, s8, 4
  la s6, 2f
1:sd zero, 0(s9)
  FAIL(5)
2:EXPECT(6, s3, CAUSE_STORE_MISALIGNED)
  EXPECT_REG(7, s5, s9)
  ld t1, 0(s8)
  EXPECT_REG(8, t1, s11)  /* the trapped store wrote nothing */
  lw t1, 4(s8)
  EXPECT(9, t1, 0x11223344)
  EXPECT(10, s7, 2)
  PASS

  .align 2
handler:
  csrr s3, mcause
  csrr s4, mepc
  csrr s5, mtval
  addi s7, s7, 1
  csrw mepc, s6
  mret

TEST_END

  .data
  .align 3
data:
  .dword 0, 0
