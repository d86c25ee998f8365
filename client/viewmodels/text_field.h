// An editable line of text owned by a view-model (the kiosk draws it; ImGui never owns it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mk::client {

// Invariant: text() is valid UTF-8 of at most max_chars() code points with no control
// characters, bidirectional overrides or emoji; whatever is typed or pasted is filtered to keep it so.
class TextField {
 public:
  explicit TextField(size_t max_chars = 100) : max_chars_(max_chars) {}

  const std::string& text() const { return text_; }
  size_t max_chars() const { return max_chars_; }
  bool empty() const { return text_.empty(); }

  // Appends typed or pasted text. Line breaks become spaces; control characters, bidi
  // controls, emoji and malformed bytes are dropped; text beyond max_chars is cut off.
  // Returns true when something was cut off or dropped.
  bool Append(std::string_view utf8);
  void Backspace();  // removes the last character
  void Clear() { text_.clear(); }
  void Set(std::string_view utf8) {
    text_.clear();
    Append(utf8);
  }

 private:
  std::string text_;
  size_t chars_ = 0;
  size_t max_chars_;
};

}  // namespace mk::client
