#include "vmsim/models/devices/uart.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "vmsim/models/core/input_file.h"
#include "vmsim/models/devices/uart_registers.h"

namespace vmsim {
namespace {

// The divisor latch's value at reset: 115200 baud from the clock, the rate firmware usually asks for,
// so that software that never programs the latch still sends at a sensible pace.
std::uint16_t reset_divisor(Frequency clock) {
  const double divisor = std::round(static_cast<double>(clock.hz) / (16.0 * 115200.0));
  return static_cast<std::uint16_t>(std::clamp(divisor, 1.0, 65535.0));
}

constexpr char escape_key = 0x01;  // Ctrl-A, as QEMU's: Ctrl-A x ends the run

}  // namespace

ParamSchema Uart::parameters() {
  ParamSchema schema;
  schema.optional<sc_core::sc_time>("register_latency", sc_core::sc_time(5, sc_core::SC_NS),
                                    "Latency of a register access");
  declare_mapping(schema, 0x100, "UART's registers");
  schema.optional<unsigned>("reg_shift", 0, "Registers are 1 << reg_shift bytes apart (the device tree's reg-shift)");
  schema.optional<unsigned>("reg_io_width", 1, "Bytes of every register access, 1, 2 or 4 (reg-io-width)");
  InterruptLine::declare(schema);
  schema.optional<Frequency>("clock_frequency", Frequency{3'686'400},
                             "Clock of the baud-rate generator (the device tree's clock-frequency)");
  schema.choice("timing", Timing::baud, {{"baud", Timing::baud}, {"fixed", Timing::fixed}},
                "baud: a character takes its frame's bits (start, data, parity, stop, as LCR sets them) at "
                "clock_frequency / (16 x divisor); fixed: character_time");
  schema
      .optional<sc_core::sc_time>("character_time", sc_core::sc_time(1, sc_core::SC_US),
                                  "Time to send or receive one character")
      .when("timing: fixed");
  schema.optional<bool>("terminal", true, "Also write what the UART sends to vmsim's standard output");
  schema.choice("input", Input::terminal, {{"none", Input::none}, {"terminal", Input::terminal}, {"file", Input::file}},
                "Where received characters come from: nothing; the keyboard, when standard input is a terminal "
                "(raw; Ctrl-A x ends the run); or input_file");
  schema.optional<std::string>("input_file", "", "File whose bytes arrive, relative to this configuration's folder")
      .when("input: file");
  schema
      .optional<sc_core::sc_time>("input_start", sc_core::SC_ZERO_TIME,
                                  "When the file's first byte starts to arrive (drivers empty the receive FIFO "
                                  "when they start)")
      .when("input: file");
  return schema;
}

Uart::Uart(const sc_core::sc_module_name& name, ComponentContext& context) : Component(name, context) {
  Params& params = context.params;
  bank_.set_latency(params.get<sc_core::sc_time>("register_latency"));
  const std::uint64_t size = map_on_bus(bank_.socket, params);
  reg_shift_ = params.get<unsigned>("reg_shift");
  reg_io_width_ = params.get<unsigned>("reg_io_width");
  if (reg_io_width_ != 1 && reg_io_width_ != 2 && reg_io_width_ != 4) params.fail("reg_io_width", "must be 1, 2 or 4");
  if (reg_shift_ > 12 || (1u << reg_shift_) < reg_io_width_)
    params.fail("reg_shift", fmt::format("registers {} bytes wide need a reg_shift from {} to 12", reg_io_width_,
                                         __builtin_ctz(reg_io_width_)));
  if ((std::uint64_t{uart_regs::count} << reg_shift_) > size)
    params.fail("size", fmt::format("the 8 registers {} bytes apart need {} bytes", 1u << reg_shift_,
                                    uart_regs::count << reg_shift_));
  interrupt_.read(params);
  clock_ = params.get<Frequency>("clock_frequency");
  if (clock_.hz == 0 || clock_.hz > 0xffff'ffff) params.fail("clock_frequency", "must be from 1Hz to 4294967295Hz");
  timing_ = params.get<Timing>("timing");
  fixed_character_time_ = params.get<sc_core::sc_time>("character_time");
  if (timing_ == Timing::fixed && fixed_character_time_ == sc_core::SC_ZERO_TIME)
    params.fail("character_time", "must be above zero");
  to_terminal_ = params.get<bool>("terminal");
  input_source_ = params.get<Input>("input");
  const auto start = params.get<sc_core::sc_time>("input_start");
  const auto file = params.get<std::string>("input_file");
  if (input_source_ == Input::file) {
    if (file.empty()) params.fail("input_file", "input: file needs the file to read");
    input_file_ = params.resolve_path(file);
    if (const std::string problem = unreadable_file(input_file_, "UART input file"); !problem.empty())
      params.fail("input_file", problem);
    std::ifstream in(input_file_, std::ios::binary);
    pending_input_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  output_file_ = (std::filesystem::path(context.output_directory) / fmt::format("{}.txt", basename())).string();
  declare_registers();
  divisor_ = reset_divisor(clock_);
  rate_divisor_ = divisor_;
  msr_ = modem_inputs();
  if (input_source_ == Input::terminal) terminal_channel_ = std::make_unique<TerminalChannel>(*this);
  if (!pending_input_.empty()) {
    input_due_ = start + character_time();
    input_free_ = start;
  }
  SC_METHOD(wake);
  sensitive << wake_event_;
  dont_initialize();
}

Uart::~Uart() {
  terminal_reader_.reset();  // the terminal's settings come back
  drain();
  if (output_ != nullptr) std::fclose(output_);
}

void Uart::declare_registers() {
  const auto reg = [this](const char* name, unsigned number) {
    return RegisterSpec(name, std::uint64_t{number} << reg_shift_).width(reg_io_width_).mask(0xff);
  };
  // Every access first brings the line to the access's time, and settles the interrupt after. (A
  // debug read brings it to the present, too: what is due by then has happened, whoever looks.)
  const auto reads = [this](std::uint8_t (Uart::*read)(bool)) {
    return [this, read](const RegisterRead& access) -> std::uint64_t {
      advance(access.at);
      const std::uint8_t value = (this->*read)(access.debug);
      settle();
      return value;
    };
  };
  const auto writes = [this](void (Uart::*write)(std::uint8_t)) {
    return [this, write](const RegisterWrite& access) {
      advance(access.at);
      (this->*write)(static_cast<std::uint8_t>(access.value));
      settle();
    };
  };
  bank_.add(reg("rbr_thr", uart_regs::rbr).on_read(reads(&Uart::read_rbr)).on_write(writes(&Uart::write_thr)));
  bank_.add(reg("ier", uart_regs::ier).on_read(reads(&Uart::read_ier)).on_write(writes(&Uart::write_ier)));
  bank_.add(reg("iir_fcr", uart_regs::iir).on_read(reads(&Uart::read_iir)).on_write(writes(&Uart::write_fcr)));
  bank_.add(reg("lcr", uart_regs::lcr).on_read(reads(&Uart::read_lcr)).on_write(writes(&Uart::write_lcr)));
  bank_.add(reg("mcr", uart_regs::mcr).on_read(reads(&Uart::read_mcr)).on_write(writes(&Uart::write_mcr)));
  bank_.add(reg("lsr", uart_regs::lsr).access(RegisterAccess::read_only).on_read(reads(&Uart::read_lsr)));
  bank_.add(reg("msr", uart_regs::msr).access(RegisterAccess::read_only).on_read(reads(&Uart::read_msr)));
  bank_.add(reg("scr", uart_regs::scr));
}

void Uart::resolve(const Lookup& find) { interrupt_.connect(find, basename(), basename()); }

void Uart::describe(DeviceTree& tree, const Lookup& find) const {
  const MappedTarget& mapped = mapped_targets().front();
  DeviceTree::Node& node = tree.device(basename(), "serial", mapped.base, mapped.size);
  node.set("compatible", "ns16550a");
  node.set("clock-frequency", Cells().u32(static_cast<std::uint32_t>(clock_.hz)));
  // The binding's defaults (QEMU's virt leaves them out) are 0 and 1.
  if (reg_shift_ != 0) node.set("reg-shift", Cells().u32(reg_shift_));
  if (reg_io_width_ != 1) node.set("reg-io-width", Cells().u32(reg_io_width_));
  describe_interrupt(node, find, interrupt_.controller(), {basename()});
}

void Uart::attach_console(Listener listener) {
  if (input_source_ == Input::file)
    throw ConfigError(fmt::format("{}: its input is the file {} (input: file), so a console cannot type to it",
                                  basename(), input_file_));
  console_ = true;
  listeners_.push_back(std::move(listener));
}

void Uart::end_of_elaboration() {
  // Made afresh when the simulation starts, as the run's other files are.
  output_ = std::fopen(output_file_.c_str(), "w");
  if (output_ == nullptr) run().fail(fmt::format("{}: cannot write {}", name(), output_file_));
}

void Uart::start_of_simulation() {
  settle();  // a file's first byte is due whether or not the software looks
  // The keyboard goes to the first UART that asks for it (of every platform in the process: there
  // is one standard input), and to none that a console drives.
  if (input_source_ != Input::terminal || console_ || !TerminalReader::available() || TerminalReader::in_use()) return;
  TerminalChannel* channel = terminal_channel_.get();
  terminal_reader_ =
      std::make_unique<TerminalReader>([channel](const char* bytes, std::size_t count) { channel->add(bytes, count); });
}

void Uart::end_of_simulation() {
  terminal_reader_.reset();
  drain();
}

void Uart::drain() {
  // What is still in the transmitter is written out, as if the line drained, so that the last words
  // of a run that ends abruptly are not lost from its output.
  if (loopback()) return;
  if (shifting_) emit(static_cast<char>(shifted_));
  for (const std::uint8_t c : tx_fifo_) emit(static_cast<char>(c));
  shifting_ = false;
  tx_fifo_.clear();
}

void Uart::TerminalChannel::add(const char* bytes, std::size_t count) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    bytes_.append(bytes, count);
  }
  async_request_update();
}

void Uart::TerminalChannel::update() {
  std::string bytes;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    bytes.swap(bytes_);
  }
  owner_.typed_on_terminal(bytes);
}

