// The Feedback tab's state: aggregates (only from 5 answer sets on) and scheduling the follow-up.
#include "feedback_panel_view_model.h"

#include "client/i18n/catalogue.h"

namespace mk::client {

using i18n::Msg;

void FeedbackPanelViewModel::Show(const std::string& session_id) {
  if (session_id == session_id_) return;
  session_id_ = session_id;
  kind_ = feedback::SurveyKind::kEndOfSession;
  notice_ = Notice();
  Reload();
}

void FeedbackPanelViewModel::Reload() {
  summary_.reset();
  choices_.clear();
  if (session_id_.empty()) return;
  auto summary = feedback::SummariseSession(store_, session_id_, kind_);
  if (!summary.ok()) {
    notice_ = Notice{Msg("The feedback could not be read. ({0})"), {summary.status().message()}, true};
    return;
  }
  summary_ = std::move(summary).value();
  auto later = feedback::ListLaterSessions(store_, session_id_);
  if (later.ok()) {
    for (const feedback::LaterSession& l : *later) {
      choices_.push_back({l.session_id, zone_.ToCivil(l.starts_at / 1000), zone_.ToCivil(l.ends_at / 1000), l.follow_up});
    }
  }
}

void FeedbackPanelViewModel::SetKind(feedback::SurveyKind kind) {
  Touch();
  if (kind == kind_) return;
  kind_ = kind;
  notice_ = Notice();
  Reload();
}

void FeedbackPanelViewModel::ScheduleFollowUp(const std::string& at_session_id) {
  Touch();
  auto at = feedback::ScheduleFollowUp(store_, session_id_, at_session_id);
  if (!at.ok()) {
    notice_ = Notice{Msg("The follow-up could not be scheduled. ({0})"), {at.status().message()}, true};
    return;
  }
  if (on_local_change_) on_local_change_();
  notice_ = Notice{Msg("The follow-up survey will be offered at that session."), {}, false};
  Reload();
}

}  // namespace mk::client
