// How the kernel chooses the private page to push out to swap when memory runs low. The kernel tells
// its policy when a page becomes resident and when it leaves and, if the policy wants them, every
// page each access touches; the policy keeps its own order of the resident pages. Asked for a
// victim, it may have the kernel test and clear a page's accessed bit, and must pass over the pages
// the kernel cannot evict now, but find one whenever one can be: a search that gives up on a page
// it could have taken kills a process that could have gone on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>

#include <systemc>

namespace vmsim {

struct ResidentPage {
  unsigned pid = 0;
  std::uint64_t address = 0;  // virtual, page-aligned

  // One number per page of every process, for indexes: the pid above the 52-bit page number.
  std::uint64_t key() const { return (std::uint64_t{pid} << 52) | (address >> 12); }
  bool operator==(const ResidentPage& other) const { return pid == other.pid && address == other.address; }
};

// What a policy may ask of the kernel while it looks for a victim.
class SwapPolicyHost {
 public:
  // Whether the page may be evicted now: it is not pinned by an access in progress (whose retry
  // must find it resident), and it has somewhere to go (a slot holding its copy, or a free one).
  // Only the kernel changes this, and a search cannot make an evictable page unevictable.
  virtual bool evictable(const ResidentPage& page) const = 0;
  // Whether the page was accessed since its bit was last cleared: reads its leaf entry and, if the
  // accessed bit is set, clears it and shoots the page's cached translations down. Timed.
  virtual bool test_and_clear_accessed(const ResidentPage& page, sc_core::sc_time& delay) = 0;

 protected:
  ~SwapPolicyHost() = default;
};

class SwapPolicy {
 public:
  virtual ~SwapPolicy() = default;

  // `page` became resident: touched for the first time, or back from swap.
  virtual void resident(const ResidentPage& page) = 0;
  // `page` left memory: evicted, unmapped, or its process ended.
  virtual void left(const ResidentPage& page) = 0;
  // The page to evict, an evictable one, resident until left() says otherwise; none only when no
  // resident page is evictable. Other harts may use pages while the search runs (the kernel's bus
  // accesses can let time pass), so a search on accessed bits must end with a page even if each it
  // clears is set again.
  virtual std::optional<ResidentPage> victim(SwapPolicyHost& kernel, sc_core::sc_time& delay) = 0;

  // A policy that wants accesses is told of every page of every access a hart completes, resident
  // or not (a probe no real kernel has: for exact LRU, as a reference).
  virtual bool wants_accesses() const { return false; }
  virtual void accessed(const ResidentPage& /*page*/) {}
};

// Builds the kernel's policy from the seed of its random stream; chosen by name from swap_policies().
using SwapPolicyFactory = std::function<std::unique_ptr<SwapPolicy>(std::uint64_t seed)>;

// The factory of a policy without parameters, built from the seed if it draws random numbers.
template <typename Policy>
SwapPolicyFactory swap_policy_of() {
  return []([[maybe_unused]] std::uint64_t seed) {
    if constexpr (std::is_constructible_v<Policy, std::uint64_t>)
      return std::make_unique<Policy>(seed);
    else
      return std::make_unique<Policy>();
  };
}

}  // namespace vmsim
