/* Delegation to S: medeleg and mideleg send U's illegal instructions, ecalls and the supervisor
   software interrupt to S (scause, sepc, stval, sstatus.SPP), other traps still go to M (mcause,
   mstatus.MPP), a trap taken in M is never delegated, and the registers keep only what may be
   delegated. The handlers record cause, epc and tval in s3, s4, s5, who took it (1 S, 3 M) in s10
   and the previous mode's field (SPP or MPP) in s11, and resume at s6 in the mode they came from. */
#include "test.inc"

  .section .text.init
  .globl _start
_start:
  la t0, m_handler
  csrw mtvec, t0
  PMP_ALLOW_ALL
  /* Only what may be delegated sticks: not an ecall from M, no M-level interrupt. */
  li t0, -1
  csrw medeleg, t0
  csrr t1, medeleg
  EXPECT(1, t1, 0xb3ff)
  csrw mideleg, t0
  csrr t1, mideleg
  EXPECT(2, t1, 0x222)
  li t0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_USER_ECALL)
  csrw medeleg, t0
  li t0, MIP_SSIP
  csrw mideleg, t0

  /* A trap in M stays in M, delegated or not. */
  la s6, 2f
1:csrr a0, 0x7c0
  FAIL(3)
2:EXPECT(4, s10, 3)
  EXPECT(5, s3, CAUSE_ILLEGAL)

  /* Into S, then U. */
  MRET_TO_S(s_start)
s_start:
  la t0, s_handler
  csrw stvec, t0
  csrsi sie, MIP_SSIP
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, u_start
  csrw sepc, t0
  sret

u_start:
  /* An illegal instruction (sstatus from U) goes to S. */
  la s6, 2f
1:csrr a0, sstatus
  FAIL(6)
2:EXPECT(7, s10, 1)
  EXPECT(8, s3, CAUSE_ILLEGAL)
  la t0, 1b
  EXPECT_REG(9, s4, t0)
  lwu t0, 0(t0)
  EXPECT_REG(10, s5, t0)
  EXPECT(11, s11, 0)  /* SPP: from U */
  /* An ecall from U goes to S. */
  la s6, 2f
1:ecall
  FAIL(12)
2:EXPECT(13, s10, 1)
  EXPECT(14, s3, CAUSE_USER_ECALL)
  /* A breakpoint is not delegated: M takes it (MPP: U). M's handler then sets SSIP, which, being
     delegated and enabled in sie, interrupts U at once, into S (SIE does not mask it below S). */
  li s9, 1  /* asks M's handler to raise SSIP */
  la s6, 2f
1:ebreak
  FAIL(15)
2:EXPECT(16, s10, 1)
  EXPECT(17, s3, INTERRUPT | 1)
  la t0, 2b
  EXPECT_REG(18, s4, t0)  /* the interrupt came before the instruction at 2 */
  EXPECT(19, s8, CAUSE_BREAKPOINT)
  EXPECT(20, s7, 0)       /* the MPP M saw: U */
  PASS

  .align 2
m_handler:
  csrr s3, mcause
  csrr s4, mepc
  csrr s5, mtval
  li s10, 3
  csrr t5, mstatus
  srli s11, t5, 11
  andi s11, s11, 3
  mv s8, s3
  mv s7, s11
  beqz s9, 1f
  csrs mip, MIP_SSIP
  li s9, 0
1:csrw mepc, s6
  mret

  .align 2
s_handler:
  csrr s3, scause
  csrr s4, sepc
  csrr s5, stval
  li s10, 1
  csrr t5, sstatus
  srli s11, t5, 8
  andi s11, s11, 1
  bgez s3, 1f
  csrc sip, MIP_SSIP  /* an interrupt: acknowledge it, and return to where it came */
  sret
1:csrw sepc, s6
  sret

TEST_END
