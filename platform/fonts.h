// Fonts of the kiosk: DejaVu Sans (regular and bold) with the glyphs every EU language's Latin script needs.
#pragma once

#include <string>

#include "sync/common/status.h"

struct ImGuiIO;
struct ImFont;

namespace mk::platform {

// The directory holding DejaVuSans.ttf and DejaVuSans-Bold.ttf: $MINTKIOSK_FONT_DIR if set and
// not empty, else the fonts-dejavu-core location (/usr/share/fonts/truetype/dejavu).
std::string FontDir();

// The glyph ranges LoadFonts asks for, zero-terminated pairs as ImGui wants them: Basic Latin
// and Latin-1 Supplement (German), Latin Extended-A (Polish, Czech, Hungarian, Baltic, Maltese,
// ...), the Latin Extended-B letters of Romanian (Ș ș Ț ț), the capital sharp s (ẞ),
// typographic quotes, dashes and the ellipsis (U+2010-U+2027), the euro sign and the
// replacement character. Static storage: ImGui keeps the pointer until the atlas is built.
const unsigned short* KioskGlyphRanges();

// Headings are drawn with their own font at this multiple of the text size: a scaled bitmap
// (SetWindowFontScale) of the text font looks blurred at touch sizes.
constexpr float kHeadingScale = 1.6f;

// Adds DejaVu Sans regular (index 0, the default font), DejaVu Sans Bold (index 1) at
// `pixel_size` and DejaVu Sans Bold at kHeadingScale * `pixel_size` (index 2, for headings) to
// io.Fonts. Does not build the atlas (the renderer does, or call io.Fonts->Build()) and needs no
// window, so headless tests can use it. The caller clears io.Fonts first when it rebuilds at a
// new size. Fails with kNotFound naming the file and MINTKIOSK_FONT_DIR when a font file is
// missing, kInvalidArgument for a size <= 0; on failure io.Fonts is left as it was.
Status LoadFonts(ImGuiIO& io, float pixel_size);

// The bold font added by LoadFonts, or nullptr when LoadFonts has not run on this context.
ImFont* BoldFont(ImGuiIO& io);
// The heading font (bold, kHeadingScale larger), or nullptr when LoadFonts has not run.
ImFont* HeadingFont(ImGuiIO& io);

}  // namespace mk::platform
