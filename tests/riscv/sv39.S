/* An Sv39 program: M builds page tables (the code supervisor-only, a user code page, a user data
   page, the tables themselves; two data pages left unmapped), delegates page faults and user
   ecalls to S, and enters S with satp set. S drops to U. U stores to its page, then to an unmapped
   page (store page fault: S maps it, sfence.vma, sret, and the store runs again), loads from
   another (load page fault, the same), and jumps to an unmapped address (instruction page fault,
   stval the address, S resumes U elsewhere); then U ecalls S, which ecalls M. M checks what S saw
   and the accessed and dirty bits the walker set in memory. A check that fails in U or S puts its
   number in s9 and ecalls. */
#include "test.inc"

#define U_EXPECT(n, reg, value) \
  li t6, value;                 \
  beq reg, t6, 1000f;           \
  li s9, n;                     \
  ecall;                        \
1000:

  .section .text.init
  .globl _start
_start:
  la t0, m_handler
  csrw mtvec, t0
  PMP_ALLOW_ALL
  /* root[2] -> l1, l1[0] -> l0: the 2 MiB from 0x80000000, page by page. */
  SV39_LINK_TABLES
  la a0, _start
  la a1, text_end
  li a2, PTE_V | PTE_R | PTE_X
  call map_range
  la a0, u_start
  la a1, u_end
  li a2, PTE_V | PTE_R | PTE_X | PTE_U
  call map_range
  la a0, root_table
  la a1, tables_end
  li a2, PTE_V | PTE_R | PTE_W
  call map_range
  la a0, udata
  la a1, udata_end
  li a2, PTE_V | PTE_R | PTE_W | PTE_U
  call map_range

  li t0, (1 << CAUSE_FETCH_PAGE) | (1 << CAUSE_LOAD_PAGE) | (1 << CAUSE_STORE_PAGE) | (1 << CAUSE_USER_ECALL)
  csrw medeleg, t0
  SATP_SV39_ROOT
  csrr t1, satp
  EXPECT_REG(1, t1, t0)
  MRET_TO_S(s_start)

SV39_MAP_RANGE

s_start:
  la t0, s_handler
  csrw stvec, t0
  sfence.vma
  li t0, MSTATUS_SPP
  csrc sstatus, t0
  la t0, u_start
  csrw sepc, t0
  sret

  .align 2
s_handler:
  csrr s3, scause
  csrr s5, stval
  addi s7, s7, 1
  li t6, CAUSE_STORE_PAGE
  beq s3, t6, 1f
  li t6, CAUSE_LOAD_PAGE
  beq s3, t6, 2f
  li t6, CAUSE_FETCH_PAGE
  beq s3, t6, 3f
  li t6, CAUSE_USER_ECALL
  beq s3, t6, 4f
  li s9, 90
4:ecall  /* to M: the checks, or the end */
1:mv s10, s5
  j 5f
2:mv s11, s5
5:/* Map the page of stval for U, read and write, and let the access run again. */
  srli t0, s5, 12
  andi t1, t0, 0x1ff
  slli t1, t1, 3
  la t3, l0_table
  add t1, t1, t3
  slli t0, t0, 10
  ori t0, t0, PTE_V | PTE_R | PTE_W | PTE_U
  sd t0, 0(t1)
  sfence.vma s5, zero
  sret
3:mv a6, s5
  csrw sepc, s6
  sret

  .align 2
m_handler:
  csrr t5, mcause
  li t6, CAUSE_SUPERVISOR_ECALL
  beq t5, t6, 1f
  FAIL(50)
1:beqz s9, 2f
  slli a0, s9, 1
  ori a0, a0, 1
  j exit
2:EXPECT(51, s7, 4)
  la t0, lazy
  addi t0, t0, 8
  EXPECT_REG(52, s10, t0)
  la t0, lazy2
  addi t0, t0, 16
  EXPECT_REG(53, s11, t0)
  EXPECT(54, a6, 0x80200000)
  /* The walker set A and D where U stored, A alone where it only loaded. */
  la a0, udata
  call pte_flags
  EXPECT(55, a0, PTE_A | PTE_D)
  la a0, lazy
  call pte_flags
  EXPECT(56, a0, PTE_A | PTE_D)
  la a0, lazy2
  call pte_flags
  EXPECT(57, a0, PTE_A)
  la a0, text_end
  addi a0, a0, -4
  call pte_flags
  EXPECT(58, a0, PTE_A)
  PASS

/* The A and D bits of the l0 entry of address a0. */
pte_flags:
  srli t0, a0, 12
  andi t0, t0, 0x1ff
  slli t0, t0, 3
  la t1, l0_table
  add t0, t0, t1
  ld a0, 0(t0)
  andi a0, a0, PTE_A | PTE_D
  ret

TEST_END
text_end:

  .section .user_text, "ax"
u_start:
  /* The handlers use t0-t6: U keeps its values in a1 and a2. */
  la s8, udata
  li a1, 42
  sd a1, 0(s8)
  ld a2, 0(s8)
  U_EXPECT(1, a2, 42)
  la s8, lazy
  li a1, 77
  sd a1, 8(s8)
  ld a2, 8(s8)
  U_EXPECT(2, a2, 77)
  la s8, lazy2
  li a2, -1
  ld a2, 16(s8)
  U_EXPECT(3, a2, 0)
  la s6, 1f
  li a1, 0x80200000
  jr a1
  li s9, 4
1:ecall
u_end:

  .data
  SV39_TABLES
tables_end:
udata:
  .zero 4096
udata_end:
lazy:
  .zero 4096
lazy2:
  .zero 4096
