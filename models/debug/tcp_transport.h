// The GDB server's TCP transport: a socket listening on 127.0.0.1 only, and at most one client at a
// time (a second one is turned away: its connection is closed at once). Blocking calls end early
// when a signal arrives (SIGINT, SIGTERM: the caller decides what that means); writing to a client
// that has gone never raises SIGPIPE, and a client that stops reading is dropped after a while
// instead of blocking vmsim for ever.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vmsim/models/core/export.h"

namespace vmsim::gdb {

class VMSIM_API TcpTransport {
 public:
  enum class Status : std::uint8_t {
    ok,           // done: a client was accepted, bytes arrived
    nothing,      // without waiting, nothing was there
    closed,       // the client has gone (it closed, reset, or stopped reading): it is disconnected
    interrupted,  // a signal came first
  };

  // Listens on 127.0.0.1:`port`, or on a port the system chooses if 0. Throws std::runtime_error
  // ("127.0.0.1:1234 is in use by another process") if it cannot.
  explicit TcpTransport(std::uint16_t port);
  ~TcpTransport();
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  // The port listened on (the one the system chose, for 0).
  std::uint16_t port() const { return port_; }
  bool connected() const { return client_ >= 0; }

  // Accepts a client: waiting for one, or only if one is there already.
  Status accept_client(bool wait);
  // Appends to `bytes` what the client sent: waiting until something arrives, or only what is
  // there already.
  Status receive(std::string& bytes, bool wait);
  // Sends all of `bytes`; false if the client has gone (it is then disconnected).
  bool send(std::string_view bytes);
  void disconnect();
  // Stops listening: no client will be accepted again (the run is over).
  void close_listener();

 private:
  // Accepts and closes a connection waiting on the listener, if one is: the server has a client.
  void turn_away();

  int listener_ = -1;
  int client_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace vmsim::gdb
