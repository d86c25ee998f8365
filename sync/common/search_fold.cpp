// Transliteration tables and key building for name search.
#include "search_fold.h"

#include <algorithm>

#include "utf8.h"

namespace mk {
namespace {

// U+00C0..U+00FF. "" marks a non-letter (× ÷), which acts as a word separator.
constexpr const char* kLatin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F (Latin Extended-A), in code point order.
constexpr const char* kLatinExtA[128] = {
    "a", "a", "a", "a", "a", "a",                                // 0100-0105 Ā ā Ă ă Ą ą
    "c", "c", "c", "c", "c", "c", "c", "c",                      // 0106-010D Ć..č
    "d", "d", "d", "d",                                          // 010E-0111 Ď ď Đ đ
    "e", "e", "e", "e", "e", "e", "e", "e", "e", "e",            // 0112-011B Ē..ě
    "g", "g", "g", "g", "g", "g", "g", "g",                      // 011C-0123 Ĝ..ģ
    "h", "h", "h", "h",                                          // 0124-0127 Ĥ..ħ
    "i", "i", "i", "i", "i", "i", "i", "i", "i", "i",            // 0128-0131 Ĩ..ı
    "ij", "ij", "j", "j", "k", "k", "k",                         // 0132-0138 Ĳ ĳ Ĵ ĵ Ķ ķ ĸ
    "l", "l", "l", "l", "l", "l", "l", "l", "l", "l",            // 0139-0142 Ĺ..ł
    "n", "n", "n", "n", "n", "n", "n", "n", "n",                 // 0143-014B Ń..ŋ
    "o", "o", "o", "o", "o", "o", "oe", "oe",                    // 014C-0153 Ō..ő Œ œ
    "r", "r", "r", "r", "r", "r",                                // 0154-0159 Ŕ..ř
    "s", "s", "s", "s", "s", "s", "s", "s",                      // 015A-0161 Ś..š
    "t", "t", "t", "t", "t", "t",                                // 0162-0167 Ţ..ŧ
    "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",  // 0168-0173 Ũ..ų
    "w", "w", "y", "y", "y",                                     // 0174-0178 Ŵ ŵ Ŷ ŷ Ÿ
    "z", "z", "z", "z", "z", "z", "s"};                          // 0179-017F Ź..ž ſ
static_assert(sizeof(kLatinExtA) / sizeof(kLatinExtA[0]) == 128);

// Letters beyond Extended-A that EU names use; nullptr when the code point is not one.
const char* FoldExtra(char32_t cp) {
  switch (cp) {
    case 0x0218: case 0x0219: case 0x015E: case 0x015F: return "s";  // Ș ș (and cedilla forms)
    case 0x021A: case 0x021B: return "t";                            // Ț ț
    case 0x01CD: case 0x01CE: return "a";                            // Ǎ ǎ
    case 0x01CF: case 0x01D0: return "i";
    case 0x01D1: case 0x01D2: return "o";
    case 0x01D3: case 0x01D4: case 0x01D5: case 0x01D6: case 0x01D7: case 0x01D8:
    case 0x01D9: case 0x01DA: case 0x01DB: case 0x01DC: return "u";
    case 0x01E2: case 0x01E3: case 0x01FC: case 0x01FD: return "ae";  // Ǣ ǣ Ǽ ǽ
    case 0x01FE: case 0x01FF: return "o";                               // Ǿ ǿ
    case 0x0192: return "f";
    case 0x1E9E: return "ss";                                           // capital sharp s
    case 0x1E02: case 0x1E03: return "b";                               // Irish dotted letters
    case 0x1E0A: case 0x1E0B: return "d";
    case 0x1E1E: case 0x1E1F: return "f";
    case 0x1E40: case 0x1E41: return "m";
    case 0x1E56: case 0x1E57: return "p";
    case 0x1E60: case 0x1E61: return "s";
    case 0x1E6A: case 0x1E6B: return "t";
    case 0x1EF2: case 0x1EF3: return "y";                               // Welsh ỳ
    case 0x1E80: case 0x1E81: case 0x1E82: case 0x1E83: case 0x1E84: case 0x1E85: return "w";
    default: return nullptr;
  }
}

bool IsCombiningMark(char32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

// Punctuation that joins the parts of one name ("Müller-Lüdenscheidt", "O'Brien").
bool IsJoiner(char32_t cp) {
  return cp == '-' || cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x2010 || cp == 0x2011 ||
         cp == 0x02BC || cp == '`' || cp == 0xB4;
}

// Letters and digits of any script count as word characters; ASCII punctuation, spaces and a
// few symbols separate words.
bool IsWordChar(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0xC0) return !utf8::IsSpace(cp) && !(cp >= 0x2000 && cp <= 0x206F) && !IsJoiner(cp);
  return false;  // U+0080..U+00BF: controls, NBSP and Latin-1 punctuation
}

void AppendFolded(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>((cp >= 'A' && cp <= 'Z') ? cp + 32 : cp));
  } else if (cp >= 0xC0 && cp <= 0xFF) {
    out->append(kLatin1[cp - 0xC0]);
    if (cp == 0xD7 || cp == 0xF7) out->push_back(' ');
  } else if (cp >= 0x100 && cp <= 0x17F) {
    out->append(kLatinExtA[cp - 0x100]);
  } else if (const char* extra = FoldExtra(cp)) {
    out->append(extra);
  } else if (!IsCombiningMark(cp)) {
    utf8::Append(out, cp);
  }
}

