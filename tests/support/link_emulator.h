// A TCP proxy on 127.0.0.1 that behaves like a poor rural link: delay, bandwidth, drops, stalls.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>

namespace mk::test {

// How the emulated link behaves. Applies to connections accepted after it is set.
struct LinkProfile {
  int64_t one_way_delay_ms = 0;      // added to every chunk in each direction (RTT = 2x)
  int64_t bytes_per_second = 0;      // per direction and connection; 0 = unlimited
  int64_t drop_after_bytes = 0;      // reset the connection after this many bytes (both
                                     // directions together) have been forwarded; 0 = never
  int64_t drop_jitter_bytes = 0;     // plus a random 0..jitter, from `seed`
  bool stall_instead_of_drop = false;  // at the limit stop forwarding but keep the socket open
  uint64_t seed = 1;
};

struct LinkStats {
  int64_t connections = 0;
  int64_t bytes_to_server = 0;
  int64_t bytes_to_client = 0;
  int64_t drops = 0;
  int64_t stalls = 0;
};

// Listens on 127.0.0.1:<ephemeral> and forwards every connection to 127.0.0.1:upstream_port
// through the profile. One background thread does all the work (poll); Stop() or the
// destructor ends it and closes every socket. Thread-safe.
class LinkEmulator {
 public:
  LinkEmulator(int upstream_port, const LinkProfile& profile);
  ~LinkEmulator();
  LinkEmulator(const LinkEmulator&) = delete;
  LinkEmulator& operator=(const LinkEmulator&) = delete;

  int port() const { return port_; }
  void SetProfile(const LinkProfile& profile);
  // Resets every open connection now (a link that drops mid-transfer).
  void DropAll();
  LinkStats Stats() const;
  void Stop();

 private:
  void Loop();

  int upstream_port_;
  int listen_fd_ = -1;
  int wake_fds_[2] = {-1, -1};
  int port_ = 0;
  mutable std::mutex mu_;
  LinkProfile profile_;
  LinkStats stats_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> drop_all_{false};
  std::thread thread_;
};

}  // namespace mk::test
