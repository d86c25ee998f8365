// Settings behind the trainer PIN: language, idle time, UI scale, server URL, PIN change, leaving.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {

void DrawSettingsScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  Heading(ui, ui.Tr("Kiosk settings"), l.heading_scale);
  NoticeText(ui, vm.notice());
  IdleCountdownBanner(ui, vm);
  const KioskSettings& d = vm.draft_settings();
  const float keyboard_h = KeyboardHeight(ui, vm);
  ImGui::BeginChild("settings", ImVec2(0, std::max(l.touch * 3, ImGui::GetContentRegionAvail().y - keyboard_h - l.gap)));
  ScrollArea(ui);
  const float chip = l.touch * 2.2f;

  ImGui::TextWrapped("%s", ui.Tr("Language").c_str());
  if (BigButton(ui, "settings.lang.de", ui.Tr("Deutsch"), chip * 1.5f, d.language == i18n::Language::kGerman)) {
    vm.SetDraftLanguage(i18n::Language::kGerman);
  }
  SameLineIfFits(chip * 1.5f);
  if (BigButton(ui, "settings.lang.en", ui.Tr("English"), chip * 1.5f, d.language == i18n::Language::kEnglish)) {
    vm.SetDraftLanguage(i18n::Language::kEnglish);
  }

  ImGui::TextWrapped("%s", ui.Tr("Start over after this many seconds without a touch").c_str());
  const int idle_choices[] = {30, 60, 90, 120, 300};
  for (size_t i = 0; i < std::size(idle_choices); ++i) {
    if (i > 0) SameLineIfFits(chip);
    const int s = idle_choices[i];
    if (BigButton(ui, "settings.idle." + std::to_string(s), std::to_string(s), chip, d.idle_seconds == s)) {
      vm.SetDraftIdleSeconds(s);
    }
  }

  ImGui::TextWrapped("%s", ui.Tr("Size of text and buttons").c_str());
  const float scale_choices[] = {0.75f, 1.0f, 1.25f, 1.5f, 2.0f};
  for (size_t i = 0; i < std::size(scale_choices); ++i) {
    if (i > 0) SameLineIfFits(chip);
    char label[16];
    std::snprintf(label, sizeof label, "%d %%", static_cast<int>(scale_choices[i] * 100 + 0.5f));
    if (BigButton(ui, "settings.scale." + std::to_string(i), label, chip, d.ui_scale == scale_choices[i])) {
      vm.SetDraftUiScale(scale_choices[i]);
    }
  }

  TextBox(ui, vm, FieldId::kServerUrl, "settings.server", ui.Tr("Server URL (empty: work offline only)"),
          std::min(ImGui::GetContentRegionAvail().x, l.touch * 14));
  // Buttons as wide as their label needs in the language on screen, never wider than the window.
  const float avail = ImGui::GetContentRegionAvail().x;
  auto button_w = [&](const std::string& label, float min_w) { return ButtonWidth(label, std::min(min_w, avail), avail); };
  if (BigButton(ui, "settings.save", ui.Tr("Save settings"), button_w(ui.Tr("Save settings"), l.touch * 5), true)) {
    vm.SaveSettings();
  }

  ImGui::Separator();
  if (vm.can_enrol()) {
    TextBox(ui, vm, FieldId::kEnrolCode, "settings.enrol_code", ui.Tr("Enrolment code from the server"),
            ButtonWidth(ui.Tr("Enrolment code from the server"), std::min(avail, l.touch * 6), avail));
    // While the server is asked, the button says so and takes no second tap.
    const bool enrolling = vm.enrolling();
    ImGui::BeginDisabled(enrolling);
    const std::string enrol = enrolling ? ui.Tr("Enrolling…") : ui.Tr("Enrol this device");
    if (BigButton(ui, "settings.enrol", enrol, button_w(ui.Tr("Enrol this device"), l.touch * 6))) {
      vm.EnrolDevice();
    }
    ImGui::EndDisabled();
  } else {
    ImGui::TextWrapped("%s", ui.Tr("To enrol this device with the server, run 'mintkiosk enroll' with the code from the server.").c_str());
  }

  ImGui::Separator();
  // As wide as its label where there is room, so the label stays on one line above it.
  TextBox(ui, vm, FieldId::kNewPin, "settings.new_pin", ui.Tr("New trainer PIN (4 to 12 digits)"),
          ButtonWidth(ui.Tr("New trainer PIN (4 to 12 digits)"), std::min(avail, l.touch * 5), avail), true);
  if (BigButton(ui, "settings.change_pin", ui.Tr("Change PIN"), button_w(ui.Tr("Change PIN"), l.touch * 5))) vm.ChangePin();

  ImGui::Separator();
  const float close_w = button_w(ui.Tr("Close settings"), l.touch * 5);
  const float exit_w = button_w(ui.Tr("Leave the kiosk"), l.touch * 5);
  if (BigButton(ui, "settings.close", ui.Tr("Close settings"), close_w)) vm.CloseSettings();
  SameLineIfFits(exit_w);
  if (BigButton(ui, "settings.exit", ui.Tr("Leave the kiosk"), exit_w)) vm.ExitKiosk();
  ImGui::EndChild();
  OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
}

}  // namespace mk::client
