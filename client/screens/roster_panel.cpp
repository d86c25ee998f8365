// The roster tab: live counts, one row per person with one-tap statuses, undo, note and early
// leave editors, closing the session with a confirmation.
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

using i18n::Msg;
using store::AttendanceStatus;
using store::RosterStatus;

struct StatusChoice {
  AttendanceStatus status;
  RosterStatus shown;
  const char* label;
  const char* name;
};
constexpr StatusChoice kChoices[] = {
    {AttendanceStatus::kPresent, RosterStatus::kPresent, Msg("Present"), "present"},
    {AttendanceStatus::kLate, RosterStatus::kLate, Msg("Late"), "late"},
    {AttendanceStatus::kExcused, RosterStatus::kExcused, Msg("Excused"), "excused"},
    {AttendanceStatus::kAbsent, RosterStatus::kAbsent, Msg("Absent"), "absent"},
};

// One count: the number large, its label small below, in a calm box.
void CountBox(UiContext& ui, const std::string& name, const std::string& label, int value, float width) {
  const Layout& l = ui.layout;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const float h = l.touch * 1.25f;
  ImGui::Dummy(ImVec2(width, h));
  NoteItem(ui, name);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 end(pos.x + width, pos.y + h);
  draw->AddRectFilled(pos, end, ImGui::GetColorU32(ImGuiCol_FrameBg), 6.0f * l.scale);
  const std::string number = std::to_string(value);
  const ImVec2 nsize = ImGui::CalcTextSize(number.c_str());
  draw->AddText(ImVec2(pos.x + (width - nsize.x) / 2, pos.y + h * 0.12f), ImGui::GetColorU32(ImGuiCol_Text),
                number.c_str());
  const std::string shown = Ellipsize(label, width - 8.0f * l.scale);
  const ImVec2 lsize = ImGui::CalcTextSize(shown.c_str());
  draw->AddText(ImVec2(pos.x + (width - lsize.x) / 2, pos.y + h * 0.88f - lsize.y),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), shown.c_str());
}

void DrawCounts(UiContext& ui, const store::RosterCounts& c) {
  const Layout& l = ui.layout;
  const struct {
    const char* name;
    const char* label;
    int value;
  } counts[] = {
      {"roster.count.expected", Msg("Expected"), c.expected}, {"roster.count.present", Msg("Present"), c.present},
      {"roster.count.late", Msg("Late"), c.late},             {"roster.count.excused", Msg("Excused"), c.excused},
      {"roster.count.absent", Msg("Absent"), c.absent},       {"roster.count.not_marked", Msg("Unmarked"), c.not_marked},
      {"roster.count.walk_ins", Msg("Walk-ins"), c.walk_ins},
  };
  const float avail = ImGui::GetContentRegionAvail().x;
  // As many in a row as fit with the longest label in the language on screen whole: seven, else
  // four and three, else three, else two (a phone in a long-worded language).
  float label_w = l.touch * 2.2f;
  for (const auto& count : counts) label_w = std::max(label_w, ButtonWidth(ui.Tr(count.label), 0.0f, avail));
  int per_row = 2;
  for (int n : {7, 4, 3}) {
    if ((avail - l.gap * static_cast<float>(n - 1)) / static_cast<float>(n) >= label_w) {
      per_row = n;
      break;
    }
  }
  const float w = std::min(l.touch * 3.2f, (avail - l.gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row));
  for (size_t i = 0; i < std::size(counts); ++i) {
    if (i % static_cast<size_t>(per_row) != 0) ImGui::SameLine();
    CountBox(ui, counts[i].name, ui.Tr(counts[i].label), counts[i].value, w);
  }
}

// The second line of a row: school, walk-in, check-in and leave times, the note.
std::string Details(UiContext& ui, const RosterRow& r) {
  std::vector<std::string> parts;
  if (!r.school.empty()) parts.push_back(r.school);
  if (r.walk_in) parts.push_back(ui.Tr("walk-in"));
  if (r.status == RosterStatus::kNotMarked) parts.push_back(ui.Tr("not marked yet"));
  if (r.checked_in) parts.push_back(ui.Format("checked in {0}", {i18n::FormatTime(*ui.catalogue, *r.checked_in)}));
  if (r.left_at) parts.push_back(ui.Format("left at {0}", {i18n::FormatTime(*ui.catalogue, *r.left_at)}));
  if (!r.note.empty()) parts.push_back(ui.Format("Note: {0}", {r.note}));
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += "  \xC2\xB7  ";
    out += p;
  }
  return out;
}

