// The on-screen keyboard's state: German QWERTZ with Ä Ö Ü ß, shift, and pages of digits and other European letters.
#pragma once

#include <string>
#include <vector>

namespace mk::client {

enum class KeyAction { kText, kShift, kBackspace, kSpace, kPage, kEnter };

// The pages of keys.
//   kLetters       QWERTZ with Ä Ö Ü ß (on a wide keyboard also digits, @ and - ' . _ /)
//   kSymbols       digits and punctuation (compact keyboards only)
//   kEuropean      other European letters (a wide keyboard has all of them on this page)
//   kEuropeanMore  the rest of them on a compact keyboard
enum class KeyboardPage { kLetters, kSymbols, kEuropean, kEuropeanMore };

// How many keys fit a row. kWide: tablets and kiosks, QWERTZ rows of 11 keys. kCompact: phones,
// at most kCompactMaxKeysPerRow keys a row (QWERTZ rows split in two, more pages), so a key is
// at least 48 px wide on a 412 px screen.
enum class KeyboardForm { kWide, kCompact };

struct KeyboardKey {
  KeyAction action = KeyAction::kText;
  std::string text;   // what a kText key types in the current shift state (also its label)
  float width = 1.0f; // in key units
  KeyboardPage target = KeyboardPage::kLetters;  // kPage: the page the key shows
};

// Invariant: Rows() describes the current page and shift state; Press() is the only way the
// state changes besides SetShift() and Reset(). Shift is one-shot: it applies to the next letter
// only. The page is kept when the form changes (a window turned); a page the form does not have
// shows as its nearest one (kSymbols as kLetters, kEuropeanMore as kEuropean on a wide keyboard).
class OnScreenKeyboard {
 public:
  using Page = KeyboardPage;
  static constexpr int kCompactMaxKeysPerRow = 7;

  // Rows of keys, top to bottom.
  std::vector<std::vector<KeyboardKey>> Rows(KeyboardForm form = KeyboardForm::kWide) const;
  // Applies a key; returns the text it types (empty for shift, page, backspace, enter).
  std::string Press(const KeyboardKey& key);

  bool shift() const { return shift_; }
  Page page() const { return page_; }
  // The page as shown on a keyboard of `form`.
  Page ShownPage(KeyboardForm form) const;
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
