// An NS16550A UART, the serial port of QEMU's virt machine and of most RISC-V boards: receive and
// transmit FIFOs of 16 characters (or single holding registers with the FIFOs off), the interrupt
// identification by priority (line status, received data or character timeout, transmitter empty,
// modem status), the divisor latch behind LCR.DLAB, loopback through MCR, and one interrupt line.
// Registers are `reg_shift` apart and `reg_io_width` bytes wide, as the device tree says.
//
// The line runs in simulated time: a character takes one character time to send or to arrive,
// from the baud rate (the divisor latch, the clock and the frame that LCR sets) or fixed. Register
// accesses see the line as it is at their annotated time, so a driver polling LSR gets the same
// answers whatever the quantum. What it sends goes to `<name>.txt` in the output folder and, if
// asked, to vmsim's standard output; what it receives comes from the host terminal, a file, or a
// scripted console (SerialPort).
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vmsim/models/core/component.h"
#include "vmsim/models/core/device_tree.h"
#include "vmsim/models/core/export.h"
#include "vmsim/models/core/interrupt.h"
#include "vmsim/models/core/register_bank.h"
#include "vmsim/models/core/serial_port.h"
#include "vmsim/models/core/terminal.h"

namespace vmsim {

class VMSIM_API Uart final : public Component, public DeviceTreeDevice, public SerialPort {
 public:
  SC_HAS_PROCESS(Uart);
  static ParamSchema parameters();
  Uart(const sc_core::sc_module_name& name, ComponentContext& context);
  ~Uart() override;

  TargetSocket* target_socket() override { return &bank_.socket; }
  void resolve(const Lookup& find) override;
  void describe(DeviceTree& tree, const Lookup& find) const override;
  void attach_console(Listener listener) override;
  void type(std::string_view text, const sc_core::sc_time& at) override;

 private:
  enum class Timing { baud, fixed };
  enum class Input { none, terminal, file };

  // Bytes typed on the host terminal, handed from the reader's thread to the simulation.
  class TerminalChannel final : public sc_core::sc_prim_channel {
   public:
    explicit TerminalChannel(Uart& owner) : sc_core::sc_prim_channel("terminal"), owner_(owner) {}
    void add(const char* bytes, std::size_t count);  // on the reader's thread

   private:
    void update() override;
    Uart& owner_;
    std::mutex mutex_;
    std::string bytes_;
  };

  void declare_registers();
  void end_of_elaboration() override;
  void start_of_simulation() override;
  void end_of_simulation() override;

  // Brings the line up to simulated time `at`: the characters that finished sending or arriving by
  // then, in time order.
  void advance(const sc_core::sc_time& at);
  // Sets the interrupt line as the registers now say, and the wake-up for the next thing due.
  void settle();
  void wake();  // the method that brings the line to the present when something is due
  void finish_sending();
  void arrive();        // the next typed character reaches the receiver, if there is room
  void resume_input();  // room again, or loopback off: the typed characters come again
  void receive(std::uint8_t character);
  void emit(char character);  // to the output file and the terminal
  void drain();               // the transmitter's characters out at the end of the run
  std::uint8_t read_rbr(bool debug);
  void write_thr(std::uint8_t value);
  std::uint8_t read_ier(bool debug);
  void write_ier(std::uint8_t value);
  std::uint8_t read_iir(bool debug);
  void write_fcr(std::uint8_t value);
  std::uint8_t read_lcr(bool debug);
  void write_lcr(std::uint8_t value);
  std::uint8_t read_mcr(bool debug);
  void write_mcr(std::uint8_t value);
  std::uint8_t read_lsr(bool debug);
  std::uint8_t read_msr(bool debug);
  void set_divisor(std::uint16_t divisor);
  // The modem inputs (CTS, DSR, RI, DCD in MSR bits 4-7): the outputs in loopback, else a line with
  // its modem present (CTS, DSR and DCD high), as QEMU has it.
  std::uint8_t modem_inputs() const;
  void set_modem_inputs(std::uint8_t inputs);
  // The highest-priority interrupt pending (IIR bits 0-3; 1: none).
  std::uint8_t interrupt_id() const;
  std::uint8_t reported_id_ = 1;  // the cause the line was last set for (IIR's 1: none)
  bool character_timeout() const;
  sc_core::sc_time character_time() const;
  std::size_t fifo_depth() const { return fifo_enabled() ? 16 : 1; }
  bool fifo_enabled() const { return (fcr_ & 0x01) != 0; }
  bool dlab() const;
  bool loopback() const;
  // Types the terminal's bytes, minding the escape (Ctrl-A x ends the run).
  void typed_on_terminal(const std::string& bytes);

  RegisterBank bank_{"target", {&register_reads_, &register_writes_, &errors_}};
  InterruptLine interrupt_;
  Timing timing_ = Timing::baud;
  Frequency clock_;
  sc_core::sc_time fixed_character_time_;
  unsigned reg_shift_ = 0;
  unsigned reg_io_width_ = 1;
  bool to_terminal_ = false;
  Input input_source_ = Input::none;
  std::string input_file_;
  std::string output_file_;
  std::FILE* output_ = nullptr;
  std::vector<Listener> listeners_;
  bool console_ = false;
  std::unique_ptr<TerminalChannel> terminal_channel_;
  std::unique_ptr<TerminalReader> terminal_reader_;
  bool escape_ = false;  // Ctrl-A was typed on the terminal

  // The registers, kept here rather than as the bank's stored values: an access must first bring the
  // line to its time with the values as they were.
  std::uint8_t ier_ = 0;
  std::uint8_t fcr_ = 0;
  std::uint8_t lcr_ = 0;
  std::uint8_t mcr_ = 0;
  std::uint8_t lsr_errors_ = 0;  // OE; cleared by reading LSR
  std::uint8_t msr_ = 0;         // inputs in bits 4-7, their changes in bits 0-3
  std::uint16_t divisor_ = 0;
  std::uint16_t rate_divisor_ = 1;  // the last divisor that was not 0
  std::uint8_t rbr_ = 0;            // the last character read
  std::size_t trigger_ = 1;
  bool thre_pending_ = false;  // the transmitter-empty interrupt, until IIR reports it or THR is written

  // The line.
  sc_core::sc_time now_;  // how far the line has been brought
  std::deque<std::uint8_t> tx_fifo_;
  bool shifting_ = false;
  std::uint8_t shifted_ = 0;
  sc_core::sc_time shift_done_;
  std::deque<std::uint8_t> rx_fifo_;
  sc_core::sc_time rx_activity_;  // the last arrival or read, for the character timeout
  std::deque<char> pending_input_;
  bool input_waiting_ = false;   // the next typed character waits for room (or for loopback to end)
  sc_core::sc_time input_due_;   // when it arrives, unless it waits
  sc_core::sc_time input_free_;  // when the last one arrived
  sc_core::sc_event wake_event_;

  Counter register_reads_{stats(), "register_reads", "Register reads"};
  Counter register_writes_{stats(), "register_writes", "Register writes"};
  Counter errors_{stats(), "errors", "Register accesses answered with an error"};
  Counter sent_{stats(), "characters_sent", "Characters the transmitter sent"};
  Counter received_{stats(), "characters_received", "Characters the receiver took into its FIFO"};
  Counter dropped_{stats(), "transmit_overruns", "Characters written to THR while the transmit FIFO was full (lost)"};
  Counter overruns_{stats(), "receive_overruns", "Characters that arrived with the receive FIFO full (lost; LSR.OE)"};
  Counter interrupts_{stats(), "interrupts", "Rising edges of the interrupt line"};
};

}  // namespace vmsim
