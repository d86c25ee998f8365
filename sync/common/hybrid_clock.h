// Hybrid logical clock: orders changes across devices without trusting any device's wall clock.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "clock.h"
#include "status.h"

namespace mk {

// A timestamp packs 48 bits of milliseconds since the Unix epoch and a 16-bit counter:
// (ms << 16) | counter. It is close to real time when clocks are sane, and it never goes
// backwards on a device even when the wall clock does (a clock set back a day keeps issuing
// stamps after the last one). Ties between devices are broken by device id where a total
// order is needed.
using HlcStamp = uint64_t;

inline constexpr int64_t HlcMillis(HlcStamp s) { return static_cast<int64_t>(s >> 16); }
inline constexpr uint32_t HlcCounter(HlcStamp s) { return static_cast<uint32_t>(s & 0xFFFF); }
inline constexpr HlcStamp MakeHlc(int64_t ms, uint32_t counter) {
  return (static_cast<uint64_t>(ms) << 16) | (counter & 0xFFFF);
}

// Thread-safe.
class HybridClock {
 public:
  // `last` is the greatest stamp this device issued or observed before (persisted by the
  // caller), so a restart never reissues an older stamp.
  explicit HybridClock(Clock* wall, HlcStamp last = 0) : wall_(wall), last_(last) {}

  // A stamp for a local event, greater than every stamp issued or observed so far.
  HlcStamp Now();

  // Merges a stamp received from another device or the server, so later local stamps order
  // after it. A stamp more than `max_ahead_ms` ahead of this device's wall clock is refused
  // (kInvalidArgument), so one device with a clock years ahead cannot drag every other device
  // into its future.
  Status Observe(HlcStamp remote, int64_t max_ahead_ms = kDefaultMaxAheadMs);

  HlcStamp Last() const;

  static constexpr int64_t kDefaultMaxAheadMs = 24LL * 3600 * 1000;

 private:
  HlcStamp Advance(int64_t wall_ms);  // REQUIRES: mu_ held

  Clock* wall_;
  mutable std::mutex mu_;
  HlcStamp last_;
};

}  // namespace mk
