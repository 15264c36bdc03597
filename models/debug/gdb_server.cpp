#include "vmsim/models/debug/gdb_server.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace vmsim::gdb {

Server::Server(std::uint16_t port, std::vector<DebugTarget*> harts, RunControl& run)
    : transport_(port),
      protocol_(std::move(harts)),
      run_(run),
      arrived_(protocol_.harts().size(), false),
      awaiting_(protocol_.harts().size()) {
  for (DebugTarget* hart : protocol_.harts()) hart->debug().attach(*this);
}

Server::~Server() = default;

void Server::start(const std::string& port_file, std::function<std::string()> interrupted) {
  interrupted_ = std::move(interrupted);
  const std::string partial = port_file + ".new";
  std::ofstream(partial) << port() << '\n';
  std::filesystem::rename(partial, port_file);
  fmt::print(stderr,
             "vmsim: the harts wait for a debugger on 127.0.0.1:{} (gdb-multiarch -ex 'target remote 127.0.0.1:{}')\n",
             port(), port());
}

bool Server::held(HartDebug& hart) {
  const std::size_t index = index_of(hart);
  if (!arrived_[index]) {
    arrived_[index] = true;
    // The last hart to reach reset waits for the debugger; it first sees the first hart stopped.
    if (--awaiting_ == 0 && !(wait_for_client() && serve({0, DebugStop{}}))) return false;
  }
  while (hart.mode() == HartDebug::Mode::held && !ending_) sc_core::wait(resumed_);
  return !ending_;
}

bool Server::stopped(HartDebug& hart, const DebugStop& stop) {
  if (ending_) return false;
  // Without a debugger (it left, and every hart was released) nothing holds the machine.
  if (!transport_.connected()) return true;
  return serve({index_of(hart), stop});
}

void Server::exited(HartDebug& /*hart*/, int code) {
  if (waiting_for_stop_) send_packet(fmt::format("W{:02x}", code & 0xff));
  // The program is over: harts still running until the run ends do so without a debugger.
  drop_client();
  transport_.close_listener();
}

bool Server::poll() {
  if (ending_) return false;
  if (awaiting_ != 0) return true;  // until every hart is at reset, the debugger waits
  if (!transport_.connected()) {
    if (transport_.accept_client(false) != TcpTransport::Status::ok) return true;
    protocol_.start_session();
    DebugStop attached;
    return serve({protocol_.current_hart(), attached});
  }
  switch (receive(false)) {
    case Input::interrupt: {
      DebugStop interrupted;
      interrupted.kind = DebugStop::Kind::interrupted;
      return serve({protocol_.current_hart(), interrupted});
    }
    case Input::gone: drop_client(); break;
    case Input::packet:  // an all-stop client sends nothing but Ctrl-C while the machine runs
    case Input::nothing: break;
  }
  return !ending_;
}

void Server::run_ended() {
  if (waiting_for_stop_) {
    if (run_.failed()) {
      send_packet("O" + to_hex(fmt::format("vmsim: {}\n", run_.failure())));
      send_packet("X06");
    } else if (run_.stopped_early()) {
      send_packet("O" + to_hex(fmt::format("vmsim: {}\n", run_.stop_reason())));
      send_packet("X09");
    } else {
      send_packet("W00");
    }
  }
  waiting_for_stop_ = false;
  transport_.disconnect();
  transport_.close_listener();
}

bool Server::serve(const Stop& stop) {
  const std::string reply = protocol_.report(stop);
  if (waiting_for_stop_) {
    if (const std::string text = protocol_.explain(stop); !text.empty()) send_packet("O" + to_hex(text));
    send_packet(reply);
    waiting_for_stop_ = false;
  }
  for (;;) {
    const Input input = receive(true);
    if (input == Input::gone) {
      if (ending_) return false;
      drop_client();
      return true;
    }
    if (input != Input::packet) continue;  // a Ctrl-C while stopped asks for nothing
    const Protocol::Response response = protocol_.handle(reader_.payload());
    for (const std::string& text : response.console) send_packet("O" + to_hex(text));
    if (response.reply) send_packet(*response.reply);
    switch (response.action) {
      case Protocol::Action::none: break;
      case Protocol::Action::resume: {
        const auto& modes = protocol_.resume_modes();
        for (std::size_t i = 0; i < modes.size(); ++i) protocol_.harts()[i]->debug().set_mode(modes[i]);
        resumed_.notify(sc_core::SC_ZERO_TIME);
        waiting_for_stop_ = true;
        return true;
      }
      case Protocol::Action::detach: drop_client(); return true;
      case Protocol::Action::kill: end("killed by the debugger"); return false;
    }
  }
}

bool Server::wait_for_client() {
  for (;;) {
    switch (transport_.accept_client(true)) {
      case TcpTransport::Status::ok: protocol_.start_session(); return true;
      case TcpTransport::Status::interrupted:
        if (std::string reason = interrupted_ ? interrupted_() : ""; !reason.empty()) {
          end(std::move(reason));
          return false;
        }
        break;
      case TcpTransport::Status::nothing:
      case TcpTransport::Status::closed: break;
    }
  }
}

Server::Input Server::receive(bool wait) {
  for (;;) {
    while (consumed_ < inbox_.size()) {
      switch (reader_.feed(inbox_[consumed_++])) {
        case PacketReader::Event::packet:
          if (protocol_.acknowledging()) transport_.send("+");
          return Input::packet;
        case PacketReader::Event::bad_checksum:
          if (protocol_.acknowledging()) transport_.send("-");
          break;
        case PacketReader::Event::too_long:
          if (protocol_.acknowledging()) transport_.send("+");
          send_packet("E01");
          break;
        case PacketReader::Event::nak:
          if (protocol_.acknowledging() && !last_sent_.empty()) transport_.send(last_sent_);
          break;
        case PacketReader::Event::interrupt: return Input::interrupt;
        case PacketReader::Event::ack:
        case PacketReader::Event::none: break;
      }
    }
    inbox_.clear();
    consumed_ = 0;
    switch (transport_.receive(inbox_, wait)) {
      case TcpTransport::Status::ok: break;
      case TcpTransport::Status::nothing: return Input::nothing;
      case TcpTransport::Status::closed: return Input::gone;
      case TcpTransport::Status::interrupted:
        if (std::string reason = interrupted_ ? interrupted_() : ""; !reason.empty()) {
          end(std::move(reason));
          return Input::gone;
        }
        if (!wait) return Input::nothing;
        break;
    }
  }
}

void Server::send_packet(std::string_view payload) {
  last_sent_ = frame(payload);
  transport_.send(last_sent_);
}

void Server::drop_client() {
  transport_.disconnect();
  reader_ = PacketReader(max_packet);
  inbox_.clear();
  consumed_ = 0;
  last_sent_.clear();
  waiting_for_stop_ = false;
  for (DebugTarget* hart : protocol_.harts()) hart->debug().release();
  resumed_.notify(sc_core::SC_ZERO_TIME);
}

void Server::end(std::string reason) {
  ending_ = true;
  run_.stop(std::move(reason));
  transport_.disconnect();
  transport_.close_listener();
  waiting_for_stop_ = false;
  resumed_.notify(sc_core::SC_ZERO_TIME);
}

std::size_t Server::index_of(const HartDebug& hart) const {
  const auto& harts = protocol_.harts();
  for (std::size_t i = 0; i < harts.size(); ++i)
    if (&harts[i]->debug() == &hart) return i;
  throw std::logic_error("a hart the GDB server does not drive called it");
}

}  // namespace vmsim::gdb
