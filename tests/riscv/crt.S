/* Start-up of vmsim's C test programs: every hart gets a stack of its own (4 KiB each below
   stack_top), hart 0 clears .bss and calls main(), other harts call secondary_main(hartid) if the
   program has one and sleep otherwise; main's return value ends the run through the HTIF
   (exit code 0: success). */
#include "test.inc"

  .section .text.init
  .globl _start
_start:
  csrr a0, mhartid
  la sp, stack_top
  slli t0, a0, 12
  sub sp, sp, t0
  bnez a0, secondary
  la t0, __bss_start
  la t1, _end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:call main
  slli a0, a0, 1
  ori a0, a0, 1
  j exit
secondary:
  la t0, secondary_main
  beqz t0, 2f
  jalr t0
2:wfi
  j 2b

  .weak secondary_main

TEST_END

  .bss
  .balign 4096
  .zero 4096 * 4
stack_top:
