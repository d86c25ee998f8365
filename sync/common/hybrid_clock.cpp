// Hybrid logical clock arithmetic.
#include "hybrid_clock.h"

#include <algorithm>

namespace mk {

HlcStamp HybridClock::Advance(int64_t wall_ms) {
  // The next stamp is the wall clock when it is ahead of everything seen, otherwise one
  // counter step after the greatest stamp seen; a full counter moves to the next millisecond.
  const HlcStamp from_wall = MakeHlc(std::max<int64_t>(wall_ms, 0), 0);
  const HlcStamp base = last_;
  if (from_wall > base) return from_wall;
  if (HlcCounter(base) == 0xFFFF) return MakeHlc(HlcMillis(base) + 1, 0);
  return base + 1;
}

HlcStamp HybridClock::Now() {
  const int64_t wall = wall_->NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  last_ = Advance(wall);
  return last_;
}

Status HybridClock::Observe(HlcStamp remote, int64_t max_ahead_ms) {
  const int64_t wall = wall_->NowMs();
  if (HlcMillis(remote) > wall + max_ahead_ms) {
    return InvalidArgument("a change is stamped " + std::to_string((HlcMillis(remote) - wall) / 60000) +
                           " minutes ahead of this device's clock; check the clock of the device that made it");
  }
  // Observing issues no stamp: it only raises the floor the next local stamp must exceed.
  std::lock_guard<std::mutex> lock(mu_);
  last_ = std::max(last_, remote);
  return Status::Ok();
}

HlcStamp HybridClock::Last() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_;
}

}  // namespace mk
