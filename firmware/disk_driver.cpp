#include "firmware/disk_driver.h"

#include "models/devices/disk.h"

namespace vmsim {

bool DiskDriver::read(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, sc_core::sc_time& delay) {
  return run(Disk::command_read, lba, sectors, address, delay);
}

bool DiskDriver::write(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, sc_core::sc_time& delay) {
  return run(Disk::command_write, lba, sectors, address, delay);
}

bool DiskDriver::flush(sc_core::sc_time& delay) { return run(Disk::command_flush, 0, 0, 0, delay); }

bool DiskDriver::run(std::uint64_t command, std::uint64_t lba, std::uint64_t sectors, std::uint64_t address,
                     sc_core::sc_time& delay) {
  hal_.write64(registers_ + Disk::reg_lba, lba, delay);
  hal_.write64(registers_ + Disk::reg_sector_count, sectors, delay);
  hal_.write64(registers_ + Disk::reg_dma_address, address, delay);
  hal_.write64(registers_ + Disk::reg_irq_enable, Disk::irq_complete, delay);
  if (!hal_.write64(registers_ + Disk::reg_command, command, delay)) return false;  // busy
  hal_.sync(delay);
  hal_.wait_for_interrupt(line_);
  const std::uint64_t status = hal_.read64(registers_ + Disk::reg_status, delay);
  hal_.write64(registers_ + Disk::reg_irq_status, Disk::irq_complete, delay);  // acknowledge
  return (status & Disk::status_error) == 0;
}

}  // namespace vmsim
