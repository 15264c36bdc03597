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
  SV39_LINK_TABLES
  la a0, _start
  la a1, _etext
  li a2, PTE_V | PTE_R | PTE_X | PTE_A
  call map_range
  la a0, _etext
  la a1, _end
  li a2, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  call map_range
  SATP_SV39_ROOT
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

SV39_MAP_RANGE

TEST_END

  .bss
  SV39_TABLES
  .zero 4096
stack_top:
