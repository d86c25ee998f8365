// Tests for the link emulator: bytes arrive intact through delay and throttling; drops and stalls happen.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "tests/support/link_emulator.h"

using mk::test::LinkEmulator;
using mk::test::LinkProfile;

namespace {

// A one-connection-at-a-time echo server on 127.0.0.1 for the emulator to forward to.
class EchoServer {
 public:
  EchoServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd_, 8) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        const int c = ::accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char buf[8192];
        for (;;) {
          const ssize_t n = ::recv(c, buf, sizeof buf, 0);
          if (n <= 0) break;
          if (::send(c, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
        }
        ::close(c);
      }
    });
  }
  ~EchoServer() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// Sends `data` from a thread and reads until EOF/reset or `data.size()` bytes came back.
std::string RoundTrip(int port, const std::string& data) {
  const int fd = Connect(port);
  std::thread writer([&] {
    size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
  });
  std::string got;
  char buf[8192];
  while (got.size() < data.size()) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  ::shutdown(fd, SHUT_RDWR);
  writer.join();
  ::close(fd);
  return got;
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

}  // namespace

TEST_CASE("Bytes pass the emulated link intact, with delay and a bandwidth limit", "[support][link]") {
  EchoServer echo;
  LinkProfile profile;
  profile.one_way_delay_ms = 20;
  profile.bytes_per_second = 64000;  // 512 kbit/s
  LinkEmulator link(echo.port(), profile);
  const std::string data = Pattern(40000);
  CHECK(RoundTrip(link.port(), data) == data);
  const auto stats = link.Stats();
  CHECK(stats.connections == 1);
  CHECK(stats.bytes_to_server == 40000);
  CHECK(stats.bytes_to_client == 40000);
  CHECK(stats.drops == 0);
}

TEST_CASE("The emulated link drops a connection after a number of bytes", "[support][link]") {
  EchoServer echo;
  LinkProfile profile;
  profile.drop_after_bytes = 10000;
  LinkEmulator link(echo.port(), profile);
  const std::string data = Pattern(100000);
  const std::string got = RoundTrip(link.port(), data);
  CHECK(got.size() < data.size());
  CHECK(data.compare(0, got.size(), got) == 0);  // what arrived is a true prefix
  CHECK(link.Stats().drops == 1);
  // A new connection gets a new budget.
  profile.drop_after_bytes = 0;
  link.SetProfile(profile);
  CHECK(RoundTrip(link.port(), "hello") == "hello");
}

TEST_CASE("The emulated link can stall and then be dropped by hand", "[support][link]") {
  EchoServer echo;
  LinkProfile profile;
  profile.drop_after_bytes = 3000;
  profile.stall_instead_of_drop = true;
  LinkEmulator link(echo.port(), profile);
  const int fd = Connect(link.port());
  const std::string data = Pattern(20000);
  std::thread writer([&] { (void)::send(fd, data.data(), data.size(), MSG_NOSIGNAL); });
  // Bounded wait for the emulator to report the stall.
  bool stalled = false;
  for (int i = 0; i < 200000 && !stalled; ++i) {
    stalled = link.Stats().stalls == 1;
    if (!stalled) std::this_thread::yield();
  }
  CHECK(stalled);
  link.DropAll();
  std::string got;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  CHECK(got.size() <= 3000);
  writer.join();
  ::close(fd);
  CHECK(link.Stats().drops == 1);
}
