// Random tokens and codes from libsodium; SHA-256 hashing for what the server keeps.
#include "secret.h"

#include <sodium.h>

#include "sync/common/text_encoding.h"

#include <cassert>

#include "sync/common/uuid.h"

namespace mk::server {
namespace {

std::string Hex(const unsigned char* bytes, size_t n) { return HexLower(bytes, n); }

void EnsureSodium() {
  static const int kInit = sodium_init();
  assert(kInit >= 0 && "libsodium failed to initialise");
  (void)kInit;
}

}  // namespace

std::string NewEnrolmentCode() {
  std::string letters = RandomCode(kEnrolmentCodeLetters);
  return letters.substr(0, 5) + "-" + letters.substr(5);
}

std::string NormalizeEnrolmentCode(std::string_view typed) {
  std::string out;
  for (char ch : typed) {
    if (ch == ' ' || ch == '-') continue;
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    if (kCodeAlphabet.find(ch) == std::string_view::npos) return "";
    out.push_back(ch);
    if (out.size() > kEnrolmentCodeLetters) return "";
  }
  if (out.size() != kEnrolmentCodeLetters) return "";
  return out;
}

std::string NewDeviceToken() {
  EnsureSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return Hex(bytes, sizeof bytes);
}

bool LooksLikeDeviceToken(std::string_view token) {
  if (token.size() != kDeviceTokenLength) return false;
  for (char ch : token) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

std::string HashSecret(std::string_view secret) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  return Hex(digest, sizeof digest);
}

}  // namespace mk::server
