/* A user program under Sv39 with functions to debug, trace and profile (the GDB, trace and profile
   tests, and docs/debugging.md). M maps DRAM's first GiB to itself with one user gigapage and the
   virtual page 0x40000000 to `words`, and enters U at user_main. U fills the 511 words of that
   page (fill_words: words[i] = 3i + 1), adds them up eight times (sum_words, the hot function),
   stores the total in the page's last word (`total`, 0x40000ff8) and in the unmapped page
   0x40001000 (a store page fault: M maps `spare` there and resumes), and ecalls M with the exit
   code: 0 if the total is 8 * 391426 = 3131408. */
#include "test.inc"

#define WORDS_VA 0x40000000
#define SPARE_VA 0x40001000
#define COUNT 511
#define ROUNDS 8
#define LEAF_UA (PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)

  .section .text.init
  .globl _start
  .type _start, @function
_start:
  la t0, m_trap
  csrw mtvec, t0
  PMP_ALLOW_ALL
  /* root[2]: 0x80000000 to itself, a gigapage anyone may use. */
  la t1, root_table
  li t0, ((0x80000000 >> 12) << 10) | LEAF_UA | PTE_X
  sd t0, 16(t1)
  /* root[1] -> l1_table, l1[0] -> l0_table, l0[0] -> words. */
  la t0, l1_table
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  sd t0, 8(t1)
  la t2, l0_table
  srli t0, t2, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  la t1, l1_table
  sd t0, 0(t1)
  la t0, words
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, LEAF_UA
  sd t0, 0(t2)
  la t0, root_table
  srli t0, t0, 12
  li t1, SATP_SV39
  or t0, t0, t1
  csrw satp, t0
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  la t0, user_main
  csrw mepc, t0
  mret

  .align 2
  .globl m_trap
  .type m_trap, @function
m_trap:
  csrr t0, mcause
  li t1, CAUSE_STORE_PAGE
  beq t0, t1, map_spare
  li t1, CAUSE_USER_ECALL
  beq t0, t1, 1f
  FAIL(50)
1:slli a0, a0, 1
  ori a0, a0, 1
  j exit

/* l0[1] -> spare, and the store runs again. */
  .globl map_spare
  .type map_spare, @function
map_spare:
  la t0, spare
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, LEAF_UA
  la t1, l0_table
  sd t0, 8(t1)
  sfence.vma
  mret
  .size map_spare, . - map_spare

TEST_END

  .section .user_text, "ax"
  .globl user_main
  .type user_main, @function
user_main:
  li s0, WORDS_VA
  mv a0, s0
  li a1, COUNT
  call fill_words
  li s1, 0
  li s2, ROUNDS
1:mv a0, s0
  li a1, COUNT
  call sum_words
  add s1, s1, a0
  addi s2, s2, -1
  bnez s2, 1b
  li t0, WORDS_VA + 8 * COUNT
  sd s1, 0(t0)
  li s3, SPARE_VA
  sd s1, 0(s3)
  li t0, ROUNDS * 391426
  sub a0, s1, t0
  snez a0, a0
  ecall
  .size user_main, . - user_main

/* words[i] = 3i + 1 for the a1 words at a0. */
  .globl fill_words
  .type fill_words, @function
fill_words:
  li t0, 1
1:sd t0, 0(a0)
  addi t0, t0, 3
  addi a0, a0, 8
  addi a1, a1, -1
  bnez a1, 1b
  ret
  .size fill_words, . - fill_words

/* a0 = the sum of the a1 words at a0. */
  .globl sum_words
  .type sum_words, @function
sum_words:
  li t0, 0
1:ld t1, 0(a0)
  add t0, t0, t1
  addi a0, a0, 8
  addi a1, a1, -1
  bnez a1, 1b
  mv a0, t0
  ret
  .size sum_words, . - sum_words

  .data
  SV39_TABLES
  .globl words
words:
  .zero 4096
spare:
  .zero 4096
