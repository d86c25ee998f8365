// The trainer PIN prompt: a numeric keypad guarding leaving the kiosk and its settings.
#include <imgui.h>

#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {

void DrawPinScreen(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  switch (vm.pin_stage()) {
    case PinStage::kEnter:
      Heading(ui, ui.Tr(vm.pin_purpose() == PinPurpose::kExit ? i18n::Msg("Trainer PIN to leave the kiosk")
                                                         : i18n::Msg("Trainer PIN for the settings")),
              l.heading_scale);
      break;
    case PinStage::kChoose:
      // No PIN yet: a shared kiosk is never left open, so one is chosen before anything else.
      Heading(ui, ui.Tr("Choose a trainer PIN"), l.heading_scale);
      ImGui::TextWrapped("%s", ui.Tr("No trainer PIN is set yet. Choose one of 4 to 12 digits: it guards leaving the "
                                     "kiosk and its settings.")
                                   .c_str());
      NoteItem(ui, "pin.choose");
      break;
    case PinStage::kConfirm:
      Heading(ui, ui.Tr("Type the new PIN again"), l.heading_scale);
      ImGui::TextWrapped("%s", ui.Tr("Type the same PIN once more to confirm it.").c_str());
      NoteItem(ui, "pin.confirm");
      break;
  }
  NoticeText(ui, vm.notice());
  IdleCountdownBanner(ui, vm);
  const float key = std::max(l.touch * 1.6f, std::min(ImGui::GetContentRegionAvail().x / 3.3f, l.touch * 2.2f));
  const float pad_w = key * 3 + l.gap * 2;
  TextBox(ui, vm, FieldId::kPin, "pin.field", "", pad_w, /*secret=*/true);
  const char* digits[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9"};
  for (int i = 0; i < 9; ++i) {
    if (i % 3 != 0) ImGui::SameLine();
    const std::string name = std::string("pin.") + digits[i];
    const std::string id = std::string(digits[i]) + "##" + name;
    if (ImGui::Button(id.c_str(), ImVec2(key, key * 0.8f))) vm.PressKey({KeyAction::kText, digits[i], 1.0f});
    NoteItem(ui, name);
  }
  const float label_room = key - 2 * ImGui::GetStyle().FramePadding.x;
  const std::string del = Ellipsize(ui.Tr("Delete"), label_room) + "##pin.delete";
  if (ImGui::Button(del.c_str(), ImVec2(key, key * 0.8f))) vm.PressKey({KeyAction::kBackspace, "", 1.0f});
  NoteItem(ui, "pin.delete");
  ImGui::SameLine();
  if (ImGui::Button("0##pin.0", ImVec2(key, key * 0.8f))) vm.PressKey({KeyAction::kText, "0", 1.0f});
  NoteItem(ui, "pin.0");
  ImGui::SameLine();
  const std::string ok = Ellipsize(ui.Tr("OK"), label_room) + "##pin.ok";
  if (ImGui::Button(ok.c_str(), ImVec2(key, key * 0.8f))) vm.SubmitPin();
  NoteItem(ui, "pin.ok");
  ImGui::Spacing();
  if (BigButton(ui, "pin.cancel", ui.Tr("Cancel"), pad_w)) vm.CancelPin();
}

}  // namespace mk::client
