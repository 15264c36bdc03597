// Physical-memory protection (RISC-V privileged specification, section 3.7): 16 entries of pmpcfg
// and pmpaddr, each OFF, TOR, NA4 or NAPOT, with R, W, X and the L bit; the lowest-numbered entry
// that matches any byte of an access decides, and must match all of them. Machine-mode accesses are
// checked only against locked entries, and pass when nothing matches; supervisor and user accesses
// fail when nothing matches. The hart checks every access it makes; its MMU asks the same object
// about the page-table walks it makes for the hart (as supervisor accesses).
//
// Checking 16 entries per access would cost more than the access, so the last decision is kept per
// privilege class as a window: the largest range around the address that the same entry (or none)
// decides, with the permissions it gives. An access inside the window is decided by one comparison;
// any write to a PMP register forgets the windows.
#pragma once

#include <array>
#include <cstdint>

#include "vmsim/models/core/address_translation.h"
#include "vmsim/models/core/export.h"

namespace vmsim::rv64 {

class VMSIM_API Pmp final : public PhysicalAccessCheck {
 public:
  static constexpr unsigned entries = 16;

  // The CSRs, as pmpcfg0/pmpcfg2 (RV64: eight entries' bytes each) and pmpaddr0..15 read them.
  std::uint64_t config_register(unsigned index) const;  // index 0 or 2
  void write_config_register(unsigned index, std::uint64_t value);
  std::uint64_t address_register(unsigned entry) const { return address_[entry]; }
  void write_address_register(unsigned entry, std::uint64_t value);

  bool check(std::uint64_t address, unsigned length, AccessKind kind, Privilege privilege) {
    Window& window = windows_[privilege == Privilege::machine ? 1 : 0];
    if (address >= window.low && address <= window.last && length - 1 <= window.last - address)
      return (window.permissions & needed(kind)) != 0;
    return decide(address, length, kind, privilege);
  }
  bool allows(std::uint64_t address, unsigned length, AccessKind kind, Privilege privilege) override {
    return check(address, length, kind, privilege);
  }

 private:
  enum : std::uint8_t { read = 1, write = 2, execute = 4, mode_shift = 3, locked = 0x80 };
  enum Mode : std::uint8_t { off = 0, tor = 1, na4 = 2, napot = 3 };
  struct Window {
    std::uint64_t low = 1;  // empty: low > last
    std::uint64_t last = 0;
    std::uint8_t permissions = 0;
  };
  struct Range {
    std::uint64_t low;
    std::uint64_t last;  // inclusive
  };

  static std::uint8_t needed(AccessKind kind) {
    return kind == AccessKind::load ? read : kind == AccessKind::store ? write : execute;
  }
  Mode mode(unsigned entry) const { return static_cast<Mode>((config_[entry] >> mode_shift) & 3); }
  bool is_locked(unsigned entry) const { return (config_[entry] & locked) != 0; }
  // The addresses entry `entry` matches; false for an OFF or empty one.
  bool range(unsigned entry, Range& out) const;
  // The slow path: finds the deciding entry, refreshes the window, and decides.
  bool decide(std::uint64_t address, unsigned length, AccessKind kind, Privilege privilege);
  void forget() { windows_ = {}; }

  std::array<std::uint8_t, entries> config_{};
  std::array<std::uint64_t, entries> address_{};
  std::array<Window, 2> windows_{};  // supervisor and user, machine
};

}  // namespace vmsim::rv64
