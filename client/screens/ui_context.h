// What every draw function gets besides its view-model: translations, layout, widget notes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "client/i18n/catalogue.h"
#include "client/screens/layout.h"

struct ImFont;

namespace mk::client {

// Where a named widget was drawn this frame (ImGui screen coordinates).
struct WidgetRect {
  float x = 0, y = 0, w = 0, h = 0;
  float cx() const { return x + w / 2; }
  float cy() const { return y + h / 2; }
};

// Named widget rectangles of the last frame: tests click the centre of a name. Names are stable:
// "home.session.0", "checkin.search", "checkin.result.0", "key.a", "walkin.consent", ...
struct WidgetNotes {
  std::map<std::string, WidgetRect, std::less<>> rects;
  // The text a named button or text line showed (after any ellipsis): tests check it fits.
  std::map<std::string, std::string, std::less<>> labels;
  std::string screen;
  void Clear() {
    rects.clear();
    labels.clear();
    screen.clear();
  }
};

// Per-frame drawing context. The owner (the app or a test) keeps it; draw functions only read
// it, apart from recording widget notes.
struct UiContext {
  const i18n::Catalogue* catalogue = nullptr;
  Layout layout;
  ImFont* bold_font = nullptr;  // nullptr: the default font is used for headings too
  // Bold fonts at heading sizes (platform::HeadingFonts): a heading takes the one of its size,
  // so it is never a scaled bitmap. Empty: headings scale the bold font.
  std::vector<ImFont*> heading_fonts;
  WidgetNotes* notes = nullptr; // optional: in-process tests
  // Optional: forwards notes elsewhere (the platform's end-to-end test layout file).
  void (*note_widget)(std::string_view name) = nullptr;
  void (*note_screen)(std::string_view name) = nullptr;
  // The view-model generation drawn last; when it changes (a reset), every scroll area starts
  // at the top again. Kept here, not in a static, because the owner keeps the context.
  int drawn_generation = -1;
  bool fresh_generation = false;
  // Typed text and Enter of this frame with their key-event times, when the platform provides
  // them (the app sets this every frame); nullptr: take them from ImGui's input queue.
  struct TypedKey {
    std::string text;
    bool enter = false;
    int64_t at_ms = 0;
  };
  const std::vector<TypedKey>* typed = nullptr;

  // The translation of a message id (Tr("...") calls are checked against both catalogues).
  std::string Tr(const char* id) const { return std::string(catalogue->Translate(id)); }
  std::string Tr(std::string_view id) const { return std::string(catalogue->Translate(id)); }
  std::string Format(const char* id, const std::vector<std::string>& args) const { return catalogue->Format(id, args); }
};

}  // namespace mk::client
