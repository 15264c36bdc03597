// What a transaction carries besides address and data: who issued it and why. Ignorable: a target
// that does not know it treats the transaction as an ordinary read or write.
#pragma once

#include <cstdint>

#include <tlm>

#include "vmsim/models/core/export.h"

namespace vmsim {

enum class AccessKind : std::uint8_t { load, store, fetch };
enum class Privilege : std::uint8_t { user, supervisor };

struct VMSIM_API AccessExtension : tlm::tlm_extension<AccessExtension> {
  AccessKind kind = AccessKind::load;
  Privilege privilege = Privilege::user;
  std::uint16_t cpu = 0;
  std::uint16_t asid = 0;
  std::uint32_t process = 0;

  tlm::tlm_extension_base* clone() const override { return new AccessExtension(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const AccessExtension&>(other);
  }
};

}  // namespace vmsim
