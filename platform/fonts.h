// Fonts of the kiosk: DejaVu Sans (regular and bold) with the glyphs every EU language's Latin script needs.
#pragma once

#include <string>
#include <vector>

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

// Headings are drawn with fonts of their own at these multiples of the text size (bold): a
// scaled bitmap of a smaller font (SetWindowFontScale) looks blurred with OpenGL and jagged
// with SDL's software renderer. The screens' layouts use exactly these sizes.
inline constexpr int kHeadingFontCount = 4;
inline constexpr float kHeadingScales[kHeadingFontCount] = {1.2f, 1.35f, 1.6f, 1.92f};

// How the renderer samples the font texture. kLinear (OpenGL) blends neighbouring texels, so
// small glyphs are oversampled horizontally for sharper text; kNearest (SDL's software
// renderer) takes one texel per pixel, so glyphs are rasterised at exactly their size and put
// on whole pixels.
enum class FontSampling { kLinear, kNearest };

// Adds to io.Fonts: DejaVu Sans regular (index 0, the default font) and DejaVu Sans Bold
// (index 1) at `pixel_size`, then DejaVu Sans Bold at each of kHeadingScales times it (indices
// 2.., for headings). Each font file is held once, shared by the fonts made from it. Does not
// build the atlas (the renderer does, or call io.Fonts->Build()) and needs no window, so
// headless tests can use it. The caller clears io.Fonts first when it rebuilds at a new size.
// Fails with kNotFound naming the file and MINTKIOSK_FONT_DIR when a font file is missing,
// kInvalidArgument for a size <= 0; on failure io.Fonts is left as it was.
Status LoadFonts(ImGuiIO& io, float pixel_size, FontSampling sampling = FontSampling::kLinear);

// The bold font added by LoadFonts, or nullptr when LoadFonts has not run on this context.
ImFont* BoldFont(ImGuiIO& io);
// The heading fonts, in the order of kHeadingScales; empty when LoadFonts has not run.
std::vector<ImFont*> HeadingFonts(ImGuiIO& io);

}  // namespace mk::platform
