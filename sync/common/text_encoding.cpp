// Decides whether imported bytes are UTF-8 or Windows-1252 and converts them to UTF-8.
#include "text_encoding.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace mk {
namespace {

// Windows-1252 differs from Latin-1 only in 0x80-0x9F, where Microsoft put typographic
// punctuation and a few letters instead of C1 control codes. Zero marks the five bytes
// that code page leaves undefined, so they can be refused instead of guessed.
constexpr char32_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80-0x87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 0x88-0x8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90-0x97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 0x98-0x9F
};

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    // Every Windows-1252 character lies in the Basic Multilingual Plane.
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::uint8_t ByteAt(std::string_view s, std::size_t i) { return static_cast<std::uint8_t>(s[i]); }

// Outcome of checking one UTF-8 sequence: `length` bytes form a character when `ok`;
// otherwise the first `length` bytes are the part that is already wrong (the lead byte plus
// any continuation bytes before the offending one), which is what an error message shows.
struct SequenceCheck {
  bool ok;
  std::size_t length;
  bool truncated;  // the input ended in the middle of an otherwise plausible sequence
};

// The second byte carries the range restrictions (Unicode Table 3-7) that exclude overlongs,
// surrogates and code points above U+10FFFF; later bytes only need to be continuations.
SequenceCheck CheckSequence(std::string_view s, std::size_t i) {
  const std::uint8_t lead = ByteAt(s, i);
  if (lead < 0x80) return {true, 1, false};
  std::size_t need = 0;
  std::uint8_t second_lo = 0x80;
  std::uint8_t second_hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 3;
    if (lead == 0xE0) second_lo = 0xA0;  // below is an overlong 2-byte form
    if (lead == 0xED) second_hi = 0x9F;  // above are UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 4;
    if (lead == 0xF0) second_lo = 0x90;  // below is an overlong 3-byte form
    if (lead == 0xF4) second_hi = 0x8F;  // above is beyond U+10FFFF
  } else {
    return {false, 1, false};  // stray continuation, C0/C1 overlong leads, F5-FF
  }
  for (std::size_t k = 1; k < need; ++k) {
    if (i + k >= s.size()) return {false, k, true};
    const std::uint8_t b = ByteAt(s, i + k);
    const std::uint8_t lo = (k == 1) ? second_lo : std::uint8_t{0x80};
    const std::uint8_t hi = (k == 1) ? second_hi : std::uint8_t{0xBF};
    if (b < lo || b > hi) return {false, k + 1, false};
  }
  return {true, need, false};
}

// Counts lines the way the CSV reader does (\n, \r\n and a lone \r each end one line) so the
// numbers in encoding errors match the ones a person sees in an editor and in later errors.
// Positions are counted lazily, only when an error needs them, to keep the happy path lean.
struct Position {
  std::size_t line;
  std::size_t byte;  // 1-based byte within the line, counting the bytes as stored in the file
};

Position PositionOf(std::string_view s, std::size_t offset) {
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= s.size() || s[i + 1] != '\n'))) {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

std::string Hex(std::uint8_t b) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  out.push_back(kDigits[b >> 4]);
  out.push_back(kDigits[b & 0x0F]);
  return out;
}

std::string Where(std::string_view s, std::size_t offset) {
  const Position p = PositionOf(s, offset);
  return "line " + std::to_string(p.line) + ", byte " + std::to_string(p.byte);
}

constexpr std::string_view kSaveAs = "save it as 'CSV UTF-8' or 'CSV (semicolon separated)'";