void DrawEditor(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  TrainerViewModel& t = vm.trainer();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float button_w = [&] {
    float w = l.touch * 3;
    for (const char* label : {Msg("Save"), Msg("Cancel"), Msg("No early leave")}) {
      w = std::max(w, ButtonWidth(ui.Tr(label), l.touch * 3, avail));
    }
    return std::min(w, avail);
  }();
  std::string name;
  if (const RosterRow* row = t.Row(t.editor_person_id())) name = row->name;
  switch (t.editor()) {
    case RosterEditor::kNone: return;
    case RosterEditor::kNote:
      TextBox(ui, vm, FieldId::kRosterNote, "roster.note", ui.Format("Note for {0}", {name}), avail);
      break;
    case RosterEditor::kLeftAt:
      TextBox(ui, vm, FieldId::kRosterLeftAt, "roster.left_at", ui.Format("{0} left at (HH:MM)", {name}),
              std::min(avail, l.touch * 4));
      break;
    case RosterEditor::kConfirmClose: {
      const int open = t.counts().not_marked;
      ImGui::TextWrapped("%s", ui.Tr("Close the session now?").c_str());
      if (open > 0) {
        ImGui::TextWrapped("%s", ui.Format(t.close_marks_absent()
                                               ? Msg("{0} people are not marked yet; they will be recorded as absent.")
                                               : Msg("{0} people are not marked yet; they stay unmarked."),
                                           {std::to_string(open)})
                                     .c_str());
      }
      const float yes_w = ButtonWidth(ui.Tr("Yes, close the session"), l.touch * 4, avail);
      if (BigButton(ui, "roster.close.confirm", ui.Tr("Yes, close the session"), yes_w, true)) t.ConfirmClose();
      SameLineIfFits(button_w);
      if (BigButton(ui, "roster.close.cancel", ui.Tr("Cancel"), button_w)) t.CloseEditor();
      ImGui::Separator();
      return;
    }
  }
  if (BigButton(ui, "roster.editor.save", ui.Tr("Save"), button_w, true)) vm.SaveRosterEditor();
  if (t.editor() == RosterEditor::kLeftAt) {
    SameLineIfFits(button_w);
    if (BigButton(ui, "roster.editor.clear", ui.Tr("No early leave"), button_w)) vm.ClearRosterLeftAt();
  }
  SameLineIfFits(button_w);
  if (BigButton(ui, "roster.editor.cancel", ui.Tr("Cancel"), button_w)) vm.CancelRosterEditor();
  ImGui::Separator();
}

