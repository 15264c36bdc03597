// The virtio-mmio transport and the virtio block device as software sees them (the virtio 1.2
// specification, sections 2, 4.2 and 5.2): register offsets, status and feature bits, the split
// virtqueue's layout and the block requests. No SystemC here.
#pragma once

#include <cstdint>

namespace vmsim::virtio {

// MMIO registers, 32-bit. Those marked legacy exist only in the version 1 transport, those marked
// modern only in version 2.
constexpr std::uint64_t magic_value = 0x000;  // "virt"
constexpr std::uint64_t version = 0x004;
constexpr std::uint64_t device_id = 0x008;
constexpr std::uint64_t vendor_id = 0x00c;
constexpr std::uint64_t device_features = 0x010;
constexpr std::uint64_t device_features_sel = 0x014;
constexpr std::uint64_t driver_features = 0x020;
constexpr std::uint64_t driver_features_sel = 0x024;
constexpr std::uint64_t guest_page_size = 0x028;  // legacy
constexpr std::uint64_t queue_sel = 0x030;
constexpr std::uint64_t queue_num_max = 0x034;
constexpr std::uint64_t queue_num = 0x038;
constexpr std::uint64_t queue_align = 0x03c;  // legacy
constexpr std::uint64_t queue_pfn = 0x040;    // legacy
constexpr std::uint64_t queue_ready = 0x044;  // modern
constexpr std::uint64_t queue_notify = 0x050;
constexpr std::uint64_t interrupt_status = 0x060;
constexpr std::uint64_t interrupt_ack = 0x064;
constexpr std::uint64_t status = 0x070;
constexpr std::uint64_t queue_desc_low = 0x080;  // modern, as are the five after it
constexpr std::uint64_t queue_desc_high = 0x084;
constexpr std::uint64_t queue_driver_low = 0x090;
constexpr std::uint64_t queue_driver_high = 0x094;
constexpr std::uint64_t queue_device_low = 0x0a0;
constexpr std::uint64_t queue_device_high = 0x0a4;
constexpr std::uint64_t config_generation = 0x0fc;  // modern
constexpr std::uint64_t config = 0x100;             // the device-specific configuration space

constexpr std::uint32_t magic = 0x74726976;
constexpr std::uint32_t vendor_qemu = 0x554d4551;  // "QEMU"

// Device status
constexpr std::uint32_t status_acknowledge = 1;
constexpr std::uint32_t status_driver = 2;
constexpr std::uint32_t status_driver_ok = 4;
constexpr std::uint32_t status_features_ok = 8;
constexpr std::uint32_t status_needs_reset = 64;
constexpr std::uint32_t status_failed = 128;

// InterruptStatus bits
constexpr std::uint32_t interrupt_used_buffer = 1;
constexpr std::uint32_t interrupt_config_change = 2;

// Feature bits (of the 64)
constexpr unsigned feature_blk_size_max = 1;
constexpr unsigned feature_blk_seg_max = 2;
constexpr unsigned feature_blk_ro = 5;
constexpr unsigned feature_blk_blk_size = 6;
constexpr unsigned feature_blk_flush = 9;
constexpr unsigned feature_any_layout = 27;
constexpr unsigned feature_indirect_desc = 28;
constexpr unsigned feature_event_idx = 29;
constexpr unsigned feature_version_1 = 32;
constexpr std::uint64_t bit(unsigned feature) { return std::uint64_t{1} << feature; }

// Device IDs
constexpr std::uint32_t device_none = 0;
constexpr std::uint32_t device_block = 2;

// The split virtqueue: a descriptor is 16 bytes (le64 addr, le32 len, le16 flags, le16 next); the
// driver (available) ring is le16 flags, le16 idx, le16 ring[size], le16 used_event; the device
// (used) ring is le16 flags, le16 idx, {le32 id, le32 len}[size], le16 avail_event.
constexpr std::uint64_t descriptor_bytes = 16;
constexpr std::uint16_t descriptor_next = 1;
constexpr std::uint16_t descriptor_write = 2;
constexpr std::uint16_t descriptor_indirect = 4;
constexpr std::uint16_t avail_no_interrupt = 1;
constexpr std::uint64_t used_element_bytes = 8;

// Block requests: a 16-byte header (le32 type, le32 reserved, le64 sector), the data, a status byte.
constexpr std::uint32_t blk_in = 0;
constexpr std::uint32_t blk_out = 1;
constexpr std::uint32_t blk_flush = 4;
constexpr std::uint32_t blk_get_id = 8;
constexpr std::uint64_t blk_header_bytes = 16;
constexpr std::uint64_t blk_sector_bytes = 512;
constexpr std::uint64_t blk_id_bytes = 20;
constexpr std::uint8_t blk_ok = 0;
constexpr std::uint8_t blk_ioerr = 1;
constexpr std::uint8_t blk_unsupp = 2;
// Its configuration space: le64 capacity (sectors) at 0, le32 size_max at 8, le32 seg_max at 12,
// geometry at 16, le32 blk_size at 20, topology at 24, writeback at 32, le16 num_queues at 34.
constexpr std::uint64_t blk_config_capacity = 0;
constexpr std::uint64_t blk_config_seg_max = 12;
constexpr std::uint64_t blk_config_blk_size = 20;
constexpr std::uint64_t blk_config_bytes = 36;

// Guest memory, rings and configuration space are little-endian, whatever the host is.
inline std::uint64_t little_endian(const std::uint8_t* bytes, unsigned length) {
  std::uint64_t value = 0;
  for (unsigned i = length; i-- > 0;) value = value << 8 | bytes[i];
  return value;
}
inline void put_little_endian(std::uint8_t* bytes, std::uint64_t value, unsigned length) {
  for (unsigned i = 0; i < length; ++i, value >>= 8) bytes[i] = static_cast<std::uint8_t>(value);
}

}  // namespace vmsim::virtio
