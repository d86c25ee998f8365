// Collects the widget rectangles named by draw code and writes them for the end-to-end tests.
#include "platform/test_layout.h"

#include <cstdio>
#include <cstdlib>
#include <map>

#include <imgui.h>
#include <imgui_internal.h>  // the current window's clip rectangle

namespace mk::platform {
namespace {

struct Rect {
  float x, y, w, h;
  float vx, vy, vw, vh;  // the part inside the window's clip rectangle (what a finger can hit)
};

// Only touched from the UI thread (the contract of NoteWidget).
struct LayoutNotes {
  bool checked = false;
  std::string path;
  std::map<std::string, Rect, std::less<>> widgets;
  std::string screen;
  std::string last_written;
};

LayoutNotes& Notes() {
  static LayoutNotes notes;
  if (!notes.checked) {
    notes.checked = true;
    const char* path = std::getenv("MINTKIOSK_TEST_LAYOUT");
    if (path != nullptr) notes.path = path;
  }
  return notes;
}

}  // namespace

bool TestLayoutEnabled() { return !Notes().path.empty(); }

void NoteWidget(std::string_view name) {
  LayoutNotes& notes = Notes();
  if (notes.path.empty() || ImGui::GetCurrentContext() == nullptr) return;
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  ImRect visible(min, max);
  if (const ImGuiWindow* window = ImGui::GetCurrentWindowRead(); window != nullptr) visible.ClipWithFull(window->ClipRect);
  if (visible.GetWidth() <= 0 || visible.GetHeight() <= 0) visible = ImRect(0, 0, 0, 0);
  notes.widgets[std::string(name)] = Rect{min.x,     min.y,     max.x - min.x,      max.y - min.y,
                                          visible.Min.x, visible.Min.y, visible.GetWidth(), visible.GetHeight()};
}

void NoteScreen(std::string_view name) {
  LayoutNotes& notes = Notes();
  if (notes.path.empty()) return;
  notes.screen = std::string(name);
}

namespace internal {

void FlushTestLayout(long long frame_number, float scale_x, float scale_y) {
  LayoutNotes& notes = Notes();
  if (notes.path.empty()) return;
  // The frame number comes first so a test can tell a fresh file from a stale one.
  std::string body = "screen\t" + notes.screen + "\n";
  char line[512];
  for (const auto& [name, r] : notes.widgets) {
    std::snprintf(line, sizeof line, "%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\n", name.c_str(), r.x * scale_x,
                  r.y * scale_y, r.w * scale_x, r.h * scale_y, r.vx * scale_x, r.vy * scale_y, r.vw * scale_x,
                  r.vh * scale_y);
    body += line;
  }
  notes.widgets.clear();
  notes.screen.clear();
  if (body == notes.last_written) return;  // unchanged layout: spare the disk
  notes.last_written = body;
  const std::string tmp = notes.path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return;  // a test hook: failing quietly keeps the kiosk running
  std::fprintf(f, "frame\t%lld\n%s", frame_number, body.c_str());
  const bool ok = std::fclose(f) == 0;
  if (ok) std::rename(tmp.c_str(), notes.path.c_str());
}

}  // namespace internal
}  // namespace mk::platform
