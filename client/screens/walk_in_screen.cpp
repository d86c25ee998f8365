// Walk-in registration: name, school, subjects, optional email and an explicit consent.
#include <imgui.h>

#include <algorithm>

#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

struct SubjectLabel {
  store::Subject subject;
  const char* name;
  const char* label;
};

void DrawFields(UiContext& ui, KioskViewModel& vm, float width) {
  ImGui::BeginGroup();
  TextBox(ui, vm, FieldId::kFirstName, "walkin.first", ui.Tr("First name"), width);
  TextBox(ui, vm, FieldId::kLastName, "walkin.last", ui.Tr("Last name"), width);
  TextBox(ui, vm, FieldId::kSchool, "walkin.school", ui.Tr("School"), width);
  TextBox(ui, vm, FieldId::kEmail, "walkin.email", ui.Tr("Email (optional)"), width);
  ImGui::EndGroup();
}

void DrawSubjectsAndConsent(UiContext& ui, KioskViewModel& vm, float width) {
  const Layout& l = ui.layout;
  ImGui::BeginGroup();
  ImGui::TextUnformatted(ui.Tr("Subjects you teach").c_str());
  const SubjectLabel subjects[] = {
      {store::Subject::kMathematics, "walkin.subject.mathematics", i18n::Msg("Mathematics")},
      {store::Subject::kComputerScience, "walkin.subject.computer_science", i18n::Msg("Computer science")},
      {store::Subject::kBiology, "walkin.subject.biology", i18n::Msg("Biology")},
      {store::Subject::kChemistry, "walkin.subject.chemistry", i18n::Msg("Chemistry")},
      {store::Subject::kPhysics, "walkin.subject.physics", i18n::Msg("Physics")},
      {store::Subject::kTechnology, "walkin.subject.technology", i18n::Msg("Technology")},
      {store::Subject::kInterdisciplinaryStem, "walkin.subject.interdisciplinary_stem", i18n::Msg("Interdisciplinary STEM")},
  };
  // Chips as wide as the longest subject name needs, as many in a row as fit.
  float widest = l.touch * 3.0f;
  for (const SubjectLabel& s : subjects) {
    widest = std::max(widest, ImGui::CalcTextSize(ui.Tr(s.label).c_str()).x + 2 * ImGui::GetStyle().FramePadding.x + l.gap);
  }
  const int per_row = std::clamp(static_cast<int>((width + l.gap) / (widest + l.gap)), 1, 4);
  const float chip_w = (width - l.gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  int in_row = 0;
  for (const SubjectLabel& s : subjects) {
    if (in_row > 0) ImGui::SameLine();
    const bool on = vm.walk_in_subjects().count(s.subject) > 0;
    if (BigButton(ui, s.name, ui.Tr(s.label), chip_w, on)) vm.ToggleSubject(s.subject);
    in_row = (in_row + 1) % per_row;
  }
  ImGui::Spacing();
  const std::string consent = ui.Tr(
      "I agree that this centre stores my name, school, subjects and (if given) email address to record my "
      "attendance and to issue my certificate of attendance. I can ask for my data to be erased at any time.");
  if (TickBox(ui, "walkin.consent", consent, vm.walk_in_consent(), width)) vm.SetConsent(!vm.walk_in_consent());
  if (const Notice* e = vm.FieldError(FieldId::kNone)) NoticeText(ui, *e);
  if (BigButton(ui, "walkin.submit", ui.Tr("Register and check in"), std::min(width, l.touch * 8), true)) {
    vm.SubmitWalkIn();
  }
  ImGui::EndGroup();
}

}  // namespace

void DrawWalkInScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  if (BigButton(ui, "walkin.back", ui.Tr("Back"), l.touch * 3)) {
    vm.BackToHome();
    return;
  }
  ImGui::SameLine();
  Heading(ui, ui.Tr("Register as a walk-in"), l.heading_scale);
  NoticeText(ui, vm.notice());
  IdleCountdownBanner(ui, vm);

  const float keyboard_h = KeyboardHeight(ui, vm);
  const float form_h = std::max(l.touch * 3, ImGui::GetContentRegionAvail().y - keyboard_h - l.gap);
  ImGui::BeginChild("form", ImVec2(0, form_h), false);
  ScrollArea(ui);
  const float width = ImGui::GetContentRegionAvail().x;
  // Landscape: the text fields left, subjects and consent right, so both stay in view above
  // the keyboard; portrait: one column.
  if (width > 900.0f * l.scale) {
    const float column = (width - 2 * l.gap) / 2;
    DrawFields(ui, vm, column);
    ImGui::SameLine(0, 2 * l.gap);
    DrawSubjectsAndConsent(ui, vm, column);
  } else {
    DrawFields(ui, vm, width);
    ImGui::Spacing();
    DrawSubjectsAndConsent(ui, vm, width);
  }
  ImGui::EndChild();
  OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
}

}  // namespace mk::client
