/* Physical-memory protection, 16 entries: a NAPOT page that is read-only, an NA4 word with no
   permission, a TOR range without execute, a locked NAPOT doubleword that binds M too, and a last
   NAPOT entry granting everything else; priority goes to the lowest entry, which must match every
   byte of an access. M is checked only against locked entries, unless MPRV makes its loads and
   stores U's. A locked entry's registers ignore writes. The handler records cause, epc and tval in
   s3, s4, s5, counts traps in s7 and resumes at s6 in the mode it came from. */
#include "test.inc"

#define NAPOT 0x18
#define NA4 0x10
#define TOR 0x08
#define LOCK 0x80

  .section .text.init
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  la t0, ro_page
  srli t0, t0, 2
  ori t0, t0, (4096 >> 3) - 1
  csrw pmpaddr0, t0
  la t0, na4_word
  srli t0, t0, 2
  csrw pmpaddr1, t0
  la t0, tor_start
  srli t0, t0, 2
  csrw pmpaddr2, t0
  la t0, tor_end
  srli t0, t0, 2
  csrw pmpaddr3, t0
  la t0, locked_word
  srli t0, t0, 2  /* NAPOT with no trailing one: 8 bytes */
  csrw pmpaddr4, t0
  li t0, -1
  csrw pmpaddr15, t0
  li t0, 0x1f << 56
  csrw pmpcfg2, t0
  li t0, ((LOCK | NAPOT) << 32) | ((TOR | 3) << 24) | (NA4 << 8) | (NAPOT | 1)
  csrw pmpcfg0, t0
  csrr t1, pmpcfg0
  EXPECT_REG(1, t1, t0)

  /* M may store to the read-only page (the entry is not locked)... */
  la s8, ro_page
  li t0, 7
  sd t0, 0(s8)
  /* ...but not load the locked doubleword. */
  la s9, locked_word
  la s6, 2f
1:ld t0, 0(s9)
  FAIL(2)
2:EXPECT(3, s3, CAUSE_LOAD_ACCESS)
  EXPECT_REG(4, s5, s9)
  /* The locked entry's configuration and address stay as they are. */
  csrr t0, pmpcfg0
  li t1, 0xff << 32
  or t1, t0, t1
  csrw pmpcfg0, t1
  csrr t1, pmpcfg0
  EXPECT_REG(5, t1, t0)
  csrr t0, pmpaddr4
  csrw pmpaddr4, zero
  csrr t1, pmpaddr4
  EXPECT_REG(6, t1, t0)

  /* MPRV with MPP=U: M's stores are checked as U's. */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  ld t1, 0(s8)
  EXPECT(7, t1, 7)
  la s6, 2f
1:sd t1, 0(s8)
  FAIL(8)
2:EXPECT(9, s3, CAUSE_STORE_ACCESS)
  li t0, MSTATUS_MPRV
  csrc mstatus, t0

  /* U: MPP is U. */
  la t0, u_start
  csrw mepc, t0
  mret
u_start:
  ld t1, 0(s8)
  EXPECT(10, t1, 7)
  la s6, 2f
1:sd zero, 8(s8)
  FAIL(11)
2:EXPECT(12, s3, CAUSE_STORE_ACCESS)
  addi t0, s8, 8
  EXPECT_REG(13, s5, t0)
  /* The NA4 word: no access; the word after it belongs to the last entry. */
  la s9, na4_word
  la s6, 2f
1:lw t0, 0(s9)
  FAIL(14)
2:EXPECT(15, s3, CAUSE_LOAD_ACCESS)
  lw t0, 4(s9)
  EXPECT(16, t0, 0x5a5a5a5a)
  /* A doubleword that only partly lies in the NA4 word fails, though the rest is allowed. */
  la s6, 2f
1:ld t0, -4(s9)
  FAIL(17)
2:EXPECT(18, s3, CAUSE_LOAD_ACCESS)
  /* The TOR range may be read, not executed. */
  la s9, tor_start
  lw t0, 0(s9)
  la s6, 2f
  jr s9
  FAIL(19)
2:EXPECT(20, s3, CAUSE_FETCH_ACCESS)
  EXPECT_REG(21, s5, s9)
  EXPECT(22, s7, 6)
  PASS

  .align 2
handler:
  csrr s3, mcause
  csrr s4, mepc
  csrr s5, mtval
  addi s7, s7, 1
  csrw mepc, s6
  mret

  .balign 4096
tor_start:
  ret
  .balign 4096
tor_end:

TEST_END

  .data
  .balign 4096
ro_page:
  .dword 0, 0
  .balign 4096
  .dword 0x5a5a5a5a5a5a5a5a
na4_word:
  .word 0x11111111, 0x5a5a5a5a
  .balign 8
locked_word:
  .dword 0x2222222222222222
