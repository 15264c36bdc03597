#include "vmsim/models/cpu/rv64/htif.h"

#include <array>
#include <vector>

#include <fmt/format.h>

namespace vmsim::rv64 {
namespace {

constexpr std::uint64_t system_write = 64;
constexpr std::uint64_t system_exit = 93;
constexpr std::uint64_t no_such_call = static_cast<std::uint64_t>(-38);   // -ENOSYS
constexpr std::uint64_t bad_descriptor = static_cast<std::uint64_t>(-9);  // -EBADF
constexpr std::uint64_t fault = static_cast<std::uint64_t>(-14);          // -EFAULT

}  // namespace

Htif::Htif(std::string owner, RunControl& run, Memory& memory, std::uint64_t tohost,
           std::optional<std::uint64_t> fromhost, std::string console_file)
    : owner_(std::move(owner)),
      run_(run),
      memory_(memory),
      tohost_(tohost),
      fromhost_(fromhost),
      console_file_(std::move(console_file)) {}

Htif::~Htif() {
  if (console_ != nullptr) std::fclose(console_);
}

bool Htif::written() {
  std::uint64_t command = 0;
  if (!memory_.read(tohost_, &command, 8) || command == 0) return false;
  const std::uint64_t clear = 0;
  memory_.write(tohost_, &clear, 8);
  const auto device = static_cast<unsigned>(command >> 56);
  const auto kind = static_cast<unsigned>((command >> 48) & 0xff);
  const std::uint64_t payload = command & ((std::uint64_t{1} << 48) - 1);
  if (device == 0 && kind == 0) {
    if ((payload & 1) != 0) return exit(payload >> 1);
    return !system_call(payload);
  }
  if (device == 1 && kind == 1) {
    const char character = static_cast<char>(payload & 0xff);
    print(&character, 1);
    respond(command & ~((std::uint64_t{1} << 48) - 1));
    return false;
  }
  run_.fail(
      fmt::format("{}: the program sent an HTIF command vmsim does not know (device {}, command {}, tohost {:#x})",
                  owner_, device, kind, command));
  return true;
}

void Htif::respond(std::uint64_t value) {
  if (fromhost_) memory_.write(*fromhost_, &value, 8);
}

void Htif::print(const char* text, std::size_t length) {
  std::fwrite(text, 1, length, stdout);
  std::fflush(stdout);
  if (console_ == nullptr) {
    console_ = std::fopen(console_file_.c_str(), "w");
    if (console_ == nullptr) {
      run_.fail(fmt::format("{}: cannot create the console's file {}", owner_, console_file_));
      return;
    }
  }
  std::fwrite(text, 1, length, console_);
  std::fflush(console_);
}

bool Htif::system_call(std::uint64_t address) {
  std::array<std::uint64_t, 8> call{};
  if (!memory_.read(address, call.data(), sizeof call)) {
    run_.fail(fmt::format("{}: an HTIF system call's arguments at {:#x} are not in memory", owner_, address));
    return false;
  }
  std::uint64_t result = no_such_call;
  if (call[0] == system_exit) return !exit(call[1]);
  if (call[0] == system_write) {
    const std::uint64_t descriptor = call[1];
    const std::uint64_t buffer = call[2];
    const std::uint64_t length = call[3];
    std::vector<char> text;
    if (descriptor != 1 && descriptor != 2) {
      result = bad_descriptor;
    } else if (length > (std::uint64_t{1} << 20)) {
      result = fault;  // checked before the buffer is made: the length is the program's to choose
    } else if (text.resize(length); !memory_.read(buffer, text.data(), static_cast<unsigned>(length))) {
      result = fault;
    } else {
      print(text.data(), text.size());
      result = length;
    }
  }
  memory_.write(address, &result, 8);
  respond(1);
  return true;
}

bool Htif::exit(std::uint64_t code) {
  exit_code_ = code;
  if (code == 0)
    run_.finish(0);
  else
    run_.fail(fmt::format("{}: the program exited with code {}", owner_, code));
  return true;
}

}  // namespace vmsim::rv64
