// The trainer's Certificates tab: language, folder (typed or chosen from a list), issue, outcome.
#include <imgui.h>

#include <algorithm>

#include "client/certificates/certificate_issue.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

std::string Hours(double h, i18n::Language language) {
  std::string s = certificates::FormatHours(h, language == i18n::Language::kGerman ? "," : ".");
  return s;
}

std::string RefusalText(UiContext& ui, const certificates::Refusal& r) {
  const i18n::Language lang = ui.catalogue->language();
  const std::string who = r.name.empty() ? ui.Tr("An erased person") : r.name;
  switch (r.kind) {
    case certificates::RefusalKind::kErased: return ui.Format("{0}: erased, no certificate", {who});
    case certificates::RefusalKind::kNoAttendance: return ui.Format("{0}: did not check in", {who});
    case certificates::RefusalKind::kAbsent: return ui.Format("{0}: marked absent", {who});
    case certificates::RefusalKind::kExcused: return ui.Format("{0}: marked excused", {who});
    case certificates::RefusalKind::kBelowMinimum:
      return ui.Format("{0}: attended {1} of {2} hours ({3} %), the minimum is {4} %",
                       {who, Hours(r.attended_hours, lang), Hours(r.session_hours, lang), std::to_string(r.share_percent),
                        std::to_string(r.minimum_percent)});
  }
  return who;
}

void Browser(UiContext& ui, CertificatesPanelViewModel& p, float width) {
  const Layout& l = ui.layout;
  FileBrowser& b = p.browser();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextDisabled("%s", b.dir().c_str());
  ImGui::PopTextWrapPos();
  NoticeText(ui, b.notice());
  for (size_t i = 0; i < b.places().size(); ++i) {
    const platform::Place& place = b.places()[i];
    const float w = ButtonWidth(place.label, l.touch * 3, width);
    if (i > 0) SameLineIfFits(w);
    if (BigButton(ui, "certificates.place." + std::to_string(i), place.label, w, place.path == b.dir())) {
      b.GoToPlace(i);
    }
  }
  const float up_w = ButtonWidth(ui.Tr("Up"), l.touch * 2.5f, width);
  if (b.can_go_up() && BigButton(ui, "certificates.browse.up", ui.Tr("Up"), up_w)) b.Up();
  const float list_h = std::min(l.touch * 5, static_cast<float>(b.entries().size()) * (l.touch + l.gap) + l.gap);
  ImGui::BeginChild("certificates.folders", ImVec2(width, std::max(list_h, l.touch)), true);
  for (size_t i = 0; i < b.entries().size(); ++i) {
    if (!b.entries()[i].is_dir) continue;
    if (BigButton(ui, "certificates.folder." + std::to_string(i), b.entries()[i].name + "/",
                  ImGui::GetContentRegionAvail().x)) {
      b.Activate(i);
    }
  }
  ImGui::EndChild();
  const float use_w = ButtonWidth(ui.Tr("Use this folder"), l.touch * 4, width);
  if (BigButton(ui, "certificates.browse.use", ui.Tr("Use this folder"), use_w, true)) p.UseBrowserFolder();
  const float cancel_w = ButtonWidth(ui.Tr("Cancel"), l.touch * 3, width);
  SameLineIfFits(cancel_w);
  if (BigButton(ui, "certificates.browse.cancel", ui.Tr("Cancel"), cancel_w)) p.CloseBrowser();
}

}  // namespace

void DrawCertificatesPanel(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  CertificatesPanelViewModel& p = vm.certificates_panel();
  p.Show(vm.trainer().session_id());
  // While the folder is typed into, the on-screen keyboard takes the bottom and the panel scrolls above it.
  const float keyboard_h = KeyboardHeight(ui, vm);
  const float panel_h = keyboard_h > 0 ? std::max(l.touch * 2, ImGui::GetContentRegionAvail().y - keyboard_h - l.gap) : 0.0f;
  ImGui::BeginChild("certificates.panel", ImVec2(0, panel_h), false);
  ScrollArea(ui);
  const float width = std::min(ImGui::GetContentRegionAvail().x, l.touch * 22);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(ui.Tr("One PDF per attendee with the hours actually attended; late arrival and early leave "
                               "reduce them. Below the centre's minimum share there is no certificate.")
                             .c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  ImGui::TextUnformatted(ui.Tr("Language of the certificates").c_str());
  const float lang_w = ButtonWidth(ui.Tr("English"), l.touch * 3, width / 2);
  if (BigButton(ui, "certificates.lang.de", ui.Tr("Deutsch"), lang_w, p.language() == i18n::Language::kGerman)) {
    p.SetLanguage(i18n::Language::kGerman);
  }
  ImGui::SameLine();
  if (BigButton(ui, "certificates.lang.en", ui.Tr("English"), lang_w, p.language() == i18n::Language::kEnglish)) {
    p.SetLanguage(i18n::Language::kEnglish);
  }
  ImGui::Spacing();
  ImGui::TextUnformatted(ui.Tr("Folder").c_str());
  const float browse_w = ButtonWidth(ui.Tr("Choose…"), l.touch * 3, width / 3);
  const bool side = width > l.touch * 10;
  const float field_w = side ? width - browse_w - l.gap : width;
  TextBox(ui, vm, FieldId::kCertificatesFolder, "certificates.folder", "", field_w);
  if (side) ImGui::SameLine();
  if (BigButton(ui, "certificates.browse", ui.Tr("Choose…"), browse_w)) p.OpenBrowser();
  if (p.browser().open()) Browser(ui, p, width);
  ImGui::Spacing();
  const float issue_w = ButtonWidth(ui.Tr("Write certificates"), l.touch * 5, width);
  if (BigButton(ui, "certificates.issue", ui.Tr("Write certificates"), issue_w, true)) p.Issue();
  NoticeText(ui, p.notice());
  if (const auto& o = p.outcome()) {
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::TextUnformatted(ui.Format("{0} certificates written to {1}", {std::to_string(o->written), o->folder}).c_str());
    NoteItem(ui, "certificates.outcome");
    if (!o->refused.empty()) {
      ImGui::TextUnformatted(ui.Tr("No certificate:").c_str());
      for (const certificates::Refusal& r : o->refused) ImGui::BulletText("%s", RefusalText(ui, r).c_str());
    }
    ImGui::PopTextWrapPos();
  }
  ImGui::EndChild();
  OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
}

}  // namespace mk::client
