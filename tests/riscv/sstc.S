/* Sstc: the supervisor timer compare. Without menvcfg.STCE, S reaching stimecmp is illegal; with
   it (and mcounteren.TM), S sets stimecmp ahead of the time CSR and sleeps in wfi, and the hart
   wakes when the time gets there, taking the supervisor timer interrupt (delegated) in S; writing
   a compare beyond reach clears STIP, which M can then no longer set by hand. Traps to M resume
   at s6; S's handler records scause and the time. Run on tests/riscv/timer.yaml. */
#include "test.inc"

  .section .text.init
  .globl _start
_start:
  la t0, m_handler
  csrw mtvec, t0
  PMP_ALLOW_ALL
  li t0, MIP_STIP
  csrw mideleg, t0
  csrsi mcounteren, 2  /* TM: S reads time */
  MRET_TO_S(s_start)

s_start:
  la t0, s_handler
  csrw stvec, t0
  /* STCE is clear: stimecmp is illegal in S (M handles it and comes back here). */
  la s6, 2f
1:csrr a0, CSR_STIMECMP
  FAIL(1)
2:EXPECT(2, s3, CAUSE_ILLEGAL)
  li s9, 1  /* asks M to set STCE */
  ecall
  /* 100 ticks (10 us) ahead; sleep until then. */
  rdtime s1
  addi s1, s1, 100
  csrw CSR_STIMECMP, s1
  li t0, MIP_STIP
  csrs sie, t0
  csrsi sstatus, MSTATUS_SIE
  wfi
  EXPECT(3, s4, INTERRUPT | 5)
  bltu s5, s1, 1f  /* taken no earlier than due */
  addi t0, s1, 1
  bgeu s5, t0, 1f  /* and at the tick it fell due */
  csrr t0, sip
  andi t0, t0, MIP_STIP
  EXPECT(4, t0, 0)
  li s9, 2  /* asks M to try STIP by hand, and to finish */
  ecall
1:FAIL(5)

  .align 2
s_handler:
  csrr s4, scause
  rdtime s5
  li t0, -1
  csrw CSR_STIMECMP, t0
  sret

  .align 2
m_handler:
  csrr s3, mcause
  li t0, CAUSE_SUPERVISOR_ECALL
  beq s3, t0, 1f
  csrw mepc, s6
  mret
1:li t0, 1
  bne s9, t0, 2f
  li t0, MENVCFG_STCE
  csrs CSR_MENVCFG, t0
  csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  mret
2:/* With STCE, STIP follows stimecmp only: M's write of the bit does nothing. */
  li t0, MIP_STIP
  csrs mip, t0
  csrr t1, mip
  and t1, t1, t0
  EXPECT(6, t1, 0)
  PASS

TEST_END
