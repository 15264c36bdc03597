#include "models/devices/disk.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "models/core/payload.h"

namespace vmsim {

Disk::Disk(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  const auto register_latency = params.get<sc_core::sc_time>("register_latency", sc_core::sc_time(10, sc_core::SC_NS),
                                                             "Latency of a register access");
  RegisterTarget::Registers& registers = *this;
  target_.emplace("target", registers, disk_regs::block_size, register_latency, errors_);
  map_on_bus(target_->socket, params, 4096, "disk's registers");
  connect(dma, params, "dma_port", "bus", "Component the disk's DMA goes to");
  // A run writes only into its output folder, unless the image is named absolutely or kept with the
  // configuration (persistent).
  const bool persistent = params.get<bool>(
      "persistent", false, "Keep the image beside the configuration (or where an absolute path says), across runs");
  const auto image = params.get<std::string>(
      "image", fmt::format("{}.img", basename()),
      "Image file: relative to the run's output folder, or with persistent to this configuration's folder");
  image_ = persistent || std::filesystem::path(image).is_absolute()
               ? params.resolve_path(image)
               : (std::filesystem::path(context.output_directory) / image).string();
  const auto size = params.require<Bytes>("capacity", "Size of the disk (and of its image file)");
  sector_size_ = params.get<Bytes>("sector_size", Bytes{512}, "Bytes per sector").value;
  interrupt_.declare(params);
  hdd_ = params.choose("timing", "ssd", {"ssd", "hdd"},
                       "ssd: command latency plus bandwidth; hdd: seek by distance, rotation, transfer") == 1;
  command_latency_ = params.get<sc_core::sc_time>("command_latency", sc_core::sc_time(20, sc_core::SC_US),
                                                  "ssd: latency of each command (and every flush)");
  bytes_per_second_ = static_cast<double>(
      params.get<Bytes>("bandwidth", Bytes{500'000'000}, "ssd: bytes transferred per second").value);
  rpm_ = params.get<double>("rpm", 7200, "hdd: spindle speed, revolutions per minute");
  sectors_per_track_ = params.get<std::uint64_t>("sectors_per_track", 1024, "hdd: sectors on one track");
  seek_min_ = params.get<sc_core::sc_time>("seek_min", sc_core::sc_time(1, sc_core::SC_MS),
                                           "hdd: seek to the next track");
  seek_max_ = params.get<sc_core::sc_time>("seek_max", sc_core::sc_time(10, sc_core::SC_MS),
                                           "hdd: seek across the whole disk");
  if (params.listing()) return;
  if (sector_size_ == 0 || (sector_size_ & (sector_size_ - 1)) != 0 || sector_size_ > 65536)
    params.fail("sector_size", "must be a power of two up to 64KiB");
  if (size.value == 0 || size.value % sector_size_ != 0) params.fail("capacity", "must be a whole number of sectors");
  if (!(bytes_per_second_ > 0) || !(rpm_ > 0) || sectors_per_track_ == 0 || seek_max_ < seek_min_)
    params.fail("timing", "bandwidth, rpm and sectors_per_track must be above zero, seek_max at least seek_min");
  sectors_ = size.value / sector_size_;

  fd_ = ::open(image_.c_str(), O_RDWR | O_CREAT, 0644);
  if (fd_ < 0) params.fail("image", fmt::format("{}: cannot open or create the image: {}", image_, strerror(errno)));
  // Two runs sharing one image would overwrite each other's sectors; the lock ends with the run.
  if (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd_);
    fd_ = -1;
    params.fail("image",
                fmt::format("{} is in use by another run; give each run its own output folder or image", image_));
  }
  struct stat info {};
  fstat(fd_, &info);
  const auto existing = static_cast<std::uint64_t>(info.st_size);
  if (existing == 0) {
    if (ftruncate(fd_, static_cast<off_t>(size.value)) != 0)
      params.fail("image", fmt::format("{}: cannot size the image: {}", image_, strerror(errno)));
  } else if (existing != size.value) {
    ::close(fd_);
    fd_ = -1;
    params.fail("image", fmt::format("{} is {} bytes, but the disk's capacity is {} ({} bytes)", image_, existing,
                                     format_bytes(size), size.value));
  }
  buffer_.resize(4096);
  SC_THREAD(serve);
}

Disk::~Disk() {
  if (fd_ >= 0) ::close(fd_);
}

void Disk::resolve(const Lookup& find) { interrupt_.connect(find, basename(), basename()); }

tlm::tlm_response_status Disk::read_register(std::uint64_t offset, const sc_core::sc_time& /*at*/, bool /*debug*/,
                                             std::uint64_t& value) {
  switch (offset) {
    case disk_regs::lba: value = lba_; break;
    case disk_regs::sector_count: value = count_; break;
    case disk_regs::dma_address: value = dma_address_; break;
    case disk_regs::status: value = status_; break;
    case disk_regs::irq_enable: value = irq_enable_; break;
    case disk_regs::irq_status: value = irq_status_; break;
    case disk_regs::sector_size: value = sector_size_; break;
    case disk_regs::capacity: value = sectors_; break;
    default: value = 0; break;  // COMMAND reads as zero
  }
  return tlm::TLM_OK_RESPONSE;
}

