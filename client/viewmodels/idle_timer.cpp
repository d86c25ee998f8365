// The idle timer.
#include "idle_timer.h"

#include <algorithm>

namespace mk::client {

std::optional<int> IdleTimer::CountdownSeconds(int64_t now_ms) const {
  const int64_t left = Deadline() - now_ms;
  const int64_t shown = std::min(countdown_ms_, idle_ms_);
  if (left > shown) return std::nullopt;
  return static_cast<int>((std::max<int64_t>(left, 0) + 999) / 1000);
}

int64_t IdleTimer::NextChangeInMs(int64_t now_ms) const {
  const int64_t left = Deadline() - now_ms;
  if (left <= 0) return 0;
  const int64_t shown = std::min(countdown_ms_, idle_ms_);
  if (left > shown) return left - shown;
  const int64_t to_tick = left % 1000;
  return to_tick == 0 ? 1000 : to_tick;
}

}  // namespace mk::client
