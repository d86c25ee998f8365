// UTF-8 decoding helpers for the text mintkiosk handles (names, schools, titles).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mk::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point starting at text[*pos] and advances *pos past it. Malformed bytes
// decode to U+FFFD one byte at a time, so iteration always terminates.
// REQUIRES: *pos < text.size()
char32_t DecodeNext(std::string_view text, size_t* pos);

void Append(std::string* out, char32_t cp);

// Number of code points (malformed bytes count one each).
size_t Length(std::string_view text);

// The longest prefix of at most `max_chars` code points, never cutting a character in half.
std::string_view Truncate(std::string_view text, size_t max_chars);

// Whitespace as a person sees it: ASCII space and controls, NBSP, and the Unicode spaces.
bool IsSpace(char32_t cp);

// Collapses runs of whitespace into one ASCII space and trims both ends.
std::string NormalizeSpaces(std::string_view text);

// Why a piece of free text may not be stored as a name or title; empty when it is fine.
// Refuses invalid UTF-8, control characters and bidirectional overrides (which could make a
// name display as something else), and text longer than `max_chars`.
std::string ProblemWithText(std::string_view text, size_t max_chars);

}  // namespace mk::utf8
