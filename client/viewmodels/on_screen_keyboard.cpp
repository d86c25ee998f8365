// The on-screen keyboard layout.
#include "on_screen_keyboard.h"

#include <algorithm>
#include <cstddef>

namespace mk::client {
namespace {

// Lower- and upper-case forms of each letter key, row by row.
struct Letter {
  const char* lower;
  const char* upper;
};

const std::vector<std::vector<Letter>>& LetterRows() {
  static const std::vector<std::vector<Letter>> kRows = {
      {{"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5"}, {"6", "6"}, {"7", "7"}, {"8", "8"}, {"9", "9"}, {"0", "0"}, {"@", "@"}},
      {{"q", "Q"}, {"w", "W"}, {"e", "E"}, {"r", "R"}, {"t", "T"}, {"z", "Z"}, {"u", "U"}, {"i", "I"}, {"o", "O"}, {"p", "P"}, {"ü", "Ü"}},
      {{"a", "A"}, {"s", "S"}, {"d", "D"}, {"f", "F"}, {"g", "G"}, {"h", "H"}, {"j", "J"}, {"k", "K"}, {"l", "L"}, {"ö", "Ö"}, {"ä", "Ä"}},
      {{"y", "Y"}, {"x", "X"}, {"c", "C"}, {"v", "V"}, {"b", "B"}, {"n", "N"}, {"m", "M"}, {"ß", "ẞ"}, {"-", "-"}, {"'", "'"}, {".", "."}},
  };
  return kRows;
}

const std::vector<std::vector<Letter>>& EuropeanRows() {
  static const std::vector<std::vector<Letter>> kRows = {
      {{"é", "É"}, {"è", "È"}, {"ê", "Ê"}, {"ë", "Ë"}, {"á", "Á"}, {"à", "À"}, {"â", "Â"}, {"ã", "Ã"}, {"å", "Å"}, {"æ", "Æ"}, {"ç", "Ç"}},
      {{"í", "Í"}, {"ì", "Ì"}, {"î", "Î"}, {"ï", "Ï"}, {"ı", "İ"}, {"ó", "Ó"}, {"ò", "Ò"}, {"ô", "Ô"}, {"õ", "Õ"}, {"ø", "Ø"}, {"œ", "Œ"}},
      {{"ú", "Ú"}, {"ù", "Ù"}, {"û", "Û"}, {"ő", "Ő"}, {"ű", "Ű"}, {"ñ", "Ñ"}, {"ń", "Ń"}, {"ň", "Ň"}, {"ł", "Ł"}, {"ľ", "Ľ"}, {"ą", "Ą"}},
      {{"ś", "Ś"}, {"š", "Š"}, {"ş", "Ş"}, {"ș", "Ș"}, {"ț", "Ț"}, {"ť", "Ť"}, {"ž", "Ž"}, {"ż", "Ż"}, {"ź", "Ź"}, {"ć", "Ć"}, {"č", "Č"}},
      {{"ř", "Ř"}, {"ğ", "Ğ"}, {"ę", "Ę"}, {"ě", "Ě"}, {"ď", "Ď"}, {"ý", "Ý"}, {"ð", "Ð"}, {"þ", "Þ"}, {"ā", "Ā"}, {"ē", "Ē"}, {"ū", "Ū"}},
  };
  return kRows;
}

// Compact keyboards (phones): the QWERTZ rows in halves, at most 7 keys a row.
const std::vector<std::vector<Letter>>& CompactLetterRows() {
  static const std::vector<std::vector<Letter>> kRows = {
      {{"q", "Q"}, {"w", "W"}, {"e", "E"}, {"r", "R"}, {"t", "T"}, {"z", "Z"}},
      {{"u", "U"}, {"i", "I"}, {"o", "O"}, {"p", "P"}, {"ü", "Ü"}},
      {{"a", "A"}, {"s", "S"}, {"d", "D"}, {"f", "F"}, {"g", "G"}, {"h", "H"}},
      {{"j", "J"}, {"k", "K"}, {"l", "L"}, {"ö", "Ö"}, {"ä", "Ä"}, {"ß", "ẞ"}},
      {{"y", "Y"}, {"x", "X"}, {"c", "C"}, {"v", "V"}, {"b", "B"}, {"n", "N"}, {"m", "M"}},
  };
  return kRows;
}

// Digits and what names, schools and email addresses need besides letters.
const std::vector<std::vector<Letter>>& CompactSymbolRows() {
  static const std::vector<std::vector<Letter>> kRows = {
      {{"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}, {"5", "5"}, {"6", "6"}, {"7", "7"}},
      {{"8", "8"}, {"9", "9"}, {"0", "0"}, {"@", "@"}, {".", "."}, {"-", "-"}, {"'", "'"}},
      {{"_", "_"}, {",", ","}, {"/", "/"}, {"&", "&"}, {"(", "("}, {")", ")"}, {"+", "+"}},
  };
  return kRows;
}

// The European letters of the wide page in rows of 7, split over two pages.
std::vector<std::vector<Letter>> CompactEuropeanRows(bool more) {
  std::vector<Letter> all;
  for (const auto& row : EuropeanRows()) all.insert(all.end(), row.begin(), row.end());
  constexpr size_t kPerPage = 4 * OnScreenKeyboard::kCompactMaxKeysPerRow;
  const size_t begin = more ? kPerPage : 0;
  const size_t end = more ? all.size() : kPerPage;
  std::vector<std::vector<Letter>> rows;
  for (size_t i = begin; i < end; i += OnScreenKeyboard::kCompactMaxKeysPerRow) {
    const size_t stop = std::min(end, i + OnScreenKeyboard::kCompactMaxKeysPerRow);
    rows.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(i), all.begin() + static_cast<std::ptrdiff_t>(stop));
  }
  return rows;
}

KeyboardKey PageKey(KeyboardPage target, float width) { return {KeyAction::kPage, "", width, target}; }

}  // namespace

OnScreenKeyboard::Page OnScreenKeyboard::ShownPage(KeyboardForm form) const {
  if (form == KeyboardForm::kWide) {
    if (page_ == Page::kSymbols) return Page::kLetters;
    if (page_ == Page::kEuropeanMore) return Page::kEuropean;
  }
  return page_;
}

std::vector<std::vector<KeyboardKey>> OnScreenKeyboard::Rows(KeyboardForm form) const {
  std::vector<std::vector<KeyboardKey>> rows;
  const Page page = ShownPage(form);
  auto add_letters = [&](const std::vector<std::vector<Letter>>& letters) {
    for (const auto& letter_row : letters) {
      std::vector<KeyboardKey> row;
      for (const Letter& l : letter_row) row.push_back({KeyAction::kText, shift_ ? l.upper : l.lower, 1.0f});
      rows.push_back(std::move(row));
    }
  };
  if (form == KeyboardForm::kWide) {
    add_letters(page == Page::kLetters ? LetterRows() : EuropeanRows());
    // Shift and backspace frame the last row of letters.
    rows.back().insert(rows.back().begin(), KeyboardKey{KeyAction::kShift, "", 1.5f});
    rows.back().push_back(KeyboardKey{KeyAction::kBackspace, "", 1.5f});
    // On the letters page "_" and "/" frame the space bar: a trainer on a touch-only kiosk types
    // folders (the certificates' folder) and file names as well as names. OK stays where it is
    // on the other page.
    if (page == Page::kLetters) {
      rows.push_back({PageKey(Page::kEuropean, 2.0f),
                      {KeyAction::kText, "_", 1.0f},
                      {KeyAction::kSpace, " ", 5.0f},
                      {KeyAction::kText, "/", 1.0f},
                      {KeyAction::kEnter, "", 2.0f}});
    } else {
      rows.push_back({PageKey(Page::kLetters, 2.0f), {KeyAction::kSpace, " ", 7.0f}, {KeyAction::kEnter, "", 2.0f}});
    }
    return rows;
  }
  // Compact: every bottom row is 7.5 units wide, so keys are the same size on every page.
  const KeyboardKey shift{KeyAction::kShift, "", 1.0f};
  const KeyboardKey space{KeyAction::kSpace, " ", 2.5f};
  const KeyboardKey backspace{KeyAction::kBackspace, "", 1.0f};
  const KeyboardKey enter{KeyAction::kEnter, "", 1.0f};
  switch (page) {
    case Page::kLetters:
      add_letters(CompactLetterRows());
      rows.push_back({shift, PageKey(Page::kSymbols, 1.0f), PageKey(Page::kEuropean, 1.0f), space, backspace, enter});
      break;
    case Page::kSymbols:
      add_letters(CompactSymbolRows());
      rows.push_back({PageKey(Page::kLetters, 1.5f), PageKey(Page::kEuropean, 1.5f), space, backspace, enter});
      break;
    case Page::kEuropean:
    case Page::kEuropeanMore: {
      const bool more = page == Page::kEuropeanMore;
      add_letters(CompactEuropeanRows(more));
      rows.push_back({shift, PageKey(Page::kLetters, 1.0f), PageKey(more ? Page::kEuropean : Page::kEuropeanMore, 1.0f),
                      space, backspace, enter});
      break;
    }
  }
  return rows;
}

std::string OnScreenKeyboard::Press(const KeyboardKey& key) {
  switch (key.action) {
    case KeyAction::kText:
      shift_ = false;
      return key.text;
    case KeyAction::kSpace:
      return " ";
    case KeyAction::kShift:
      shift_ = !shift_;
      return "";
    case KeyAction::kPage:
      page_ = key.target;
      return "";
    case KeyAction::kBackspace:
    case KeyAction::kEnter:
      return "";
  }
  return "";
}

}  // namespace mk::client
