// The trainer PIN file and the attempt limiter.
#include "trainer_pin.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace mk::client {
namespace {

std::string PinPath(const std::string& dir) { return dir + "/kiosk-pin"; }

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
  const std::string path = PinPath(data_dir);
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("could not write " + tmp + ": " + std::strerror(errno));
  const std::string line = std::string(hash) + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return IoError("could not write " + tmp + ": " + std::strerror(saved_errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return IoError("could not replace " + path + ": " + std::strerror(e));
  }
  return Status::Ok();
}

bool HasTrainerPin(const std::string& data_dir) {
  struct stat st{};
  return ::stat(PinPath(data_dir).c_str(), &st) == 0;
}

Result<bool> VerifyTrainerPin(const std::string& data_dir, std::string_view pin) {
  MK_RETURN_IF_ERROR(InitSodium());
  std::ifstream in(PinPath(data_dir), std::ios::binary);
  if (!in) return NotFound("no trainer PIN is set (mintkiosk pin set)");
  std::string hash;
  std::getline(in, hash);
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
