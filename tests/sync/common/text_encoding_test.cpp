// Tests for encoding detection and Windows-1252 conversion of imported files.
#include "sync/common/text_encoding.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

using namespace std::string_view_literals;

namespace {

std::string Name(mk::SourceEncoding e) { return mk::SourceEncodingName(e); }

struct DecodeCase {
  const char* what;
  std::string_view input;
  std::string_view utf8;
  mk::SourceEncoding encoding;
};

struct ErrorCase {
  const char* what;
  std::string_view input;
  std::string message_start;
};

}  // namespace

TEST_CASE("DecodeToUtf8 recognises UTF-8 and Windows-1252 names", "[common][import]") {
  const DecodeCase cases[] = {
      {"empty file", ""sv, ""sv, mk::SourceEncoding::kUtf8},
      {"ASCII", "Name;Vorname\r\nMeier;Jan\r\n"sv, "Name;Vorname\r\nMeier;Jan\r\n"sv,
       mk::SourceEncoding::kUtf8},
      {"UTF-8 Müller", "M\xC3\xBCller"sv, "Müller"sv, mk::SourceEncoding::kUtf8},
      // Ł has no Windows-1252 byte, so a file containing it can only be UTF-8.
      {"UTF-8 Łukasz", "\xC5\x81ukasz"sv, "Łukasz"sv, mk::SourceEncoding::kUtf8},
      {"UTF-8 Ørsted", "Ørsted"sv, "Ørsted"sv, mk::SourceEncoding::kUtf8},
      {"UTF-8 Ærøskøbing", "Ærøskøbing"sv, "Ærøskøbing"sv, mk::SourceEncoding::kUtf8},
      {"UTF-8 Groß", "Groß"sv, "Groß"sv, mk::SourceEncoding::kUtf8},
      {"UTF-8 four-byte character", "\xF0\x9F\x99\x82"sv, "🙂"sv, mk::SourceEncoding::kUtf8},
      {"BOM only", "\xEF\xBB\xBF"sv, ""sv, mk::SourceEncoding::kUtf8WithBom},
      {"BOM Müller", "\xEF\xBB\xBFM\xC3\xBCller"sv, "Müller"sv, mk::SourceEncoding::kUtf8WithBom},
      {"BOM Łukasz", "\xEF\xBB\xBF\xC5\x81ukasz"sv, "Łukasz"sv, mk::SourceEncoding::kUtf8WithBom},
      {"BOM Groß;Ørsted", "\xEF\xBB\xBFGroß;Ørsted\r\n"sv, "Groß;Ørsted\r\n"sv,
       mk::SourceEncoding::kUtf8WithBom},
      {"1252 Müller", "M\xFCller"sv, "Müller"sv, mk::SourceEncoding::kWindows1252},
      {"1252 Ørsted", "\xD8rsted"sv, "Ørsted"sv, mk::SourceEncoding::kWindows1252},
      {"1252 Ærøskøbing", "\xC6r\xF8sk\xF8" "bing"sv, "Ærøskøbing"sv,
       mk::SourceEncoding::kWindows1252},
      {"1252 Groß", "Gro\xDF"sv, "Groß"sv, mk::SourceEncoding::kWindows1252},
      {"1252 euro sign", "\x80 12,50"sv, "€ 12,50"sv, mk::SourceEncoding::kWindows1252},
      // Split literals keep a hex escape from swallowing a following hex digit ("\x93" "A").
      {"1252 typographic quotes", "\x93" "Ani\x94"sv, "“Ani”"sv, mk::SourceEncoding::kWindows1252},
      {"1252 no-break space and ÿ", "\xA0\xFF"sv, "\u00A0ÿ"sv, mk::SourceEncoding::kWindows1252},
      {"1252 with line breaks", "Name\r\nM\xFCller\r\n"sv, "Name\r\nMüller\r\n"sv,
       mk::SourceEncoding::kWindows1252},
  };
  for (const DecodeCase& c : cases) {
    INFO(c.what);
    const auto result = mk::DecodeToUtf8(c.input);
    REQUIRE(result.ok());
    CHECK(result->utf8 == std::string(c.utf8));
    CHECK(Name(result->encoding) == Name(c.encoding));
  }
}

TEST_CASE("DecodeToUtf8 maps every defined Windows-1252 byte 0x80-0x9F", "[common][import]") {
  // Written as characters, independently of the code-point table in the implementation;
  // empty entries are the five bytes Windows-1252 leaves undefined.
  const char* const expected[32] = {
      "€", "",  "‚", "ƒ", "„", "…", "†", "‡", "ˆ", "‰", "Š", "‹", "Œ", "",  "Ž", "",
      "",  "‘", "’", "“", "”", "•", "–", "—", "˜", "™", "š", "›", "œ", "",  "ž", "Ÿ",
  };
  for (int b = 0x80; b <= 0x9F; ++b) {
    INFO("byte " << b);
    const std::string input(1, static_cast<char>(b));
    const auto result = mk::DecodeToUtf8(input);
    const std::string want = expected[b - 0x80];
    if (want.empty()) {
      CHECK_FALSE(result.ok());
    } else {
      REQUIRE(result.ok());
      CHECK(result->utf8 == want);
      CHECK(Name(result->encoding) == Name(mk::SourceEncoding::kWindows1252));
    }
  }
}

