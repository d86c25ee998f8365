// Exponential backoff with full jitter.
#include "backoff.h"

#include <algorithm>
#include <memory>
#include <random>

namespace mk::sync {

Backoff::Backoff(int64_t base_ms, int64_t max_ms, Random random)
    : base_ms_(std::max<int64_t>(1, base_ms)), max_ms_(std::max(base_ms_, max_ms)), random_(std::move(random)) {
  if (!random_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
}

int64_t Backoff::CeilingMs() const {
  if (failures_ == 0) return 0;
  int64_t ceiling = base_ms_;
  for (int i = 1; i < failures_ && ceiling < max_ms_; ++i) ceiling *= 2;
  return std::min(ceiling, max_ms_);
}

int64_t Backoff::NextDelayMs() {
  if (failures_ < 1000) ++failures_;  // the ceiling stopped growing long before
  const double r = std::clamp(random_(), 0.0, 1.0);
  return static_cast<int64_t>(r * static_cast<double>(CeilingMs()));
}

}  // namespace mk::sync