Status BadUtf8AfterBom(std::string_view file, std::size_t offset, const SequenceCheck& check) {
  std::string bytes;
  for (std::size_t k = 0; k < check.length; ++k) {
    if (k > 0) bytes += ' ';
    bytes += Hex(ByteAt(file, offset + k));
  }
  std::string message = Where(file, offset) + ": " + bytes;
  message += check.truncated ? " is a UTF-8 character cut off at the end of the file"
                             : (check.length == 1 ? " is not valid UTF-8" : " are not valid UTF-8");
  message += ", although the file starts with a UTF-8 byte order mark; ";
  message += kSaveAs;
  message += " again";
  return InvalidArgument(std::move(message));
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

// Returns the name of a UTF-16/32 byte order mark at the start of `bytes`, or nullptr.
// UTF-32 LE is tested before UTF-16 LE because its mark begins with the UTF-16 LE one.
const char* WideBomName(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (StartsWith(bytes, "\xFF\xFE\x00\x00"sv)) return "UTF-32";
  if (StartsWith(bytes, "\x00\x00\xFE\xFF"sv)) return "UTF-32";
  if (StartsWith(bytes, "\xFF\xFE"sv)) return "UTF-16";
  if (StartsWith(bytes, "\xFE\xFF"sv)) return "UTF-16";
  return nullptr;
}

Result<std::string> DecodeWindows1252(std::string_view bytes) {
  std::string out;
  // Most bytes of a European name list are ASCII; the slack covers the two-byte letters.
  out.reserve(bytes.size() + bytes.size() / 8);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const std::uint8_t b = ByteAt(bytes, i);
    if (b == 0x00) {
      // A NUL in a text export usually means UTF-16 without a byte order mark.
      return InvalidArgument(Where(bytes, i) +
                             ": 0x00 (NUL) is not a character in a text file; if the file is "
                             "UTF-16, " + std::string(kSaveAs));
    }
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
    } else if (b >= 0xA0) {
      AppendUtf8(b, out);  // 0xA0-0xFF coincide with U+00A0-U+00FF
    } else {
      const char32_t cp = kCp1252High[b - 0x80];
      if (cp == 0) {
        return InvalidArgument(Where(bytes, i) + ": " + Hex(b) +
                               " is not a character in Windows-1252; the file may be in another "
                               "encoding, " + std::string(kSaveAs));
      }
      AppendUtf8(cp, out);
    }
  }
  return out;
}

}  // namespace

const char* SourceEncodingName(SourceEncoding e) {
  switch (e) {
    case SourceEncoding::kUtf8: return "UTF-8";
    case SourceEncoding::kUtf8WithBom: return "UTF-8 with BOM";
    case SourceEncoding::kWindows1252: return "Windows-1252";
  }
  return "unknown";
}

bool IsValidUtf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    // Runs of ASCII (most of every key, id and name) are checked eight bytes at a time.
    while (bytes.size() - i >= 8) {
      uint64_t word;
      std::memcpy(&word, bytes.data() + i, sizeof word);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i == bytes.size()) break;
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    const SequenceCheck check = CheckSequence(bytes, i);
    if (!check.ok) return false;
    i += check.length;
  }
  return true;
}

Result<DecodedText> DecodeToUtf8(std::string_view bytes) {
  using namespace std::string_view_literals;
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF"sv;
  if (StartsWith(bytes, kUtf8Bom)) {
    // Positions are reported against the whole file, BOM included, so they match a hex view.
    std::size_t i = kUtf8Bom.size();
    while (i < bytes.size()) {
      const SequenceCheck check = CheckSequence(bytes, i);
      if (!check.ok) return BadUtf8AfterBom(bytes, i, check);
      i += check.length;
    }
    return DecodedText{std::string(bytes.substr(kUtf8Bom.size())), SourceEncoding::kUtf8WithBom};
  }
  if (const char* wide = WideBomName(bytes)) {
    return InvalidArgument(std::string("the file is ") + wide + " (it starts with a " + wide +
                           " byte order mark): " + std::string(kSaveAs));
  }
  if (IsValidUtf8(bytes)) return DecodedText{std::string(bytes), SourceEncoding::kUtf8};
  MK_ASSIGN_OR_RETURN(std::string utf8, DecodeWindows1252(bytes));
  return DecodedText{std::move(utf8), SourceEncoding::kWindows1252};
}

std::string HexLower(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

}  // namespace mk
