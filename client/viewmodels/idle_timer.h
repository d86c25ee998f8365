// The shared screen's idle reset: after a quiet while, a countdown, then everything is forgotten.
#pragma once

#include <cstdint>
#include <optional>

namespace mk::client {

// Any input extends the deadline. The countdown shows during the last countdown_ms.
class IdleTimer {
 public:
  IdleTimer(int64_t idle_ms, int64_t countdown_ms) : idle_ms_(idle_ms), countdown_ms_(countdown_ms) {}

  void SetIdleMs(int64_t idle_ms) { idle_ms_ = idle_ms; }
  int64_t idle_ms() const { return idle_ms_; }
  void Touch(int64_t now_ms) { last_input_ms_ = now_ms; }
  int64_t Deadline() const { return last_input_ms_ + idle_ms_; }
  bool Expired(int64_t now_ms) const { return now_ms >= Deadline(); }
  // Whole seconds left (rounded up) while the countdown shows, else nullopt.
  std::optional<int> CountdownSeconds(int64_t now_ms) const;
  // How long until the display must change next (the countdown start, a second tick, the reset).
  int64_t NextChangeInMs(int64_t now_ms) const;

 private:
  int64_t idle_ms_;
  int64_t countdown_ms_;
  int64_t last_input_ms_ = 0;
};

}  // namespace mk::client
