// Check-in: type-ahead name search with the on-screen keyboard, a participant code field, walk-in.
#include <imgui.h>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {

void DrawCheckInScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  const SessionItem* session = vm.chosen_session();
  if (BigButton(ui, "checkin.back", ui.Tr("Back"), l.touch * 3)) {
    vm.BackToHome();
    return;
  }
  if (session != nullptr) {
    // On a phone the title goes below the button: beside it, long words would break apart.
    if (l.form != FormFactor::kPhonePortrait) ImGui::SameLine();
    ImGui::BeginGroup();
    Heading(ui, session->title, 1.2f);
    const std::string line = i18n::FormatTimeRange(*ui.catalogue, session->starts, session->ends) +
                             (session->room.empty() ? "" : "  \xC2\xB7  " + session->room);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(line.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
  }
  NoticeText(ui, vm.notice());
  IdleCountdownBanner(ui, vm);

  const float width = ImGui::GetContentRegionAvail().x;
  const float keyboard_h = KeyboardHeight(ui, vm);
  const bool side_by_side = !l.portrait() && width > 900.0f * l.scale;
  const float column = side_by_side ? (width - l.gap) * 0.62f : width;

  ImGui::BeginGroup();
  TextBox(ui, vm, FieldId::kSearch, "checkin.search", ui.Tr("Your name"), column);
  NoticeText(ui, vm.search_hint());
  // The results list: first name, initial of the last name and school; nothing without a search.
  // Below the list in one column: the code field with its label, and the walk-in button.
  const float below = side_by_side ? 0.0f : ImGui::GetTextLineHeightWithSpacing() + 2 * l.touch + 3 * l.gap;
  const float list_h = std::max(l.touch * 1.2f, ImGui::GetContentRegionAvail().y - keyboard_h - below - l.gap);
  ImGui::BeginChild("results", ImVec2(column, list_h), false);
  ScrollArea(ui);
  for (size_t i = 0; i < vm.results().size(); ++i) {
    const PersonRow& row = vm.results()[i];
    const std::string label = row.school.empty() ? row.display_name : row.display_name + "  \xE2\x80\x93  " + row.school;
    if (BigButton(ui, "checkin.result." + std::to_string(i), label, ImGui::GetContentRegionAvail().x)) {
      vm.ChooseResult(i);
    }
  }
  ImGui::EndChild();
  ImGui::EndGroup();

  if (side_by_side) ImGui::SameLine();
  ImGui::BeginGroup();
  const float side = side_by_side ? width - column - l.gap : width;
  if (side_by_side) {
    TextBox(ui, vm, FieldId::kCode, "checkin.code", ui.Tr("Participant code"), side);
    if (BigButton(ui, "checkin.code_submit", ui.Tr("Check in with code"), side)) vm.SubmitCode();
    ImGui::Spacing();
    ImGui::TextWrapped("%s", ui.Tr("Not registered?").c_str());
    if (BigButton(ui, "checkin.walkin", ui.Tr("Register here"), side)) vm.StartWalkIn();
  } else {
    const float half = (side - l.gap) / 2;
    TextBox(ui, vm, FieldId::kCode, "checkin.code", ui.Tr("Participant code"), half);
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted(" ");
    if (BigButton(ui, "checkin.code_submit", ui.Tr("Check in with code"), half)) vm.SubmitCode();
    ImGui::EndGroup();
    if (BigButton(ui, "checkin.walkin", ui.Tr("Not registered? Register here"), side)) vm.StartWalkIn();
  }
  ImGui::EndGroup();

  if (keyboard_h > 0) ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), ImGui::GetWindowHeight() - keyboard_h - l.pad));
  OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
}

}  // namespace mk::client
