// The trainer PIN that guards leaving the kiosk and its settings: an Argon2 hash in DIR/kiosk-pin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sync/common/status.h"

namespace mk::client {

// A PIN is 4 to 12 digits; the message says what is wrong otherwise.
Status ValidatePinFormat(std::string_view pin);

// Stores libsodium's crypto_pwhash_str of `pin` (interactive limits) in DIR/kiosk-pin with mode
// 0600, replacing any earlier PIN atomically and durably (platform::WriteFileDurably). The PIN
// itself is never written anywhere. Both `mintkiosk pin set` and the kiosk's prompt use this.
Status SetTrainerPin(const std::string& data_dir, std::string_view pin);
// Whether DIR/kiosk-pin exists.
bool HasTrainerPin(const std::string& data_dir);
// True when `pin` matches the stored hash; NotFound when no PIN is set.
Result<bool> VerifyTrainerPin(const std::string& data_dir, std::string_view pin);

// Slows down guessing: after 3 wrong PINs in a row each further try waits 30 s, doubling up to
// 10 minutes. Times come from the caller's clock.
class PinAttemptLimiter {
 public:
  // Milliseconds to wait before the next try is allowed; 0 when a try is allowed now.
  int64_t WaitMs(int64_t now_ms) const;
  void RecordFailure(int64_t now_ms);
  void RecordSuccess() { failures_ = 0; locked_until_ms_ = 0; }
  int failures() const { return failures_; }

 private:
  int failures_ = 0;
  int64_t locked_until_ms_ = 0;
};

}  // namespace mk::client
