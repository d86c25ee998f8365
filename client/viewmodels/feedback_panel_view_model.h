// FeedbackPanelViewModel: the trainer's Feedback tab: a session's anonymous aggregates and the follow-up.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/viewmodels/notice.h"
#include "sync/common/civil_time.h"
#include "sync/common/time_zone.h"
#include "sync/feedback/feedback_store.h"
#include "sync/store/store.h"

namespace mk::client {

// A later session of the same course where the follow-up survey can be offered.
struct FollowUpChoice {
  std::string session_id;
  CivilTime starts;
  CivilTime ends;
  bool scheduled = false;
};

// Thread safety: the UI thread. Reads and writes through the feedback library; no SQL here.
// Invariant: summary() never holds numbers below feedback::kMinAnswersShown answer sets (the
// library returns none), so the panel cannot show them by mistake.
class FeedbackPanelViewModel {
 public:
  FeedbackPanelViewModel(store::Store& store, TimeZone zone, std::function<void()> touch = {},
                         std::function<void()> on_local_change = {})
      : store_(store), zone_(std::move(zone)), touch_(std::move(touch)), on_local_change_(std::move(on_local_change)) {}

  // Shows `session_id` (read again when it changed; an empty id forgets everything). The panel
  // calls it every frame with the trainer's chosen session: cheap when nothing changed.
  void Show(const std::string& session_id);
  // Reads the aggregates and the later sessions again (new answers may have come in).
  void Reload();
  const std::string& session_id() const { return session_id_; }

  feedback::SurveyKind kind() const { return kind_; }
  void SetKind(feedback::SurveyKind kind);
  // Empty when the session could not be read (notice() says why).
  const std::optional<feedback::FeedbackSummary>& summary() const { return summary_; }

  const std::vector<FollowUpChoice>& follow_up_choices() const { return choices_; }
  void ScheduleFollowUp(const std::string& at_session_id);

  const Notice& notice() const { return notice_; }

 private:
  void Touch() const {
    if (touch_) touch_();
  }

  store::Store& store_;
  TimeZone zone_;
  std::function<void()> touch_;
  std::function<void()> on_local_change_;
  std::string session_id_;
  feedback::SurveyKind kind_ = feedback::SurveyKind::kEndOfSession;
  std::optional<feedback::FeedbackSummary> summary_;
  std::vector<FollowUpChoice> choices_;
  Notice notice_;
};

}  // namespace mk::client