void Uart::typed_on_terminal(const std::string& bytes) {
  std::string typed;
  for (const char c : bytes) {
    if (escape_) {
      escape_ = false;
      if (c == 'x' || c == 'X') {
        run().stop(fmt::format("stopped from the terminal (Ctrl-A x) at {}", format_time(sc_core::sc_time_stamp())));
        return;
      }
      typed += c;  // Ctrl-A Ctrl-A types one Ctrl-A; Ctrl-A and any other key types that key
    } else if (c == escape_key) {
      escape_ = true;
    } else {
      typed += c;
    }
  }
  if (!typed.empty()) type(typed, sc_core::sc_time_stamp());
}

void Uart::type(std::string_view text, const sc_core::sc_time& at) {
  if (text.empty()) return;
  const bool idle = pending_input_.empty();
  pending_input_.insert(pending_input_.end(), text.begin(), text.end());
  // The line cannot deliver into time the receiver has been seen at already.
  if (idle) input_due_ = std::max(std::max(at, input_free_) + character_time(), now_);
  settle();
}

bool Uart::dlab() const { return (lcr_ & uart_regs::lcr_dlab) != 0; }

bool Uart::loopback() const { return (mcr_ & uart_regs::mcr_loopback) != 0; }

sc_core::sc_time Uart::character_time() const {
  if (timing_ == Timing::fixed) return fixed_character_time_;
  // The frame in half bits: start, 5 to 8 data bits, parity, and 1, 1.5 (5-bit words) or 2 stop bits.
  const std::uint64_t data_bits = 5 + (lcr_ & uart_regs::lcr_word_length);
  const std::uint64_t stop_halves = (lcr_ & uart_regs::lcr_two_stop_bits) == 0 ? 2 : data_bits == 5 ? 3 : 4;
  const std::uint64_t half_bits = 2 + 2 * data_bits + ((lcr_ & uart_regs::lcr_parity) != 0 ? 2 : 0) + stop_halves;
  // A bit is 16 ticks of the divided clock.
  return sc_core::sc_time(static_cast<double>(half_bits * 8 * rate_divisor_) / static_cast<double>(clock_.hz),
                          sc_core::SC_SEC);
}