TEST_CASE("DecodeToUtf8 maps Windows-1252 0xA0-0xFF onto U+00A0-U+00FF", "[common][import]") {
  for (int b = 0xA0; b <= 0xFF; ++b) {
    INFO("byte " << b);
    const auto result = mk::DecodeToUtf8(std::string(1, static_cast<char>(b)));
    REQUIRE(result.ok());
    const std::string want{static_cast<char>(0xC0 | (b >> 6)), static_cast<char>(0x80 | (b & 0x3F))};
    CHECK(result->utf8 == want);
  }
}

TEST_CASE("DecodeToUtf8 refuses what it cannot read, naming line and byte", "[common][import]") {
  const ErrorCase cases[] = {
      {"UTF-16 LE BOM", "\xFF\xFEN\0a\0"sv,
       "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as 'CSV UTF-8' or "
       "'CSV (semicolon separated)'"},
      {"UTF-16 BE BOM", "\xFE\xFF\0N\0a"sv,
       "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as 'CSV UTF-8' or "
       "'CSV (semicolon separated)'"},
      {"UTF-16 LE BOM alone", "\xFF\xFE"sv, "the file is UTF-16 "},
      {"UTF-32 LE BOM", "\xFF\xFE\0\0N\0\0\0"sv, "the file is UTF-32 "},
      {"UTF-32 BE BOM", "\0\0\xFE\xFF\0\0\0N"sv, "the file is UTF-32 "},
      {"0x81 on line 3 (LF)", "Name\nAnna\nB\x81"sv,
       "line 3, byte 2: 0x81 is not a character in Windows-1252"},
      {"0x8D on line 3 (CRLF)", "Name\r\nAnna\r\nB\x8D"sv,
       "line 3, byte 2: 0x8D is not a character in Windows-1252"},
      {"0x8F on line 2 (CR)", "Name\rM\xFCller \x8F"sv,
       "line 2, byte 8: 0x8F is not a character in Windows-1252"},
      {"0x90 on line 1", "\x90"sv, "line 1, byte 1: 0x90 is not a character in Windows-1252"},
      {"0x9D after blank lines", "a\n\n\r\n\rxyz\x9D"sv,
       "line 5, byte 4: 0x9D is not a character in Windows-1252"},
      // Ł is C5 81 in UTF-8; next to a Windows-1252 ü the file is not UTF-8, and 0x81 then
      // shows that it is not Windows-1252 either.
      {"UTF-8 Łukasz mixed with 1252 ü", "\xC5\x81ukasz;M\xFCller"sv,
       "line 1, byte 2: 0x81 is not a character in Windows-1252"},
      {"NUL in a Windows-1252 file", "M\xFCller\nx\0y"sv, "line 2, byte 2: 0x00 (NUL)"},
      {"invalid byte after BOM, line 1", "\xEF\xBB\xBF\xFF"sv,
       "line 1, byte 4: 0xFF is not valid UTF-8"},
      {"1252 ü after BOM", "\xEF\xBB\xBFName\nM\xFCller"sv,
       "line 2, byte 2: 0xFC is not valid UTF-8"},
      {"bad continuation after BOM", "\xEF\xBB\xBFM\xC3(ller"sv,
       "line 1, byte 5: 0xC3 0x28 are not valid UTF-8"},
      {"surrogate after BOM", "\xEF\xBB\xBF" "a\r\nb\r\nc\xED\xA0\x80"sv,
       "line 3, byte 2: 0xED 0xA0 are not valid UTF-8"},
      {"truncated after BOM", "\xEF\xBB\xBF\xE2\x82"sv,
       "line 1, byte 4: 0xE2 0x82 is a UTF-8 character cut off at the end of the file"},
  };
  for (const ErrorCase& c : cases) {
    INFO(c.what);
    const auto result = mk::DecodeToUtf8(c.input);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == mk::ErrorCode::kInvalidArgument);
    CHECK(result.status().message().substr(0, c.message_start.size()) == c.message_start);
  }
}

TEST_CASE("DecodeToUtf8 error messages tell the person what to do", "[common][import]") {
  const auto undefined = mk::DecodeToUtf8("B\x81"sv);
  REQUIRE_FALSE(undefined.ok());
  CHECK_THAT(undefined.status().message(), Catch::Contains("CSV UTF-8"));
  const auto bad_after_bom = mk::DecodeToUtf8("\xEF\xBB\xBF\xC0\x80"sv);
  REQUIRE_FALSE(bad_after_bom.ok());
  CHECK_THAT(bad_after_bom.status().message(), Catch::Contains("byte order mark"));
  CHECK_THAT(bad_after_bom.status().message(), Catch::Contains("CSV UTF-8"));
}

