#include "vmsim/models/core/riscv_names.h"

#include <utility>

#include <fmt/format.h>

namespace vmsim::riscv {
namespace {

// The CSRs with a name of their own; the numbered families (hpmcounterN, pmpaddrN, ...) follow.
constexpr std::pair<unsigned, const char*> named_csrs[] = {
    {0x001, "fflags"},     {0x002, "frm"},      {0x003, "fcsr"},          {0xc00, "cycle"},      {0xc01, "time"},
    {0xc02, "instret"},    {0x100, "sstatus"},  {0x104, "sie"},           {0x105, "stvec"},      {0x106, "scounteren"},
    {0x10a, "senvcfg"},    {0x140, "sscratch"}, {0x141, "sepc"},          {0x142, "scause"},     {0x143, "stval"},
    {0x144, "sip"},        {0x14d, "stimecmp"}, {0x180, "satp"},          {0x5a8, "scontext"},   {0xf11, "mvendorid"},
    {0xf12, "marchid"},    {0xf13, "mimpid"},   {0xf14, "mhartid"},       {0xf15, "mconfigptr"}, {0x300, "mstatus"},
    {0x301, "misa"},       {0x302, "medeleg"},  {0x303, "mideleg"},       {0x304, "mie"},        {0x305, "mtvec"},
    {0x306, "mcounteren"}, {0x30a, "menvcfg"},  {0x320, "mcountinhibit"}, {0x340, "mscratch"},   {0x341, "mepc"},
    {0x342, "mcause"},     {0x343, "mtval"},    {0x344, "mip"},           {0x34a, "mtinst"},     {0x34b, "mtval2"},
    {0x747, "mseccfg"},    {0xb00, "mcycle"},   {0xb02, "minstret"},      {0x7a0, "tselect"},    {0x7a1, "tdata1"},
    {0x7a2, "tdata2"},     {0x7a3, "tdata3"},   {0x7a8, "mcontext"},      {0x7b0, "dcsr"},       {0x7b1, "dpc"},
    {0x7b2, "dscratch0"},  {0x7b3, "dscratch1"}};

struct CsrFamily {
  unsigned first;
  unsigned count;
  unsigned first_index;
  const char* prefix;
};
constexpr CsrFamily csr_families[] = {{0xc03, 29, 3, "hpmcounter"},
                                      {0xb03, 29, 3, "mhpmcounter"},
                                      {0x323, 29, 3, "mhpmevent"},
                                      {0x3a0, 16, 0, "pmpcfg"},
                                      {0x3b0, 64, 0, "pmpaddr"}};

}  // namespace

std::string csr_name(unsigned number) {
  for (const auto& [csr, name] : named_csrs)
    if (csr == number) return name;
  for (const CsrFamily& family : csr_families)
    if (number >= family.first && number < family.first + family.count)
      return fmt::format("{}{}", family.prefix, number - family.first + family.first_index);
  return fmt::format("csr{:#x}", number);
}

}  // namespace vmsim::riscv
