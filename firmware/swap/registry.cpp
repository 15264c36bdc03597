#include "vmsim/firmware/swap/registry.h"

#include "vmsim/firmware/swap/clock.h"
#include "vmsim/firmware/swap/fifo.h"
#include "vmsim/firmware/swap/lru.h"
#include "vmsim/firmware/swap/random.h"
#include "vmsim/firmware/swap/two_list.h"

namespace vmsim {

const SwapPolicyRegistry& swap_policies() {
  static const SwapPolicyRegistry registry({
      {"lru", "Exact least recently used, over every page an access spans (the harts report each access)", nullptr,
       [](Params&) { return swap_policy_of<LruSwapPolicy>(); }},
      {"clock", "Second chance: a hand clears accessed bits and takes the first page found clear", nullptr,
       [](Params&) { return swap_policy_of<ClockSwapPolicy>(); }},
      {"fifo", "First in, first out: the page resident longest", nullptr,
       [](Params&) { return swap_policy_of<FifoSwapPolicy>(); }},
      {"random", "A page drawn uniformly among those that can go, from the kernel's seeded stream", nullptr,
       [](Params&) { return swap_policy_of<RandomSwapPolicy>(); }},
      {"two_list", "Linux-like: inactive and active lists, second chance on the accessed bit",
       TwoListSwapPolicy::declare, TwoListSwapPolicy::read},
  });
  return registry;
}

}  // namespace vmsim
