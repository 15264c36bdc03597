// What a transaction carries besides address and data: who issued it and why. Ignorable: a target
// that does not know it treats the transaction as an ordinary read or write.
#pragma once

#include <cstdint>

#include <tlm>

#include "vmsim/models/core/export.h"

namespace vmsim {

enum class AccessKind : std::uint8_t { load, store, fetch };
// The privilege an access is made with. A traffic generator's processes run as user or supervisor;
// a core with privilege modes also makes machine accesses, which an MMU never translates.
enum class Privilege : std::uint8_t { user, supervisor, machine };

struct VMSIM_API AccessExtension : tlm::tlm_extension<AccessExtension> {
  AccessKind kind = AccessKind::load;
  Privilege privilege = Privilege::user;
  std::uint16_t cpu = 0;
  std::uint16_t asid = 0;
  std::uint32_t process = 0;
  // A core's status bits for translation (RISC-V mstatus): the supervisor may load and store user
  // pages (SUM), and loads may read execute-only pages (MXR). An MMU also takes SUM from its own
  // control register, for initiators that have no status of their own.
  bool sum = false;
  bool mxr = false;
  // The address is physical already: a core translated it through its MMU's direct interface
  // (models/core/address_translation.h), and the MMU passes the transaction on untouched and
  // uncounted.
  bool physical = false;

  tlm::tlm_extension_base* clone() const override { return new AccessExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const AccessExtension&>(other);
  }
};

}  // namespace vmsim
