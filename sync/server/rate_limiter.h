// RateLimiter: token buckets per key (a device id, a client address) against floods and guessing.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace mk::server {

// Each key has a bucket of `burst` tokens refilled at `per_second`; a request takes one token
// or is refused. Memory is bounded: when more than `max_keys` keys are tracked, the full
// (idle) buckets are forgotten, since a full bucket is the state of a key never seen.
// Thread-safe.
class RateLimiter {
 public:
  // per_second <= 0 turns the limiter off (every request passes).
  RateLimiter(double per_second, double burst, size_t max_keys = 100000);

  // True when `key` may make one more request at `now_ms`. When refused, *retry_after_s is the
  // whole number of seconds until one token is back (at least 1).
  bool Allow(const std::string& key, int64_t now_ms, int64_t* retry_after_s = nullptr);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  double Refilled(const Bucket& b, int64_t now_ms) const;

  const double per_second_;
  const double burst_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
};

}  // namespace mk::server
