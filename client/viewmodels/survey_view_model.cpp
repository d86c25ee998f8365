// The kiosk survey's state: offers, ratings, one submit per opened survey.
#include "survey_view_model.h"

namespace mk::client {

void SurveyViewModel::RefreshOffers(int64_t now_ms) {
  offers_.clear();
  auto list = feedback::ListSurveyOffers(store_, centre_id_, now_ms);
  if (!list.ok()) return;
  const CivilTime today = zone_.ToCivil(now_ms / 1000);
  for (const feedback::SurveyOffer& o : *list) {
    const CivilTime ends = zone_.ToCivil(o.ends_at / 1000);
    // Sessions of today only: just after midnight, yesterday's evening session is not offered.
    if (ends.year != today.year || ends.month != today.month || ends.day != today.day) continue;
    offers_.push_back({o.session_id, o.course_title, o.kind, zone_.ToCivil(o.starts_at / 1000), ends});
  }
}

Status SurveyViewModel::Open(size_t offer_index) {
  if (offer_index >= offers_.size()) return NotFound("this survey is no longer offered");
  const SurveyOfferItem offer = offers_[offer_index];
  MK_ASSIGN_OR_RETURN(feedback::EffectiveTemplate t, feedback::LoadSurveyTemplate(store_, centre_id_, offer.kind));
  MK_ASSIGN_OR_RETURN(store::SessionView session, store_.GetSession(offer.session_id));
  Reset();
  offer_ = offer;
  survey_ = std::move(t.survey);
  ratings_.assign(survey_.items.size(), 0);
  answer_set_id_ = feedback::NewAnswerSetId(session.session);
  open_ = true;
  return Status::Ok();
}

void SurveyViewModel::Rate(size_t item, int value) {
  if (!open_ || submitted_ || item >= ratings_.size() || value < 1 || value > 5) return;
  ratings_[item] = ratings_[item] == value ? 0 : value;
}

bool SurveyViewModel::HasAnswers(std::string_view free_text) const {
  for (int r : ratings_) {
    if (r != 0) return true;
  }
  return !feedback::CleanFreeText(free_text).empty();
}

Result<feedback::SubmitResult> SurveyViewModel::Submit(std::string_view free_text) {
  if (!open_) return FailedPrecondition("no survey is open");
  if (submitted_) return feedback::SubmitResult{true};
  feedback::AnswerSet answers;
  answers.id = answer_set_id_;
  answers.session_id = offer_.session_id;
  answers.kind = offer_.kind;
  for (size_t i = 0; i < ratings_.size(); ++i) {
    if (ratings_[i] != 0) answers.likert[survey_.items[i].id] = ratings_[i];
  }
  answers.free_text = std::string(free_text);
  MK_ASSIGN_OR_RETURN(feedback::SubmitResult result, feedback::SubmitAnswers(store_, answers));
  submitted_ = true;
  return result;
}

void SurveyViewModel::Reset() {
  open_ = false;
  submitted_ = false;
  offer_ = SurveyOfferItem();
  survey_ = feedback::SurveyTemplate();
  ratings_.clear();
  answer_set_id_.clear();
}

}  // namespace mk::client
