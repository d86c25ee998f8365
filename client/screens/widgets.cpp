// The shared kiosk widgets.
#include "widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace mk::client {
namespace {

const ImVec4 kPrimary(0.11f, 0.42f, 0.33f, 1.0f);
const ImVec4 kPrimaryHovered(0.14f, 0.50f, 0.40f, 1.0f);
const ImVec4 kError(0.85f, 0.30f, 0.25f, 1.0f);
const ImVec4 kInfo(0.55f, 0.75f, 0.95f, 1.0f);
const ImVec4 kCalm(0.65f, 0.70f, 0.72f, 1.0f);

std::string KeyName(const KeyboardKey& key) {
  switch (key.action) {
    case KeyAction::kShift: return "key.shift";
    case KeyAction::kBackspace: return "key.backspace";
    case KeyAction::kSpace: return "key.space";
    case KeyAction::kPage:
      switch (key.target) {
        case KeyboardPage::kLetters: return "key.page.letters";
        case KeyboardPage::kSymbols: return "key.page.symbols";
        case KeyboardPage::kEuropean: return "key.page.european";
        case KeyboardPage::kEuropeanMore: return "key.page.european_more";
      }
      return "key.page";
    case KeyAction::kEnter: return "key.enter";
    case KeyAction::kText: break;
  }
  return "key." + key.text;
}

KeyboardForm FormOf(const Layout& l) { return l.compact_keyboard ? KeyboardForm::kCompact : KeyboardForm::kWide; }

// Key height for a keyboard of `rows` rows: the layout's, lowered (never below a touch target)
// so the keyboard takes at most 45 % of the window and the form above it keeps room.
float KeyHeight(const Layout& l, size_t rows) {
  const float fit = l.height * 0.45f / static_cast<float>(std::max<size_t>(rows, 1)) - l.key_gap;
  return std::max(l.touch, std::min(l.key_height, fit));
}

// The label of a key, and a shorter one for a key too narrow for it (phones, large text).
std::pair<std::string, std::string> KeyLabels(const UiContext& ui, const KeyboardKey& key) {
  switch (key.action) {
    case KeyAction::kShift: return {ui.Tr("Shift"), ui.Tr("Aa")};
    case KeyAction::kBackspace: return {ui.Tr("Delete"), ui.Tr("«")};
    case KeyAction::kSpace: return {ui.Tr("Space"), std::string()};
    case KeyAction::kEnter: return {ui.Tr("OK"), ui.Tr("OK")};
    case KeyAction::kPage:
      switch (key.target) {
        case KeyboardPage::kLetters: return {ui.Tr("ABC"), ui.Tr("ABC")};
        case KeyboardPage::kSymbols: return {ui.Tr("123"), ui.Tr("123")};
        case KeyboardPage::kEuropean: return {ui.Tr("ÀÉÑ…"), ui.Tr("ÉÑ")};
        case KeyboardPage::kEuropeanMore: return {ui.Tr("ŁŠŽ…"), ui.Tr("ŁŠ")};
      }
      break;
    case KeyAction::kText: break;
  }
  return {key.text, key.text};
}

}  // namespace

void NoteItem(UiContext& ui, const std::string& name) {
  // Only what a finger can reach: an item scrolled out of its window is not noted.
  if (!ImGui::IsItemVisible()) return;
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  if (ui.notes != nullptr) ui.notes->rects[name] = WidgetRect{min.x, min.y, max.x - min.x, max.y - min.y};
  if (ui.note_widget != nullptr) ui.note_widget(name);
}

std::string Ellipsize(std::string_view text, float max_width) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (ImGui::CalcTextSize(begin, end).x <= max_width) return std::string(text);
  static constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
  const float ellipsis_w = ImGui::CalcTextSize(kEllipsis.data(), kEllipsis.data() + kEllipsis.size()).x;
  if (ellipsis_w > max_width) return std::string();
  // Byte offsets where characters start; the longest prefix that fits with the ellipsis wins.
  std::vector<size_t> starts;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  size_t lo = 0;  // number of characters known to fit
  size_t hi = starts.size();
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    const size_t bytes = mid < starts.size() ? starts[mid] : text.size();
    if (ImGui::CalcTextSize(begin, begin + bytes).x + ellipsis_w <= max_width) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  std::string out(text.substr(0, lo < starts.size() ? starts[lo] : text.size()));
  // "Schule –…" reads worse than "Schule…".
  while (!out.empty() && (out.back() == ' ' || out.back() == ',' || out.back() == '-')) out.pop_back();
  if (out.size() >= 3 && out.compare(out.size() - 3, 3, "\xE2\x80\x93") == 0) {
    out.resize(out.size() - 3);
    while (!out.empty() && out.back() == ' ') out.pop_back();
  }
  return out + std::string(kEllipsis);
}

