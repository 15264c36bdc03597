#include "vmsim/models/devices/disk.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>

#include <fmt/format.h>

namespace vmsim {
namespace {

const Connection dma_port{"dma_port", "bus", "Component the disk's DMA goes to", {{"router"}}};

}  // namespace

ParamSchema Disk::parameters() {
  ParamSchema schema;
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(10, sc_core::SC_NS),
                                    "Latency of a register access");
  declare_mapping(schema, 4096, "disk's registers");
  declare_connection(schema, dma_port);
  schema.optional<bool>("persistent", false,
                        "Keep the image beside the configuration (or where an absolute path says), across runs");
  schema.derived<std::string>(
      "image", "<name>.img",
      "Image file: relative to the run's output folder, or with persistent to this configuration's folder");
  schema.required<Bytes>("capacity", "Size of the disk (and of its image file)");
  schema.optional<Bytes>("sector_size", Bytes{512}, "Bytes per sector");
  InterruptLine::declare(schema);
  StorageTiming::declare(schema);
  return schema;
}

Disk::Disk(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  map_on_bus(bank_.socket, params);
  connect(dma, params, dma_port);
  // A run writes only into its output folder, unless the image is named absolutely or kept with the
  // configuration (persistent).
  const bool persistent = params.get<bool>("persistent");
  const auto image = params.get<std::string>("image", fmt::format("{}.img", basename()));
  keep_ = persistent || std::filesystem::path(image).is_absolute();
  image_ = keep_ ? params.resolve_path(image) : (std::filesystem::path(context.output_directory) / image).string();
  const auto size = params.get<Bytes>("capacity");
  sector_size_ = params.get<Bytes>("sector_size").value;
  interrupt_.read(params);
  timing_.read(params);
  if (sector_size_ == 0 || (sector_size_ & (sector_size_ - 1)) != 0 || sector_size_ > 65536)
    params.fail("sector_size", "must be a power of two up to 64KiB");
  if (size.value == 0 || size.value % sector_size_ != 0) params.fail("capacity", "must be a whole number of sectors");
  sectors_ = size.value / sector_size_;
  timing_.set_geometry(sector_size_, sectors_);
  declare_registers();

  // Two disks of one run on one image would overwrite each other's sectors.
  auto& images = context.run.shared<std::map<std::string, std::string>>("disk/images");
  const std::string key = std::filesystem::weakly_canonical(image_).string();
  if (const auto other = images.find(key); other != images.end())
    params.fail("image", fmt::format("{} is also the image of {}", image_, other->second));
  images.emplace(key, basename());
  capacity_ = size.value;
  // A kept image is checked now; a run's own image (in the output folder) is made afresh at the end
  // of elaboration, so that a refused configuration creates nothing and no run sees another's sectors.
  if (keep_) open_kept_image(params);
  buffer_.resize(4096);
  SC_THREAD(serve);
}

void Disk::open_kept_image(Params& params) {
  if (std::filesystem::is_directory(image_)) params.fail("image", fmt::format("{} is a folder, not an image", image_));
  if (!std::filesystem::exists(image_)) return;  // created at the end of elaboration
  fd_ = ::open(image_.c_str(), O_RDWR);
  if (fd_ < 0) params.fail("image", fmt::format("{}: cannot open the image: {}", image_, strerror(errno)));
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
  if (existing != capacity_) {
    ::close(fd_);
    fd_ = -1;
    params.fail("image", fmt::format("{} is {} bytes, but the disk's capacity is {} ({} bytes)", image_, existing,
                                     format_bytes(Bytes{capacity_}), capacity_));
  }
}

void Disk::end_of_elaboration() {
  if (fd_ >= 0) return;  // a kept image, opened and checked with the configuration
  // A run's own image starts empty (emptied only once locked, as another run may hold it); a kept one
  // that did not exist is created.
  fd_ = ::open(image_.c_str(), O_RDWR | O_CREAT, 0644);
  std::string problem;
  if (fd_ < 0)
    problem = fmt::format("cannot create the image: {}", strerror(errno));
  else if (flock(fd_, LOCK_EX | LOCK_NB) != 0)
    problem = "it is in use by another run";
  else if ((!keep_ && ftruncate(fd_, 0) != 0) || ftruncate(fd_, static_cast<off_t>(capacity_)) != 0)
    problem = fmt::format("cannot size the image: {}", strerror(errno));
  if (!problem.empty()) run().fail(fmt::format("{}: {}: {}", name(), image_, problem));
}

Disk::~Disk() {
  // Every sector written reaches the medium when the run ends, finished or interrupted.
  if (fd_ >= 0) {
    fsync(fd_);
    ::close(fd_);
  }
}

