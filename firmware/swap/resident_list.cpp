#include "vmsim/firmware/swap/resident_list.h"

namespace vmsim {

void ResidentList::push_back(const ResidentPage& page) {
  pages_.push_back(page);
  index_[page.key()] = std::prev(pages_.end());
}

ResidentList::Position ResidentList::find(const ResidentPage& page) {
  const auto found = index_.find(page.key());
  return found == index_.end() ? pages_.end() : found->second;
}

ResidentList::Position ResidentList::erase(Position position) {
  index_.erase(position->key());
  return pages_.erase(position);
}

void ResidentList::move_to_back(Position position) { pages_.splice(pages_.end(), pages_, position); }

void ResidentList::move_to_back_of(ResidentList& other, Position position) {
  other.index_.insert(index_.extract(position->key()));
  other.pages_.splice(other.pages_.end(), pages_, position);
}

}  // namespace vmsim
