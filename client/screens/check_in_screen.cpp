// Check-in: type-ahead name search with the on-screen keyboard, a participant code field, walk-in.
#include <imgui.h>

#include <algorithm>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

// "Anna M.  –  Gymnasium Eschwege" in `text_w`: the name whole where it can be, the school
// ended with "…" when it is too long.
std::string ResultLabel(const PersonRow& row, float text_w) {
  if (row.school.empty()) return Ellipsize(row.display_name, text_w);
  const std::string head = row.display_name + "  \xE2\x80\x93  ";
  const float head_w = ImGui::CalcTextSize(head.c_str()).x;
  if (head_w > text_w * 0.6f) return Ellipsize(head + row.school, text_w);
  return head + Ellipsize(row.school, text_w - head_w);
}

// The participant code with its button, and the walk-in button, in one column `width` wide.
void DrawCodeAndWalkIn(UiContext& ui, KioskViewModel& vm, float width, bool tall_column) {
  const Layout& l = ui.layout;
  if (tall_column) {
    TextBox(ui, vm, FieldId::kCode, "checkin.code", ui.Tr("Participant code"), width);
    if (BigButton(ui, "checkin.code_submit", ui.Tr("Check in with code"), width)) vm.SubmitCode();
    ImGui::Spacing();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(ui.Tr("Not registered?").c_str());
    ImGui::PopTextWrapPos();
    if (BigButton(ui, "checkin.walkin", ui.Tr("Register here"), width)) vm.StartWalkIn();
    return;
  }
  const float half = (width - l.gap) / 2;
  TextBox(ui, vm, FieldId::kCode, "checkin.code", ui.Tr("Participant code"), half);
  // The button beside the box, level with it (the box has its label above).
  const float box_bottom = ImGui::GetItemRectMax().y;
  ImGui::SameLine();
  ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x, box_bottom - l.touch));
  if (BigButton(ui, "checkin.code_submit", ui.Tr("Check in with code"), half)) vm.SubmitCode();
  if (BigButton(ui, "checkin.walkin", ui.Tr("Not registered? Register here"), width)) vm.StartWalkIn();
}

}  // namespace

void DrawCheckInScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  const bool phone = l.form == FormFactor::kPhonePortrait;
  const SessionItem* session = vm.chosen_session();
  const std::string back = ui.Tr("Back");
  if (BigButton(ui, "checkin.back", back, phone ? ButtonWidth(back, l.touch * 2, l.touch * 3) : l.touch * 3)) {
    vm.BackToHome();
    return;
  }
  if (session != nullptr) {
    const std::string line = i18n::FormatTimeRange(*ui.catalogue, session->starts, session->ends) +
                             (session->room.empty() ? "" : "  \xC2\xB7  " + session->room);
    ImGui::SameLine();
    ImGui::BeginGroup();
    const float title_w = ImGui::GetContentRegionAvail().x;
    if (phone) {
      // One line each beside Back: on a phone the results need every row of height there is.
      HeadingLine(ui, session->title, 1.0f, title_w);
      TextEllipsized(ui, line, title_w, "checkin.session");
    } else {
      Heading(ui, session->title, 1.2f);
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(line.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::EndGroup();
  }
  NoticeText(ui, vm.notice());
  IdleCountdownBanner(ui, vm);

  const float width = ImGui::GetContentRegionAvail().x;
  const float keyboard_h = KeyboardHeight(ui, vm);
  const float show_keyboard_h = vm.keyboard_collapsed() ? l.touch + l.gap : 0.0f;
  const bool side_by_side = !l.portrait() && width > 900.0f * l.scale;
  // On a phone the code field and the walk-in button scroll with the results, below them: the
  // list then has all the height between the search field and the keyboard.
  const bool extras_in_list = phone;
  const float column = side_by_side ? (width - l.gap) * 0.62f : width;

  ImGui::BeginGroup();
  TextBox(ui, vm, FieldId::kSearch, "checkin.search", ui.Tr("Your name"), column);
  NoticeText(ui, vm.search_hint());
  // The results list: first name, initial of the last name and school; nothing without a search.
  const float below = side_by_side || extras_in_list ? 0.0f : 2 * ImGui::GetTextLineHeightWithSpacing() + 2 * l.touch + 3 * l.gap;
  const float list_h =
      std::max(l.touch * 1.2f, ImGui::GetContentRegionAvail().y - keyboard_h - show_keyboard_h - below - l.gap);
  ImGui::BeginChild("results", ImVec2(column, list_h), false);
  // Scrolling the results puts the keyboard away, so more of them show; a tap on the search
  // field or "Show keyboard" brings it back.
  if (ScrollArea(ui) && !vm.results().empty() && vm.keyboard_visible()) vm.CollapseKeyboard();
  ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
  for (size_t i = 0; i < vm.results().size(); ++i) {
    const float row_w = ImGui::GetContentRegionAvail().x;
    const std::string label = ResultLabel(vm.results()[i], row_w - 2 * ImGui::GetStyle().FramePadding.x);
    if (BigButton(ui, "checkin.result." + std::to_string(i), label, row_w)) vm.ChooseResult(i);
  }
  ImGui::PopStyleVar();
  if (extras_in_list) {
    if (!vm.results().empty()) ImGui::Spacing();
    DrawCodeAndWalkIn(ui, vm, ImGui::GetContentRegionAvail().x, false);
  }
  ImGui::EndChild();
  NoteItem(ui, "checkin.results");
  ImGui::EndGroup();

  if (side_by_side) {
    ImGui::SameLine();
    ImGui::BeginGroup();
    DrawCodeAndWalkIn(ui, vm, width - column - l.gap, true);
    ImGui::EndGroup();
  } else if (!extras_in_list) {
    DrawCodeAndWalkIn(ui, vm, width, false);
  }

  const float bottom_h = keyboard_h + show_keyboard_h;
  if (bottom_h > 0) ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), ImGui::GetWindowHeight() - bottom_h - l.pad));
  if (vm.keyboard_collapsed()) {
    if (BigButton(ui, "checkin.keyboard", ui.Tr("Show keyboard"), ImGui::GetContentRegionAvail().x)) vm.ShowKeyboard();
  }
  OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
}

}  // namespace mk::client
