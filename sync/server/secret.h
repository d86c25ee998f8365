// Secrets of enrolment: device tokens, one-time enrolment codes, and the hashes the server keeps.
#pragma once

#include <string>
#include <string_view>

namespace mk::server {

// Letters of an enrolment code (from mk::kCodeAlphabet: no 0/O, 1/I/l), shown as XXXXX-XXXXX.
// 10 letters of 31 give about 49 bits: with the per-address rate limit on /v1/enroll and a
// lifetime of hours, guessing a live code is hopeless.
inline constexpr size_t kEnrolmentCodeLetters = 10;

// A new random code, grouped for reading aloud and typing: "K7QX2-MHT9C".
std::string NewEnrolmentCode();

// The canonical form of a typed code: spaces and dashes dropped, letters upper-cased. Empty when
// the result is not kEnrolmentCodeLetters letters of the code alphabet.
std::string NormalizeEnrolmentCode(std::string_view typed);

// A new device token: 32 random bytes as 64 lower-case hex digits.
std::string NewDeviceToken();
inline constexpr size_t kDeviceTokenLength = 64;

// True when `token` has the shape of a device token (64 lower-case hex digits).
bool LooksLikeDeviceToken(std::string_view token);

// SHA-256 of `secret` as lower-case hex: what the server stores instead of codes and tokens.
// Tokens and codes carry enough entropy that an unsalted fast hash is the right tool here.
std::string HashSecret(std::string_view secret);

}  // namespace mk::server
