// The trainer's Materials panel: the session's materials with their state, adding, the LAN share's QR code, USB copy.
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "client/lan_share/share_page.h"
#include "client/screens/materials_panel.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

const ImVec4 kReadyColour(0.45f, 0.80f, 0.55f, 1.0f);
const ImVec4 kMovingColour(0.55f, 0.75f, 0.95f, 1.0f);
const ImVec4 kFailedColour(0.85f, 0.30f, 0.25f, 1.0f);
const ImVec4 kQuietColour(0.70f, 0.72f, 0.76f, 1.0f);

std::string Size(const UiContext& ui, int64_t bytes) { return FormatFileSize(bytes, ui.catalogue->language()); }

void StateText(UiContext& ui, const MaterialRow& r, const std::string& name) {
  std::string text;
  ImVec4 colour = kMovingColour;
  switch (r.state) {
    case sync::MaterialState::kReady:
      text = ui.Tr("Ready");
      colour = kReadyColour;
      break;
    case sync::MaterialState::kDownloading:
      text = ui.Format("Downloading {0} %", {std::to_string(r.percent)});
      break;
    case sync::MaterialState::kWaiting:
      text = ui.Tr("Waiting for the next sync");
      break;
    case sync::MaterialState::kFailed:
      text = ui.Tr("Download failed; the next sync tries again.");
      colour = kFailedColour;
      break;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  NoteItem(ui, name);
  if (r.state == sync::MaterialState::kFailed && !r.reason.empty()) {
    // The reason the sync recorded, in the language on screen, for whoever looks after the device.
    const std::string reason = NoticeMessage(ui, r.reason);
    ImGui::PushStyleColor(ImGuiCol_Text, kQuietColour);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(reason.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    NoteItem(ui, name + ".reason");
    if (ui.notes != nullptr) ui.notes->labels[name + ".reason"] = reason;
  }
}

// A button as wide as its label with room on both sides, at least `min_width`, at most `max_width`.
float LabelWidth(const UiContext& ui, const std::string& label, float min_width, float max_width) {
  return std::min(max_width, ButtonWidth(label, min_width, max_width) + ui.layout.gap * 2);
}

// A labelled text field at least a touch target high over the form's text. In the kiosk a tap
// focuses it and the kiosk's keyboards (on-screen or hardware) type into it; drawn without the
// kiosk it shows the text.
void FormField(UiContext& ui, KioskViewModel* kiosk, FieldId id, const std::string& name, const std::string& label,
               const TextField& text, float width) {
  if (kiosk != nullptr) {
    TextBox(ui, *kiosk, id, name, label, width);
  } else {
    TextDisplayBox(ui, name, label, text.text(), width, false);
  }
}

void DrawQr(UiContext& ui, const QrCode& qr, float side) {
  if (qr.size <= 0) return;
  const int total = qr.size + 8;  // a quiet zone of 4 modules each side
  const float module = std::floor(side / static_cast<float>(total));
  if (module < 1.0f) return;
  const float drawn = module * static_cast<float>(total);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, ImVec2(origin.x + drawn, origin.y + drawn), IM_COL32_WHITE);
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (!qr.dark(x, y)) continue;
      const float px = origin.x + (static_cast<float>(x) + 4) * module;
      const float py = origin.y + (static_cast<float>(y) + 4) * module;
      draw->AddRectFilled(ImVec2(px, py), ImVec2(px + module, py + module), IM_COL32_BLACK);
    }
  }
  ImGui::Dummy(ImVec2(drawn, drawn));
  NoteItem(ui, "materials.qr");
}

