// The on-screen keyboard's state: German QWERTZ with Ä Ö Ü ß, shift, and a page of other European letters.
#pragma once

#include <string>
#include <vector>

namespace mk::client {

enum class KeyAction { kText, kShift, kBackspace, kSpace, kPage, kEnter };

struct KeyboardKey {
  KeyAction action = KeyAction::kText;
  std::string text;   // what a kText key types in the current shift state (also its label)
  float width = 1.0f; // in key units
};

// Invariant: Rows() describes the current page and shift state; Press() is the only way the
// state changes besides Reset(). Shift is one-shot: it applies to the next letter only.
class OnScreenKeyboard {
 public:
  enum class Page { kLetters, kEuropean };

  // Rows of keys, top to bottom.
  std::vector<std::vector<KeyboardKey>> Rows() const;
  // Applies a key; returns the text it types (empty for shift, page, backspace, enter).
  std::string Press(const KeyboardKey& key);

  bool shift() const { return shift_; }
  Page page() const { return page_; }
  void SetShift(bool on) { shift_ = on; }
  void Reset() {
    shift_ = false;
    page_ = Page::kLetters;
  }

 private:
  bool shift_ = false;
  Page page_ = Page::kLetters;
};

}  // namespace mk::client
