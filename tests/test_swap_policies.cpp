// The swap victim policies alone, against a fake kernel that keeps an accessed bit and a pin per
// page and logs every test of a bit ("a+" found set and cleared, "a-" found clear).
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "vmsim/firmware/swap/clock.h"
#include "vmsim/firmware/swap/fifo.h"
#include "vmsim/firmware/swap/lru.h"
#include "vmsim/firmware/swap/random.h"
#include "vmsim/firmware/swap/registry.h"
#include "vmsim/firmware/swap/two_list.h"

namespace vmsim {
namespace {

ResidentPage page(char name) { return ResidentPage{1, static_cast<std::uint64_t>(name - 'a' + 1) * 4096}; }
char name_of(const ResidentPage& page) { return static_cast<char>('a' + page.address / 4096 - 1); }

class FakeKernel final : public SwapPolicyHost {
 public:
  bool evictable(const ResidentPage& page) const override { return pins.count(name_of(page)) == 0; }
  bool test_and_clear_accessed(const ResidentPage& page, sc_core::sc_time& delay) override {
    delay += sc_core::sc_time(10, sc_core::SC_NS);
    const bool was_set = accessed.erase(name_of(page)) != 0 || used_again;
    log += std::string(log.empty() ? "" : " ") + name_of(page) + (was_set ? '+' : '-');
    return was_set;
  }

  std::set<char> accessed;
  std::set<char> pins;      // not evictable
  bool used_again = false;  // another hart uses every page again as soon as its bit is cleared
  std::string log;
};

// Asks for a victim and, as the kernel does, evicts it; returns its name and the tests made.
std::string evict(SwapPolicy& policy, FakeKernel& kernel, sc_core::sc_time& delay) {
  kernel.log.clear();
  const std::optional<ResidentPage> victim = policy.victim(kernel, delay);
  if (victim) policy.left(*victim);
  return (victim ? std::string(1, name_of(*victim)) : "none") + ": " + kernel.log;
}

void make_resident(SwapPolicy& policy, const std::string& names) {
  for (const char name : names) policy.resident(page(name));
}

TEST(ClockPolicy, TheHandClearsBitsStepsOverPinsAndWraps) {
  ClockSwapPolicy policy;
  FakeKernel kernel;
  sc_core::sc_time delay;
  make_resident(policy, "abcd");
  kernel.accessed = {'b', 'c'};
  kernel.pins = {'a'};
  // a is pinned and left as it is; b and c lose their bits; d, clear, goes.
  EXPECT_EQ(evict(policy, kernel, delay), "d: b+ c+ d-");
  // The hand went past the last page: e joins behind it, and the next turn starts at a.
  kernel.pins.clear();
  make_resident(policy, "e");
  EXPECT_EQ(evict(policy, kernel, delay), "a: a-");
  EXPECT_EQ(evict(policy, kernel, delay), "b: b-");
}

TEST(LruPolicy, EveryAccessMovesItsPageToTheBack) {
  LruSwapPolicy policy;
  FakeKernel kernel;
  sc_core::sc_time delay;
  make_resident(policy, "abc");
  policy.accessed(page('a'));                      // b c a
  policy.accessed(page('z'));                      // not resident: nothing moves
  EXPECT_EQ(evict(policy, kernel, delay), "b: ");  // no accessed bit is ever tested
  kernel.pins = {'c'};
  EXPECT_EQ(evict(policy, kernel, delay), "a: ");  // c, pinned, is stepped over and keeps its place
  kernel.pins.clear();
  EXPECT_EQ(evict(policy, kernel, delay), "c: ");
  EXPECT_EQ(evict(policy, kernel, delay), "none: ");
}

class TwoList : public ::testing::Test {
 protected:
  std::string evict() { return vmsim::evict(policy_, kernel_, delay_); }
  void resident(const std::string& names) { make_resident(policy_, names); }