void Disk::resolve(const Lookup& find) { interrupt_.connect(find, basename(), basename()); }

void Disk::describe(DeviceTree& tree, const Lookup& find) const {
  // vmsim's own register layout: no driver outside vmsim knows it, but the tree says where it is.
  const MappedTarget& mapped = mapped_targets().front();
  DeviceTree::Node& node = tree.device(basename(), "disk", mapped.base, mapped.size);
  node.set("compatible", "vmsim,disk");
  describe_interrupt(node, find, interrupt_.controller(), {basename()});
}

void Disk::declare_registers() {
  // While a command runs its parameters stay as they were.
  const auto running = [this] { return busy(); };
  bank_.add(RegisterSpec("lba", disk_regs::lba).refuse_writes_while(running));
  bank_.add(RegisterSpec("sector_count", disk_regs::sector_count).refuse_writes_while(running));
  bank_.add(RegisterSpec("dma_address", disk_regs::dma_address).refuse_writes_while(running));
  bank_.add(RegisterSpec("command", disk_regs::command)
                .access(RegisterAccess::write_only_reads_zero)
                .refuse_writes_while(running)
                .on_write([this](const RegisterWrite& write) {
                  pending_ = write.value;
                  bank_.at(disk_regs::status).set(disk_regs::status_busy);
                  start_.notify(write.at - sc_core::sc_time_stamp());  // when the write arrives
                }));
  bank_.add(RegisterSpec("status", disk_regs::status).access(RegisterAccess::read_only));
  const auto interrupt = [this](const RegisterWrite&) { update_interrupt(); };
  bank_.add(RegisterSpec("irq_enable", disk_regs::irq_enable).mask(disk_regs::irq_complete).on_write(interrupt));
  bank_.add(
      RegisterSpec("irq_status", disk_regs::irq_status).access(RegisterAccess::write_one_to_clear).on_write(interrupt));
  bank_.add(RegisterSpec("sector_size", disk_regs::sector_size).access(RegisterAccess::read_only).reset(sector_size_));
  bank_.add(RegisterSpec("capacity", disk_regs::capacity).access(RegisterAccess::read_only).reset(sectors_));
}

bool Disk::move_data(bool to_memory, std::uint64_t lba, std::uint64_t sectors, std::uint64_t address,
                     sc_core::sc_time& delay) {
  const std::uint64_t total = sectors * sector_size_;
  for (std::uint64_t done = 0; done < total; done += buffer_.size()) {
    const auto chunk = static_cast<unsigned>(std::min<std::uint64_t>(buffer_.size(), total - done));
    const auto file_offset = static_cast<off_t>(lba * sector_size_ + done);
    if (to_memory && pread(fd_, buffer_.data(), chunk, file_offset) != static_cast<ssize_t>(chunk)) return false;
    const bool moved = to_memory ? bus_.write(address + done, buffer_.data(), chunk, delay)
                                 : bus_.read(address + done, buffer_.data(), chunk, delay);
    if (!moved) return false;
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
    // Read before the command's end: its registers may be written again once it has completed.
    const std::uint64_t lba = bank_.value(disk_regs::lba);
    const std::uint64_t count = bank_.value(disk_regs::sector_count);
    if (command == disk_regs::command_read || command == disk_regs::command_write) {
      ok = count != 0 && lba < sectors_ && count <= sectors_ - lba;
      if (ok) {
        // The medium and the DMA take turns in simulated time (a read reaches memory after the medium
        // delivered it, a write leaves memory before the medium takes it), so that the memory sees each
        // DMA burst when it happens: annotated a whole service time ahead, it would hold DRAM banks in the
        // future and stall every access that comes meanwhile.
        const bool to_memory = command == disk_regs::command_read;
        const sc_core::sc_time medium = timing_.transfer(lba, count);
        if (to_memory) sc_core::wait(medium);
        ok = move_data(to_memory, lba, count, bank_.value(disk_regs::dma_address), delay);
        if (!to_memory) delay += medium;
      }
      if (ok) {
        Counter& commands = command == disk_regs::command_read ? reads_ : writes_;
        ++commands;
        (command == disk_regs::command_read ? bytes_read_ : bytes_written_) += count * sector_size_;
      }
    } else if (command == disk_regs::command_flush) {
      ok = fsync(fd_) == 0;
      delay = timing_.flush();
      if (ok) ++flushes_;
    } else {
      ok = false;
    }
    sc_core::wait(delay);
    if (!ok) ++errors_;
    bank_.at(disk_regs::status).set(disk_regs::status_done | (ok ? 0 : disk_regs::status_error));
    Register& irq_status = bank_.at(disk_regs::irq_status);
    irq_status.set(irq_status.value() | disk_regs::irq_complete);
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
