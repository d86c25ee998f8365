// Token buckets with lazy refill: no timer thread, O(1) per request.
#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace mk::server {

RateLimiter::RateLimiter(double per_second, double burst, size_t max_keys)
    : per_second_(per_second), burst_(std::max(1.0, burst)), max_keys_(max_keys) {}

double RateLimiter::Refilled(const Bucket& b, int64_t now_ms) const {
  const double elapsed_s = static_cast<double>(std::max<int64_t>(0, now_ms - b.updated_ms)) / 1000.0;
  return std::min(burst_, b.tokens + elapsed_s * per_second_);
}

bool RateLimiter::Allow(const std::string& key, int64_t now_ms, int64_t* retry_after_s) {
  if (per_second_ <= 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= max_keys_ && buckets_.find(key) == buckets_.end()) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = Refilled(it->second, now_ms) >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  b.tokens = Refilled(b, now_ms);
  b.updated_ms = std::max(b.updated_ms, now_ms);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return true;
  }
  if (retry_after_s) {
    *retry_after_s = std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1.0 - b.tokens) / per_second_)));
  }
  return false;
}

}  // namespace mk::server