void TextEllipsized(UiContext& ui, const std::string& text, float width, const std::string& name) {
  const std::string shown = Ellipsize(text, width);
  ImGui::TextUnformatted(shown.c_str());
  if (name.empty()) return;
  NoteItem(ui, name);
  if (ui.notes != nullptr) ui.notes->labels[name] = shown;
}

float ButtonWidth(const std::string& label, float min_width, float max_width) {
  const float need = ImGui::CalcTextSize(label.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x + 2.0f;
  return std::min(max_width, std::max(min_width, need));
}

bool BigButton(UiContext& ui, const std::string& name, const std::string& label, float width, bool primary) {
  if (primary) {
    ImGui::PushStyleColor(ImGuiCol_Button, kPrimary);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, kPrimaryHovered);
  }
  // Width 0 or less means "the rest of the row", as with ImGui::Button.
  const float w = width > 0 ? width : ImGui::GetContentRegionAvail().x;
  const std::string shown = Ellipsize(label, w - 2 * ImGui::GetStyle().FramePadding.x);
  const std::string id = shown + "##" + name;
  bool pressed = ImGui::Button(id.c_str(), ImVec2(w, ui.layout.touch));
  if (primary) ImGui::PopStyleColor(2);
  // A finger that scrolled a list lifts off over some button: that is not a tap on it.
  const ImGuiIO& io = ImGui::GetIO();
  if (pressed && io.MouseDragMaxDistanceSqr[0] > io.MouseDragThreshold * io.MouseDragThreshold) pressed = false;
  NoteItem(ui, name);
  if (ui.notes != nullptr) ui.notes->labels[name] = shown;
  return pressed;
}

void SameLineIfFits(float next_width) {
  const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + next_width;
  const float limit = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (right <= limit) ImGui::SameLine();
}

namespace {

// Makes the heading font of `scale` times the text size current; returns whether a font was
// pushed (for PopHeadingFont).
bool PushHeadingFont(const UiContext& ui, float scale) {
  // The font closest to the size asked for; scaled only when there is none of that size.
  const float want = ImGui::GetFontSize() * scale;
  ImFont* font = ui.bold_font;
  float font_px = font != nullptr ? font->FontSize : ImGui::GetFontSize();
  for (ImFont* f : ui.heading_fonts) {
    if (f != nullptr && std::abs(f->FontSize - want) < std::abs(font_px - want)) {
      font = f;
      font_px = f->FontSize;
    }
  }
  const float ratio = want / font_px;
  if (font != nullptr) ImGui::PushFont(font);
  ImGui::SetWindowFontScale(std::abs(ratio - 1.0f) < 0.02f ? 1.0f : ratio);
  return font != nullptr;
}

void PopHeadingFont(bool pushed) {
  ImGui::SetWindowFontScale(1.0f);
  if (pushed) ImGui::PopFont();
}

}  // namespace

void Heading(UiContext& ui, const std::string& text, float scale, float wrap_width) {
  const bool pushed = PushHeadingFont(ui, scale);
  ImGui::PushTextWrapPos(wrap_width > 0 ? ImGui::GetCursorPosX() + wrap_width : 0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  PopHeadingFont(pushed);
}

void HeadingLine(UiContext& ui, const std::string& text, float scale, float width) {
  const bool pushed = PushHeadingFont(ui, scale);
  const std::string shown = Ellipsize(text, width);
  ImGui::TextUnformatted(shown.c_str());
  PopHeadingFont(pushed);
}

bool TextDisplayBox(UiContext& ui, const std::string& name, const std::string& label, const std::string& shown,
                    float width, bool focused, bool scroll_into_view) {
  if (!label.empty()) {
    // A long label (large text, a narrow phone) wraps above its box instead of running past it.
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(width, ui.layout.touch));
    ImGui::TextUnformatted(label.c_str());
    ImGui::PopTextWrapPos();
  }
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(width, ui.layout.touch), ui.layout.touch);
  if (scroll_into_view && !ImGui::IsRectVisible(size)) ImGui::SetScrollHereY(0.3f);
  const bool tapped = ImGui::InvisibleButton(name.c_str(), size);
  NoteItem(ui, name);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end(pos.x + size.x, pos.y + size.y);
  draw->AddRectFilled(pos, end, ImGui::GetColorU32(ImGuiCol_FrameBg), 6.0f * ui.layout.scale);
  draw->AddRect(pos, end, ImGui::GetColorU32(focused ? kPrimaryHovered : ImVec4(0.4f, 0.4f, 0.45f, 1.0f)),
                6.0f * ui.layout.scale, 0, focused ? 3.0f : 1.0f);
  const float text_h = ImGui::GetTextLineHeight();
  const ImVec2 text_pos(pos.x + 10.0f * ui.layout.scale, pos.y + (size.y - text_h) / 2);
  draw->PushClipRect(pos, end, true);
  // Long text scrolls left so the end (where typing happens) stays visible.
  const float text_w = ImGui::CalcTextSize(shown.c_str()).x;
  const float room = size.x - 24.0f * ui.layout.scale;
  const float shift = text_w > room ? text_w - room : 0.0f;
  draw->AddText(ImVec2(text_pos.x - shift, text_pos.y), ImGui::GetColorU32(ImGuiCol_Text), shown.c_str());
  if (focused) {
    const float x = text_pos.x - shift + text_w + 2.0f;
    draw->AddLine(ImVec2(x, text_pos.y), ImVec2(x, text_pos.y + text_h), ImGui::GetColorU32(ImGuiCol_Text), 2.0f);
  }
  draw->PopClipRect();
  return tapped;
}

