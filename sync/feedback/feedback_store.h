// Anonymous feedback: the centre's survey templates, answer sets, aggregates and follow-up scheduling.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sync/feedback/survey_template.h"
#include "sync/store/store.h"

namespace mk::feedback {

// Anonymity, by construction:
//   - feedback has no person column and no device column (schema version 1), and nothing here
//     takes a person id;
//   - created_at is the session's start, never the moment of answering, and the row id is a
//     UUIDv7 whose time part is that same start with random bits after it, so neither the
//     time nor the order of answers can be read from a row;
//   - aggregates are returned only from kMinAnswersShown answer sets on; below that only the
//     fact that there are not enough yet, not even how many there are;
//   - free texts are returned sorted, not in the order they were given.
inline constexpr int kMinAnswersShown = 5;
inline constexpr size_t kMaxFreeTextChars = 500;

// Free text as it is stored: control and bidirectional-override characters removed, runs of
// spaces and line breaks collapsed to one space, trimmed, at most kMaxFreeTextChars characters.
// Malformed UTF-8 bytes become U+FFFD.
std::string CleanFreeText(std::string_view text);

// The template in force for `kind` at the centre: its own (survey_templates, the newest when
// two devices set one offline) or the built-in one. `from_centre` says which.
struct EffectiveTemplate {
  SurveyTemplate survey;
  bool from_centre = false;
};
Result<EffectiveTemplate> LoadSurveyTemplate(store::Store& store, const std::string& centre_id, SurveyKind kind);

// Validates `json` (ParseSurveyTemplate) and stores it as the centre's template of its kind,
// replacing the previous one; written through the store so it syncs. When `expected_kind` is
// given, a template of the other kind is refused.
Result<SurveyTemplate> SetSurveyTemplate(store::Store& store, const std::string& centre_id, std::string_view json,
                                         std::optional<SurveyKind> expected_kind);

// A new answer-set id for a session: UUIDv7-shaped, its time part the session's start, the rest
// random (a fresh generator each time: no counter links two answers).
std::string NewAnswerSetId(const store::Session& session);

// One person's answers. Likert values 1..5, keyed by item id; items left out were not answered.
struct AnswerSet {
  std::string id;  // from NewAnswerSetId: submitting the same id again stores nothing new
  std::string session_id;
  SurveyKind kind = SurveyKind::kEndOfSession;
  std::map<std::string, int> likert;
  std::string free_text;
};

struct SubmitResult {
  bool already_stored = false;  // the id was stored before (a double tap): nothing was written
};

// Stores an answer set in one write transaction through the store (so it syncs as an
// insert-only row). Refuses: an unknown session; a follow-up answer where no follow-up is
// offered; item ids the template in force does not have; values outside 1..5; an id not made
// by NewAnswerSetId for this session; an empty answer set. The free text is cleaned.
Result<SubmitResult> SubmitAnswers(store::Store& store, const AnswerSet& answers);

struct ItemSummary {
  std::string id;
  LocalText text;         // from the template in force (the id itself when it has gone)
  int answered = 0;       // answer sets that rated this item
  double mean = 0;        // of the ratings; 0 when none
  std::array<int, 5> counts{};  // counts[v - 1]: how many rated v
};

// Aggregates of one session or course. When `enough` is false, every other field is empty or
// zero: below kMinAnswersShown nothing about the answers is told, not even their number.
struct FeedbackSummary {
  SurveyKind kind = SurveyKind::kEndOfSession;
  bool enough = false;
  int answer_sets = 0;
  std::vector<ItemSummary> items;
  std::vector<std::string> free_texts;  // sorted
};

Result<FeedbackSummary> SummariseSession(store::Store& store, const std::string& session_id, SurveyKind kind);
Result<FeedbackSummary> SummariseCourse(store::Store& store, const std::string& course_id, SurveyKind kind);

// Offers the follow-up survey at a later session of the same course as `after_session_id`:
// `at_session_id`, or (nullopt) the course's first session starting after this one ends. Sets
// sessions.follow_up through the store. Refuses a session of another course, one that does
// not start after `after_session_id` has ended, and a course with no later session. Returns the
// session where the follow-up is offered. Doing it twice is fine.
Result<std::string> ScheduleFollowUp(store::Store& store, const std::string& after_session_id,
                                     const std::optional<std::string>& at_session_id);

// The sessions of the same course that start after `session_id` has ended: where its follow-up
// may be offered (ScheduleFollowUp accepts exactly these). Ordered by start.
struct LaterSession {
  std::string session_id;
  store::UtcMs starts_at = 0;
  store::UtcMs ends_at = 0;
  bool follow_up = false;  // the follow-up survey is offered there already
};
Result<std::vector<LaterSession>> ListLaterSessions(store::Store& store, const std::string& session_id);

// A survey the kiosk may offer now.
struct SurveyOffer {
  std::string session_id;
  std::string course_title;
  SurveyKind kind = SurveyKind::kEndOfSession;
  store::UtcMs starts_at = 0;
  store::UtcMs ends_at = 0;
};

inline constexpr int64_t kOfferBeforeEndMs = 15 * 60 * 1000;    // the last 15 minutes
inline constexpr int64_t kOfferAfterEndMs = 2 * 60 * 60 * 1000; // until 2 hours after the end

// Surveys of the centre open at `now_ms`: the end-of-session survey of every session in its
// last 15 minutes or ended less than 2 hours ago, and the follow-up survey of every session
// that offers it, from its start until 2 hours after its end. Ordered by session start.
Result<std::vector<SurveyOffer>> ListSurveyOffers(store::Store& store, const std::string& centre_id, int64_t now_ms);

}  // namespace mk::feedback
