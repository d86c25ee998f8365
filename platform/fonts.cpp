// Loads DejaVu Sans into ImGui's font atlas with the glyph ranges the kiosk's languages need.
#include "platform/fonts.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <imgui.h>

#include "platform/paths.h"

namespace mk::platform {
namespace {

constexpr const char* kDefaultFontDir = "/usr/share/fonts/truetype/dejavu";
constexpr const char* kRegularFile = "DejaVuSans.ttf";
constexpr const char* kBoldFile = "DejaVuSans-Bold.ttf";

// Reads a whole file into memory allocated with ImGui's allocator, so the atlas can own it.
Status ReadFontFile(const std::string& path, void** data, int* size) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    const std::string hint =
        " (install fonts-dejavu-core, or set MINTKIOSK_FONT_DIR to a directory holding " +
        std::string(kRegularFile) + " and " + kBoldFile + ")";
    if (err == ENOENT) return NotFound("font file " + path + " does not exist" + hint);
    return IoError("cannot open font file " + path + ": " + std::strerror(err) + hint);
  }
  std::vector<char> bytes;
  char buffer[65536];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) bytes.insert(bytes.end(), buffer, buffer + n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return IoError("cannot read font file " + path);
  if (bytes.size() < 12) return Corrupt("font file " + path + " is too short to be a TrueType font");
  *data = IM_ALLOC(bytes.size());
  std::memcpy(*data, bytes.data(), bytes.size());
  *size = static_cast<int>(bytes.size());
  return Status::Ok();
}

}  // namespace

std::string FontDir() {
  const char* dir = std::getenv("MINTKIOSK_FONT_DIR");
  if (dir != nullptr && dir[0] != '\0') return dir;
  return kDefaultFontDir;
}

const unsigned short* KioskGlyphRanges() {
  static const ImWchar kRanges[] = {
      0x0020, 0x00FF,  // Basic Latin, Latin-1 Supplement: German, French, Nordic, ...
      0x0100, 0x017F,  // Latin Extended-A: Polish, Czech, Slovak, Hungarian, Baltic, Maltese, ...
      0x0218, 0x021B,  // Latin Extended-B: Romanian S and T with comma below
      0x1E9E, 0x1E9E,  // capital sharp s (German)
      0x2010, 0x2027,  // dashes, typographic quotes, bullet, ellipsis
      0x20AC, 0x20AC,  // euro sign
      0xFFFD, 0xFFFD,  // replacement character (ImGui's fallback glyph)
      0,
  };
  return kRanges;
}

Status LoadFonts(ImGuiIO& io, float pixel_size, FontSampling sampling) {
  if (!(pixel_size > 0.0f)) return InvalidArgument("font pixel size must be positive");
  const std::string dir = FontDir();
  void* regular = nullptr;
  void* bold = nullptr;
  int regular_size = 0;
  int bold_size = 0;
  MK_RETURN_IF_ERROR(ReadFontFile(JoinPath(dir, kRegularFile), &regular, &regular_size));
  if (Status s = ReadFontFile(JoinPath(dir, kBoldFile), &bold, &bold_size); !s.ok()) {
    IM_FREE(regular);
    return s;
  }

  auto add = [&](void* data, int size, float px, bool owned, const char* face) {
    ImFontConfig config;
    // Handed over without a copy (ImGui copies data it does not own).
    // Oversampling sharpens small text where the renderer blends texels; at touch sizes, or
    // when every pixel takes exactly one texel, glyphs are rasterised at their size and put
    // on whole pixels instead.
    config.OversampleH = sampling == FontSampling::kLinear && px < 24.0f ? 2 : 1;
    config.OversampleV = 1;
    config.PixelSnapH = config.OversampleH == 1;
    std::snprintf(config.Name, sizeof config.Name, "%s, %.0fpx", face, px);
    ImFont* font = io.Fonts->AddFontFromMemoryTTF(data, size, px, &config, KioskGlyphRanges());
    // One copy of each file in memory (about 0.7 MB each): the first font made from it owns it,
    // the others only point to it. All of them go together (io.Fonts->Clear()), so the shared
    // data outlives its users and is freed once.
    if (font != nullptr && !owned) io.Fonts->ConfigData.back().FontDataOwnedByAtlas = false;
    return font;
  };
  bool ok = add(regular, regular_size, pixel_size, true, "DejaVu Sans") != nullptr;
  ok = add(bold, bold_size, pixel_size, true, "DejaVu Sans Bold") != nullptr && ok;
  for (const float scale : kHeadingScales) {
    ok = add(bold, bold_size, pixel_size * scale, false, "DejaVu Sans Bold") != nullptr && ok;
  }
  if (!ok) return Internal("ImGui refused the DejaVu fonts from " + dir);
  return Status::Ok();
}

ImFont* BoldFont(ImGuiIO& io) {
  if (io.Fonts == nullptr || io.Fonts->Fonts.Size < 2) return nullptr;
  return io.Fonts->Fonts[1];
}

std::vector<ImFont*> HeadingFonts(ImGuiIO& io) {
  std::vector<ImFont*> fonts;
  if (io.Fonts == nullptr || io.Fonts->Fonts.Size < 2 + kHeadingFontCount) return fonts;
  for (int i = 0; i < kHeadingFontCount; ++i) fonts.push_back(io.Fonts->Fonts[2 + i]);
  return fonts;
}

}  // namespace mk::platform