void TextBox(UiContext& ui, KioskViewModel& vm, FieldId id, const std::string& name, const std::string& label,
             float width, bool secret) {
  const TextField& field = vm.field(id);
  const bool focused = vm.focused() == id;
  std::string shown;
  if (secret) {
    for (size_t i = 0; i < field.text().size(); ++i) shown += "\xE2\x80\xA2";  // one bullet per digit
  } else {
    shown = field.text();
  }
  const bool scroll = focused && vm.TakeScrollRequest();
  if (TextDisplayBox(ui, name, label, shown, width, focused, scroll)) vm.Focus(id);
  // For the end-to-end tests: which field takes the keys now (a test types only once the field
  // it tapped has it; keys that reach the window in the tap's frame go to the field before).
  if (ui.note_widget != nullptr && vm.focused() == id && ImGui::IsItemVisible()) ui.note_widget(name + ".focused");
  if (const Notice* error = vm.FieldError(id)) NoticeText(ui, *error);
}

bool TickBox(UiContext& ui, const std::string& name, const std::string& label, bool checked, float width) {
  const float box = ui.layout.touch;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const bool pressed = ImGui::InvisibleButton(name.c_str(), ImVec2(box, box));
  NoteItem(ui, name);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float m = box * 0.15f;
  const ImVec2 a(pos.x + m, pos.y + m);
  const ImVec2 b(pos.x + box - m, pos.y + box - m);
  draw->AddRectFilled(a, b, ImGui::GetColorU32(checked ? kPrimary : ImGui::GetStyleColorVec4(ImGuiCol_FrameBg)), 4.0f);
  draw->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Text), 4.0f, 0, 2.0f);
  if (checked) {
    const float s = b.x - a.x;
    const ImVec2 p1(a.x + s * 0.2f, a.y + s * 0.5f);
    const ImVec2 p2(a.x + s * 0.42f, a.y + s * 0.75f);
    const ImVec2 p3(a.x + s * 0.8f, a.y + s * 0.25f);
    draw->AddLine(p1, p2, IM_COL32_WHITE, 3.0f * ui.layout.scale);
    draw->AddLine(p2, p3, IM_COL32_WHITE, 3.0f * ui.layout.scale);
  }
  ImGui::SameLine();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(100.0f, width - box - ui.layout.gap));
  ImGui::TextUnformatted(label.c_str());
  ImGui::PopTextWrapPos();
  // The text is part of the target too.
  const bool text_clicked = ImGui::IsItemClicked();
  return pressed || text_clicked;
}

bool ScrollArea(const UiContext& ui) {
  if (ui.fresh_generation) ImGui::SetScrollY(0.0f);
  const ImGuiIO& io = ImGui::GetIO();
  if (!ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem)) return false;
  if (ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseDelta.y);
    return true;
  }
  return io.MouseWheel != 0.0f;
}

float KeyboardHeight(const UiContext& ui, const KioskViewModel& vm) {
  if (!vm.keyboard_visible()) return 0.0f;
  const size_t rows = vm.keyboard().Rows(FormOf(ui.layout)).size();
  return static_cast<float>(rows) * (KeyHeight(ui.layout, rows) + ui.layout.key_gap) + ui.layout.gap;
}

