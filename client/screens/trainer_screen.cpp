// The trainer's side: sign-in (name, then PIN keypad), today's sessions, and a session's tab bar.
#include <imgui.h>

#include <algorithm>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

using i18n::Msg;

const char* TabLabel(TrainerTab tab) {
  switch (tab) {
    case TrainerTab::kRoster: return Msg("Roster");
    case TrainerTab::kMaterials: return Msg("Materials");
    case TrainerTab::kFeedback: return Msg("Feedback");
    case TrainerTab::kCertificates: return Msg("Certificates");
  }
  return Msg("Roster");
}

// A tab whose panel is not part of this build yet.
void DrawNotAvailableYet(UiContext& ui) {
  ImGui::Spacing();
  ImGui::TextWrapped("%s", ui.Tr("This part of the trainer's tools is not available yet.").c_str());
}

// The digits keypad for the trainer's PIN (no on-screen keyboard: digits only).
void PinKeypad(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  const float key = std::max(l.touch * 1.6f, std::min(ImGui::GetContentRegionAvail().x / 3.3f, l.touch * 2.2f));
  const float pad_w = key * 3 + l.gap * 2;
  TextBox(ui, vm, FieldId::kTrainerPin, "trainer.pin", "", pad_w, /*secret=*/true);
  const char* keys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
  for (int i = 0; i < 9; ++i) {
    if (i % 3 != 0) ImGui::SameLine();
    const std::string name = std::string("trainer.pin.") + keys[i];
    const std::string id = std::string(keys[i]) + "##" + name;
    if (ImGui::Button(id.c_str(), ImVec2(key, key * 0.8f))) vm.PressKey({KeyAction::kText, keys[i], 1.0f});
    NoteItem(ui, name);
  }
  const std::string del = ui.Tr("Delete") + "##trainer.pin.delete";
  if (ImGui::Button(del.c_str(), ImVec2(key, key * 0.8f))) vm.PressKey({KeyAction::kBackspace, "", 1.0f});
  NoteItem(ui, "trainer.pin.delete");
  ImGui::SameLine();
  if (ImGui::Button("0##trainer.pin.0", ImVec2(key, key * 0.8f))) vm.PressKey({KeyAction::kText, "0", 1.0f});
  NoteItem(ui, "trainer.pin.0");
  ImGui::SameLine();
  const std::string ok = ui.Tr("Sign in") + "##trainer.pin.ok";
  if (ImGui::Button(ok.c_str(), ImVec2(key, key * 0.8f))) vm.SubmitTrainerPin();
  NoteItem(ui, "trainer.pin.ok");
}

void DrawSignIn(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  TrainerViewModel& t = vm.trainer();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float wide_w = std::min(avail, l.touch * 9);
  if (t.chosen_trainer_id().empty()) {
    Heading(ui, ui.Tr("Trainer sign-in: who are you?"), l.heading_scale);
    NoticeText(ui, t.notice());
    IdleCountdownBanner(ui, vm);
    const float footer = l.touch + l.gap * 2;
    ImGui::BeginChild("trainers", ImVec2(0, std::max(l.touch * 2, ImGui::GetContentRegionAvail().y - footer)));
    ScrollArea(ui);
    // Two columns where a name button still gets 7 touch heights.
    const float inner = ImGui::GetContentRegionAvail().x;
    const int columns = inner >= l.touch * 14 + l.gap ? 2 : 1;
    const float w = columns == 2 ? (inner - l.gap) / 2 : inner;
    for (size_t i = 0; i < t.trainers().size(); ++i) {
      const TrainerChoice& c = t.trainers()[i];
      if (i % static_cast<size_t>(columns) != 0) ImGui::SameLine();
      if (BigButton(ui, "trainer.choose." + std::to_string(i), c.name, w)) vm.ChooseTrainer(c.person_id);
    }
    ImGui::EndChild();
    const float back_w = ButtonWidth(ui.Tr("Back"), l.touch * 3, avail);
    if (BigButton(ui, "trainer.back", ui.Tr("Back"), back_w)) vm.TrainerSignOut();
    const float settings_w = ButtonWidth(ui.Tr("Kiosk settings"), l.touch * 3, avail);
    SameLineIfFits(settings_w);
    if (BigButton(ui, "trainer.kiosk_settings", ui.Tr("Kiosk settings"), settings_w)) vm.RequestSettings();
    return;
  }
  std::string name;
  for (const TrainerChoice& c : t.trainers()) {
    if (c.person_id == t.chosen_trainer_id()) name = c.name;
  }
  Heading(ui, ui.Format("PIN for {0}", {name}), l.heading_scale);
  NoticeText(ui, t.notice());
  IdleCountdownBanner(ui, vm);
  PinKeypad(ui, vm);
  ImGui::Spacing();
  const float other_w = ButtonWidth(ui.Tr("Someone else"), l.touch * 4, wide_w);
  if (BigButton(ui, "trainer.someone_else", ui.Tr("Someone else"), other_w)) vm.ChooseTrainer("");
  SameLineIfFits(ButtonWidth(ui.Tr("Cancel"), l.touch * 3, avail));
  if (BigButton(ui, "trainer.cancel", ui.Tr("Cancel"), ButtonWidth(ui.Tr("Cancel"), l.touch * 3, avail))) {
    vm.TrainerSignOut();
  }
}

