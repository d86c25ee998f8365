// Survey templates: the built-in ones, and clear errors for broken ones.
#include <catch2/catch.hpp>

#include "sync/feedback/survey_template.h"

namespace mk::feedback {
namespace {

std::string Valid() { return SurveyTemplateJson(DefaultSurveyTemplate(SurveyKind::kEndOfSession)); }

std::string ErrorOf(const std::string& json) {
  auto t = ParseSurveyTemplate(json);
  REQUIRE_FALSE(t.ok());
  CHECK(t.status().code() == ErrorCode::kInvalidArgument);
  return t.status().message();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

TEST_CASE("the built-in templates are valid and bilingual", "[feedback]") {
  for (SurveyKind kind : {SurveyKind::kEndOfSession, SurveyKind::kFollowUp}) {
    const SurveyTemplate& t = DefaultSurveyTemplate(kind);
    CHECK(t.kind == kind);
    CHECK(t.items.size() >= 3);
    for (const LikertItem& item : t.items) {
      CHECK_FALSE(item.text.de.empty());
      CHECK_FALSE(item.text.en.empty());
    }
    CHECK_FALSE(t.free_text.de.empty());
    // The canonical JSON reads back to the same template.
    auto again = ParseSurveyTemplate(SurveyTemplateJson(t));
    REQUIRE(again.ok());
    CHECK(SurveyTemplateJson(*again) == SurveyTemplateJson(t));
  }
  CHECK(DefaultSurveyTemplate(SurveyKind::kFollowUp).free_text.en == "What have you used in class since?");
}

TEST_CASE("template errors name the field", "[feedback]") {
  const std::string ok = Valid();
  REQUIRE(ParseSurveyTemplate(ok).ok());

  CHECK(ErrorOf("{\n  \"format\": 1,\n  \"kind\": \"end_of_session\",\n  oops\n}").find("line 4, column 3") == 0);
  CHECK(ErrorOf("[1, 2]") == "the template must be a JSON object { ... }");
  CHECK(ErrorOf(Replace(ok, "\"format\": 1", "\"format\": 2")) == "format 2 is unknown (this version reads 1)");
  CHECK(ErrorOf(Replace(ok, "\"kind\": \"end_of_session\"", "\"kind\": \"weekly\"")) ==
        "kind: 'weekly' is not a survey kind (end_of_session or follow_up)");
  CHECK(ErrorOf(Replace(ok, "\"en\": \"The content is useful for my teaching.\"", "\"en\": \"  \"")) ==
        "items[0].text.en is empty");
  CHECK(ErrorOf(Replace(ok, ",\n        \"en\": \"The content is useful for my teaching.\"", "")) ==
        "items[0].text.en is missing (every text is needed in German and English)");
  CHECK(ErrorOf(Replace(ok, "\"id\": \"will_use\"", "\"id\": \"useful\"")) == "items[1].id 'useful' is used twice");
  CHECK(ErrorOf(Replace(ok, "\"id\": \"will_use\"", "\"id\": \"Will use\"")).find("items[1].id 'Will use' must start") == 0);
  CHECK(ErrorOf(Replace(ok, "\"id\": \"comment\"", "\"id\": \"overall\"")) ==
        "free_text.id 'overall' is already the id of one of the items");
  CHECK(ErrorOf(Replace(ok, "\"format\": 1", "\"format\": 1, \"colour\": \"red\"")) ==
        "unknown field 'colour' (allowed: format, kind, title, scale, items, free_text)");
  CHECK(ErrorOf(Replace(ok, "\"items\": [", "\"items\": [{\"id\": \"x\", \"text\": {\"de\": \"a\", \"en\": \"b\"}, \"weight\": 2},"))
            .find("items[0]: unknown field 'weight'") == 0);
  CHECK(ErrorOf(Replace(ok, "\"strongly disagree\",", "")) ==
        "scale.en must be two labels: [\"label of 1\", \"label of 5\"]");
  CHECK(ErrorOf(Replace(ok, "Wie war die Fortbildung?", "Wie war \xE2\x80\xAE die Fortbildung?"))
            .find("title.de contains a bidirectional override") == 0);
  CHECK(ErrorOf("{\"format\": 1, \"kind\": \"follow_up\"}") == "title is missing");
  CHECK(ErrorOf(std::string("{\"format\": 1, \"kind\": \"\xFF\"}")) == "the template is not UTF-8 text (save it as UTF-8)");
  // Found by fuzzing: a number beyond a double's range was an exception that ended the program.
  CHECK(ErrorOf(Replace(ok, "\"format\": 1", "\"format\": 6e333")) ==
        "the template is not valid JSON: it holds a number too large to read");

  // Too many items.
  std::string many = "{\"format\": 1, \"kind\": \"follow_up\", \"title\": {\"de\": \"a\", \"en\": \"b\"}, "
                     "\"scale\": {\"de\": [\"x\", \"y\"], \"en\": [\"x\", \"y\"]}, \"items\": [";
  for (int i = 0; i < 9; ++i) {
    many += std::string(i ? "," : "") + "{\"id\": \"q" + std::to_string(i) + "\", \"text\": {\"de\": \"a\", \"en\": \"b\"}}";
  }
  many += "], \"free_text\": {\"id\": \"t\", \"text\": {\"de\": \"a\", \"en\": \"b\"}}}";
  CHECK(ErrorOf(many).find("items has 9 questions; at most 8") == 0);
}

}  // namespace
}  // namespace mk::feedback
