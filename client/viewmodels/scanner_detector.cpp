// Scanner burst detection.
#include "scanner_detector.h"

namespace mk::client {

bool ScannerDetector::OnChar(std::string_view utf8_char, int64_t now_ms) {
  const bool starts = chars_ == 0 || now_ms - last_ms_ > options_.max_gap_ms;
  if (starts) {
    burst_.clear();
    chars_ = 0;
  }
  last_ms_ = now_ms;
  if (chars_ < options_.max_chars + 1) {
    burst_ += utf8_char;
    ++chars_;
  }
  return starts;
}

std::optional<std::string> ScannerDetector::OnEnter(int64_t now_ms) {
  std::optional<std::string> code;
  if (chars_ >= options_.min_chars && chars_ <= options_.max_chars && now_ms - last_ms_ <= options_.max_gap_ms) {
    code = burst_;
  }
  Reset();
  return code;
}

bool ScannerDetector::InBurst(int64_t now_ms) const { return chars_ > 0 && now_ms - last_ms_ <= options_.max_gap_ms; }

void ScannerDetector::Reset() {
  burst_.clear();
  chars_ = 0;
  last_ms_ = INT64_MIN / 2;
}

}  // namespace mk::client