void DrawSessions(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  TrainerViewModel& t = vm.trainer();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float out_w = ButtonWidth(ui.Tr("Sign out"), l.touch * 3, avail);
  HeadingLine(ui, ui.Format("Hello, {0}", {t.trainer_name()}), l.heading_scale, avail - out_w - l.gap);
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - out_w));
  if (BigButton(ui, "trainer.sign_out", ui.Tr("Sign out"), out_w)) vm.TrainerSignOut();
  ImGui::TextUnformatted(ui.Tr("Your sessions today").c_str());
  NoticeText(ui, t.notice());
  IdleCountdownBanner(ui, vm);
  if (t.sessions().empty()) {
    ImGui::TextWrapped("%s", ui.Tr("You have no sessions today.").c_str());
    return;
  }
  ImGui::BeginChild("trainer.sessions", ImVec2(0, 0), false);
  ScrollArea(ui);
  const float width = ImGui::GetContentRegionAvail().x;
  const bool wide = !l.portrait() || l.form == FormFactor::kKioskPortrait;
  const float button_w = wide ? ButtonWidth(ui.Tr("Open roster"), l.touch * 4, width / 2) : width;
  for (size_t i = 0; i < t.sessions().size(); ++i) {
    const TrainerSessionItem& s = t.sessions()[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::BeginGroup();
    std::string when = i18n::FormatTimeRange(*ui.catalogue, s.starts, s.ends);
    if (!s.room.empty()) when += "  \xC2\xB7  " + s.room;
    ImGui::PushTextWrapPos(wide ? width - button_w - l.gap : 0.0f);
    if (s.closed) {
      ImGui::TextColored(ImVec4(0.75f, 0.75f, 0.8f, 1.0f), "%s", ui.Tr("closed").c_str());
      ImGui::SameLine();
    } else if (s.running) {
      ImGui::TextColored(ImVec4(0.5f, 0.85f, 0.6f, 1.0f), "%s", ui.Tr("now").c_str());
      ImGui::SameLine();
    }
    ImGui::TextUnformatted(when.c_str());
    Heading(ui, s.title, 1.2f, wide ? width - button_w - l.gap : 0.0f);
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    if (wide) ImGui::SameLine(width - button_w);
    if (BigButton(ui, "trainer.session." + std::to_string(i), ui.Tr("Open roster"), button_w, true)) {
      vm.trainer().ChooseSession(s.id);
    }
    ImGui::Separator();
    ImGui::PopID();
  }
  ImGui::EndChild();
}

void DrawSession(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  TrainerViewModel& t = vm.trainer();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float back_w = ButtonWidth(ui.Tr("Sessions"), l.touch * 2.5f, avail / 2);
  const float out_w = ButtonWidth(ui.Tr("Sign out"), l.touch * 2.5f, avail / 2);
  if (BigButton(ui, "trainer.sessions", ui.Tr("Sessions"), back_w)) vm.trainer().BackToSessions();
  ImGui::SameLine(std::max(ImGui::GetCursorPosX(), ImGui::GetWindowContentRegionMax().x - out_w));
  if (BigButton(ui, "trainer.sign_out", ui.Tr("Sign out"), out_w)) {
    vm.TrainerSignOut();
    return;
  }
  if (const TrainerSessionItem* s = t.session()) {
    std::string when = i18n::FormatTimeRange(*ui.catalogue, s->starts, s->ends);
    if (!s->room.empty()) when += "  \xC2\xB7  " + s->room;
    HeadingLine(ui, s->title, 1.2f, avail);
    ImGui::TextUnformatted(when.c_str());
  }
  // The tab bar: big buttons, the open tab highlighted; on a phone two rows of two.
  const int per_row = l.form == FormFactor::kPhonePortrait ? 2 : 4;
  const float tab_w = (avail - l.gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
  int i = 0;
  for (TrainerTab tab : kTrainerTabs) {
    if (i % per_row != 0) ImGui::SameLine();
    if (BigButton(ui, std::string("trainer.tab.") + TrainerTabName(tab), ui.Tr(TabLabel(tab)), tab_w, t.tab() == tab)) {
      vm.trainer().SetTab(tab);
    }
    ++i;
  }
  ImGui::Separator();
  // One panel per tab. The other tabs' features put their DrawXxxPanel(ui, vm) here.
  switch (t.tab()) {
    case TrainerTab::kRoster: DrawRosterPanel(ui, vm); break;
    case TrainerTab::kMaterials:
      if (vm.materials_panel() != nullptr) {
        DrawMaterialsPanel(ui, vm);
      } else {
        DrawNotAvailableYet(ui);
      }
      break;
    case TrainerTab::kFeedback: DrawFeedbackPanel(ui, vm); break;
    case TrainerTab::kCertificates: DrawCertificatesPanel(ui, vm); break;
  }
}

}  // namespace

void DrawTrainerScreen(UiContext& ui, KioskViewModel& vm) {
  switch (vm.trainer().stage()) {
    case TrainerStage::kSignIn: DrawSignIn(ui, vm); break;
    case TrainerStage::kSessions: DrawSessions(ui, vm); break;
    case TrainerStage::kSession: DrawSession(ui, vm); break;
  }
}

}  // namespace mk::client