void DrawRow(UiContext& ui, KioskViewModel& vm, const RosterRow& r, size_t index, bool closed) {
  const Layout& l = ui.layout;
  TrainerViewModel& t = vm.trainer();
  const float width = ImGui::GetContentRegionAvail().x;
  const bool phone = l.form == FormFactor::kPhonePortrait;
  // Wide enough for the longest label in the language on screen, at most 64 % of the row.
  float label_w = l.touch * 2.0f;
  for (const StatusChoice& c : kChoices) label_w = std::max(label_w, ButtonWidth(ui.Tr(c.label), 0.0f, width));
  float tool_label_w = l.touch * 2.0f;
  for (const char* label : {Msg("Note"), Msg("Left early")}) {
    tool_label_w = std::max(tool_label_w, ButtonWidth(ui.Tr(label), 0.0f, width));
  }
  // Beside the name when the six buttons take at most 64 % of the row; else below it, all six in
  // one row when their labels fit, else the four statuses in a row and the two tools in another,
  // else (phones, long words) the statuses two by two, so no label is cut short.
  const bool beside = !phone && label_w * 4 + tool_label_w * 2 + l.gap * 5 <= width * 0.64f;
  const bool one_row = !beside && (width - l.gap * 5) / 6 >= std::max(label_w, tool_label_w);
  const bool four = (width - l.gap * 3) / 4 >= label_w;
  float status_w = label_w;
  float tool_w = tool_label_w;
  size_t statuses_per_row = std::size(kChoices);
  if (!beside) {
    status_w = one_row ? (width - l.gap * 5) / 6 : four ? (width - l.gap * 3) / 4 : (width - l.gap) / 2;
    tool_w = one_row ? status_w : (width - l.gap) / 2;
    if (!one_row && !four) statuses_per_row = 2;
  }
  const float buttons_w = status_w * 4 + tool_w * 2 + l.gap * 5;
  const float text_w = beside ? width - buttons_w - l.gap : width;
  const std::string base = "roster." + std::to_string(index);
  ImGui::BeginGroup();
  HeadingLine(ui, r.name, 1.0f, text_w);
  const std::string details = Details(ui, r);
  if (!details.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    TextEllipsized(ui, details, text_w, base + ".details");
    ImGui::PopStyleColor();
  }
  ImGui::EndGroup();
  if (beside) ImGui::SameLine(width - buttons_w);
  ImGui::BeginDisabled(closed);
  for (size_t i = 0; i < std::size(kChoices); ++i) {
    if (i % statuses_per_row != 0) ImGui::SameLine();
    const StatusChoice& c = kChoices[i];
    if (BigButton(ui, base + "." + c.name, ui.Tr(c.label), status_w, r.status == c.shown)) t.Mark(r.person_id, c.status);
  }
  if (beside || one_row) ImGui::SameLine();
  if (BigButton(ui, base + ".note", ui.Tr("Note"), tool_w)) vm.EditRosterNote(r.person_id);
  ImGui::SameLine();
  if (BigButton(ui, base + ".left", ui.Tr("Left early"), tool_w)) vm.EditRosterLeftAt(r.person_id);
  ImGui::EndDisabled();
  ImGui::Separator();
}

}  // namespace

void DrawRosterPanel(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  TrainerViewModel& t = vm.trainer();
  const bool closed = t.session_closed();
  if (t.editor() == RosterEditor::kNote || t.editor() == RosterEditor::kLeftAt) {
    // Typing: the editor and the keyboard take the place of the list.
    NoticeText(ui, t.notice());
    IdleCountdownBanner(ui, vm);
    DrawEditor(ui, vm);
    OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
    return;
  }
  DrawCounts(ui, t.counts());
  NoticeText(ui, t.notice());
  IdleCountdownBanner(ui, vm);

  const float avail = ImGui::GetContentRegionAvail().x;
  const float undo_w = ButtonWidth(ui.Tr("Undo"), l.touch * 3, avail);
  ImGui::BeginDisabled(!t.can_undo());
  if (BigButton(ui, "roster.undo", ui.Tr("Undo"), undo_w)) t.Undo();
  ImGui::EndDisabled();
  if (closed) {
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    const std::string reopen = ui.Tr("Reopen session");
    const float reopen_w = ButtonWidth(reopen, l.touch * 3, avail);
    ImGui::TextColored(ImVec4(0.75f, 0.75f, 0.8f, 1.0f), "%s", ui.Tr("The session is closed.").c_str());
    SameLineIfFits(reopen_w);
    if (BigButton(ui, "roster.reopen", reopen, reopen_w)) t.Reopen();
  } else if (t.editor() != RosterEditor::kConfirmClose) {
    const std::string close = ui.Tr("Close session");
    const float close_w = ButtonWidth(close, l.touch * 3, avail);
    SameLineIfFits(close_w);
    if (BigButton(ui, "roster.close", close, close_w)) t.RequestClose();
  }
  DrawEditor(ui, vm);

  const float keyboard_h = KeyboardHeight(ui, vm);
  ImGui::BeginChild("roster.list", ImVec2(0, std::max(l.touch * 2, ImGui::GetContentRegionAvail().y - keyboard_h - l.gap)));
  ScrollArea(ui);
  if (t.roster().empty()) ImGui::TextWrapped("%s", ui.Tr("Nobody is enrolled in this session yet.").c_str());
  for (size_t i = 0; i < t.roster().size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    DrawRow(ui, vm, t.roster()[i], i, closed);
    ImGui::PopID();
  }
  ImGui::EndChild();
  OnScreenKeyboardWidget(ui, vm, ImGui::GetContentRegionAvail().x);
}

}  // namespace mk::client