void OnScreenKeyboardWidget(UiContext& ui, KioskViewModel& vm, float width) {
  if (!vm.keyboard_visible()) return;
  const auto rows = vm.keyboard().Rows(FormOf(ui.layout));
  const float gap = ui.layout.key_gap;
  const float key_h = KeyHeight(ui.layout, rows.size());
  // One key unit for all rows: the widest that lets every row fit.
  float unit_w = width;
  for (const auto& row : rows) {
    float units = 0;
    for (const auto& k : row) units += k.width;
    unit_w = std::min(unit_w, (width - gap * static_cast<float>(row.size() - 1)) / std::max(units, 1.0f));
  }
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
  ImGui::PushID("keyboard");
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    float row_w = 0;
    for (const auto& k : row) row_w += k.width * unit_w;
    row_w += gap * static_cast<float>(row.size() - 1);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + std::max(0.0f, (width - row_w) / 2));
    for (size_t i = 0; i < row.size(); ++i) {
      const KeyboardKey& key = row[i];
      if (i > 0) ImGui::SameLine();
      // Narrow keys (phones) get short labels; a space bar is recognised without one.
      auto [label, short_label] = KeyLabels(ui, key);
      const float key_w = key.width * unit_w;
      const float text_room = key_w - 2 * ImGui::GetStyle().FramePadding.x;
      if (ImGui::CalcTextSize(label.c_str()).x > text_room) label = Ellipsize(short_label, text_room);
      const bool highlight = key.action == KeyAction::kShift && vm.keyboard().shift();
      if (highlight) ImGui::PushStyleColor(ImGuiCol_Button, kPrimary);
      const std::string name = KeyName(key);
      const std::string id = label + "##" + name + std::to_string(r);
      if (ImGui::Button(id.c_str(), ImVec2(key_w, key_h))) vm.PressKey(key);
      if (highlight) ImGui::PopStyleColor();
      NoteItem(ui, name);
      if (ui.notes != nullptr) ui.notes->labels[name] = label;
    }
  }
  ImGui::PopID();
  ImGui::PopStyleVar();
}

std::string NoticeMessage(UiContext& ui, const Notice& notice) {
  return ui.catalogue->Format(notice.id, notice.args);
}

void NoticeText(UiContext& ui, const Notice& notice) {
  if (notice.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, notice.is_error ? kError : kInfo);
  ImGui::PushTextWrapPos(0.0f);
  const std::string text = NoticeMessage(ui, notice);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  NoteItem(ui, "notice");
}

void IdleCountdownBanner(UiContext& ui, KioskViewModel& vm) {
  const std::optional<int> seconds = vm.IdleCountdown();
  if (!seconds) return;
  const std::string text =
      ui.Format("Still there? Starting over in {0} s. Touch the screen to continue.", {std::to_string(*seconds)});
  ImGui::PushStyleColor(ImGuiCol_Text, kInfo);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  NoteItem(ui, "idle.countdown");
}

namespace {

// "Synced 2 min ago", "Offline, 12 changes waiting", "Syncing… 40 %".
std::string SyncIndicatorLine(UiContext& ui, const SyncIndicator& sync) {
  using State = SyncIndicator::State;
  const std::string host = sync.host.empty() ? ui.Tr("the server") : sync.host;
  std::string text;
  switch (sync.state) {
    case State::kNoServer: return ui.Tr("Working offline: not connected to a server");
    case State::kConnectedNotSynced: text = ui.Format("Connected to {0}, not synced yet", {host}); break;
    case State::kSyncing:
      return sync.percent ? ui.Format("Syncing… {0} %", {std::to_string(*sync.percent)}) : ui.Tr("Syncing…");
    case State::kSynced: {
      const int64_t m = sync.minutes_since_sync;
      if (m < 1) {
        text = ui.Tr("Synced just now");
      } else if (m < 60) {
        text = ui.Format("Synced {0} min ago", {std::to_string(m)});
      } else if (m < 48 * 60) {
        text = ui.Format("Synced {0} h ago", {std::to_string(m / 60)});
      } else {
        text = ui.Format("Synced {0} days ago", {std::to_string(m / (24 * 60))});
      }
      break;
    }
    case State::kOffline: text = ui.Tr("Offline"); break;
    case State::kProblem: text = ui.Format("Sync problem: {0}", {sync.error}); break;
  }
  if (sync.waiting_changes == 1) {
    text = ui.Format("{0}, 1 change waiting", {text});
  } else if (sync.waiting_changes > 1) {
    text = ui.Format("{0}, {1} changes waiting", {text, std::to_string(sync.waiting_changes)});
  }
  return text;
}

}  // namespace

void SyncIndicatorText(UiContext& ui, const SyncIndicator& sync) {
  const std::string text = SyncIndicatorLine(ui, sync);
  ImGui::PushStyleColor(ImGuiCol_Text, kCalm);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  NoteItem(ui, "sync");
}

}  // namespace mk::client