void Uart::advance(const sc_core::sc_time& at) {
  // Another initiator may be behind one that has brought the line further: the line stays where it is.
  const sc_core::sc_time until = std::max(at, now_);
  while (true) {
    const sc_core::sc_time sent = shifting_ ? shift_done_ : sc_core::sc_max_time();
    const sc_core::sc_time arriving = !pending_input_.empty() && !input_waiting_ ? input_due_ : sc_core::sc_max_time();
    const sc_core::sc_time next = std::min(sent, arriving);
    if (next > until) break;
    now_ = next;
    if (sent <= arriving)
      finish_sending();
    else
      arrive();
  }
  now_ = until;
}

void Uart::finish_sending() {
  const auto character = static_cast<char>(shifted_);
  ++sent_;
  if (loopback()) {
    receive(shifted_);
  } else {
    for (const Listener& listener : listeners_) listener(character, now_);
    emit(character);
  }
  if (tx_fifo_.empty()) {
    shifting_ = false;
    return;
  }
  shifted_ = tx_fifo_.front();
  tx_fifo_.pop_front();
  shift_done_ = now_ + character_time();
  if (tx_fifo_.empty()) thre_pending_ = true;
}

void Uart::emit(char character) {
  // Flushed at once: characters are far apart, and the file is then current for `tail -f`.
  if (output_ != nullptr) {
    std::fputc(character, output_);
    std::fflush(output_);
  }
  if (to_terminal_) {
    std::fputc(character, stdout);
    std::fflush(stdout);
  }
}

