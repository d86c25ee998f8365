// The link emulator's event loop: per-connection queues with delivery times and a byte budget.
#include "link_emulator.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace mk::test {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SetNonBlocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Closes with RST instead of FIN, as a dropped radio link looks to the peers.
void Reset(int fd) {
  if (fd < 0) return;
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

struct Chunk {
  int64_t deliver_at_ms;
  std::string bytes;
  size_t offset = 0;
};

// One direction of a connection.
struct Pipe {
  std::deque<Chunk> queue;
  int64_t budget_start_ms = 0;  // bandwidth accounting
  int64_t sent_since_start = 0;
  bool source_closed = false;
  bool shut_down = false;
};

struct Connection {
  int client = -1;
  int server = -1;
  Pipe up;    // client -> server
  Pipe down;  // server -> client
  LinkProfile profile;
  int64_t forwarded = 0;
  int64_t limit = 0;  // 0 = none
  bool stalled = false;
  bool dead = false;
};

}  // namespace

LinkEmulator::LinkEmulator(int upstream_port, const LinkProfile& profile)
    : upstream_port_(upstream_port), profile_(profile) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("link emulator: cannot listen on 127.0.0.1");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  SetNonBlocking(listen_fd_);
  if (::pipe2(wake_fds_, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("link emulator: pipe failed");
  thread_ = std::thread([this] { Loop(); });
}

LinkEmulator::~LinkEmulator() { Stop(); }

void LinkEmulator::Stop() {
  if (stop_.exchange(true)) return;
  char c = 's';
  (void)!::write(wake_fds_[1], &c, 1);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_fds_[0]);
  ::close(wake_fds_[1]);
}

void LinkEmulator::SetProfile(const LinkProfile& profile) {
  std::lock_guard<std::mutex> lock(mu_);
  profile_ = profile;
}

void LinkEmulator::DropAll() {
  drop_all_ = true;
  char c = 'd';
  (void)!::write(wake_fds_[1], &c, 1);
}

