// Home: this centre's sessions now and later today, each with a large "Check in" button; below
// them the surveys of sessions that have just ended, so checking in never scrolls out of view.
#include <imgui.h>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {

void DrawHomeScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  Heading(ui, ui.Tr("Welcome! Please choose your session."), l.heading_scale);
  NoticeText(ui, vm.notice());
  IdleCountdownBanner(ui, vm);
  if (vm.sessions().empty()) {
    ImGui::TextWrapped("%s", ui.Tr("There are no more sessions today.").c_str());
    ImGui::Separator();
    DrawSurveyOffers(ui, vm);
    return;
  }
  ImGui::BeginChild("sessions", ImVec2(0, 0), false);
  ScrollArea(ui);
  const float width = ImGui::GetContentRegionAvail().x;
  const bool wide = !l.portrait() || l.form == FormFactor::kKioskPortrait;
  auto button_label = [&](const SessionItem& s) {
    return s.open ? ui.Tr("Check in") : ui.Format("Check-in opens at {0}", {i18n::FormatTime(*ui.catalogue, s.opens)});
  };
  // Beside the text, every button as wide as the longest label needs (within reason), so the
  // buttons line up and the titles keep a column of their own.
  float button_w = width;
  if (wide) {
    button_w = l.touch * 4.5f;
    for (const SessionItem& s : vm.sessions()) button_w = ButtonWidth(button_label(s), button_w, width * 0.4f);
  }
  const float text_w = wide ? width - button_w - 2 * l.gap : width;
  for (size_t i = 0; i < vm.sessions().size(); ++i) {
    const SessionItem& s = vm.sessions()[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::BeginGroup();
    const std::string when = i18n::FormatTimeRange(*ui.catalogue, s.starts, s.ends);
    const std::string where = s.room.empty() ? when : when + "  \xC2\xB7  " + s.room;
    // "now" first and the rest wrapped, so a long room name never runs into the button or off
    // a phone's screen; the title wraps in the same column.
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_w);
    if (s.running) {
      ImGui::TextColored(ImVec4(0.5f, 0.85f, 0.6f, 1.0f), "%s", ui.Tr("now").c_str());
      ImGui::SameLine();
    }
    ImGui::TextUnformatted(where.c_str());
    ImGui::PopTextWrapPos();
    Heading(ui, s.title, 1.2f, text_w);
    NoteItem(ui, "home.title." + std::to_string(i));
    ImGui::EndGroup();
    if (wide) ImGui::SameLine(width - button_w);
    const std::string name = "home.session." + std::to_string(i);
    if (s.open) {
      if (BigButton(ui, name, button_label(s), button_w, true)) vm.OpenSession(s.id);
    } else {
      ImGui::BeginDisabled();
      BigButton(ui, name, button_label(s), button_w);
      ImGui::EndDisabled();
    }
    ImGui::Separator();
    ImGui::PopID();
  }
  DrawSurveyOffers(ui, vm);
  ImGui::EndChild();
}

}  // namespace mk::client
