// UUIDv7 generation and validation, and human-typable random codes.
#include "uuid.h"

#include <sodium.h>

#include <cstring>

namespace mk {
namespace {

std::string Format(const uint8_t b[16]) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[b[i] >> 4]);
    s.push_back(kHex[b[i] & 0xF]);
  }
  return s;
}

void EnsureSodium() {
  static const int kInit = sodium_init();
  (void)kInit;  // 0 or 1 (already initialised) are both fine; -1 cannot happen on Linux
}

}  // namespace

std::string UuidGenerator::Next(int64_t unix_ms) {
  EnsureSodium();
  std::lock_guard<std::mutex> lock(mu_);
  uint8_t b[16];
  if (unix_ms > last_ms_) {
    randombytes_buf(b + 6, 10);
    last_ms_ = unix_ms;
  } else {
    // Clock stalled or went back: keep the previous timestamp and count up the tail, so
    // ids from this device stay strictly increasing.
    std::memcpy(b, last_, 16);
    for (int i = 15; i >= 6; --i) {
      if (++b[i] != 0) break;
    }
  }
  const uint64_t ms = static_cast<uint64_t>(last_ms_);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0F));
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3F));
  std::memcpy(last_, b, 16);
  return Format(b);
}

std::string DeterministicUuid(uint64_t seed_a, uint64_t seed_b) {
  uint8_t b[16];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(seed_a >> (56 - 8 * i));
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<uint8_t>(seed_b >> (56 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | (b[6] & 0x0F));
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3F));
  return Format(b);
}

bool IsUuid(std::string_view t) {
  if (t.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const char c = t[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string RandomCode(size_t length) {
  EnsureSodium();
  std::string out;
  out.reserve(length);
  for (size_t i = 0; i < length; ++i) {
    out.push_back(kCodeAlphabet[randombytes_uniform(static_cast<uint32_t>(kCodeAlphabet.size()))]);
  }
  return out;
}

}  // namespace mk