void Uart::arrive() {
  // While looping back, or with no room, the sender holds the character (flow control): nothing typed
  // is lost.
  if (loopback() || rx_fifo_.size() >= fifo_depth()) {
    input_waiting_ = true;
    return;
  }
  receive(pending_input_.front());
  pending_input_.pop_front();
  input_free_ = now_;
  input_due_ = now_ + character_time();
}

void Uart::resume_input() {
  if (!input_waiting_ || loopback() || rx_fifo_.size() >= fifo_depth()) return;
  input_waiting_ = false;
  input_due_ = std::max(input_free_, now_) + character_time();
}

void Uart::receive(std::uint8_t character) {
  rx_activity_ = now_;
  if (rx_fifo_.size() >= fifo_depth()) {
    lsr_errors_ |= uart_regs::lsr_overrun;
    ++overruns_;
    return;
  }
  rx_fifo_.push_back(character);
  ++received_;
}

void Uart::write_thr(std::uint8_t value) {
  if (dlab()) {
    set_divisor(static_cast<std::uint16_t>((divisor_ & 0xff00) | value));
    return;
  }
  if (!shifting_) {
    // Straight through the holding register into the idle shift register, which leaves THR empty.
    shifting_ = true;
    shifted_ = value;
    shift_done_ = now_ + character_time();
    thre_pending_ = true;
  } else if (tx_fifo_.size() < fifo_depth()) {
    tx_fifo_.push_back(value);
    thre_pending_ = false;
  } else {
    ++dropped_;
  }
}

std::uint8_t Uart::read_rbr(bool debug) {
  if (dlab()) return static_cast<std::uint8_t>(divisor_);
  if (rx_fifo_.empty()) return rbr_;
  const std::uint8_t character = rx_fifo_.front();
  if (debug) return character;
  rx_fifo_.pop_front();
  rbr_ = character;
  rx_activity_ = now_;
  resume_input();
  return character;
}

std::uint8_t Uart::read_ier(bool) { return dlab() ? static_cast<std::uint8_t>(divisor_ >> 8) : ier_; }

void Uart::write_ier(std::uint8_t value) {
  if (dlab()) {
    set_divisor(static_cast<std::uint16_t>((divisor_ & 0x00ff) | (value << 8)));
    return;
  }
  // Enabling the transmitter-empty interrupt while THR is empty raises it at once.
  if ((ier_ & uart_regs::ier_transmitter_empty) == 0 && (value & uart_regs::ier_transmitter_empty) != 0 &&
      tx_fifo_.empty())
    thre_pending_ = true;
  ier_ = value & 0x0f;
}

void Uart::set_divisor(std::uint16_t divisor) {
  divisor_ = divisor;
  // A divisor of 0 stops no clock here: the rate stays what it was, as on QEMU's 16550.
  if (divisor != 0) rate_divisor_ = divisor;
}

std::uint8_t Uart::read_iir(bool debug) {
  const std::uint8_t id = interrupt_id();
  // Reading IIR answers the transmitter-empty interrupt when that is the one it reports.
  if (!debug && id == uart_regs::iir_transmitter_empty) thre_pending_ = false;
  return static_cast<std::uint8_t>(id | (fifo_enabled() ? uart_regs::iir_fifos_enabled : 0));
}

void Uart::write_fcr(std::uint8_t value) {
  // Switching the FIFOs on or off empties them, as the clear bits do.
  const bool switched = ((value ^ fcr_) & uart_regs::fcr_enable) != 0;
  if (switched || (value & uart_regs::fcr_clear_receive) != 0) rx_fifo_.clear();
  if ((switched || (value & uart_regs::fcr_clear_transmit) != 0) && !tx_fifo_.empty()) {
    tx_fifo_.clear();
    thre_pending_ = true;
  }
  fcr_ = value & (uart_regs::fcr_enable | 0xc0);
  constexpr std::size_t triggers[] = {1, 4, 8, 14};
  trigger_ = triggers[value >> 6];
  resume_input();
}

std::uint8_t Uart::read_lcr(bool) { return lcr_; }

void Uart::write_lcr(std::uint8_t value) { lcr_ = value; }

std::uint8_t Uart::read_mcr(bool) { return mcr_; }

