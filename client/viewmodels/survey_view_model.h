// SurveyViewModel: the kiosk's anonymous survey: which surveys Home offers now, and one half-filled answer set.
#pragma once

#include <string>
#include <vector>

#include "sync/common/civil_time.h"
#include "sync/common/time_zone.h"
#include "sync/feedback/feedback_store.h"
#include "sync/store/store.h"

namespace mk::client {

// A survey Home offers: the end-of-session survey of a session in its last 15 minutes or ended
// less than 2 hours ago, or the follow-up survey at a session that offers it.
struct SurveyOfferItem {
  std::string session_id;
  std::string title;
  feedback::SurveyKind kind = feedback::SurveyKind::kEndOfSession;
  CivilTime starts;
  CivilTime ends;
};

// Thread safety: the UI thread (KioskViewModel owns it and forwards its commands). Nothing here
// knows who answers: there is no person id to know, and Reset() forgets the answers.
// Invariant: when open(), survey() is the template in force and ratings() has one entry per
// item (0 = not rated).
class SurveyViewModel {
 public:
  SurveyViewModel(store::Store& store, std::string centre_id, TimeZone zone)
      : store_(store), centre_id_(std::move(centre_id)), zone_(std::move(zone)) {}

  // Reads the surveys open at `now_ms` of sessions ending today (the centre's date). A failed
  // read offers none (Home stays usable).
  void RefreshOffers(int64_t now_ms);
  const std::vector<SurveyOfferItem>& offers() const { return offers_; }

  // Opens the offer's survey with nothing answered and a fresh answer-set id.
  Status Open(size_t offer_index);
  bool open() const { return open_; }
  const SurveyOfferItem& offer() const { return offer_; }
  const feedback::SurveyTemplate& survey() const { return survey_; }
  const std::vector<int>& ratings() const { return ratings_; }
  // Sets item `item` to `value` (1..5); the same value again takes the rating back.
  void Rate(size_t item, int value);
  // Something was answered (a rating, or the free text given).
  bool HasAnswers(std::string_view free_text) const;
  // Stores the answers once: a second call for the same opened survey stores nothing more.
  Result<feedback::SubmitResult> Submit(std::string_view free_text);
  bool submitted() const { return submitted_; }
  // Forgets the open survey and its answers (the idle reset, Done, Back).
  void Reset();

 private:
  store::Store& store_;
  std::string centre_id_;
  TimeZone zone_;
  std::vector<SurveyOfferItem> offers_;
  bool open_ = false;
  bool submitted_ = false;
  SurveyOfferItem offer_;
  feedback::SurveyTemplate survey_;
  std::vector<int> ratings_;
  std::string answer_set_id_;
};

}  // namespace mk::client