  TwoListSwapPolicy policy_{1};
  FakeKernel kernel_;
  sc_core::sc_time delay_;
};

TEST_F(TwoList, SecondChanceOnTheAccessedBitAcrossTwoLists) {
  // inactive_ratio 1: the inactive list is refilled while it is shorter than the active one.
  resident("abcd");  // inactive a b c d, active none
  kernel_.accessed = {'a', 'c'};
  // a was accessed: promoted (inactive b c d, active a); b was not: the victim.
  EXPECT_EQ(evict(), "b: a+ b-");
  // inactive c d, active a. c is promoted (inactive d, active a c): the inactive list is short, so
  // the oldest active page, a, moves over with its bit cleared (inactive d a, active c); d goes.
  EXPECT_EQ(evict(), "d: c+ a- d-");
  // a is used again and e comes in: inactive a e, active c. a is promoted (inactive e, active c a),
  // c is moved over (inactive e c, active a), and e, never used since it came, goes.
  kernel_.accessed = {'a'};
  resident("e");
  EXPECT_EQ(evict(), "e: a+ c- e-");
  // inactive c, active a, and c pinned: the inactive list has nothing to offer, so a is moved over
  // (inactive c a, active none), and, its bit clear, goes.
  kernel_.pins = {'c'};
  EXPECT_EQ(evict(), "a: a- a-");
  // Only c is left, pinned.
  EXPECT_EQ(evict(), "none: ");
  EXPECT_EQ(delay_, sc_core::sc_time(100, sc_core::SC_NS));  // ten tests of 10 ns each
}

TEST_F(TwoList, APageLeavingFromEitherListIsForgotten) {
  resident("abc");
  kernel_.accessed = {'a', 'b'};
  EXPECT_EQ(evict(), "c: a+ b+ a- c-");  // a, b promoted; a moved back when inactive (c) < active (a b)
  policy_.left(page('b'));               // from the active list
  policy_.left(page('a'));               // from the inactive list
  EXPECT_EQ(evict(), "none: ");
}

TEST(TwoListRatio, ALargerRatioKeepsTheInactiveListShorter) {
  // inactive_ratio 3: refilled only while inactive x 3 < active.
  TwoListSwapPolicy policy(3);
  FakeKernel kernel;
  sc_core::sc_time delay;
  for (const char name : std::string("abcde")) policy.resident(page(name));
  kernel.accessed = {'a', 'b', 'c', 'd'};
  // a b c promoted (inactive d e, active a b c: 2 x 3 >= 3); d promoted (inactive e, active a b c d:
  // 3 < 4, so a moves over: inactive e a, active b c d, 6 >= 3); e, not accessed, goes.
  EXPECT_EQ(name_of(*policy.victim(kernel, delay)), 'e');
  EXPECT_EQ(kernel.log, "a+ b+ c+ d+ a- e-");
}

// Each policy the registry offers, built as the kernel builds it (random from a seed).
const std::map<std::string, std::function<std::unique_ptr<SwapPolicy>()>> every_policy = {
    {"lru", [] { return std::make_unique<LruSwapPolicy>(); }},
    {"clock", [] { return std::make_unique<ClockSwapPolicy>(); }},
    {"fifo", [] { return std::make_unique<FifoSwapPolicy>(); }},
    {"random", [] { return std::make_unique<RandomSwapPolicy>(1); }},
    {"two_list", [] { return std::make_unique<TwoListSwapPolicy>(1); }},
};

TEST(EveryPolicy, IsUnderTheContractTest) {
  std::set<std::string> registered;
  for (const auto& policy : swap_policies().policies()) registered.emplace(policy.name);
  std::set<std::string> tested;
  for (const auto& [name, make] : every_policy) tested.insert(name);
  EXPECT_EQ(tested, registered);
}

class Contract : public ::testing::TestWithParam<std::string> {};
INSTANTIATE_TEST_SUITE_P(EveryPolicy, Contract, ::testing::Values("lru", "clock", "fifo", "random", "two_list"));

TEST_P(Contract, AVictimSearchFindsTheOnePageThatCanGoThoughEveryPageIsUsedAgainMeanwhile) {
  // A search that gives up while a page could go makes the kernel kill a process for memory. Here
  // one page in eight can go, and every bit the search clears is set again at once (another hart
  // using the pages while the kernel's bus accesses let time pass).
  const auto policy = every_policy.at(GetParam())();
  FakeKernel kernel;
  sc_core::sc_time delay;
  make_resident(*policy, "abcdefgh");
  kernel.pins = {'a', 'b', 'c', 'd', 'e', 'g', 'h'};
  kernel.used_again = true;
  for (int search = 0; search < 30; ++search) {
    const std::optional<ResidentPage> victim = policy->victim(kernel, delay);
    ASSERT_TRUE(victim) << "search " << search;
    EXPECT_EQ(name_of(*victim), 'f') << "search " << search;
  }
  // Only when no page can go is there no victim.
  kernel.pins.insert('f');
  EXPECT_FALSE(policy->victim(kernel, delay));
  kernel.pins.clear();
  for (int resident = 8; resident > 0; --resident) {
    const std::optional<ResidentPage> victim = policy->victim(kernel, delay);
    ASSERT_TRUE(victim) << resident << " resident";
    policy->left(*victim);
  }
  EXPECT_FALSE(policy->victim(kernel, delay));
}

TEST(RandomPolicy, DrawsUniformlyAmongThePagesThatCanGoAndOnlyThose) {
  RandomSwapPolicy policy(1);
  FakeKernel kernel;
  sc_core::sc_time delay;
  make_resident(policy, "abcdefghij");
  kernel.pins = {'a', 'b', 'd', 'e', 'f', 'g', 'i'};  // c, h and j can go
  std::map<char, int> drawn;
  for (int search = 0; search < 30000; ++search) ++drawn[name_of(*policy.victim(kernel, delay))];
  EXPECT_EQ(drawn, (std::map<char, int>{{'c', 10044}, {'h', 9998}, {'j', 9958}}));
}

}  // namespace
}  // namespace vmsim
