// Confirmation and "already checked in": who, which session, when; back to Home by itself.
#include <imgui.h>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {

void DrawConfirmationScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  const ConfirmationView& c = vm.confirmation();
  const bool already = vm.screen() == Screen::kAlreadyCheckedIn;
  ImGui::Dummy(ImVec2(0, l.touch));
  Heading(ui, ui.Format(already ? i18n::Msg("You are already checked in, {0}") : i18n::Msg("Welcome, {0}!"), {c.display_name}),
          l.large_heading_scale);
  NoteItem(ui, "confirmation.title");
  const std::string session = c.room.empty() ? c.course_title : c.course_title + ", " + c.room;
  Heading(ui, session, 1.2f);
  const std::string at = ui.Format("Checked in at {0}", {i18n::FormatTime(*ui.catalogue, c.checked_in_at)});
  ImGui::TextUnformatted(at.c_str());
  NoteItem(ui, "confirmation.time");
  if (c.late && !already) ImGui::TextWrapped("%s", ui.Tr("The session has already started: please come in quietly.").c_str());
  if (c.walk_in && !already) ImGui::TextWrapped("%s", ui.Tr("Your registration has been saved. Thank you!").c_str());
  ImGui::Dummy(ImVec2(0, l.touch));
  if (BigButton(ui, "confirmation.done", ui.Tr("Done"), std::min(ImGui::GetContentRegionAvail().x, l.touch * 6), true)) {
    vm.Done();
  }
}

}  // namespace mk::client