LinkStats LinkEmulator::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void LinkEmulator::Loop() {
  std::vector<std::unique_ptr<Connection>> conns;
  std::mt19937_64 rng;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rng.seed(profile_.seed);
  }
  char buf[16384];

  auto kill = [&](Connection& c, bool count_drop) {
    // Counted before the sockets close, so a peer that sees the reset also sees the count.
    if (count_drop) {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.drops;
    }
    Reset(c.client);
    Reset(c.server);
    c.client = c.server = -1;
    c.dead = true;
  };

  // Moves queued bytes whose time has come to `fd`, within the bandwidth budget.
  auto flush = [&](Connection& c, Pipe& p, int fd, bool to_server, int64_t now) {
    while (!c.dead && !c.stalled && !p.queue.empty() && p.queue.front().deliver_at_ms <= now) {
      Chunk& chunk = p.queue.front();
      size_t allowed = chunk.bytes.size() - chunk.offset;
      if (c.profile.bytes_per_second > 0) {
        if (p.budget_start_ms == 0 || now - p.budget_start_ms > 1000) {
          p.budget_start_ms = now;
          p.sent_since_start = 0;
        }
        const int64_t budget = c.profile.bytes_per_second * (now - p.budget_start_ms + 1) / 1000 - p.sent_since_start;
        if (budget <= 0) return;
        allowed = std::min<size_t>(allowed, static_cast<size_t>(budget));
      }
      if (c.limit > 0) allowed = std::min<size_t>(allowed, static_cast<size_t>(std::max<int64_t>(c.limit - c.forwarded, 0)));
      if (allowed == 0) {
        if (c.profile.stall_instead_of_drop) {
          c.stalled = true;
          std::lock_guard<std::mutex> lock(mu_);
          ++stats_.stalls;
        } else {
          kill(c, true);
        }
        return;
      }
      ssize_t n;
      {
        // Sent under the lock, so whoever has received these bytes sees them counted.
        std::lock_guard<std::mutex> lock(mu_);
        n = ::send(fd, chunk.bytes.data() + chunk.offset, allowed, MSG_NOSIGNAL);
        if (n > 0) (to_server ? stats_.bytes_to_server : stats_.bytes_to_client) += n;
      }
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        kill(c, false);
        return;
      }
      chunk.offset += static_cast<size_t>(n);
      p.sent_since_start += n;
      c.forwarded += n;
      if (chunk.offset == chunk.bytes.size()) p.queue.pop_front();
    }
    if (!c.dead && p.queue.empty() && p.source_closed && !p.shut_down) {
      ::shutdown(fd, SHUT_WR);
      p.shut_down = true;
    }
  };

  while (!stop_) {
    const int64_t now = NowMs();
    if (drop_all_.exchange(false)) {
      for (auto& c : conns) {
        if (!c->dead) kill(*c, true);
      }
    }
    conns.erase(std::remove_if(conns.begin(), conns.end(),
                               [](const auto& c) {
                                 return c->dead || (c->up.shut_down && c->down.shut_down);
                               }),
                conns.end());

    std::vector<pollfd> fds;
    fds.push_back({listen_fd_, POLLIN, 0});
    fds.push_back({wake_fds_[0], POLLIN, 0});
    int64_t next_ms = -1;
    for (auto& c : conns) {
      auto want = [&](Pipe& in, Pipe& out, int in_fd, int out_fd) {
        // Read only while little is queued: back-pressure, bounded memory.
        const bool room = in.queue.size() < 64;
        fds.push_back({in_fd, static_cast<short>((room && !in.source_closed && !c->stalled) ? POLLIN : 0), 0});
        const bool due = !in.queue.empty() && in.queue.front().deliver_at_ms <= now;
        fds.push_back({out_fd, static_cast<short>(due && !c->stalled ? POLLOUT : 0), 0});
        if (!in.queue.empty() && !c->stalled) {
          const int64_t t = in.queue.front().deliver_at_ms;
          if (next_ms < 0 || t < next_ms) next_ms = t;
        }
        (void)out;
      };
      want(c->up, c->down, c->client, c->server);
      want(c->down, c->up, c->server, c->client);
    }
    int timeout = -1;
    if (next_ms >= 0) timeout = static_cast<int>(std::clamp<int64_t>(next_ms - now, 0, 1000));
    // Bandwidth refills with time: wake at least every few milliseconds while bytes wait.
    if (next_ms >= 0 && timeout == 0) timeout = 5;
    ::poll(fds.data(), fds.size(), timeout);
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (::read(wake_fds_[0], drain, sizeof drain) > 0) {
      }
    }
    if (fds[0].revents & POLLIN) {
      for (;;) {
        const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) break;
        const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
        if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
          Reset(client);
          ::close(server);
          continue;
        }
        SetNonBlocking(server);
        int one = 1;
        ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto c = std::make_unique<Connection>();
        c->client = client;
        c->server = server;
        {
          std::lock_guard<std::mutex> lock(mu_);
          c->profile = profile_;
          ++stats_.connections;
        }
        if (c->profile.drop_after_bytes > 0) {
          c->limit = c->profile.drop_after_bytes;
          if (c->profile.drop_jitter_bytes > 0) {
            c->limit += static_cast<int64_t>(rng() % static_cast<uint64_t>(c->profile.drop_jitter_bytes + 1));
          }
        }
        conns.push_back(std::move(c));
      }
    }
    const int64_t after = NowMs();
    for (size_t i = 0; i < conns.size(); ++i) {
      Connection& c = *conns[i];
      if (c.dead) continue;
      auto read_side = [&](int fd, Pipe& p) {
        for (;;) {
          const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
          if (n > 0) {
            p.queue.push_back(Chunk{after + c.profile.one_way_delay_ms, std::string(buf, static_cast<size_t>(n))});
            if (p.queue.size() >= 64) return;
            continue;
          }
          if (n == 0) {
            p.source_closed = true;
          } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            kill(c, false);
          }
          return;
        }
      };
      if (!c.stalled && !c.up.source_closed) read_side(c.client, c.up);
      if (!c.dead && !c.stalled && !c.down.source_closed) read_side(c.server, c.down);
      if (!c.dead) flush(c, c.up, c.server, true, after);
      if (!c.dead) flush(c, c.down, c.client, false, after);
    }
  }
  for (auto& c : conns) {
    Reset(c->client);
    Reset(c->server);
  }
}

}  // namespace mk::test
