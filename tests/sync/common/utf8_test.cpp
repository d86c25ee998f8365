// Tests for the UTF-8 helpers.
#include <catch2/catch.hpp>

#include "sync/common/utf8.h"

using namespace mk;

TEST_CASE("UTF-8 length and truncation respect characters", "[common]") {
  CHECK(utf8::Length("Ærøskøbing") == 10);
  CHECK(utf8::Length("Łukasz 😀") == 8);
  CHECK(utf8::Truncate("Müller", 2) == "Mü");
  CHECK(utf8::Truncate("😀😀", 1) == "😀");
  CHECK(utf8::Truncate("abc", 10) == "abc");
}

TEST_CASE("Malformed UTF-8 decodes to replacement characters and terminates", "[common]") {
  std::string bad = "a\xC3(\xF0\x9F\x98";
  size_t pos = 0;
  std::u32string out;
  while (pos < bad.size()) out.push_back(utf8::DecodeNext(bad, &pos));
  CHECK(out == std::u32string{U'a', utf8::kReplacement, U'(', utf8::kReplacement, utf8::kReplacement, utf8::kReplacement});
}

TEST_CASE("Spaces are normalised and text problems are named", "[common]") {
  CHECK(utf8::NormalizeSpaces("  Anna \t\u00A0 Müller  ") == "Anna Müller");
  CHECK(utf8::ProblemWithText("Ørsted", 10).empty());
  CHECK(utf8::ProblemWithText("a\x01", 10) == "contains a control character");
  CHECK(utf8::ProblemWithText("\xC3", 10) == "is not valid UTF-8 text");
  CHECK(utf8::ProblemWithText("a\u202Eb", 10) == "contains a bidirectional override character");
  CHECK(utf8::ProblemWithText("Łukasz", 3) == "is too long (6 characters, at most 3)");
  CHECK(utf8::ProblemWithText("\xEF\xBF\xBD", 3).empty());  // a real U+FFFD is text
}
