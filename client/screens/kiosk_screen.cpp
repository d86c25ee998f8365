// The root of the kiosk's drawing: input forwarding, header, the current screen, the countdown.
#include <imgui.h>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"
#include "sync/common/utf8.h"

namespace mk::client {
namespace {

// Typed characters go to the view-model, so a badge scanner works wherever the kiosk is, and
// every text field (the trainer's forms too) is the view-model's: there is no ImGui text widget.
void ForwardKeyboard(const UiContext& ui, KioskViewModel& vm) {
  ImGuiIO& io = ImGui::GetIO();
  const bool timed = ui.typed != nullptr;
  if (timed) {
    // The platform's timed events carry the same text as ImGui's queue, in order with Enter.
    io.InputQueueCharacters.resize(0);
    for (const UiContext::TypedKey& key : *ui.typed) {
      if (key.enter) {
        vm.OnEnter(key.at_ms);
      } else {
        vm.OnText(key.text, key.at_ms);
      }
    }
  } else if (!io.InputQueueCharacters.empty()) {
    std::string text;
    for (ImWchar c : io.InputQueueCharacters) utf8::Append(&text, static_cast<char32_t>(c));
    io.InputQueueCharacters.resize(0);
    vm.OnText(text);
  }
  if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_V), false)) {
    if (const char* clip = ImGui::GetClipboardText()) vm.OnText(clip);
  }
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Backspace), true)) vm.OnBackspace();
  if (!timed && (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false) ||
                 ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter), false))) {
    vm.OnEnter();
  }
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) || io.MouseWheel != 0.0f) vm.OnActivity();
}

void DrawHeader(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  const bool home = vm.screen() == Screen::kHome;
  const std::string date = i18n::FormatLongDate(*ui.catalogue, vm.Today());
  const float lang_w = l.touch * 1.5f;
  const float right = lang_w * 2 + l.gap + (home ? l.touch * 2.5f + l.gap : 0.0f);
  const bool same_line = !l.portrait() || !home;
  ImGui::BeginGroup();
  if (home) {
    // Beside the buttons the name wraps before them; above them (portrait) at the window's edge.
    const float text_w = same_line ? ImGui::GetWindowContentRegionMax().x - right - l.gap - ImGui::GetCursorPosX() : 0.0f;
    Heading(ui, vm.centre_name(), l.portrait() ? 1.2f : 1.35f, text_w);
    ImGui::PushTextWrapPos(same_line ? ImGui::GetCursorPosX() + text_w : 0.0f);
    ImGui::TextUnformatted(date.c_str());
    ImGui::PopTextWrapPos();
  } else {
    // Away from Home the header is one slim line, so forms and the keyboard have the room.
    ImGui::PushTextWrapPos(ImGui::GetWindowContentRegionMax().x - right - l.gap);
    const std::string line = vm.centre_name() + "  \xC2\xB7  " + date;
    ImGui::TextUnformatted(line.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndGroup();
  if (same_line) ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - right);
  const bool german = vm.language() == i18n::Language::kGerman;
  // The language in use is highlighted; tapping it again changes nothing.
  if (BigButton(ui, "lang.de", ui.Tr("DE"), lang_w, german)) vm.SetLanguage(i18n::Language::kGerman);
  ImGui::SameLine();
  if (BigButton(ui, "lang.en", ui.Tr("EN"), lang_w, !german)) vm.SetLanguage(i18n::Language::kEnglish);
  if (home) {
    ImGui::SameLine();
    if (BigButton(ui, "home.trainer", ui.Tr("Trainer"), l.touch * 2.5f)) vm.OpenTrainer();
  }
  if (home) SyncIndicatorText(ui, vm.sync());
  ImGui::Separator();
}

}  // namespace

const char* ScreenName(Screen screen) {
  switch (screen) {
    case Screen::kHome: return "home";
    case Screen::kCheckIn: return "checkin";
    case Screen::kConfirmation: return "confirmation";
    case Screen::kAlreadyCheckedIn: return "already";
    case Screen::kWalkIn: return "walkin";
    case Screen::kPinPrompt: return "pin";
    case Screen::kSettings: return "settings";
    case Screen::kTrainer: return "trainer";
    case Screen::kSurvey: return "survey";
    case Screen::kSurveyThanks: return "survey-thanks";
  }
  return "home";
}

void DrawKiosk(UiContext& ui, KioskViewModel& vm) {
  ForwardKeyboard(ui, vm);
  const ImGuiIO& io = ImGui::GetIO();
  ui.layout = ComputeLayout(io.DisplaySize.x, io.DisplaySize.y, ui.layout.scale);
  if (ui.notes != nullptr) ui.notes->Clear();
  ui.fresh_generation = ui.drawn_generation != vm.generation();
  ui.drawn_generation = vm.generation();
  const char* screen_name = ScreenName(vm.screen());
  if (ui.notes != nullptr) ui.notes->screen = screen_name;
  if (ui.note_screen != nullptr) ui.note_screen(screen_name);

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui.layout.pad, ui.layout.pad));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ui.layout.gap, ui.layout.gap));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, 8.0f * ui.layout.scale);
  ImGui::Begin("##kiosk", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  if (ui.fresh_generation) ImGui::SetScrollY(0.0f);
  DrawHeader(ui, vm);
  switch (vm.screen()) {
    case Screen::kHome: DrawHomeScreen(ui, vm); break;
    case Screen::kCheckIn: DrawCheckInScreen(ui, vm); break;
    case Screen::kConfirmation:
    case Screen::kAlreadyCheckedIn: DrawConfirmationScreen(ui, vm); break;
    case Screen::kWalkIn: DrawWalkInScreen(ui, vm); break;
    case Screen::kPinPrompt: DrawPinScreen(ui, vm); break;
    case Screen::kSettings: DrawSettingsScreen(ui, vm); break;
    case Screen::kTrainer: DrawTrainerScreen(ui, vm); break;
    case Screen::kSurvey: DrawSurveyScreen(ui, vm); break;
    case Screen::kSurveyThanks: DrawSurveyThanksScreen(ui, vm); break;
  }
  ImGui::End();
  ImGui::PopStyleVar(3);
}

}  // namespace mk::client
