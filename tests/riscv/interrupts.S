/* Interrupts and vectored trap entry: with mtvec in vectored mode an interrupt enters at base + 4 *
   cause while exceptions enter at base; pending interrupts wait for MIE, are taken in priority
   order (SSI before STI), mepc is the instruction they came before; wfi returns at once when an
   interrupt is pending and enabled in mie even with MIE clear, and sleeps otherwise until one is
   (here, until M software sets it: it never sleeps). Then S with stvec vectored takes a delegated
   SSIP at base + 4. The vector entries log each cause into `taken`. */
#include "test.inc"

  .section .text.init
  .globl _start
_start:
  la t0, m_vectors
  ori t0, t0, 1
  csrw mtvec, t0
  PMP_ALLOW_ALL
  la s8, taken

  /* An exception goes to the base even when vectored. */
  la s6, 2f
  ebreak
  FAIL(1)
2:ld t0, 0(s8)
  EXPECT(2, t0, 100 + CAUSE_BREAKPOINT)

  /* Pending and enabled in mie, but MIE clear: no trap, and wfi does not sleep. */
  li t0, MIP_SSIP | MIP_STIP
  csrs mie, t0
  csrs mip, t0
  wfi
  csrr t0, mip
  andi t0, t0, MIP_SSIP | MIP_STIP
  EXPECT(3, t0, MIP_SSIP | MIP_STIP)
  ld t0, 8(s8)
  EXPECT(4, t0, 0)

  /* MIE set: SSI (cause 1) first, then STI (5), each at its vector; mepc is the next instruction. */
  csrsi mstatus, MSTATUS_MIE
1:nop
  csrci mstatus, MSTATUS_MIE
  ld t0, 8(s8)
  EXPECT(5, t0, 1)
  ld t0, 16(s8)
  EXPECT(6, t0, 5)
  la t0, 1b
  EXPECT_REG(7, s4, t0)
  csrr t0, mcause
  EXPECT(8, t0, INTERRUPT | 5)

  /* S with a vectored stvec takes a delegated SSIP, set from S itself, at stvec + 4. */
  li t0, MIP_SSIP
  csrw mideleg, t0
  MRET_TO_S(s_start)
s_start:
  la t0, s_vectors
  ori t0, t0, 1
  csrw stvec, t0
  csrsi sie, MIP_SSIP
  csrsi sstatus, MSTATUS_SIE
  csrsi sip, MIP_SSIP
  nop
  ld t0, 24(s8)
  EXPECT(9, t0, 201)
  csrr t0, scause
  EXPECT(10, t0, INTERRUPT | 1)
  PASS

/* Each entry logs its cause (exceptions 100 + mcause, S entries 200 + cause) and clears its bit. */
  .align 6
  .option push
  .option norvc  /* 4 bytes per entry */
m_vectors:
  j m_exception
  j m_ssi
  j m_bad
  j m_bad
  j m_bad
  j m_sti
  .option pop
m_bad:
  FAIL(20)
m_exception:
  csrr t5, mcause
  addi t5, t5, 100
  sd t5, 0(s8)
  csrw mepc, s6
  mret
m_ssi:
  li t5, 1
  sd t5, 8(s8)
  csrc mip, MIP_SSIP
  mret
m_sti:
  csrr s4, mepc
  li t5, 5
  sd t5, 16(s8)
  li t5, MIP_STIP
  csrc mip, t5
  mret

  .align 6
  .option push
  .option norvc
s_vectors:
  j s_bad
  j s_ssi
  .option pop
s_bad:
  FAIL(21)
s_ssi:
  li t5, 201
  sd t5, 24(s8)
  csrci sip, MIP_SSIP
  sret

TEST_END

  .data
  .align 3
taken:
  .dword 0, 0, 0, 0
