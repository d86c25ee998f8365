// The view-model's text field.
#include "text_field.h"

#include "sync/common/utf8.h"

namespace mk::client {
namespace {

bool Dropped(char32_t cp) {
  if (cp == utf8::kReplacement) return true;
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return true;
  if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return true;
  if (cp == 0xFEFF) return true;
  // Emoji and pictographs (and the selectors that make symbols emoji): no name or code has
  // them and the kiosk's fonts cannot show them.
  if (cp >= 0x1F000 || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x2600 && cp <= 0x27BF)) return true;
  return false;
}

}  // namespace

bool TextField::Append(std::string_view in) {
  bool changed_input = false;
  chars_ = utf8::Length(text_);
  for (size_t pos = 0; pos < in.size();) {
    char32_t cp = utf8::DecodeNext(in, &pos);
    if (cp == '\n' || cp == '\r' || cp == '\t') cp = ' ';
    if (Dropped(cp)) {
      changed_input = true;
      continue;
    }
    if (chars_ >= max_chars_) return true;
    utf8::Append(&text_, cp);
    ++chars_;
  }
  return changed_input;
}

void TextField::Backspace() {
  if (text_.empty()) return;
  size_t end = text_.size() - 1;
  while (end > 0 && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) --end;
  text_.resize(end);
}

}  // namespace mk::client
