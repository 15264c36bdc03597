/* Every synchronous trap cause an RV64 hart raises without translation, taken in M mode with
   mcause, mepc and mtval as the privileged specification gives them: illegal instruction (mtval the
   instruction's bits), breakpoint (mtval the pc), ecall from U, S and M, instruction, load and store
   access faults at an address with no memory behind it (mtval the address), and AMOs and LR/SC at
   misaligned addresses. Misaligned loads and stores are performed (misaligned-trap.S traps them).
   The handler records cause, epc, tval and mstatus in s3, s4, s5, s10 and resumes at s6, in M. */
#include "test.inc"

  .section .text.init
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  PMP_ALLOW_ALL

  /* An illegal instruction: a CSR that does not exist. */
  la s6, 2f
1:csrr a0, 0x7c0
  FAIL(1)
2:EXPECT(2, s3, CAUSE_ILLEGAL)
  la t0, 1b
  EXPECT_REG(3, s4, t0)
  lwu t0, 0(t0)
  EXPECT_REG(4, s5, t0)

  /* Writing a read-only CSR is illegal, and changes nothing. */
  la s6, 2f
1:csrw mhartid, zero
  FAIL(5)
2:EXPECT(6, s3, CAUSE_ILLEGAL)

  /* ebreak and c.ebreak: mtval is the pc. */
  la s6, 2f
1:ebreak
  FAIL(7)
2:EXPECT(8, s3, CAUSE_BREAKPOINT)
  la t0, 1b
  EXPECT_REG(9, s5, t0)
  la s6, 2f
1:c.ebreak
  FAIL(10)
2:EXPECT(11, s3, CAUSE_BREAKPOINT)
  la t0, 1b
  EXPECT_REG(12, s4, t0)

  /* ecall from M, then from S and U (mret into each with MPP). */
  la s6, 2f
1:ecall
  FAIL(13)
2:EXPECT(14, s3, CAUSE_MACHINE_ECALL)
  EXPECT(15, s5, 0)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S
  csrs mstatus, t0
  la t0, 1f
  csrw mepc, t0
  la s6, 2f
  mret
1:ecall
  FAIL(16)
2:EXPECT(17, s3, CAUSE_SUPERVISOR_ECALL)
  li t1, MSTATUS_MPP
  and t0, s10, t1
  EXPECT(18, t0, MSTATUS_MPP_S)
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  la t0, 1f
  csrw mepc, t0
  la s6, 2f
  mret
1:ecall
  FAIL(19)
2:EXPECT(20, s3, CAUSE_USER_ECALL)

  /* Access faults: nothing is at 0x1000. */
  li s8, 0x1000
  la s6, 2f
1:ld a0, 0(s8)
  FAIL(21)
2:EXPECT(22, s3, CAUSE_LOAD_ACCESS)
  EXPECT_REG(23, s5, s8)
  la s6, 2f
1:sw a0, 0(s8)
  FAIL(24)
2:EXPECT(25, s3, CAUSE_STORE_ACCESS)
  EXPECT_REG(26, s5, s8)
  la s6, 2f
  jr s8
  FAIL(27)
2:EXPECT(28, s3, CAUSE_FETCH_ACCESS)
  EXPECT_REG(29, s4, s8)
  EXPECT_REG(30, s5, s8)

  /* Misaligned loads and stores are performed, also across a page. */
  la s8, data
  li t0, 0x1122334455667788
  sd t0, 3(s8)
  ld t1, 3(s8)
  EXPECT_REG(31, t1, t0)
  lwu t1, 5(s8)
  EXPECT(32, t1, 0x33445566)
  la s9, page_end
  sd t0, -4(s9)
  ld t1, -4(s9)
  EXPECT_REG(33, t1, t0)

  /* Misaligned AMOs and LR/SC trap: store/AMO address misaligned, load for LR. */
  addi s9, s8, 4
  la s6, 2f
1:amoadd.d a0, t0, (s9)
  FAIL(34)
2:EXPECT(35, s3, CAUSE_STORE_MISALIGNED)
  EXPECT_REG(36, s5, s9)
  addi s9, s8, 2
  la s6, 2f
1:lr.w a0, (s9)
  FAIL(37)
2:EXPECT(38, s3, CAUSE_LOAD_MISALIGNED)
  la s6, 2f
1:sc.w a0, t0, (s9)
  FAIL(39)
2:EXPECT(40, s3, CAUSE_STORE_MISALIGNED)

  EXPECT(41, s7, 13)  /* every trap above, once */
  PASS

  .align 2  /* mtvec holds a 4-byte-aligned base */
handler:
  csrr s3, mcause
  csrr s4, mepc
  csrr s5, mtval
  csrr s10, mstatus
  addi s7, s7, 1
  li t5, MSTATUS_MPP  /* back to M, wherever the trap came from */
  csrs mstatus, t5
  csrw mepc, s6
  mret

TEST_END

  .data
  .align 3
data:
  .dword 0, 0, 0
  .balign 4096
page_end:
  .dword 0
