// The trainer PIN file and the attempt limiter.
#include "trainer_pin.h"

#include <sodium.h>

#include <algorithm>

#include "platform/file_io.h"
#include "platform/paths.h"

namespace mk::client {
namespace {

std::string PinPath(const std::string& dir) { return platform::JoinPath(dir, "kiosk-pin"); }

Status InitSodium() {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  return Status::Ok();
}

}  // namespace

Status ValidatePinFormat(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 12) return InvalidArgument("the PIN must have 4 to 12 digits");
  if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return InvalidArgument("the PIN may contain digits only");
  }
  return Status::Ok();
}

Status SetTrainerPin(const std::string& data_dir, std::string_view pin) {
  MK_RETURN_IF_ERROR(ValidatePinFormat(pin));
  MK_RETURN_IF_ERROR(InitSodium());
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Internal("not enough memory to hash the PIN");
  }
  return platform::WriteFileDurably(PinPath(data_dir), std::string(hash) + "\n", platform::FileAccess::kOwnerOnly);
}

bool HasTrainerPin(const std::string& data_dir) {
  return platform::FileExists(PinPath(data_dir));
}

Result<bool> VerifyTrainerPin(const std::string& data_dir, std::string_view pin) {
  MK_RETURN_IF_ERROR(InitSodium());
  auto content = platform::ReadSmallFile(PinPath(data_dir), 4096);
  if (!content.ok()) {
    if (content.status().code() == ErrorCode::kNotFound) return NotFound("no trainer PIN is set (mintkiosk pin set)");
    return content.status();
  }
  const std::string hash = content->substr(0, content->find('\n'));
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return Corrupt(PinPath(data_dir) + " holds no PIN hash");
  if (pin.empty() || pin.size() > 64) return false;
  const std::string pin_copy(pin);
  return crypto_pwhash_str_verify(hash.c_str(), pin_copy.c_str(), pin_copy.size()) == 0;
}

int64_t PinAttemptLimiter::WaitMs(int64_t now_ms) const { return std::max<int64_t>(0, locked_until_ms_ - now_ms); }

void PinAttemptLimiter::RecordFailure(int64_t now_ms) {
  ++failures_;
  if (failures_ >= 3) {
    const int doublings = std::min(failures_ - 3, 5);
    const int64_t wait = std::min<int64_t>(int64_t{30000} << doublings, 600000);
    locked_until_ms_ = now_ms + wait;
  }
}

}  // namespace mk::client
