// The kiosk fonts load without a window and hold every letter the kiosk's languages need.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include "platform/fonts.h"
#include "tests/support/test_support.h"

namespace {

// An ImGui context for the duration of a test, with no window and no renderer.
struct HeadlessImGui {
  HeadlessImGui() { context = ImGui::CreateContext(); }
  ~HeadlessImGui() { ImGui::DestroyContext(context); }
  ImGuiContext* context;
};

// Sets an environment variable for one scope.
struct ScopedEnv {
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_.empty()) {
      unsetenv(name_);
    } else {
      setenv(name_, old_.c_str(), 1);
    }
  }
  const char* name_;
  std::string old_;
};

}  // namespace

TEST_CASE("LoadFonts adds regular, bold and heading DejaVu Sans with the European glyphs", "[platform][fonts]") {
  HeadlessImGui imgui;
  ImGuiIO& io = ImGui::GetIO();
  CHECK(mk::platform::HeadingFonts(io).empty());
  REQUIRE(mk::platform::LoadFonts(io, 24.0f).ok());
  REQUIRE(io.Fonts->Build());
  REQUIRE(io.Fonts->Fonts.Size == 2 + mk::platform::kHeadingFontCount);
  REQUIRE(mk::platform::BoldFont(io) == io.Fonts->Fonts[1]);
  const std::vector<ImFont*> headings = mk::platform::HeadingFonts(io);
  REQUIRE(headings.size() == static_cast<size_t>(mk::platform::kHeadingFontCount));
  for (int i = 0; i < mk::platform::kHeadingFontCount; ++i) {
    CHECK(headings[i] == io.Fonts->Fonts[2 + i]);
    CHECK(headings[i]->FontSize == 24.0f * mk::platform::kHeadingScales[i]);
  }
  // The bold file is in memory once, however many sizes are made from it.
  int owned = 0;
  for (const ImFontConfig& config : io.Fonts->ConfigData) owned += config.FontDataOwnedByAtlas ? 1 : 0;
  CHECK(owned == 2);

  // ä ö ü ß Ł ł Ø ø Æ æ Œ œ ș ț „ “ – € … and their capitals where the list has none.
  const ImWchar needed[] = {0x00E4, 0x00F6, 0x00FC, 0x00DF, 0x00C4, 0x00D6, 0x00DC, 0x0141, 0x0142, 0x00D8,
                            0x00F8, 0x00C6, 0x00E6, 0x0152, 0x0153, 0x0219, 0x021B, 0x0218, 0x021A, 0x201E,
                            0x201C, 0x2013, 0x20AC, 0x2026, 0x0103, 0x0161, 0x017E, 0x0151, 0x0171, 0x0117,
                            0x0127, 0x00E9, 0x00F1, 0x00E5, 0x2019, 0x2014, 0x1E9E};
  for (ImFont* font : io.Fonts->Fonts) {
    INFO("font " << font->GetDebugName());
    for (ImWchar c : needed) {
      INFO("U+" << std::hex << static_cast<unsigned>(c));
      const ImFontGlyph* glyph = font->FindGlyphNoFallback(c);
      REQUIRE(glyph != nullptr);
      CHECK(glyph->Visible);
      CHECK(glyph->AdvanceX > 0.0f);
    }
  }
  // The bold face is a different font, not the regular one twice: wider strokes, wider advance.
  CHECK(io.Fonts->Fonts[1]->FindGlyphNoFallback('W')->AdvanceX > io.Fonts->Fonts[0]->FindGlyphNoFallback('W')->AdvanceX);
}

TEST_CASE("text in every kiosk language measures without fallback glyphs", "[platform][fonts]") {
  HeadlessImGui imgui;
  ImGuiIO& io = ImGui::GetIO();
  REQUIRE(mk::platform::LoadFonts(io, 20.0f).ok());
  REQUIRE(io.Fonts->Build());
  const char* samples[] = {
      "Grüße aus Köln – „Anmeldung“ für 12 €… GROẞ", "Łukasz Żółć, Gdańsk", "Ørsted, Ærøskøbing, Œuvre",
      "Ștefan Țurcanu, Iași", "Dvořák, Lőrinc, Šimkūnas, Ħal Għargħur", "‘quoted’ — “English” • dash ‐",
  };
  ImFont* font = io.Fonts->Fonts[0];
  for (const char* text : samples) {
    INFO(text);
    const char* p = text;
    while (*p != '\0') {
      unsigned int c = 0;
      p += ImTextCharFromUtf8(&c, p, nullptr);
      INFO("U+" << std::hex << c);
      CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr);
    }
  }
}

TEST_CASE("LoadFonts names the missing file and the override when fonts are absent", "[platform][fonts]") {
  mk::test::TempDir empty;
  ScopedEnv env("MINTKIOSK_FONT_DIR", empty.path());
  CHECK(mk::platform::FontDir() == empty.path());
  HeadlessImGui imgui;
  ImGuiIO& io = ImGui::GetIO();
  const mk::Status s = mk::platform::LoadFonts(io, 20.0f);
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == mk::ErrorCode::kNotFound);
  CHECK(s.message().find(empty.path() + "/DejaVuSans.ttf") != std::string::npos);
  CHECK(s.message().find("MINTKIOSK_FONT_DIR") != std::string::npos);
  CHECK(s.message().find("fonts-dejavu-core") != std::string::npos);
  CHECK(io.Fonts->ConfigData.Size == 0);  // nothing half-added
}

TEST_CASE("LoadFonts rejects a size that is not positive", "[platform][fonts]") {
  HeadlessImGui imgui;
  CHECK(mk::platform::LoadFonts(ImGui::GetIO(), 0.0f).code() == mk::ErrorCode::kInvalidArgument);
}

TEST_CASE("FontDir defaults to the fonts-dejavu-core directory", "[platform][fonts]") {
  ScopedEnv env("MINTKIOSK_FONT_DIR", "");
  CHECK(mk::platform::FontDir() == "/usr/share/fonts/truetype/dejavu");
}

TEST_CASE("For a renderer without texture filtering glyphs are not oversampled and sit on whole pixels", "[platform][fonts]") {
  for (const auto sampling : {mk::platform::FontSampling::kLinear, mk::platform::FontSampling::kNearest}) {
    HeadlessImGui imgui;
    ImGuiIO& io = ImGui::GetIO();
    REQUIRE(mk::platform::LoadFonts(io, 20.0f, sampling).ok());
    for (const ImFontConfig& config : io.Fonts->ConfigData) {
      INFO(config.Name);
      if (sampling == mk::platform::FontSampling::kNearest || config.SizePixels >= 24.0f) {
        CHECK(config.OversampleH == 1);
        CHECK(config.PixelSnapH);
      } else {
        CHECK(config.OversampleH == 2);  // small text, sharper through bilinear filtering
      }
    }
  }
}
