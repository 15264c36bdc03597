// One memory-mapped register as a device declares it (RegisterSpec) and as a register bank keeps it
// (Register): offset, width, access rights, reset value, the bits that exist, and callbacks for
// reads whose value is computed and writes that have effects. A register stores its value, so that
// a device keeps only the state that is not a register.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <systemc>

#include "vmsim/models/core/export.h"

namespace vmsim {

enum class RegisterAccess {
  read_write,
  read_only,              // a write answers TLM_COMMAND_ERROR_RESPONSE
  write_only,             // keeps what is written for the device; a read answers TLM_COMMAND_ERROR_RESPONSE
  write_only_reads_zero,  // a command or strobe: a write acts, a read returns 0
  write_one_to_clear,     // a write clears the bits written as 1; hardware sets them
};

// What a read callback is told: which element of an array (0 for a single register), the
// simulated time of the access (the initiator's time plus its annotated delay), and whether it is
// a debug read, which must have no side effects.
struct VMSIM_API RegisterRead {
  unsigned index;
  sc_core::sc_time at;
  bool debug;
};

// What a write callback is told, after the register stored the write: the element, the value
// written (limited to the register's bits) and the simulated time of the access.
struct VMSIM_API RegisterWrite {
  unsigned index;
  std::uint64_t value;
  sc_core::sc_time at;
};

// A register's declaration, built by chaining: RegisterSpec("status", 0x20).access(...).on_read(...).
class VMSIM_API RegisterSpec {
 public:
  using ReadCallback = std::function<std::uint64_t(const RegisterRead&)>;
  using WriteCallback = std::function<void(const RegisterWrite&)>;

  RegisterSpec(std::string name, std::uint64_t offset) : name_(std::move(name)), offset_(offset) {}

  // 1, 2, 4 or 8 bytes (the default); an access must be exactly this size, unless...
  RegisterSpec& width(unsigned bytes);
  // ...an 8-byte register takes 4-byte accesses to either half too, each half on its own (as RV32
  // software reads and writes a CLINT's MTIME and MTIMECMP): a half read returns that half of what
  // a whole read would, a half write changes that half only, and the write callback sees the whole
  // new value.
  RegisterSpec& halves() {
    halves_ = true;
    return *this;
  }
  RegisterSpec& access(RegisterAccess rights) {
    access_ = rights;
    return *this;
  }
  RegisterSpec& reset(std::uint64_t value) {
    reset_ = value;
    return *this;
  }
  // The bits that exist: writes change only these, the others read as zero.
  RegisterSpec& mask(std::uint64_t bits) {
    mask_ = bits;
    return *this;
  }
  // The value a read returns, instead of the stored one.
  RegisterSpec& on_read(ReadCallback callback) {
    read_ = std::move(callback);
    return *this;
  }
  // The write's effects, called once the register has stored it.
  RegisterSpec& on_write(WriteCallback callback) {
    write_ = std::move(callback);
    return *this;
  }
  // While `busy` returns true, writes are refused (TLM_COMMAND_ERROR_RESPONSE) and change nothing.
  RegisterSpec& refuse_writes_while(std::function<bool()> busy) {
    busy_ = std::move(busy);
    return *this;
  }

 private:
  friend class Register;
  std::string name_;
  std::uint64_t offset_;
  unsigned width_ = 8;
  bool halves_ = false;
  RegisterAccess access_ = RegisterAccess::read_write;
  std::uint64_t reset_ = 0;
  std::uint64_t mask_ = ~std::uint64_t{0};
  ReadCallback read_;
  WriteCallback write_;
  std::function<bool()> busy_;
};

// A register of a bank (or one element of a register array): its declaration, its stored value and
// how often the bus read and wrote it. The bank checks the access before read() or write().
class VMSIM_API Register {
 public:
  // Element `index` of an array whose element 0 `spec` declares, elements `stride` bytes apart.
  Register(const RegisterSpec& spec, unsigned index, std::uint64_t stride);

  const std::string& name() const { return spec_.name_; }
  unsigned index() const { return index_; }
  std::uint64_t offset() const { return offset_; }
  unsigned width() const { return spec_.width_; }
  // Whether a 4-byte access may reach either half of this 8-byte register.
  bool halves() const { return spec_.halves_ && spec_.width_ == 8; }
  RegisterAccess access() const { return spec_.access_; }

  // The stored value, as the device sees and sets it: no callbacks, not counted.
  std::uint64_t value() const { return value_; }
  void set(std::uint64_t value) { value_ = value & bits(); }
  void reset() { value_ = spec_.reset_ & bits(); }

  bool readable() const { return spec_.access_ != RegisterAccess::write_only; }
  bool writable() const { return spec_.access_ != RegisterAccess::read_only && !(spec_.busy_ && spec_.busy_()); }
  // Whether a write would do more than change the stored value: a debugger may not cause that.
  bool write_has_effects() const;

  // A bus read or write; a debug read is not counted and its callback is told to have no effects.
  std::uint64_t read(const sc_core::sc_time& at, bool debug);
  void write(std::uint64_t value, const sc_core::sc_time& at, bool debug);
  // What write() must be given for a 4-byte write of `half` at byte `part` (0 or 4), at simulated
  // time `at`, to change that half only: the other half is what a read would return then.
  std::uint64_t whole_write(std::uint64_t half, unsigned part, const sc_core::sc_time& at) const;

  std::uint64_t reads() const { return reads_; }
  std::uint64_t writes() const { return writes_; }

 private:
  std::uint64_t bits() const;

  RegisterSpec spec_;
  unsigned index_;
  std::uint64_t offset_;
  std::uint64_t value_ = 0;
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
};

}  // namespace vmsim
