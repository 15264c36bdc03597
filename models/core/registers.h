// The register blocks of vmsim's devices and MMUs: 64-bit registers at 8-byte offsets, accessed 8
// bytes at a time.
#pragma once

#include <cstdint>
#include <optional>

#include <tlm>

namespace vmsim {

// TLM_OK_RESPONSE for an access of one whole register inside the block; otherwise the error to
// answer with: another size or byte enables, TLM_BURST_ERROR_RESPONSE; a misaligned or undefined
// offset, TLM_ADDRESS_ERROR_RESPONSE.
inline tlm::tlm_response_status register_access_status(const tlm::tlm_generic_payload& trans,
                                                       std::uint64_t block_size) {
  if (trans.get_data_length() != 8 || trans.get_streaming_width() < 8 || trans.get_byte_enable_ptr() != nullptr)
    return tlm::TLM_BURST_ERROR_RESPONSE;
  const std::uint64_t offset = trans.get_address();
  if (offset % 8 != 0 || offset >= block_size) return tlm::TLM_ADDRESS_ERROR_RESPONSE;
  return tlm::TLM_OK_RESPONSE;
}

// A register of a block that gives each hart a group of `stride` bytes from `base` (as the
// interrupt controller and the timer do): the hart, and the offset of the same register of hart 0.
struct HartRegister {
  unsigned hart;
  std::uint64_t hart0_offset;
};
inline std::optional<HartRegister> hart_register(std::uint64_t offset, std::uint64_t base, std::uint64_t stride) {
  if (offset < base) return std::nullopt;
  return HartRegister{static_cast<unsigned>((offset - base) / stride), base + (offset - base) % stride};
}

}  // namespace vmsim