tlm::tlm_response_status Disk::write_register(std::uint64_t offset, const sc_core::sc_time& at, std::uint64_t value) {
  // While a command runs its parameters stay as they were.
  const bool busy = (status_ & disk_regs::status_busy) != 0;
  switch (offset) {
    case disk_regs::lba:
      if (busy) return tlm::TLM_COMMAND_ERROR_RESPONSE;
      lba_ = value;
      break;
    case disk_regs::sector_count:
      if (busy) return tlm::TLM_COMMAND_ERROR_RESPONSE;
      count_ = value;
      break;
    case disk_regs::dma_address:
      if (busy) return tlm::TLM_COMMAND_ERROR_RESPONSE;
      dma_address_ = value;
      break;
    case disk_regs::command:
      if (busy) return tlm::TLM_COMMAND_ERROR_RESPONSE;
      pending_ = value;
      status_ = disk_regs::status_busy;
      start_.notify(at - sc_core::sc_time_stamp());  // when the write arrives, at the writer's annotated time
      break;
    case disk_regs::irq_enable:
      irq_enable_ = value & disk_regs::irq_complete;
      update_interrupt();
      break;
    case disk_regs::irq_status:
      irq_status_ &= ~value;
      update_interrupt();
      break;
    default: return tlm::TLM_COMMAND_ERROR_RESPONSE;  // read-only
  }
  return tlm::TLM_OK_RESPONSE;
}

sc_core::sc_time Disk::service_time(std::uint64_t lba, std::uint64_t sectors) {
  const double bytes = static_cast<double>(sectors * sector_size_);
  if (!hdd_) return command_latency_ + sc_core::sc_time(bytes / bytes_per_second_, sc_core::SC_SEC);
  // Seek: the track-to-track time, growing with the square root of the distance to the full stroke.
  const std::uint64_t tracks = (sectors_ + sectors_per_track_ - 1) / sectors_per_track_;
  const std::uint64_t track = lba / sectors_per_track_;
  const std::uint64_t distance = track > head_track_ ? track - head_track_ : head_track_ - track;
  double seconds = 0;
  if (distance > 0) {
    const double span = tracks > 1 ? std::sqrt(static_cast<double>(distance - 1) / static_cast<double>(tracks - 1)) : 0;
    seconds = seek_min_.to_seconds() + (seek_max_.to_seconds() - seek_min_.to_seconds()) * span;
  }
  // Rotation: wait until the first sector comes under the head, then let the sectors pass.
  const double period = 60.0 / rpm_;
  const double angle = std::fmod((sc_core::sc_time_stamp().to_seconds() + seconds) / period, 1.0);
  const double sector_angle = static_cast<double>(lba % sectors_per_track_) / static_cast<double>(sectors_per_track_);
  seconds += std::fmod(sector_angle - angle + 1.0, 1.0) * period;
  seconds += static_cast<double>(sectors) * period / static_cast<double>(sectors_per_track_);
  head_track_ = (lba + sectors - 1) / sectors_per_track_;
  return sc_core::sc_time(seconds, sc_core::SC_SEC);
}

bool Disk::move_data(bool to_memory, std::uint64_t lba, std::uint64_t sectors, std::uint64_t address,
                     sc_core::sc_time& delay) {
  const std::uint64_t total = sectors * sector_size_;
  for (std::uint64_t done = 0; done < total; done += buffer_.size()) {
    const auto chunk = static_cast<unsigned>(std::min<std::uint64_t>(buffer_.size(), total - done));
    const auto file_offset = static_cast<off_t>(lba * sector_size_ + done);
    if (to_memory && pread(fd_, buffer_.data(), chunk, file_offset) != static_cast<ssize_t>(chunk)) return false;
    prepare_payload(dma_trans_, to_memory ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, address + done,
                    buffer_.data(), chunk);
    dma->b_transport(dma_trans_, delay);
    if (!dma_trans_.is_response_ok()) return false;
    if (!to_memory && pwrite(fd_, buffer_.data(), chunk, file_offset) != static_cast<ssize_t>(chunk)) return false;
  }
  return true;
}

void Disk::serve() {
  while (true) {
    sc_core::wait(start_);
    const sc_core::sc_time began = sc_core::sc_time_stamp();
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    bool ok = true;
    const std::uint64_t command = pending_;
    const std::uint64_t lba = lba_;
    const std::uint64_t count = count_;
    if (command == disk_regs::command_read || command == disk_regs::command_write) {
      ok = count_ != 0 && lba_ < sectors_ && count_ <= sectors_ - lba_;
      if (ok) {
        delay = service_time(lba_, count_);
        ok = move_data(command == disk_regs::command_read, lba_, count_, dma_address_, delay);
      }
      if (ok) {
        Counter& commands = command == disk_regs::command_read ? reads_ : writes_;
        ++commands;
        (command == disk_regs::command_read ? bytes_read_ : bytes_written_) += count_ * sector_size_;
      }
    } else if (command == disk_regs::command_flush) {
      ok = fsync(fd_) == 0;
      delay = hdd_ ? sc_core::SC_ZERO_TIME : command_latency_;
      if (ok) ++flushes_;
    } else {
      ok = false;
    }
    sc_core::wait(delay);
    if (!ok) ++errors_;
    status_ = disk_regs::status_done | (ok ? 0 : disk_regs::status_error);
    irq_status_ |= disk_regs::irq_complete;
    update_interrupt();
    busy_ += sc_core::sc_time_stamp() - began;
    service_.sample(to_ns(sc_core::sc_time_stamp() - began));
    if (command_track_) {
      const char* const names[] = {"command", "read", "write", "flush"};
      command_track_.span(!ok ? "failed command" : names[command <= 3 ? command : 0], began, sc_core::sc_time_stamp(),
                          {"lba", lba}, {"sectors", count});
    }
  }
}

}  // namespace vmsim
