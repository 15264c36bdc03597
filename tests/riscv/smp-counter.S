/* Two harts count to an exact total: each adds 1 to `counter` 1000 times with amoadd.d and to
   `counter2` 1000 times with an lr.d/sc.d loop, then adds itself to `done`. Hart 0 waits for both,
   checks 2000 and 2000, and ends the run; hart 1 sleeps. The harts run a quantum at a time in turn,
   so an LR of one hart may lose its reservation to the other's store before its SC, which then
   fails and retries: only the totals are exact. Run on configs/rv64-smp.yaml. */
#include "test.inc"

#define COUNT 1000

  .section .text.init
  .globl _start
_start:
  la s1, counter
  la s2, counter2
  la s3, done
  li s0, COUNT
  li t0, 1
1:amoadd.d zero, t0, (s1)
  addi s0, s0, -1
  bnez s0, 1b
  li s0, COUNT
2:lr.d t0, (s2)
  addi t0, t0, 1
  sc.d t1, t0, (s2)
  bnez t1, 2b
  addi s0, s0, -1
  bnez s0, 2b
  li t0, 1
  amoadd.d zero, t0, (s3)
  csrr t0, mhartid
  bnez t0, sleep
3:ld t0, 0(s3)
  li t1, 2
  bne t0, t1, 3b
  ld t0, 0(s1)
  EXPECT(1, t0, 2 * COUNT)
  ld t0, 0(s2)
  EXPECT(2, t0, 2 * COUNT)
  PASS
sleep:
  wfi
  j sleep

TEST_END

  .data
  .align 6
counter:
  .dword 0
  .align 6
counter2:
  .dword 0
  .align 6
done:
  .dword 0
