// Exact least recently used, over every page an access spans: FIFO's order, with every access
// moving its pages to the back. The harts report each access to the kernel (wants_accesses), which
// no real kernel could afford: it is the reference the approximations are measured against.
#pragma once

#include "vmsim/firmware/swap/fifo.h"

namespace vmsim {

class LruSwapPolicy final : public FifoSwapPolicy {
 public:
  bool wants_accesses() const override { return true; }
  void accessed(const ResidentPage& page) override;
};

}  // namespace vmsim
