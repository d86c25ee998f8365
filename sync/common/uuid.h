// Record ids that two offline devices can create without ever colliding: UUIDv7 as text.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace mk {

// Lower-case canonical text form "0190f5c2-7a3b-7cde-8f01-23456789abcd".
// Version 7: 48 bits of Unix milliseconds, then 74 random bits from libsodium, so ids sort
// roughly by creation time (good for B-tree locality and compression) and the random part
// makes collisions between devices practically impossible without any coordination.
class UuidGenerator {
 public:
  // Thread-safe. Within one generator ids are strictly increasing even when the clock stalls
  // or steps back (the random tail is treated as a counter then).
  std::string Next(int64_t unix_ms);

 private:
  std::mutex mu_;
  int64_t last_ms_ = 0;
  uint8_t last_[16] = {};
};

// A UUIDv7-shaped id whose bits all come from `seed_a` and `seed_b`: for deterministic demo
// data and tests only.
std::string DeterministicUuid(uint64_t seed_a, uint64_t seed_b);

// True for the canonical 36-character lower- or upper-case form of any UUID.
bool IsUuid(std::string_view text);

// Random text from an alphabet without look-alikes (no 0/O, 1/I/l): for codes people type.
std::string RandomCode(size_t length);
inline constexpr std::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

}  // namespace mk
