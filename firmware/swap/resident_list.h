// Resident pages in the order a policy keeps them (oldest first, say), each found by its key in
// constant time, so that a page that leaves or is used moves without a search.
#pragma once

#include <cstddef>
#include <list>
#include <unordered_map>

#include "vmsim/firmware/swap/swap_policy.h"

namespace vmsim {

class ResidentList {
 public:
  using Position = std::list<ResidentPage>::iterator;

  bool empty() const { return pages_.empty(); }
  std::size_t size() const { return pages_.size(); }
  Position begin() { return pages_.begin(); }
  Position end() { return pages_.end(); }

  void push_back(const ResidentPage& page);
  // end() when the page is not on this list.
  Position find(const ResidentPage& page);
  // Returns the position after the page removed.
  Position erase(Position position);
  void move_to_back(Position position);
  // Moves the page to the back of `other`.
  void move_to_back_of(ResidentList& other, Position position);

 private:
  std::list<ResidentPage> pages_;
  std::unordered_map<std::uint64_t, Position> index_;  // by ResidentPage::key()
};

}  // namespace vmsim
