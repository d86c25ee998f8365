// Detects the encoding of imported text files and converts them to UTF-8 (the only inner encoding).
#pragma once

#include <string>
#include <string_view>

#include "status.h"

namespace mk {

enum class SourceEncoding { kUtf8, kUtf8WithBom, kWindows1252 };

const char* SourceEncodingName(SourceEncoding e);

struct DecodedText {
  std::string utf8;         // without any BOM
  SourceEncoding encoding;  // what the bytes were
};

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Bytes as lower-case hexadecimal, two digits a byte (digests, tokens).
std::string HexLower(const unsigned char* bytes, size_t n);

// Detection, in order: a UTF-8 BOM means UTF-8 (the rest must be valid UTF-8, else an error
// naming the line and byte); UTF-16/32 BOMs are refused with a message saying to save as
// UTF-8 or CSV; bytes that are valid UTF-8 are UTF-8; anything else is Windows-1252 (what
// Excel on Windows writes), converted to UTF-8, where the five undefined bytes (0x81 0x8D
// 0x8F 0x90 0x9D) and NUL are errors naming line and byte.
Result<DecodedText> DecodeToUtf8(std::string_view bytes);

}  // namespace mk
