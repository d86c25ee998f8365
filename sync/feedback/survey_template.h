// Survey templates: a few Likert items (1-5) and one free-text question, in German and English.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sync/common/status.h"

namespace mk::feedback {

// Which survey: right after a session, or the follow-up at a later session of the same course
// ("what have you used in class since?"). Stored as the text codes of feedback.kind.
enum class SurveyKind { kEndOfSession, kFollowUp };

std::string_view ToCode(SurveyKind kind);  // "end_of_session" / "follow_up"
// nullopt-free parsing: an unknown code is an error naming the allowed ones.
Result<SurveyKind> ParseSurveyKind(std::string_view code);

// A text in both languages the kiosk speaks.
struct LocalText {
  std::string de;
  std::string en;
  const std::string& In(std::string_view language) const { return language == "en" ? en : de; }
};

struct LikertItem {
  std::string id;  // [a-z][a-z0-9_]*, at most 32 characters, unique in the template
  LocalText text;
};

// The template as JSON (assets/surveys/*.json, survey_templates.template_json):
//   {"format": 1, "kind": "end_of_session",
//    "title": {"de": ..., "en": ...},
//    "scale": {"de": [low, high], "en": [low, high]},      labels of 1 and 5
//    "items": [{"id": "useful", "text": {"de": ..., "en": ...}}, ...],   1 to 8 items
//    "free_text": {"id": "comment", "text": {"de": ..., "en": ...}}}
struct SurveyTemplate {
  SurveyKind kind = SurveyKind::kEndOfSession;
  LocalText title;
  LocalText scale_low;
  LocalText scale_high;
  std::vector<LikertItem> items;
  std::string free_text_id;
  LocalText free_text;
};

inline constexpr size_t kMaxLikertItems = 8;
inline constexpr size_t kMaxTemplateTextChars = 200;
inline constexpr size_t kMaxTemplateBytes = 64 * 1024;

// Parses and validates a template. Errors name the place: "line 3, column 7: ..." for JSON
// syntax, the field path otherwise ("items[2].text.en is empty", "items[1].id 'useful' is used
// twice"); unknown fields are refused, not ignored, so a typo never passes silently.
Result<SurveyTemplate> ParseSurveyTemplate(std::string_view json);
// The canonical JSON of a template (what is stored and shown): indented, stable key order.
std::string SurveyTemplateJson(const SurveyTemplate& t);

// The built-in templates (assets/surveys/, compiled in).
const SurveyTemplate& DefaultSurveyTemplate(SurveyKind kind);

}  // namespace mk::feedback
