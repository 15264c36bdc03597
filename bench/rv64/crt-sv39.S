/* Start-up of the Sv39 variant of the benchmark: M maps every page of the program to itself with a
   4 KiB Sv39 entry (code readable and executable, the rest readable and writable; accessed and
   dirty set, so that the walker writes nothing), enters S with satp set, and runs main() there;
   main's return comes back to M through ecall, which ends the run through the HTIF. */
#include "test.inc"

  .section .text.init
  .globl _start
_start:
  la t0, trap
  csrw mtvec, t0
  PMP_ALLOW_ALL
  la sp, stack_top
  /* root[2] -> l1, l1[0] -> l0: the 2 MiB from 0x80000000. */
  la t0, l1_table
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  la t1, root_table
  sd t0, 16(t1)
  la t0, l0_table
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  la t1, l1_table
  sd t0, 0(t1)
  la a0, _start
  la a1, _etext
  li a2, PTE_V | PTE_R | PTE_X | PTE_A
  call map_range
  la a0, _etext
  la a1, _end
  li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  call map_range
  la t0, root_table
  srli t0, t0, 12
  li t1, SATP_SV39
  or t0, t0, t1
  csrw satp, t0
  li t0, MSTATUS_MPP_S
  csrs mstatus, t0
  la t0, supervisor
  csrw mepc, t0
  mret

supervisor:
  call main
  ecall

  .align 2
trap:
  csrr t0, mcause
  li t1, CAUSE_SUPERVISOR_ECALL
  beq t0, t1, 1f
  FAIL(100)
1:slli a0, a0, 1
  ori a0, a0, 1
  j exit

/* Maps every page of [a0, a1) to itself in l0_table with the PTE bits a2. */
map_range:
  la t3, l0_table
  li t4, 0xfff
  add a1, a1, t4
  not t4, t4
  and a0, a0, t4
2:bgeu a0, a1, 3f
  srli t0, a0, 12
  andi t1, t0, 0x1ff
  slli t1, t1, 3
  add t1, t1, t3
  slli t0, t0, 10
  or t0, t0, a2
  sd t0, 0(t1)
  li t2, 4096
  add a0, a0, t2
  j 2b
3:ret

TEST_END

  .bss
  .balign 4096
root_table:
  .zero 4096
l1_table:
  .zero 4096
l0_table:
  .zero 4096
  .zero 4096
stack_top:
