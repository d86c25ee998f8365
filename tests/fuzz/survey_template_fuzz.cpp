// Fuzz target: a survey template as a centre edits it (`mintkiosk survey set`, and as it arrives
// by sync in survey_templates.template_json).
//
// A template is parsed and validated, or refused with a message. One that is accepted keeps
// every promise of survey_template.h (1 to 8 Likert items with valid, unique ids, no empty and no
// overlong text), and its canonical JSON parses back to the same template.
#include <set>
#include <string>

#include "fuzz_target.h"
#include "sync/common/text_encoding.h"
#include "sync/feedback/survey_template.h"

using namespace mk;

namespace {

bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 32 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void CheckText(const feedback::LocalText& t) {
  for (const std::string* s : {&t.de, &t.en}) {
    MK_FUZZ_CHECK(!s->empty());
    MK_FUZZ_CHECK(IsValidUtf8(*s));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = feedback::ParseSurveyTemplate(fuzz::AsText(data, size));
  if (!parsed.ok()) {
    MK_FUZZ_CHECK(!parsed.status().message().empty());
    if (fuzz::Verbose()) fuzz::Note("refused: " + parsed.status().message());
    return 0;
  }
  const feedback::SurveyTemplate& t = *parsed;
  MK_FUZZ_CHECK(!t.items.empty() && t.items.size() <= feedback::kMaxLikertItems);
  std::set<std::string> ids;
  for (const feedback::LikertItem& item : t.items) {
    MK_FUZZ_CHECK(ValidId(item.id));
    MK_FUZZ_CHECK(ids.insert(item.id).second);
    CheckText(item.text);
  }
  CheckText(t.title);
  CheckText(t.scale_low);
  CheckText(t.scale_high);

  const std::string canonical = feedback::SurveyTemplateJson(t);
  auto again = feedback::ParseSurveyTemplate(canonical);
  MK_FUZZ_CHECK(again.ok());
  MK_FUZZ_CHECK(feedback::SurveyTemplateJson(*again) == canonical);
  if (fuzz::Verbose()) fuzz::Note("accepted, " + std::to_string(t.items.size()) + " items");
  return 0;
}