// Splits into words; `joined` additionally receives words glued across joiners.
void SplitWords(std::string_view text, std::vector<std::string>* words, std::vector<std::string>* joined) {
  std::string word;
  std::string glued;
  int parts = 0;
  auto flush_word = [&] {
    if (!word.empty()) {
      words->push_back(word);
      glued += word;
      ++parts;
      word.clear();
    }
  };
  auto flush_glued = [&] {
    flush_word();
    if (joined && parts > 1) joined->push_back(glued);
    glued.clear();
    parts = 0;
  };
  for (size_t pos = 0; pos < text.size();) {
    char32_t cp = utf8::DecodeNext(text, &pos);
    if (IsCombiningMark(cp)) continue;
    if (IsJoiner(cp)) {
      flush_word();
    } else if (IsWordChar(cp)) {
      AppendFolded(&word, cp);
    } else {
      flush_glued();
    }
  }
  flush_glued();
}

}  // namespace

std::string FoldLatin(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) AppendFolded(&out, utf8::DecodeNext(text, &pos));
  return out;
}

std::string SearchKey(std::string_view word) {
  const std::string folded = FoldLatin(word);
  std::string key;
  key.reserve(folded.size());
  for (size_t i = 0; i < folded.size(); ++i) {
    const char c = folded[i];
    key.push_back(c);
    if (i + 1 < folded.size()) {
      const char next = folded[i + 1];
      // Drop the second letter of a transliteration pair, so "ue" and "u" (from ü) meet.
      if ((next == 'e' && (c == 'a' || c == 'o' || c == 'u')) || (c == 's' && next == 's') ||
          (c == 'a' && next == 'a')) {
        ++i;
      }
    }
  }
  return key;
}

std::vector<std::string> SearchKeysOfName(std::string_view name) {
  std::vector<std::string> words;
  std::vector<std::string> joined;
  SplitWords(name, &words, &joined);
  std::vector<std::string> keys;
  keys.reserve(words.size() + joined.size());
  for (const auto& w : words) keys.push_back(SearchKey(w));
  for (const auto& j : joined) keys.push_back(SearchKey(j));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  keys.erase(std::remove(keys.begin(), keys.end(), std::string()), keys.end());
  return keys;
}

std::vector<std::string> SearchKeysOfQuery(std::string_view query) {
  std::vector<std::string> words;
  SplitWords(query, &words, nullptr);
  std::vector<std::string> keys;
  for (const auto& w : words) {
    std::string k = SearchKey(w);
    if (k.empty() || std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
    keys.push_back(std::move(k));
  }
  return keys;
}

}  // namespace mk
