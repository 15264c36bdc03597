/* What mstatus's SUM, MXR and MPRV do to translation under Sv39: the supervisor loads a user page
   only with SUM, never executes one; loads an execute-only page only with MXR; M's loads and stores
   are translated with MPP's privilege (and SUM) when MPRV is set, its fetches never. A 1 GiB page
   maps VA 0x40000000 to PA 0x80000000 (supervisor, read and write). Every trap goes to M, whose
   handler records cause and tval in s3 and s5, counts them in s7 and resumes at s6 in the mode the
   trap came from. */
#include "test.inc"


  .section .text.init
  .globl _start
_start:
  la t0, handler
  csrw mtvec, t0
  PMP_ALLOW_ALL
  la t1, root_table
  li t0, (0x80000000 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
  sd t0, 8(t1)  /* root[1]: the 1 GiB page */
  la t0, l1_table
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  sd t0, 16(t1)
  la t0, l0_table
  srli t0, t0, 12
  slli t0, t0, 10
  ori t0, t0, PTE_V
  la t1, l1_table
  sd t0, 0(t1)
  la a0, _start
  la a1, text_end
  li a2, PTE_V | PTE_R | PTE_X | PTE_A
  call map_range
  la a0, upage
  la a1, upage_end
  li a2, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D
  call map_range
  la a0, ucode
  la a1, ucode_end
  li a2, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A
  call map_range
  la a0, xpage
  la a1, xpage_end
  li a2, PTE_V | PTE_X | PTE_A
  call map_range
  SATP_SV39_ROOT
  MRET_TO_S(s_start)

s_start:
  la s8, upage
  la s6, 2f
1:ld a1, 0(s8)
  FAIL(1)  /* S may not reach tohost: 1 is lost in a fault, and the count below catches it */
2:li t0, MSTATUS_SUM
  csrs sstatus, t0
  ld a1, 0(s8)
  mv s1, a1
  la s6, 2f
  la t0, ucode
  jalr t0  /* S never executes a user page */
2:mv s2, s3
  la s9, xpage
  la s6, 2f
  ld a1, 0(s9)
2:mv s4, s3
  li t0, MSTATUS_MXR
  csrs sstatus, t0
  ld a1, 0(s9)
  mv s10, a1
  ecall

m_checks:
  EXPECT(10, s7, 4)  /* the S faults, and the ecall */
  EXPECT(11, s1, 0x1111)
  EXPECT(12, s2, CAUSE_FETCH_PAGE)
  EXPECT(13, s4, CAUSE_LOAD_PAGE)
  EXPECT(14, s10, 0x3333)
  /* MPRV with MPP=S: M's loads go through the page tables, its fetches do not. */
  la s9, mdata
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPP_S | MSTATUS_MPRV
  csrs mstatus, t0
  li t0, MSTATUS_SUM
  csrc mstatus, t0
  li t0, 0x40000000 - 0x80000000
  add t0, t0, s9
  ld a1, 0(t0)
  EXPECT(15, a1, 0x4444)
  /* ...and take SUM from mstatus: a user page faults without it. */
  la s6, 2f
1:ld a1, 0(s8)
  FAIL(16)
2:EXPECT(17, s3, CAUSE_LOAD_PAGE)
  EXPECT_REG(18, s5, s8)
  /* MPP=U: the supervisor's 1 GiB page is out of reach. */
  li t0, MSTATUS_MPP
  csrc mstatus, t0
  li t0, MSTATUS_MPRV
  csrs mstatus, t0
  li t0, 0x40000000 - 0x80000000
  add t0, t0, s9
  la s6, 2f
1:ld a1, 0(t0)
  FAIL(19)
2:EXPECT(20, s3, CAUSE_LOAD_PAGE)
  /* Without MPRV the alias is a physical address with no memory behind it. */
  li t0, MSTATUS_MPRV
  csrc mstatus, t0
  li t0, 0x40000000 - 0x80000000
  add t0, t0, s9
  la s6, 2f
1:ld a1, 0(t0)
  FAIL(21)
2:EXPECT(22, s3, CAUSE_LOAD_ACCESS)
  PASS

SV39_MAP_RANGE

  .align 2
handler:
  csrr s3, mcause
  csrr s5, mtval
  addi s7, s7, 1
  li t6, CAUSE_SUPERVISOR_ECALL
  bne s3, t6, 1f
  li t0, MSTATUS_MPP  /* the S part is over: on in M */
  csrs mstatus, t0
  la s6, m_checks
1:csrw mepc, s6
  mret

TEST_END
text_end:

  .section .user_text, "ax"
ucode:
  ret
ucode_end:

  .data
  SV39_TABLES
upage:
  .dword 0x1111
  .balign 4096
upage_end:
xpage:
  .dword 0x3333
  .balign 4096
xpage_end:
mdata:
  .dword 0x4444
