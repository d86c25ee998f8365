// The survey, feedback and certificate commands over the feedback and certificate libraries.
#include "feedback_command.h"
#include "command_support.h"

#include <cstdio>

#include "client/certificates/certificate_batch.h"
#include "platform/file_io.h"
#include "platform/fonts.h"
#include "platform/paths.h"
#include "sync/common/time_zone.h"
#include "sync/feedback/feedback_store.h"
#include "sync/store/store.h"

namespace mk::client {
namespace {

Result<feedback::SurveyKind> KindOption(const cli::Args& args) {
  return feedback::ParseSurveyKind(args.Get("kind").value_or("end_of_session"));
}

std::string Fixed1(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

int TemplateShow(store::Store& s, feedback::SurveyKind kind, std::ostream& out, std::ostream& err) {
  auto centre = s.HomeCentre();
  if (!centre.ok()) return Fail(err, centre.status());
  auto t = feedback::LoadSurveyTemplate(s, centre->id, kind);
  if (!t.ok()) return Fail(err, t.status());
  err << "mintkiosk: note: " << (t->from_centre ? "the centre's own template" : "the built-in template (the centre has not set its own)")
      << "\n";
  out << feedback::SurveyTemplateJson(t->survey);
  return 0;
}

int TemplateSet(store::Store& s, const std::string& file, std::optional<feedback::SurveyKind> kind, std::ostream& out,
                std::ostream& err) {
  auto centre = s.HomeCentre();
  if (!centre.ok()) return Fail(err, centre.status());
  auto text = platform::ReadSmallFile(file, feedback::kMaxTemplateBytes);
  if (!text.ok()) return Fail(err, text.status().WithContext(file));
  auto t = feedback::SetSurveyTemplate(s, centre->id, *text, kind);
  if (!t.ok()) return Fail(err, t.status().WithContext(file));
  out << "The " << feedback::ToCode(t->kind) << " survey of '" << centre->name << "' is now " << file << " ("
      << t->items.size() << " questions to rate and one free text); other devices get it with the next sync.\n";
  return 0;
}

}  // namespace

int RunSurveyCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  const auto& w = args.words;
  if (w.size() >= 2 && w[1] == "template") {
    if (Status st = cli::OnlyOptions(args, "survey template", {"data", "kind"}); !st.ok()) return Usage(err, st.message(), "survey");
    auto kind = KindOption(args);
    if (!kind.ok()) return Usage(err, "--kind: " + kind.status().message(), "survey");
    if (w.size() == 3 && w[2] == "show") {
      auto s = OpenDeviceStore(data_dir);
      if (!s.ok()) return Fail(err, s.status());
      return TemplateShow(**s, *kind, out, err);
    }
    if (w.size() == 4 && w[2] == "set") {
      auto s = OpenDeviceStore(data_dir);
      if (!s.ok()) return Fail(err, s.status());
      return TemplateSet(**s, w[3], args.Get("kind") ? std::optional(*kind) : std::nullopt, out, err);
    }
    return Usage(err, "'survey template show' or 'survey template set FILE'", "survey");
  }
  if (w.size() == 2 && w[1] == "follow-up") {
    if (Status st = cli::OnlyOptions(args, "survey follow-up", {"data", "session", "at"}); !st.ok()) {
      return Usage(err, st.message(), "survey");
    }
    if (!args.Get("session")) return Usage(err, "which session? 'survey follow-up --session ID'", "survey");
    auto s = OpenDeviceStore(data_dir);
    if (!s.ok()) return Fail(err, s.status());
    auto at = feedback::ScheduleFollowUp(**s, *args.Get("session"), args.Get("at"));
    if (!at.ok()) return Fail(err, at.status());
    auto session = (*s)->GetSession(*at);
    if (!session.ok()) return Fail(err, session.status());
    auto centre = (*s)->HomeCentre();
    std::string when;
    if (centre.ok()) {
      if (auto tz = TimeZone::Load(centre->time_zone, platform::ZoneInfoDir()); tz.ok()) {
        when = " (" + tz->FormatIso(session->session.starts_at / 1000) + ")";
      }
    }
    out << *at << "\n";
    err << "mintkiosk: the follow-up survey of '" << session->course_title << "' will be offered at its session" << when
        << "\n";
    return 0;
  }
  return Usage(err, "what to do? 'survey template show', 'survey template set FILE' or 'survey follow-up'", "survey");
}

int RunFeedbackCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'feedback' takes options only", "feedback");
  const auto session = args.Get("session");
  const auto course = args.Get("course");
  if (session.has_value() == course.has_value()) return Usage(err, "give either --session ID or --course ID", "feedback");
  auto kind = KindOption(args);
  if (!kind.ok()) return Usage(err, "--kind: " + kind.status().message(), "feedback");
  auto s = OpenDeviceStore(data_dir);
  if (!s.ok()) return Fail(err, s.status());
  auto summary = session ? feedback::SummariseSession(**s, *session, *kind) : feedback::SummariseCourse(**s, *course, *kind);
  if (!summary.ok()) return Fail(err, summary.status());
  if (!summary->enough) {
    out << "Not enough answers yet: the " << feedback::ToCode(*kind) << " feedback is shown from "
        << feedback::kMinAnswersShown << " answer sets on, so that no one's answers can be recognised.\n";
    return 0;
  }
  out << summary->answer_sets << " answer sets (" << feedback::ToCode(*kind) << ")\n";
  out << "question\tmean\t1\t2\t3\t4\t5\tratings\ttext\n";
  for (const feedback::ItemSummary& item : summary->items) {
    out << item.id << "\t" << (item.answered > 0 ? Fixed1(item.mean) : "-");
    for (int c : item.counts) out << "\t" << c;
    out << "\t" << item.answered << "\t" << item.text.en << "\n";
  }
  if (!summary->free_texts.empty()) {
    out << "\nFree texts (" << summary->free_texts.size() << ", in alphabetical order):\n";
    for (const std::string& t : summary->free_texts) out << "- " << t << "\n";
  }
  return 0;
}

int RunCertificateCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'certificate' takes options only", "certificate");
  if (!args.Get("session")) return Usage(err, "which session? 'certificate --session ID --out DIR'", "certificate");
  if (!args.Get("out")) return Usage(err, "where to? 'certificate --session ID --out DIR'", "certificate");
  const std::string lang = args.Get("lang").value_or("de");
  if (lang != "de" && lang != "en") return Usage(err, "--lang takes de or en", "certificate");
  auto s = OpenDeviceStore(data_dir);
  if (!s.ok()) return Fail(err, s.status());
  certificates::BatchRequest request;
  request.session_id = *args.Get("session");
  request.person_id = args.Get("person");
  request.language = lang;
  request.out_dir = *args.Get("out");
  request.font_dir = platform::FontDir();
  request.zoneinfo_dir = platform::ZoneInfoDir();
  auto result = certificates::WriteCertificates(**s, request);
  if (!result.ok()) return Fail(err, result.status());
  for (const certificates::WrittenCertificate& w : result->written) {
    out << w.person_id << "\t" << w.verification_code << "\t" << w.path << "\n";
  }
  for (const certificates::Refusal& r : result->refused) {
    err << "mintkiosk: no certificate for " << (r.name.empty() ? r.person_id : r.name + " (" + r.person_id + ")") << ": "
        << r.reason << "\n";
  }
  err << "mintkiosk: " << result->written.size() << (result->written.size() == 1 ? " certificate" : " certificates")
      << " written to " << request.out_dir;
  if (!result->refused.empty()) err << "; " << result->refused.size() << " without one (see above)";
  err << "\n";
  if (request.person_id && result->written.empty()) return 1;
  return 0;
}

}  // namespace mk::client