void Uart::write_mcr(std::uint8_t value) {
  mcr_ = value & 0x1f;
  set_modem_inputs(modem_inputs());
  resume_input();
}

std::uint8_t Uart::modem_inputs() const {
  if ((mcr_ & uart_regs::mcr_loopback) == 0) return uart_regs::msr_cts | uart_regs::msr_dsr | uart_regs::msr_dcd;
  std::uint8_t inputs = 0;
  if ((mcr_ & uart_regs::mcr_rts) != 0) inputs |= uart_regs::msr_cts;
  if ((mcr_ & uart_regs::mcr_dtr) != 0) inputs |= uart_regs::msr_dsr;
  if ((mcr_ & uart_regs::mcr_out1) != 0) inputs |= uart_regs::msr_ri;
  if ((mcr_ & uart_regs::mcr_out2) != 0) inputs |= uart_regs::msr_dcd;
  return inputs;
}

void Uart::set_modem_inputs(std::uint8_t inputs) {
  const auto old = static_cast<std::uint8_t>(msr_ & 0xf0);
  const auto changed = static_cast<std::uint8_t>(old ^ inputs);
  std::uint8_t changes = 0;
  if ((changed & uart_regs::msr_cts) != 0) changes |= 0x01;
  if ((changed & uart_regs::msr_dsr) != 0) changes |= 0x02;
  if ((old & uart_regs::msr_ri) != 0 && (inputs & uart_regs::msr_ri) == 0) changes |= 0x04;  // trailing edge
  if ((changed & uart_regs::msr_dcd) != 0) changes |= 0x08;
  msr_ = static_cast<std::uint8_t>(inputs | (msr_ & uart_regs::msr_changes) | changes);
}

std::uint8_t Uart::read_lsr(bool debug) {
  std::uint8_t value = lsr_errors_;
  if (!rx_fifo_.empty()) value |= uart_regs::lsr_data_ready;
  if (tx_fifo_.empty()) value |= uart_regs::lsr_transmitter_empty;
  if (tx_fifo_.empty() && !shifting_) value |= uart_regs::lsr_idle;
  if (!debug) lsr_errors_ = 0;
  return value;
}

std::uint8_t Uart::read_msr(bool debug) {
  const std::uint8_t value = msr_;
  if (!debug) msr_ &= static_cast<std::uint8_t>(~uart_regs::msr_changes);
  return value;
}

bool Uart::character_timeout() const {
  return fifo_enabled() && !rx_fifo_.empty() && now_ >= rx_activity_ + 4 * character_time();
}

std::uint8_t Uart::interrupt_id() const {
  if ((ier_ & uart_regs::ier_line_status) != 0 && lsr_errors_ != 0) return uart_regs::iir_line_status;
  if ((ier_ & uart_regs::ier_received_data) != 0) {
    if (rx_fifo_.size() >= (fifo_enabled() ? trigger_ : 1)) return uart_regs::iir_received_data;
    if (character_timeout()) return uart_regs::iir_character_timeout;
  }
  if ((ier_ & uart_regs::ier_transmitter_empty) != 0 && thre_pending_) return uart_regs::iir_transmitter_empty;
  if ((ier_ & uart_regs::ier_modem_status) != 0 && (msr_ & uart_regs::msr_changes) != 0)
    return uart_regs::iir_modem_status;
  return uart_regs::iir_none;
}

void Uart::settle() {
  // Another cause while the line is high is a new request (the line falls and rises at once), as
  // QEMU's 16550 raises its line again: a PLIC that takes edges sees data arrive while the
  // transmitter-empty interrupt is left pending.
  const std::uint8_t id = interrupt_id();
  if (id != uart_regs::iir_none && id != reported_id_) interrupt_.set(false);
  reported_id_ = id;
  if (interrupt_.set(id != uart_regs::iir_none)) ++interrupts_;
  // The next moment the line changes by itself: a character sent or arriving, or the timeout.
  sc_core::sc_time next = sc_core::sc_max_time();
  if (shifting_) next = shift_done_;
  if (!pending_input_.empty() && !input_waiting_) next = std::min(next, input_due_);
  if (fifo_enabled() && !rx_fifo_.empty() && !character_timeout())
    next = std::min(next, rx_activity_ + 4 * character_time());
  if (next == sc_core::sc_max_time()) return;
  const sc_core::sc_time present = sc_core::sc_time_stamp();
  wake_event_.notify(next > present ? next - present : sc_core::SC_ZERO_TIME);
}

void Uart::wake() {
  advance(sc_core::sc_time_stamp());
  settle();
}

}  // namespace vmsim
