#include "vmsim/models/cpu/rv64/hart_memory.h"

#include <algorithm>

#include "vmsim/models/core/payload.h"

namespace vmsim::rv64 {

HartMemory::HartMemory(const Config& config, StatGroup& stats)
    : direct_(config.direct),
      trap_misaligned_(config.trap_misaligned),
      careful_(config.trap_misaligned),
      block_size_(config.fetch_block),
      block_buffer_(config.fetch_block),
      fetches_(stats, "fetches", "Instruction fetches translated (one per instruction; two for one spanning pages)"),
      fetch_blocks_(stats, "fetch_blocks", "Fetch blocks read from memory (execution left the block read last)"),
      loads_(stats, "loads", "Loads (integer and floating-point, LR not included)"),
      stores_(stats, "stores", "Stores (integer and floating-point, SC not included)"),
      atomics_(stats, "amos", "Atomic memory operations") {
  trans_access_ = new AccessExtension;
  trans_access_->physical = true;
  trans_.set_extension(trans_access_);
  trans_.set_dmi_allowed(false);
  fetch_access_.kind = AccessKind::fetch;
  fetch_access_.privilege = Privilege::machine;
  data_access_.privilege = Privilege::machine;
}

void HartMemory::connect(AddressTranslation* mmu, const std::vector<MemoryRoute>& routes) {
  mmu_ = mmu;
  set_translating(translating_);
  routes_.clear();
  code_copies_.clear();
  for (const MemoryRoute& route : routes) {
    routes_.push_back(
        {route, direct_ && route.memory->direct_access_allowed(), route.memory->reservations().add_holder()});
    code_copies_.push_back(std::make_unique<CodeCopy>(code_, route.base));
    route.memory->reservations().add_copier(*code_copies_.back());
  }
  last_route_ = nullptr;
  block_ = no_block;
}

void HartMemory::set_privileges(Privilege fetch, Privilege data, bool sum, bool mxr) {
  fetch_access_.privilege = fetch;
  data_access_.privilege = data;
  data_access_.sum = sum;
  data_access_.mxr = mxr;
  fetch_page_ = no_page;
  set_translating(translating_);
}

void HartMemory::set_translating(bool translating) {
  // What the MMU passes through untranslated (its decision, known here ahead of the call).
  translating_ = translating;
  translate_fetches_ = mmu_ != nullptr && translating && fetch_access_.privilege != Privilege::machine;
  translate_data_ = mmu_ != nullptr && translating && data_access_.privilege != Privilege::machine;
}

void HartMemory::account() {
  if (mmu_ != nullptr && untranslated_ != 0) mmu_->count_untranslated(untranslated_);
  untranslated_ = 0;
}

bool HartMemory::check(std::uint64_t address, unsigned size, AccessKind kind, Checked what) {
  if (watching_ && (debug_->watch_hit(address, size, kind) ||
                    (what == Checked::amo && debug_->watch_hit(address, size, AccessKind::load))))
    return watched();
  if (noting_) noted_ = {true, kind, what != Checked::plain, address, 0, size};
  if (what != Checked::plain || (address & (size - 1)) == 0 || !trap_misaligned_) return true;
  const bool load = kind == AccessKind::load;
  ++(load ? loads_ : stores_);
  return fail(load ? Exception::load_misaligned : Exception::store_misaligned, address) != nullptr;
}

bool HartMemory::load(std::uint64_t address, unsigned size, std::uint64_t& value, sc_core::sc_time& delay) {
  if (careful_ && !check(address, size, AccessKind::load)) return false;
  ++loads_;
  if (!translate(address, size, AccessKind::load, delay)) return false;
  value = 0;
  return move(false, address, size, &value, delay);
}

bool HartMemory::store(std::uint64_t address, unsigned size, std::uint64_t value, sc_core::sc_time& delay) {
  if (careful_ && !check(address, size, AccessKind::store)) return false;
  ++stores_;
  if (!translate(address, size, AccessKind::store, delay)) return false;
  return move(true, address, size, &value, delay);
}

bool HartMemory::allow_fetch_page(std::uint64_t physical) {
  const std::uint64_t page = physical & ~(page_size - 1);
  if (!pmp_.check(page, page_size, AccessKind::fetch, fetch_access_.privilege)) return false;
  fetch_page_ = page;
  return true;
}

const HartMemory::Route* HartMemory::find_route(std::uint64_t physical, std::uint64_t length) {
  for (const Route& route : routes_)
    if (route.route.holds(physical, length)) return last_route_ = &route;
  return nullptr;
}

bool HartMemory::transport(bool write, std::uint64_t physical, unsigned length, void* data, sc_core::sc_time& delay) {
  if (port_ == nullptr) return false;
  prepare_payload(trans_, write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, physical, data, length);
  trans_access_->kind = write ? AccessKind::store : AccessKind::load;
  trans_access_->privilege = data_access_.privilege;
  port_->b_transport(trans_, delay);
  return trans_.is_response_ok();
}

bool HartMemory::translate_atomic(std::uint64_t address, unsigned size, sc_core::sc_time& delay) {
  if ((address & (size - 1)) != 0) return fail(Exception::store_misaligned, address) != nullptr;
  if (!translate(address, size, AccessKind::store, delay)) return false;
  // An AMO reads too: the PMP must allow both.
  if (!pmp_.check(where_.address, size, AccessKind::load, data_access_.privilege))
    return fail(Exception::store_access, address) != nullptr;
  return true;
}

bool HartMemory::load_reserved(std::uint64_t address, unsigned size, std::uint64_t& value, sc_core::sc_time& delay) {
  if (careful_ && !check(address, size, AccessKind::load, Checked::reserved)) return false;
  if ((address & (size - 1)) != 0) return fail(Exception::load_misaligned, address) != nullptr;
  if (!translate(address, size, AccessKind::load, delay)) return false;
  value = 0;
  if (!move(false, address, size, &value, delay)) return false;
  // Only memory holds reservations; an LR elsewhere makes the next SC fail.
  for (const Route& route : routes_) route.route.memory->reservations().cancel(route.holder);
  if (const Route* route = route_for(where_.address, size))
    route->route.memory->reservations().reserve(route->holder, where_.address - route->route.base);
  return true;
}

bool HartMemory::store_conditional(std::uint64_t address, unsigned size, std::uint64_t value, bool& stored,
                                   sc_core::sc_time& delay) {
  if (careful_ && !check(address, size, AccessKind::store, Checked::reserved)) return false;
  if (!translate_atomic(address, size, delay)) return false;
  const Route* route = route_for(where_.address, size);
  stored =
      route != nullptr && route->route.memory->reservations().holds(route->holder, where_.address - route->route.base);
  // An SC ends the reservation whether it stores or not.
  for (const Route& each : routes_) each.route.memory->reservations().cancel(each.holder);
  return !stored || move(true, address, size, &value, delay);
}

void HartMemory::read_block(const Route& route, std::uint64_t physical, sc_core::sc_time& delay) {
  // The aligned block, within the memory.
  const std::uint64_t first = std::max(physical & ~(block_size_ - 1), route.route.base);
  const std::uint64_t last = std::min(physical | (block_size_ - 1), route.route.last);
  const auto length = static_cast<unsigned>(last - first + 1);
  ++fetch_blocks_;
  block_ = physical & ~(block_size_ - 1);
  if (route.direct) {
    route.route.pass(length, delay);
    route.route.memory->direct_access(false, first - route.route.base, length, delay);
  } else {
    transport(false, first, length, block_buffer_.data(), delay);
  }
}

void HartMemory::time_fetch_blocks(std::uint64_t physical, unsigned length, sc_core::sc_time& delay) {
  for (const std::uint64_t address : {physical, physical + length - 1}) {
    if ((address ^ block_) < block_size_) continue;
    if (const Route* route = route_for(address, 1)) read_block(*route, address, delay);
  }
}

bool HartMemory::fetch_parcel(std::uint64_t physical, std::uint32_t& parcel, sc_core::sc_time& delay) {
  // Code runs from memory only: a fetch from a device (whose reads may act, popping a FIFO) is an
  // access fault, as on QEMU's machines.
  const Route* route = route_for(physical, 2);
  if (route == nullptr) return false;
  if ((physical ^ block_) >= block_size_ || ((physical + 1) ^ block_) >= block_size_)
    time_fetch_blocks(physical, 2, delay);
  std::uint16_t bits = 0;
  std::memcpy(&bits, route->route.memory->debug_pointer(physical - route->route.base), 2);
  parcel = bits;
  return true;
}

const Instruction* HartMemory::fetch_uncached(std::uint64_t pc, std::uint64_t physical, sc_core::sc_time& delay) {
  if (!pmp_.check(physical, 2, AccessKind::fetch, fetch_access_.privilege))
    return fail(Exception::instruction_access, pc);
  std::uint32_t low = 0;
  if (!fetch_parcel(physical, low, delay)) return fail(Exception::instruction_access, pc, true);
  if (!is_full_length(low)) {
    uncached_ = decode(low);
    return keep_decoded(physical, 2);
  }
  // The second parcel: on the next page it is translated as a fetch of its own.
  const bool spans_pages = (pc & 0xfff) == 0xffe;
  std::uint64_t second = physical + 2;
  if (spans_pages) ++fetches_;
  if (spans_pages && !translate_fetches_) ++untranslated_;
  if (spans_pages && translate_fetches_) {
    mmu_->translate(pc + 2, 2, fetch_access_, delay, where_);
    if (where_.fault != FaultCause::none)
      return fail_translation(Exception::instruction_page, Exception::instruction_access);
    second = where_.address;
  }
  if (!pmp_.check(second, 2, AccessKind::fetch, fetch_access_.privilege))
    return fail(Exception::instruction_access, pc + 2);
  std::uint32_t high = 0;
  if (!fetch_parcel(second, high, delay)) return fail(Exception::instruction_access, pc + 2, true);
  uncached_ = decode(low | high << 16);
  return spans_pages ? &uncached_ : keep_decoded(physical, 4);
}

const Instruction* HartMemory::keep_decoded(std::uint64_t physical, unsigned length) {
  const Route* route = route_for(physical, length);
  if (route == nullptr) return &uncached_;
  route->route.memory->reservations().code_copied(physical - route->route.base);
  return code_.insert(physical, uncached_);
}

unsigned HartMemory::read_debug(std::uint64_t address, void* data, unsigned length) {
  AccessExtension access = data_access_;
  access.kind = AccessKind::load;
  return read_debug_as(access, address, data, length);
}

bool HartMemory::instruction_debug(std::uint64_t pc, Instruction& instruction) {
  std::uint32_t bits = 0;
  if (read_debug_as(fetch_access_, pc, &bits, 2) != 2) return false;
  if (is_full_length(bits) && read_debug_as(fetch_access_, pc + 2, reinterpret_cast<std::uint8_t*>(&bits) + 2, 2) != 2)
    return false;
  instruction = decode(bits);
  return true;
}

unsigned HartMemory::read_debug_as(const AccessExtension& access, std::uint64_t address, void* data, unsigned length) {
  auto* bytes = static_cast<std::uint8_t*>(data);
  unsigned done = 0;
  while (done < length) {
    const std::uint64_t virtual_address = address + done;
    std::uint64_t physical = virtual_address;
    if (mmu_ != nullptr && mmu_->translate_debug(virtual_address, access, physical) != FaultCause::none) break;
    // Up to the end of the smallest page, which the next round translates again.
    const auto chunk = static_cast<unsigned>(std::min<std::uint64_t>(length - done, 4096 - (virtual_address & 4095)));
    if (const Route* route = route_for(physical, chunk)) {
      std::memcpy(bytes + done, route->route.memory->debug_pointer(physical - route->route.base), chunk);
    } else {
      if (port_ == nullptr) break;
      prepare_payload(trans_, tlm::TLM_READ_COMMAND, physical, bytes + done, chunk);
      if (port_->transport_dbg(trans_) != chunk) break;
    }
    done += chunk;
  }
  return done;
}

unsigned HartMemory::write_debug(std::uint64_t address, const void* data, unsigned length) {
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  unsigned done = 0;
  while (done < length) {
    const std::uint64_t virtual_address = address + done;
    std::uint64_t physical = virtual_address;
    AccessExtension access = data_access_;
    access.kind = AccessKind::store;
    if (mmu_ != nullptr && mmu_->translate_debug(virtual_address, access, physical) != FaultCause::none) break;
    const auto chunk = static_cast<unsigned>(std::min<std::uint64_t>(length - done, 4096 - (virtual_address & 4095)));
    if (const Route* route = route_for(physical, chunk)) {
      std::memcpy(route->route.memory->debug_pointer(physical - route->route.base), bytes + done, chunk);
      route->route.memory->reservations().written(physical - route->route.base, chunk);
    } else {
      if (port_ == nullptr) break;
      prepare_payload(trans_, tlm::TLM_WRITE_COMMAND, physical, const_cast<std::uint8_t*>(bytes + done), chunk);
      if (port_->transport_dbg(trans_) != chunk) break;
    }
    code_.written(physical, chunk);
    done += chunk;
  }
  return done;
}

}  // namespace vmsim::rv64