TEST_CASE("DecodeToUtf8 converts a large Windows-1252 file", "[common][import]") {
  std::string input;
  for (int i = 0; i < 100000; ++i) input += "M\xFCller;\x93" "Ani\x94\r\n";
  const auto result = mk::DecodeToUtf8(input);
  REQUIRE(result.ok());
  CHECK(Name(result->encoding) == Name(mk::SourceEncoding::kWindows1252));
  const std::string row = "Müller;“Ani”\r\n";
  CHECK(result->utf8.size() == 100000 * row.size());
  CHECK(result->utf8.substr(0, row.size()) == row);
  CHECK(result->utf8.substr(result->utf8.size() - row.size()) == row);
}

TEST_CASE("IsValidUtf8 accepts exactly well-formed UTF-8", "[common][import]") {
  struct Case {
    const char* what;
    std::string_view bytes;
    bool valid;
  };
  const Case cases[] = {
      {"empty", ""sv, true},
      {"ASCII with NUL", "a\0b"sv, true},
      {"U+0080", "\xC2\x80"sv, true},
      {"U+07FF", "\xDF\xBF"sv, true},
      {"U+0800", "\xE0\xA0\x80"sv, true},
      {"U+D7FF", "\xED\x9F\xBF"sv, true},
      {"U+E000", "\xEE\x80\x80"sv, true},
      {"U+FFFF", "\xEF\xBF\xBF"sv, true},
      {"U+10000", "\xF0\x90\x80\x80"sv, true},
      {"U+10FFFF", "\xF4\x8F\xBF\xBF"sv, true},
      {"names", "Müller Łukasz Ørsted Ærøskøbing Groß € “”"sv, true},
      {"overlong NUL C0 80", "\xC0\x80"sv, false},
      {"overlong C1 BF", "\xC1\xBF"sv, false},
      {"overlong E0 80 80", "\xE0\x80\x80"sv, false},
      {"overlong E0 9F BF", "\xE0\x9F\xBF"sv, false},
      {"overlong F0 80 80 80", "\xF0\x80\x80\x80"sv, false},
      {"overlong F0 8F BF BF", "\xF0\x8F\xBF\xBF"sv, false},
      {"surrogate ED A0 80", "\xED\xA0\x80"sv, false},
      {"surrogate ED BF BF", "\xED\xBF\xBF"sv, false},
      {"above U+10FFFF F4 90 80 80", "\xF4\x90\x80\x80"sv, false},
      {"F5 lead", "\xF5\x80\x80\x80"sv, false},
      {"FF", "\xFF"sv, false},
      {"stray continuation", "a\x80"sv, false},
      {"truncated two-byte", "\xC3"sv, false},
      {"truncated three-byte", "\xE2\x82"sv, false},
      {"truncated four-byte", "\xF0\x9F\x98"sv, false},
      {"truncated at end after text", "Müller\xC3"sv, false},
      {"bad continuation", "\xC3\x28"sv, false},
      {"bad third byte", "\xE2\x82\x28"sv, false},
      {"bad fourth byte", "\xF0\x9F\x98\x28"sv, false},
      {"Windows-1252 ü", "M\xFCller"sv, false},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(mk::IsValidUtf8(c.bytes) == c.valid);
  }
}

TEST_CASE("IsValidUtf8 finds a bad byte at any position after a run of ASCII", "[common][import]") {
  // ASCII is checked eight bytes at a time: a bad or a good multi-byte sequence at every offset
  // around those words is still seen.
  for (size_t prefix = 0; prefix <= 24; ++prefix) {
    for (size_t suffix : {0, 1, 7, 8, 9}) {
      const std::string ascii_before(prefix, 'a'), ascii_after(suffix, 'z');
      INFO("ASCII bytes before: " << prefix << ", after: " << suffix);
      CHECK(mk::IsValidUtf8(ascii_before + "\xC3\xBC" + ascii_after));       // ü
      CHECK(mk::IsValidUtf8(ascii_before + "\xC5\x81ukasz" + ascii_after));  // Łukasz
      CHECK_FALSE(mk::IsValidUtf8(ascii_before + "\xFF" + ascii_after));
      CHECK_FALSE(mk::IsValidUtf8(ascii_before + "\xC3" + ascii_after));  // a lead byte without its tail
      CHECK_FALSE(mk::IsValidUtf8(ascii_before + "\x80" + ascii_after));  // a tail without its lead
    }
  }
}

TEST_CASE("SourceEncodingName names each encoding", "[common][import]") {
  CHECK(Name(mk::SourceEncoding::kUtf8) == "UTF-8");
  CHECK(Name(mk::SourceEncoding::kUtf8WithBom) == "UTF-8 with BOM");
  CHECK(Name(mk::SourceEncoding::kWindows1252) == "Windows-1252");
}
