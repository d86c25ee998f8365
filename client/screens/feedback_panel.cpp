// The trainer's Feedback tab: anonymous aggregates from 5 answer sets on, and the follow-up survey.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "client/i18n/date_format.h"
#include "client/screens/screens.h"
#include "client/screens/widgets.h"

namespace mk::client {
namespace {

std::string OneDecimal(double v, i18n::Language language) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (language == i18n::Language::kGerman) std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

// The five counts of one statement as small bars with their counts below, the mean beside them.
void Distribution(UiContext& ui, const feedback::ItemSummary& item, float width) {
  const Layout& l = ui.layout;
  const int most = std::max(1, *std::max_element(item.counts.begin(), item.counts.end()));
  const float bar_w = std::min(l.touch * 1.2f, (width * 0.55f - 4 * l.gap) / 5);
  const float bar_h = l.touch * 0.6f;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float label_h = ImGui::GetTextLineHeight();
  const ImU32 fill = ImGui::GetColorU32(ImVec4(0.30f, 0.66f, 0.56f, 1.0f));
  for (int v = 0; v < 5; ++v) {
    const int count = item.counts[static_cast<size_t>(v)];
    const float x = origin.x + static_cast<float>(v) * (bar_w + l.gap);
    const float h = bar_h * static_cast<float>(count) / static_cast<float>(most);
    draw->AddRectFilled(ImVec2(x, origin.y), ImVec2(x + bar_w, origin.y + bar_h), ImGui::GetColorU32(ImGuiCol_FrameBg),
                        3.0f * l.scale);
    if (count > 0) {
      draw->AddRectFilled(ImVec2(x, origin.y + bar_h - h), ImVec2(x + bar_w, origin.y + bar_h), fill, 3.0f * l.scale);
    }
    const std::string label = std::to_string(v + 1) + ": " + std::to_string(count);
    const float tw = ImGui::CalcTextSize(label.c_str()).x;
    draw->AddText(ImVec2(x + (bar_w - tw) / 2, origin.y + bar_h + 2), ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
  }
  const float bars_w = 5 * bar_w + 4 * l.gap;
  ImGui::Dummy(ImVec2(bars_w, bar_h + label_h + 4));
  const std::string mean = ui.Format("Mean {0} of 5, from {1} ratings",
                                     {OneDecimal(item.mean, ui.catalogue->language()), std::to_string(item.answered)});
  ImGui::SameLine(0, 2 * l.gap);
  ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (bar_h - label_h) / 2);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + std::max(width - bars_w - 2 * l.gap, l.touch * 3));
  ImGui::TextUnformatted(mean.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + bar_h + label_h + 4 + ImGui::GetStyle().ItemSpacing.y));
  ImGui::Dummy(ImVec2(0, 0));
}

void FollowUp(UiContext& ui, FeedbackPanelViewModel& p, float width) {
  const Layout& l = ui.layout;
  Heading(ui, ui.Tr("Follow-up survey"), 1.2f, width);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::TextUnformatted(
      ui.Tr("Ask at a later session of this course what the teachers have used in class since.").c_str());
  ImGui::PopTextWrapPos();
  if (p.follow_up_choices().empty()) {
    ImGui::TextDisabled("%s", ui.Tr("This course has no later session.").c_str());
    return;
  }
  const float button_w = ButtonWidth(ui.Tr("Offer it here"), l.touch * 4, width / 2);
  for (size_t i = 0; i < p.follow_up_choices().size(); ++i) {
    const FollowUpChoice& c = p.follow_up_choices()[i];
    const std::string when =
        i18n::FormatLongDate(*ui.catalogue, c.starts) + ", " + i18n::FormatTimeRange(*ui.catalogue, c.starts, c.ends);
    ImGui::PushID(static_cast<int>(i));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width - button_w - l.gap);
    ImGui::TextUnformatted(when.c_str());
    ImGui::PopTextWrapPos();
    ImGui::SameLine(std::max(ImGui::GetCursorPosX(), width - button_w));
    const std::string name = "feedback.follow_up." + std::to_string(i);
    if (c.scheduled) {
      ImGui::BeginDisabled();
      BigButton(ui, name, ui.Tr("Offered"), button_w, true);
      ImGui::EndDisabled();
    } else if (BigButton(ui, name, ui.Tr("Offer it here"), button_w)) {
      p.ScheduleFollowUp(c.session_id);
    }
    ImGui::PopID();
  }
}

