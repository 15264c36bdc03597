#include "vmsim/models/devices/virtio_blk.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "vmsim/models/core/input_file.h"
#include "vmsim/models/devices/virtio_registers.h"

namespace vmsim {

using virtio::little_endian;

ParamSchema VirtioBlk::parameters() {
  ParamSchema schema;
  declare(schema);
  schema.optional<std::string>("image", "",
                               "Raw image file, a whole number of 512-byte sectors, relative to this configuration's "
                               "folder; empty: an empty slot (device ID 0)");
  schema.optional<bool>("read_only", false, "Offer VIRTIO_BLK_F_RO and answer writes with IOERR");
  schema.optional<bool>("snapshot", true,
                        "Keep the run's writes in memory and leave the image as it was; false writes them to it");
  schema.derived<std::string>("serial", "<name>", "What GET_ID answers, at most 20 bytes");
  StorageTiming::declare(schema);
  return schema;
}

VirtioBlk::VirtioBlk(const sc_core::sc_module_name& name, ComponentContext& context) : VirtioMmio(name, context) {
  Params& params = context.params;
  const auto image = params.get<std::string>("image");
  if (!image.empty()) image_ = params.resolve_path(image);
  read_only_ = params.get<bool>("read_only");
  snapshot_ = params.get<bool>("snapshot");
  serial_ = params.get<std::string>("serial", basename());
  if (serial_.size() > virtio::blk_id_bytes) params.fail("serial", "must be at most 20 bytes");
  timing_.read(params);
  if (!image_.empty()) open_image(params);
  timing_.set_geometry(virtio::blk_sector_bytes, capacity_ / virtio::blk_sector_bytes);
  buffer_.resize(chunk_bytes);
  std::uint64_t features = virtio::bit(virtio::feature_blk_seg_max) | virtio::bit(virtio::feature_blk_blk_size) |
                           virtio::bit(virtio::feature_blk_flush) | virtio::bit(virtio::feature_indirect_desc);
  if (read_only_) features |= virtio::bit(virtio::feature_blk_ro);
  present(image_.empty() ? virtio::device_none : virtio::device_block, features, virtio::blk_config_bytes);
}

void VirtioBlk::open_image(Params& params) {
  if (const std::string problem = unreadable_file(image_, "disk image"); !problem.empty())
    params.fail("image", problem);
  const bool writes_image = !snapshot_ && !read_only_;
  // Two devices of one run that write one image would overwrite each other's sectors.
  if (writes_image) {
    auto& images = run().shared<std::map<std::string, std::string>>("disk/images");
    if (const auto other = images.find(image_); other != images.end())
      params.fail("image", fmt::format("{} is also the image of {}", image_, other->second));
    images.emplace(image_, basename());
  }
  const int fd = ::open(image_.c_str(), writes_image ? O_RDWR : O_RDONLY);
  if (fd < 0) params.fail("image", fmt::format("{}: cannot open the disk image: {}", image_, strerror(errno)));
  // A refused image is closed again: the constructor that throws runs no destructor.
  const auto refuse = [&](const std::string& why) {
    ::close(fd);
    params.fail("image", why);
  };
  // Another run writing the image would change it under this one; the lock ends with the run.
  if (flock(fd, (writes_image ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0)
    refuse(fmt::format("{} is in use by another run that writes it", image_));
  struct stat info {};
  fstat(fd, &info);
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size == 0 || size % virtio::blk_sector_bytes != 0)
    refuse(fmt::format("{} is {} bytes, not a whole number of 512-byte sectors", image_, size));
  fd_ = fd;
  capacity_ = size;
}

VirtioBlk::~VirtioBlk() {
  if (fd_ < 0) return;
  if (!snapshot_ && !read_only_) fsync(fd_);
  ::close(fd_);
}

void VirtioBlk::read_config(std::uint64_t offset, std::uint8_t* data, unsigned length) const {
  std::uint8_t config[virtio::blk_config_bytes] = {};
  virtio::put_little_endian(config + virtio::blk_config_capacity, capacity_ / virtio::blk_sector_bytes, 8);
  // The header and the status take two of the queue's descriptors.
  virtio::put_little_endian(config + virtio::blk_config_seg_max, queue_size() > 2 ? queue_size() - 2u : 1u, 4);
  virtio::put_little_endian(config + virtio::blk_config_blk_size, virtio::blk_sector_bytes, 4);
  std::memcpy(data, config + offset, length);
}

bool VirtioBlk::in_range(Sector sector, std::uint64_t bytes) const {
  const std::uint64_t sectors = capacity_ / virtio::blk_sector_bytes;
  return bytes % virtio::blk_sector_bytes == 0 && sector <= sectors &&
         bytes / virtio::blk_sector_bytes <= sectors - sector;
}

bool VirtioBlk::serve(Virtqueue& queue, const Virtqueue::Chain& chain, std::uint32_t& written, std::string& why,
                      sc_core::sc_time& delay) {
  // The status byte is the chain's last writable byte: without one, nothing can be answered.
  if (chain.writable_bytes == 0) {
    why = fmt::format("the chain from descriptor {} has no writable byte for the request's status", chain.head);
    return false;
  }
  const sc_core::sc_time began = sc_core::sc_time_stamp();
  const std::uint64_t resets = this->resets();
  std::uint8_t header[virtio::blk_header_bytes] = {};
  std::uint32_t type = ~0u;
  Sector sector = 0;
  std::uint32_t data = 0;
  std::uint8_t status = virtio::blk_ioerr;
  if (chain.readable_bytes >= virtio::blk_header_bytes &&
      queue.gather(chain, 0, header, virtio::blk_header_bytes, delay)) {
    type = static_cast<std::uint32_t>(little_endian(header, 4));
    sector = little_endian(header + 8, 8);
    status = perform(queue, chain, type, sector, data, delay);
  } else {
    ++errors_;
  }
  if (this->resets() != resets) return true;  // reset meanwhile: the chain is dropped, not answered
  if (!queue.scatter(chain, chain.writable_bytes - 1, &status, 1, delay)) {
    why = fmt::format("the status byte of the chain from descriptor {} is where no memory answers", chain.head);
    return false;
  }
  written = data + 1;
  const sc_core::sc_time done = sc_core::sc_time_stamp() + delay;
  service_.sample(to_ns(done - began));
  busy_ += done - began;
  if (timeline()) {
    const char* const names[] = {"read", "write", "", "", "flush", "", "", "", "get id"};
    const char* name = status != virtio::blk_ok ? "failed request" : type <= 8 ? names[type] : "request";
    timeline().span(name, began, done, {"sector", sector}, {"bytes", data});
  }
  return true;
}

std::uint8_t VirtioBlk::perform(Virtqueue& queue, const Virtqueue::Chain& chain, std::uint32_t type, Sector sector,
                                std::uint32_t& written, sc_core::sc_time& delay) {
  switch (type) {
    case virtio::blk_in: {
      const std::uint64_t bytes = chain.writable_bytes - 1;
      if (bytes > 0xffff'fffe) {  // more than the used ring's 32-bit length can count
        ++errors_;
        return virtio::blk_ioerr;
      }
      const std::uint8_t status = read_sectors(queue, chain, sector, bytes, delay);
      if (status == virtio::blk_ok) written = static_cast<std::uint32_t>(bytes);
      return status;
    }
    case virtio::blk_out:
      return write_sectors(queue, chain, sector, chain.readable_bytes - virtio::blk_header_bytes, delay);
    case virtio::blk_flush:
      if (!snapshot_ && !read_only_ && fsync(fd_) != 0) {
        ++errors_;
        return virtio::blk_ioerr;
      }
      delay += timing_.flush();
      ++flushes_;
      return virtio::blk_ok;
    case virtio::blk_get_id: {
      std::uint8_t id[virtio::blk_id_bytes] = {};
      std::memcpy(id, serial_.data(), serial_.size());
      const auto bytes =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(virtio::blk_id_bytes, chain.writable_bytes - 1));
      if (!queue.scatter(chain, 0, id, bytes, delay)) {
        ++errors_;
        return virtio::blk_ioerr;
      }
      written = bytes;
      ++get_ids_;
      return virtio::blk_ok;
    }
    default: ++unsupported_; return virtio::blk_unsupp;
  }
}

std::uint8_t VirtioBlk::read_sectors(Virtqueue& queue, const Virtqueue::Chain& chain, Sector sector,
                                     std::uint64_t bytes, sc_core::sc_time& delay) {
  if (!in_range(sector, bytes)) {
    ++errors_;
    return virtio::blk_ioerr;
  }
  // The medium and the DMA take turns in simulated time, as the disk's do: the data reaches memory
  // after the medium delivered it.
  if (bytes != 0) {
    const std::uint64_t resets = this->resets();
    sc_core::wait(delay + timing_.transfer(sector, bytes / virtio::blk_sector_bytes));
    delay = sc_core::SC_ZERO_TIME;
    if (this->resets() != resets) return virtio::blk_ioerr;  // the buffers are no longer the device's
  }
  for (std::uint64_t done = 0; done < bytes; done += chunk_bytes) {
    const std::uint64_t piece = std::min(chunk_bytes, bytes - done);
    if (!load(sector * virtio::blk_sector_bytes + done, buffer_.data(), piece) ||
        !queue.scatter(chain, done, buffer_.data(), piece, delay)) {
      ++errors_;
      return virtio::blk_ioerr;
    }
  }
  ++reads_;
  bytes_read_ += bytes;
  return virtio::blk_ok;
}

std::uint8_t VirtioBlk::write_sectors(Virtqueue& queue, const Virtqueue::Chain& chain, Sector sector,
                                      std::uint64_t bytes, sc_core::sc_time& delay) {
  if (read_only_ || !in_range(sector, bytes)) {
    ++errors_;
    return virtio::blk_ioerr;
  }
  // The data leaves memory before the medium takes it.
  for (std::uint64_t done = 0; done < bytes; done += chunk_bytes) {
    const std::uint64_t piece = std::min(chunk_bytes, bytes - done);
    if (!queue.gather(chain, virtio::blk_header_bytes + done, buffer_.data(), piece, delay) ||
        !store(sector * virtio::blk_sector_bytes + done, buffer_.data(), piece)) {
      ++errors_;
      return virtio::blk_ioerr;
    }
  }
  if (bytes != 0) delay += timing_.transfer(sector, bytes / virtio::blk_sector_bytes);
  ++writes_;
  bytes_written_ += bytes;
  return virtio::blk_ok;
}

bool VirtioBlk::load(std::uint64_t offset, std::uint8_t* data, std::uint64_t length) {
  while (length != 0) {
    const std::uint64_t chunk = offset / chunk_bytes;
    const std::uint64_t within = offset % chunk_bytes;
    const std::uint64_t piece = std::min(length, chunk_bytes - within);
    if (const auto found = overlay_.find(chunk); found != overlay_.end()) {
      std::memcpy(data, found->second->data() + within, piece);
    } else if (pread(fd_, data, piece, static_cast<off_t>(offset)) != static_cast<ssize_t>(piece)) {
      return false;
    }
    offset += piece;
    data += piece;
    length -= piece;
  }
  return true;
}

bool VirtioBlk::store(std::uint64_t offset, const std::uint8_t* data, std::uint64_t length) {
  if (!snapshot_) return pwrite(fd_, data, length, static_cast<off_t>(offset)) == static_cast<ssize_t>(length);
  while (length != 0) {
    const std::uint64_t chunk = offset / chunk_bytes;
    const std::uint64_t within = offset % chunk_bytes;
    const std::uint64_t piece = std::min(length, chunk_bytes - within);
    auto& copy = overlay_[chunk];
    if (!copy) {
      // The chunk's first write: the image's bytes under it first (the last chunk may be short).
      copy = std::make_unique<std::array<std::uint8_t, chunk_bytes>>();
      copy->fill(0);
      const std::uint64_t start = chunk * chunk_bytes;
      const std::uint64_t present = std::min(chunk_bytes, capacity_ - start);
      if (pread(fd_, copy->data(), present, static_cast<off_t>(start)) != static_cast<ssize_t>(present)) return false;
    }
    std::memcpy(copy->data() + within, data, piece);
    offset += piece;
    data += piece;
    length -= piece;
  }
  return true;
}

}  // namespace vmsim
