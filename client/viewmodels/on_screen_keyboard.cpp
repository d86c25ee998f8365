// The on-screen keyboard layout.
#include "on_screen_keyboard.h"

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

}  // namespace

std::vector<std::vector<KeyboardKey>> OnScreenKeyboard::Rows() const {
  std::vector<std::vector<KeyboardKey>> rows;
  const auto& letters = page_ == Page::kLetters ? LetterRows() : EuropeanRows();
  for (size_t r = 0; r < letters.size(); ++r) {
    std::vector<KeyboardKey> row;
    if (r + 1 == letters.size()) row.push_back({KeyAction::kShift, "", 1.5f});
    for (const Letter& l : letters[r]) row.push_back({KeyAction::kText, shift_ ? l.upper : l.lower, 1.0f});
    if (r + 1 == letters.size()) row.push_back({KeyAction::kBackspace, "", 1.5f});
    rows.push_back(std::move(row));
  }
  rows.push_back({{KeyAction::kPage, "", 2.0f}, {KeyAction::kSpace, " ", 6.0f}, {KeyAction::kEnter, "", 3.0f}});
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
      page_ = page_ == Page::kLetters ? Page::kEuropean : Page::kLetters;
      return "";
    case KeyAction::kBackspace:
    case KeyAction::kEnter:
      return "";
  }
  return "";
}

}  // namespace mk::client