// The aggregates, or that there are not enough answers yet.
void Results(UiContext& ui, FeedbackPanelViewModel& p, float width) {
  if (const auto& summary = p.summary()) {
    if (!summary->enough) {
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
      ImGui::TextUnformatted(ui.Tr("Not enough answers yet.").c_str());
      ImGui::TextDisabled("%s", ui.Format("The results show from {0} answers on, so that no one's answers can be "
                                          "recognised.",
                                          {std::to_string(feedback::kMinAnswersShown)})
                                    .c_str());
      ImGui::PopTextWrapPos();
      NoteItem(ui, "feedback.not_enough");
    } else {
      Heading(ui, ui.Format("{0} answers", {std::to_string(summary->answer_sets)}), 1.2f, width);
      NoteItem(ui, "feedback.count");
      for (size_t i = 0; i < summary->items.size(); ++i) {
        const feedback::ItemSummary& item = summary->items[i];
        ImGui::PushID(static_cast<int>(i));
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        const std::string& text = ui.catalogue->language() == i18n::Language::kEnglish ? item.text.en : item.text.de;
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
        Distribution(ui, item, width);
        ImGui::PopID();
      }
      if (!summary->free_texts.empty()) {
        Heading(ui, ui.Tr("Comments"), 1.2f, width);
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        for (const std::string& t : summary->free_texts) ImGui::BulletText("%s", t.c_str());
        ImGui::PopTextWrapPos();
      }
    }
  }
}

}  // namespace

void DrawFeedbackPanel(UiContext& ui, KioskViewModel& vm) {
  const Layout& l = ui.layout;
  FeedbackPanelViewModel& p = vm.feedback_panel();
  p.Show(vm.trainer().session_id());
  const float avail = ImGui::GetContentRegionAvail().x;
  const bool end = p.kind() == feedback::SurveyKind::kEndOfSession;
  const float kind_w = ButtonWidth(ui.Tr("End of session"), l.touch * 4, avail / 2 - l.gap);
  const float follow_w = ButtonWidth(ui.Tr("Follow-up"), l.touch * 4, avail / 2 - l.gap);
  if (BigButton(ui, "feedback.kind.end_of_session", ui.Tr("End of session"), kind_w, end)) {
    p.SetKind(feedback::SurveyKind::kEndOfSession);
  }
  SameLineIfFits(follow_w);
  if (BigButton(ui, "feedback.kind.follow_up", ui.Tr("Follow-up"), follow_w, !end)) p.SetKind(feedback::SurveyKind::kFollowUp);
  const float refresh_w = ButtonWidth(ui.Tr("Refresh"), l.touch * 3, avail / 3);
  SameLineIfFits(refresh_w);
  if (BigButton(ui, "feedback.refresh", ui.Tr("Refresh"), refresh_w)) {
    vm.trainer().Touch();
    p.Reload();
  }
  NoticeText(ui, p.notice());
  // Wide screens: the results left, the follow-up right; narrow ones: one column to scroll.
  const bool two_columns = avail > l.touch * 20;
  const float results_w = two_columns ? (avail - l.gap) * 0.62f : 0.0f;
  ImGui::BeginChild("feedback.panel", ImVec2(results_w, 0), false);
  ScrollArea(ui);
  const float width = std::min(ImGui::GetContentRegionAvail().x, l.touch * 22);
  Results(ui, p, width);
  if (!two_columns) {
    ImGui::Spacing();
    ImGui::Separator();
    FollowUp(ui, p, width);
  }
  ImGui::EndChild();
  if (two_columns) {
    ImGui::SameLine();
    ImGui::BeginChild("feedback.follow_up", ImVec2(0, 0), false);
    ScrollArea(ui);
    FollowUp(ui, p, ImGui::GetContentRegionAvail().x);
    ImGui::EndChild();
  }
}

}  // namespace mk::client
