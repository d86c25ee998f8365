// The anonymous survey: Home's offer, big 1-5 buttons per statement, the free text, the thank-you.
#include <imgui.h>

#include <algorithm>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

const std::string& InLanguage(const KioskViewModel& vm, const feedback::LocalText& text) {
  return vm.language() == i18n::Language::kEnglish ? text.en : text.de;
}

// One statement: its text, then five buttons 1..5 at least a touch target each way.
void RatingRow(UiContext& ui, KioskViewModel& vm, size_t item, const std::string& text, int value, float width) {
  const Layout& l = ui.layout;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  const float button_w = std::clamp((width - 4 * l.gap) / 5, l.touch, l.touch * 2.2f);
  for (int v = 1; v <= 5; ++v) {
    if (v > 1) ImGui::SameLine();
    const std::string name = "survey.item." + std::to_string(item) + "." + std::to_string(v);
    if (BigButton(ui, name, std::to_string(v), button_w, value == v)) vm.RateSurvey(item, v);
  }
  ImGui::Spacing();
}

}  // namespace

void DrawSurveyOffers(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  const auto& offers = vm.survey().offers();
  if (offers.empty()) return;
  const float avail = ImGui::GetContentRegionAvail().x;
  for (size_t i = 0; i < offers.size(); ++i) {
    const SurveyOfferItem& o = offers[i];
    const std::string label = o.kind == feedback::SurveyKind::kFollowUp
                                  ? ui.Format("Follow-up survey: {0}", {o.title})
                                  : ui.Format("Feedback: {0}", {o.title});
    // Calm, not a primary button: checking in stays the main thing on Home.
    const float w = std::min(avail, ButtonWidth(label, l.touch * 6, avail));
    if (BigButton(ui, "home.survey." + std::to_string(i), label, w)) vm.OpenSurvey(i);
  }
  ImGui::Separator();
}

void DrawSurveyScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  const SurveyViewModel& s = vm.survey();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float back_w = ButtonWidth(ui.Tr("Back"), l.touch * 3, avail / 3);
  if (BigButton(ui, "survey.back", ui.Tr("Back"), back_w)) {
    vm.BackToHome();
    return;
  }
  // A phone has no room beside "Back": the question goes below it, wrapped, never cut.
  if (l.form == FormFactor::kPhonePortrait) {
    Heading(ui, InLanguage(vm, s.survey().title), l.heading_scale, avail);
  } else {
    ImGui::SameLine();
    HeadingLine(ui, InLanguage(vm, s.survey().title), l.heading_scale, avail - back_w - l.gap);
  }
  const std::string when = i18n::FormatTimeRange(*ui.catalogue, s.offer().starts, s.offer().ends);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted((s.offer().title + "  \xC2\xB7  " + when).c_str());
  ImGui::TextDisabled("%s", ui.Tr("Anonymous: your name is not stored with your answers.").c_str());
  ImGui::PopTextWrapPos();
  NoticeText(ui, vm.notice());
  IdleCountdownBanner(ui, vm);

  const float keyboard_h = KeyboardHeight(ui, vm);
  const float form_h = std::max(l.touch * 3, ImGui::GetContentRegionAvail().y - keyboard_h - l.gap);
  ImGui::BeginChild("survey", ImVec2(0, form_h), false);
  ScrollArea(ui);
  const float width = std::min(ImGui::GetContentRegionAvail().x, l.touch * 20);
  const std::string scale = ui.Format("1 = {0}   5 = {1}", {InLanguage(vm, s.survey().scale_low), InLanguage(vm, s.survey().scale_high)});
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextDisabled("%s", scale.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  for (size_t i = 0; i < s.survey().items.size(); ++i) {
    RatingRow(ui, vm, i, InLanguage(vm, s.survey().items[i].text), s.ratings()[i], width);
  }
  TextBox(ui, vm, FieldId::kSurveyText, "survey.text", InLanguage(vm, s.survey().free_text), width);
  ImGui::Spacing();
  const float send_w = ButtonWidth(ui.Tr("Send answers"), l.touch * 5, width);
  if (BigButton(ui, "survey.submit", ui.Tr("Send answers"), send_w, true)) vm.SubmitSurvey();
  ImGui::EndChild();
  OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
}

void DrawSurveyThanksScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  ImGui::Spacing();
  Heading(ui, ui.Tr("Thank you!"), l.large_heading_scale);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(
      ui.Tr("Your answers are stored without your name. They help us make the next workshop better.").c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  const float avail = ImGui::GetContentRegionAvail().x;
  if (BigButton(ui, "survey.done", ui.Tr("Done"), ButtonWidth(ui.Tr("Done"), l.touch * 4, avail), true)) vm.Done();
}

}  // namespace mk::client
