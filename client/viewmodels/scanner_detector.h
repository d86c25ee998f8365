// Tells a badge or QR scanner from a person typing: scanners type a burst of characters and Enter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mk::client {

// USB scanners present themselves as keyboards and type a whole code within a few
// milliseconds, then Enter. People need 100 ms or more per key, and no one keeps every gap of
// a word and the Enter after it under 60 ms. A burst is a run of characters with gaps of at
// most max_gap_ms; Enter right after a burst of at least min_chars characters is a scanned
// code. The times are those at which the kiosk sees the characters, one frame apart at worst
// (a slow software renderer needs some 30 ms a frame), hence the margin. Times come from the
// caller (an injected clock), so tests are exact.
class ScannerDetector {
 public:
  struct Options {
    int64_t max_gap_ms = 60;
    size_t min_chars = 4;
    size_t max_chars = 64;
  };
  ScannerDetector() = default;
  explicit ScannerDetector(Options options) : options_(options) {}

  // One typed character (a UTF-8 code point) at `now_ms`. Returns true when it starts a new
  // burst (so the caller can remember what the focused field held before it).
  bool OnChar(std::string_view utf8_char, int64_t now_ms);
  // Enter at `now_ms`: the code when the characters before it were a burst, else nullopt.
  // Either way the burst ends.
  std::optional<std::string> OnEnter(int64_t now_ms);
  // Whether a burst is in progress at `now_ms` (characters may still be coming).
  bool InBurst(int64_t now_ms) const;
  void Reset();

 private:
  Options options_;
  std::string burst_;
  size_t chars_ = 0;
  int64_t last_ms_ = INT64_MIN / 2;
};

}  // namespace mk::client