void DrawList(UiContext& ui, MaterialsViewModel& vm, float width) {
  const Layout& l = ui.layout;
  const std::string add = ui.Tr("Add a file");
  if (BigButton(ui, "materials.add", add, LabelWidth(ui, add, l.touch * 4, width), true)) vm.BrowseForFile();
  SameLineIfFits(l.touch * 6);
  ImGui::PushStyleColor(ImGuiCol_Text, kQuietColour);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(ui.Tr("or drop files onto this window").c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  NoticeText(ui, vm.notice());
  if (vm.rows().empty()) {
    ImGui::TextWrapped("%s", ui.Tr("This session has no materials yet.").c_str());
    return;
  }
  const std::string remove = ui.Tr("Remove");
  const float remove_w = LabelWidth(ui, remove, l.touch * 2, width / 2);
  for (size_t i = 0; i < vm.rows().size(); ++i) {
    const MaterialRow& r = vm.rows()[i];
    const std::string prefix = "materials.row." + std::to_string(i);
    ImGui::PushID(static_cast<int>(i));
    ImGui::Separator();
    const float text_w = std::max(l.touch * 3, width - remove_w - l.gap);
    ImGui::BeginGroup();
    if (ui.bold_font) ImGui::PushFont(ui.bold_font);
    TextEllipsized(ui, r.title, text_w, prefix);
    if (ui.bold_font) ImGui::PopFont();
    std::string detail = r.file_name + " · " + Size(ui, r.size_bytes);
    if (!r.licence.empty()) detail += " · " + r.licence;
    if (!r.purpose.empty()) detail += " · " + r.purpose;
    if (r.whole_course) detail += " · " + ui.Tr("every session of the course");
    ImGui::PushStyleColor(ImGuiCol_Text, kQuietColour);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_w);
    ImGui::TextUnformatted(detail.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    StateText(ui, r, prefix + ".state");
    ImGui::EndGroup();
    ImGui::SameLine(ImGui::GetCursorPosX() + width - remove_w);
    if (BigButton(ui, prefix + ".remove", remove, remove_w)) vm.RequestRemove(r.id);
    ImGui::PopID();
  }
}

void DrawShare(UiContext& ui, MaterialsViewModel& vm, float width) {
  const Layout& l = ui.layout;
  HeadingLine(ui, ui.Tr("Share over the centre's Wi-Fi"), 1.15f, width);
  if (!vm.lan_share_on()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(ui.Tr("Teachers scan a QR code and download the materials on their phones. Off until you switch it on.").c_str());
    ImGui::PopTextWrapPos();
    const std::string on = ui.Tr("Start sharing");
    if (BigButton(ui, "materials.share", on, LabelWidth(ui, on, l.touch * 4, width), true)) vm.SetLanShare(true);
  } else {
    // As large as the column allows, leaving room below for the URL and the two buttons.
    const float room = ImGui::GetContentRegionAvail().y - l.touch * 5.5f;
    const float side = std::min({width, l.touch * 7, std::max(l.touch * 3.5f, room)});
    DrawQr(ui, vm.lan_qr(), side);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(vm.lan_url().c_str());
    NoteItem(ui, "materials.url");
    ImGui::TextUnformatted(ui.Tr("Open this address on a phone in the same Wi-Fi.").c_str());
    ImGui::PopTextWrapPos();
    const std::string off = ui.Tr("Stop sharing");
    if (BigButton(ui, "materials.share", off, LabelWidth(ui, off, l.touch * 4, width))) vm.SetLanShare(false);
  }
  NoticeText(ui, vm.lan_notice());
}

void DrawCopy(UiContext& ui, MaterialsViewModel& vm, float width) {
  const Layout& l = ui.layout;
  HeadingLine(ui, ui.Tr("Copy to a USB stick"), 1.15f, width);
  const CopyState copy = vm.copy_state();
  if (copy.running) {
    const std::string line = copy.file_count > 0
                                 ? ui.Format("File {0} of {1}: {2}", {std::to_string(copy.file_index + 1),
                                                                       std::to_string(copy.file_count), copy.file_name})
                                 : ui.Tr("Preparing…");
    TextEllipsized(ui, line, width, "materials.copy.file");
    const std::string percent = std::to_string(copy.percent()) + " %";
    ImGui::ProgressBar(copy.bytes_total > 0 ? static_cast<float>(copy.bytes_done) / static_cast<float>(copy.bytes_total) : 0.0f,
                       ImVec2(width, l.touch * 0.6f), percent.c_str());
    NoteItem(ui, "materials.copy.progress");
    const std::string stop = ui.Tr("Stop copying");
    if (BigButton(ui, "materials.copy.cancel", stop, LabelWidth(ui, stop, l.touch * 4, width))) vm.CancelCopy();
  } else {
    const std::string start = ui.Tr("Copy all to a USB stick…");
    if (BigButton(ui, "materials.copy", start, LabelWidth(ui, start, l.touch * 4, width))) vm.BrowseForCopyTarget();
  }
  NoticeText(ui, vm.copy_notice());
}

void DrawForm(UiContext& ui, MaterialsViewModel& vm, KioskViewModel* kiosk, float width) {
  const Layout& l = ui.layout;
  MaterialForm& f = vm.form();
  Heading(ui, ui.Tr("Add material"), 1.3f, width);
  TextEllipsized(ui, f.file_name + (f.size_bytes > 0 ? " · " + Size(ui, f.size_bytes) : std::string()), width,
                 "materials.form.file");
  if (vm.files_waiting() > 0) {
    ImGui::TextWrapped("%s", ui.Format("{0} more dropped files follow.", {std::to_string(vm.files_waiting())}).c_str());
  }
  NoticeText(ui, f.error);
  FormField(ui, kiosk, FieldId::kMaterialTitle, "materials.form.title", ui.Tr("Title"), f.title, width);
  FormField(ui, kiosk, FieldId::kMaterialDescription, "materials.form.description", ui.Tr("Description"), f.description,
            width);
  FormField(ui, kiosk, FieldId::kMaterialLicence, "materials.form.licence", ui.Tr("Licence"), f.licence, width);
  const auto& licences = MaterialsViewModel::LicenceChoices();
  for (size_t i = 0; i < licences.size(); ++i) {
    const float w = LabelWidth(ui, licences[i], l.touch * 2, width);
    if (i > 0) SameLineIfFits(w);
    if (BigButton(ui, "materials.form.licence." + std::to_string(i), licences[i], w, f.licence.text() == licences[i])) {
      f.licence.Set(licences[i]);
    }
  }
  FormField(ui, kiosk, FieldId::kMaterialPurpose, "materials.form.purpose", ui.Tr("Purpose"), f.purpose, width);
  const auto& purposes = MaterialsViewModel::PurposeChoices();
  for (size_t i = 0; i < purposes.size(); ++i) {
    const std::string label = ui.Tr(purposes[i]);
    const float w = LabelWidth(ui, label, l.touch * 2, width);
    if (i > 0) SameLineIfFits(w);
    if (BigButton(ui, "materials.form.purpose." + std::to_string(i), label, w, f.purpose.text() == label)) {
      f.purpose.Set(label);
    }
  }
  if (TickBox(ui, "materials.form.course", ui.Tr("For every session of this course"), f.whole_course, width)) {
    f.whole_course = !f.whole_course;
  }
  const std::string add = ui.Tr("Add");
  const std::string cancel = ui.Tr("Cancel");
  if (BigButton(ui, "materials.form.submit", add, LabelWidth(ui, add, l.touch * 3, width), true)) vm.SubmitAdd();
  SameLineIfFits(LabelWidth(ui, cancel, l.touch * 3, width));
  if (BigButton(ui, "materials.form.cancel", cancel, LabelWidth(ui, cancel, l.touch * 3, width))) vm.CancelAdd();
}

void DrawBrowser(UiContext& ui, MaterialsViewModel& vm, float width) {
  const Layout& l = ui.layout;
  FileBrowser& b = vm.browser();
  const bool folder = b.mode() == BrowseFor::kFolder;
  Heading(ui, folder ? ui.Tr("Choose the folder to copy to") : ui.Tr("Choose a file"), 1.3f, width);
  for (size_t i = 0; i < b.places().size(); ++i) {
    const platform::Place& p = b.places()[i];
    const std::string label = p.removable ? ui.Format("USB: {0}", {p.label}) : ui.Tr("Home folder");
    const float w = LabelWidth(ui, label, l.touch * 2, width);
    if (i > 0) SameLineIfFits(w);
    if (BigButton(ui, "materials.browser.place." + std::to_string(i), label, w, b.dir() == p.path)) vm.BrowserPlace(i);
  }
  const std::string up = ui.Tr("Up");
  if (b.can_go_up()) {
    if (BigButton(ui, "materials.browser.up", up, LabelWidth(ui, up, l.touch * 2, width))) vm.BrowserUp();
    ImGui::SameLine();
  }
  ImGui::AlignTextToFramePadding();
  TextEllipsized(ui, b.dir(), std::max(l.touch, ImGui::GetContentRegionAvail().x), "materials.browser.dir");
  NoticeText(ui, b.notice());
  const float buttons_h = l.touch + l.gap * 2;
  ImGui::BeginChild("materials.browser.list", ImVec2(width, std::max(l.touch * 3, ImGui::GetContentRegionAvail().y - buttons_h)));
  ScrollArea(ui);
  if (b.entries().empty()) ImGui::TextWrapped("%s", ui.Tr("This folder is empty.").c_str());
  for (size_t i = 0; i < b.entries().size(); ++i) {
    const platform::DirEntry& e = b.entries()[i];
    const std::string label = e.is_dir ? e.name + "/" : e.name + "  ·  " + Size(ui, e.size);
    ImGui::PushStyleVar(ImGuiStyleVar_ButtonTextAlign, ImVec2(0.0f, 0.5f));
    if (BigButton(ui, "materials.browser.entry." + std::to_string(i), label, -1)) vm.BrowserActivate(i);
    ImGui::PopStyleVar();
  }
  ImGui::EndChild();
  const std::string cancel = ui.Tr("Cancel");
  if (folder) {
    const std::string here = ui.Tr("Copy here");
    if (BigButton(ui, "materials.browser.choose", here, LabelWidth(ui, here, l.touch * 3, width), true)) {
      vm.BrowserChooseFolder();
    }
    SameLineIfFits(LabelWidth(ui, cancel, l.touch * 3, width));
  }
  if (BigButton(ui, "materials.browser.cancel", cancel, LabelWidth(ui, cancel, l.touch * 3, width))) vm.BrowserCancel();
}

void DrawConfirmRemove(UiContext& ui, MaterialsViewModel& vm, float width) {
  const Layout& l = ui.layout;
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(
      ui.Format("Remove “{0}” from this session on every device of the centre?", {vm.remove_title()}).c_str());
  ImGui::PopTextWrapPos();
  const std::string remove = ui.Tr("Remove");
  const std::string cancel = ui.Tr("Cancel");
  if (BigButton(ui, "materials.remove.confirm", remove, LabelWidth(ui, remove, l.touch * 3, width), true)) vm.ConfirmRemove();
  SameLineIfFits(LabelWidth(ui, cancel, l.touch * 3, width));
  if (BigButton(ui, "materials.remove.cancel", cancel, LabelWidth(ui, cancel, l.touch * 3, width))) vm.CancelRemove();
}

void DrawPanel(UiContext& ui, MaterialsViewModel& vm, KioskViewModel* kiosk) {
  const Layout& l = ui.layout;
  const float width = ImGui::GetContentRegionAvail().x;
  switch (vm.view()) {
    case MaterialsView::kAddForm: {
      // While a field is typed into, the on-screen keyboard takes the bottom and the form scrolls above it.
      const float keyboard_h = kiosk != nullptr ? KeyboardHeight(ui, *kiosk) : 0.0f;
      const float form_h = keyboard_h > 0 ? std::max(l.touch * 2, ImGui::GetContentRegionAvail().y - keyboard_h - l.gap) : 0.0f;
      ImGui::BeginChild("materials.form", ImVec2(0, form_h));
      ScrollArea(ui);
      DrawForm(ui, vm, kiosk, std::min(width - l.gap, l.touch * 16));
      ImGui::EndChild();
      if (kiosk != nullptr) OnScreenKeyboardWidget(ui, *kiosk, width);
      return;
    }
    case MaterialsView::kBrowse:
      DrawBrowser(ui, vm, width);
      return;
    case MaterialsView::kConfirmRemove:
      DrawConfirmRemove(ui, vm, std::min(width, l.touch * 16));
      return;
    case MaterialsView::kList:
      break;
  }
  // Wide windows: the list on the left, sharing and copying on the right; narrow ones: stacked.
  const bool two_columns = width >= l.touch * 18;
  if (two_columns) {
    const float side = std::min(l.touch * 8, width * 0.38f);
    ImGui::BeginChild("materials.list", ImVec2(width - side - l.gap * 2, 0));
    ScrollArea(ui);
    DrawList(ui, vm, ImGui::GetContentRegionAvail().x);
    ImGui::EndChild();
    ImGui::SameLine(0, l.gap * 2);
    ImGui::BeginChild("materials.side", ImVec2(side, 0));
    ScrollArea(ui);
    DrawShare(ui, vm, ImGui::GetContentRegionAvail().x);
    ImGui::Dummy(ImVec2(0, l.gap * 2));
    DrawCopy(ui, vm, ImGui::GetContentRegionAvail().x);
    ImGui::EndChild();
  } else {
    ImGui::BeginChild("materials.all", ImVec2(0, 0));
    ScrollArea(ui);
    const float w = ImGui::GetContentRegionAvail().x;
    DrawShare(ui, vm, w);
    ImGui::Dummy(ImVec2(0, l.gap));
    DrawCopy(ui, vm, w);
    ImGui::Dummy(ImVec2(0, l.gap));
    DrawList(ui, vm, w);
    ImGui::EndChild();
  }
}

}  // namespace

void DrawMaterialsPanel(UiContext& ui, MaterialsViewModel& vm) { DrawPanel(ui, vm, nullptr); }

void DrawMaterialsPanel(UiContext& ui, KioskViewModel& vm) {
  MaterialsViewModel* materials = vm.materials_panel();
  if (materials == nullptr) return;
  materials->SetSession(vm.trainer().session_id(), vm.trainer().session_closed());
  materials->SetLanguage(ui.catalogue->language());
  DrawPanel(ui, *materials, &vm);
}

}  // namespace mk::client
