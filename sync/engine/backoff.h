// Backoff: how long a failing background sync waits before it tries again.
#pragma once

#include <cstdint>
#include <functional>

namespace mk::sync {

// Exponential backoff with full jitter: after the n-th failure in a row the wait is drawn
// uniformly from [0, min(max, base * 2^(n-1))]. The jitter spreads the retries of many kiosks
// that lost the server at the same moment, so they do not all come back in one burst.
// The random source returns values in [0, 1); tests inject their own.
// Thread safety: one thread at a time.
class Backoff {
 public:
  using Random = std::function<double()>;

  // A null `random` uses a generator seeded from std::random_device.
  Backoff(int64_t base_ms, int64_t max_ms, Random random = nullptr);

  // Records a failure and returns the wait before the next attempt.
  int64_t NextDelayMs();
  // Records a success: the next failure starts from `base` again.
  void Reset() { failures_ = 0; }

  int failures() const { return failures_; }
  // The upper bound of the wait after the current number of failures (0 before any).
  int64_t CeilingMs() const;

 private:
  int64_t base_ms_;
  int64_t max_ms_;
  Random random_;
  int failures_ = 0;
};

}  // namespace mk::sync
