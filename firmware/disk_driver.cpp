#include "vmsim/firmware/disk_driver.h"

#include "vmsim/models/devices/disk_registers.h"

namespace vmsim {

void DiskDriver::read(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, Completion done,
                      sc_core::sc_time& delay) {
  submit(Command{disk_regs::command_read, lba, sectors, address, std::move(done)}, delay);
}

void DiskDriver::write(std::uint64_t lba, std::uint64_t sectors, std::uint64_t address, Completion done,
                       sc_core::sc_time& delay) {
  submit(Command{disk_regs::command_write, lba, sectors, address, std::move(done)}, delay);
}

void DiskDriver::submit(Command command, sc_core::sc_time& delay) {
  queue_.push_back(std::move(command));
  if (queue_.size() == 1) start(queue_.front(), delay);
}

void DiskDriver::start(const Command& command, sc_core::sc_time& delay) {
  hal_.write64(registers_ + disk_regs::lba, command.lba, delay);
  hal_.write64(registers_ + disk_regs::sector_count, command.sectors, delay);
  hal_.write64(registers_ + disk_regs::dma_address, command.address, delay);
  hal_.write64(registers_ + disk_regs::irq_enable, disk_regs::irq_complete, delay);
  hal_.write64(registers_ + disk_regs::command, command.command, delay);
}

void DiskDriver::interrupt(sc_core::sc_time& delay) {
  const std::uint64_t status = hal_.read64(registers_ + disk_regs::status, delay);
  if ((status & disk_regs::status_busy) != 0 || queue_.empty()) return;              // not ours, or not yet
  hal_.write64(registers_ + disk_regs::irq_status, disk_regs::irq_complete, delay);  // acknowledge
  Command done = std::move(queue_.front());
  queue_.pop_front();
  if (!queue_.empty()) start(queue_.front(), delay);
  done.done((status & disk_regs::status_error) == 0, delay);
}

}  // namespace vmsim
