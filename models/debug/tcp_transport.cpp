#include "vmsim/models/debug/tcp_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

namespace vmsim::gdb {
namespace {

// How long a send may wait for a client that does not read before the client is dropped.
constexpr int send_timeout_seconds = 10;

}  // namespace

TcpTransport::TcpTransport(std::uint16_t port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error(fmt::format("cannot open a socket: {}", std::strerror(errno)));
  // A port that a previous run left in TIME_WAIT is free; one another process listens on is not.
  const int on = 1;
  ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listener_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener_, 1) != 0) {
    const int error = errno;
    ::close(listener_);
    if (error == EADDRINUSE) throw std::runtime_error(fmt::format("127.0.0.1:{} is in use by another process", port));
    throw std::runtime_error(fmt::format("cannot listen on 127.0.0.1:{}: {}", port, std::strerror(error)));
  }
  socklen_t length = sizeof address;
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
}

TcpTransport::~TcpTransport() {
  disconnect();
  close_listener();
}

TcpTransport::Status TcpTransport::accept_client(bool wait) {
  if (listener_ < 0) return Status::nothing;
  pollfd ready{listener_, POLLIN, 0};
  const int count = ::poll(&ready, 1, wait ? -1 : 0);
  if (count < 0) return errno == EINTR ? Status::interrupted : Status::nothing;
  if (count == 0) return Status::nothing;
  const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return errno == EINTR ? Status::interrupted : Status::nothing;
  // Each packet is small and answered before the next: no coalescing delay.
  const int on = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  const timeval timeout{send_timeout_seconds, 0};
  ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  client_ = client;
  return Status::ok;
}

TcpTransport::Status TcpTransport::receive(std::string& bytes, bool wait) {
  if (client_ < 0) return Status::closed;
  for (;;) {
    pollfd ready[2] = {{client_, POLLIN, 0}, {listener_, POLLIN, 0}};
    const int count = ::poll(ready, listener_ >= 0 ? 2 : 1, wait ? -1 : 0);
    if (count < 0) {
      if (errno == EINTR) return Status::interrupted;
      disconnect();
      return Status::closed;
    }
    if (count == 0) return Status::nothing;
    if (listener_ >= 0 && (ready[1].revents & POLLIN) != 0) turn_away();
    if (ready[0].revents == 0) continue;
    char buffer[4096];
    const ssize_t received = ::recv(client_, buffer, sizeof buffer, 0);
    if (received < 0 && errno == EINTR) return Status::interrupted;
    if (received <= 0) {
      disconnect();
      return Status::closed;
    }
    bytes.append(buffer, static_cast<std::size_t>(received));
    return Status::ok;
  }
}

bool TcpTransport::send(std::string_view bytes) {
  while (client_ >= 0 && !bytes.empty()) {
    const ssize_t sent = ::send(client_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) {
      disconnect();
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return client_ >= 0;
}

void TcpTransport::disconnect() {
  if (client_ < 0) return;
  ::close(client_);
  client_ = -1;
}

void TcpTransport::close_listener() {
  if (listener_ < 0) return;
  ::close(listener_);
  listener_ = -1;
}

void TcpTransport::turn_away() {
  const int newcomer = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
  if (newcomer >= 0) ::close(newcomer);
}

}  // namespace vmsim::gdb
