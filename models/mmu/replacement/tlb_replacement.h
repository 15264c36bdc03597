// How a TLB chooses the way of a full set to replace. One object per TLB holds the state of all its
// sets; the TLB calls one hook per event (a hit, a fill, a victim choice, an invalidation), so the
// policy costs a look-up one virtual call at most. Hooks run on every translation: they must not
// allocate.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "vmsim/models/core/export.h"

namespace vmsim {

struct VMSIM_API TlbGeometry {
  unsigned sets = 1;
  unsigned ways = 1;
  std::uint64_t seed = 0;  // for policies that draw random numbers
};

class VMSIM_API TlbReplacement {
 public:
  virtual ~TlbReplacement() = default;

  // A look-up found its page in `way` of `set`.
  virtual void hit(unsigned set, unsigned way) = 0;
  // `way` of `set` now holds a page: a new one, or (`refill`) the page it held, updated in place.
  virtual void fill(unsigned set, unsigned way, bool refill) = 0;
  // The way to replace in `set`, whose ways are all valid.
  virtual unsigned victim(unsigned set) = 0;
  // A flush emptied `way` of `set`. Nothing, for a policy that needs nothing: the TLB fills empty
  // ways before it asks for a victim.
  virtual void invalidate(unsigned /*set*/, unsigned /*way*/) {}
};

// Builds a TLB's policy for its geometry; chosen by name from tlb_replacements().
using TlbReplacementFactory = std::function<std::unique_ptr<TlbReplacement>(const TlbGeometry&)>;

// The factory of a policy that needs nothing but the geometry.
template <typename Policy>
TlbReplacementFactory replacement_of() {
  return [](const TlbGeometry& geometry) { return std::make_unique<Policy>(geometry); };
}

}  // namespace vmsim
