// Anonymous feedback on the store: templates, answer sets, aggregates, follow-up scheduling.
#include "feedback_store.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "sync/common/utf8.h"

namespace mk::feedback {
namespace {

using Json = nlohmann::json;
using store::Statement;

// The 48-bit millisecond time a UUIDv7 carries, as its first 12 hex digits.
std::string TimeHex(int64_t ms) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(ms) & 0xFFFFFFFFFFFFull);
  return buf;
}

struct SessionFacts {
  store::Session session;
  std::string course_title;
  std::string centre_id;
  bool follow_up = false;
};

Result<SessionFacts> ReadFacts(store::Database& db, const std::string& session_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT s.id, s.course_id, s.starts_at, s.ends_at, s.room, c.title, c.centre_id, s.follow_up "
      "FROM sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = ?1"));
  st.Bind(1, session_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("no session with id " + session_id);
  SessionFacts f;
  f.session.id = st.ColumnText(0);
  f.session.course_id = st.ColumnText(1);
  f.session.starts_at = st.ColumnInt(2);
  f.session.ends_at = st.ColumnInt(3);
  f.session.room = st.ColumnText(4);
  f.course_title = st.ColumnText(5);
  f.centre_id = st.ColumnText(6);
  f.follow_up = st.ColumnInt(7) != 0;
  return f;
}

// Answer sets of the sessions chosen by `where` (bound to ?1) and ?2 = kind.
Result<FeedbackSummary> Summarise(store::Store& store, const std::string& centre_id, const char* where,
                                  const std::string& key, SurveyKind kind) {
  MK_ASSIGN_OR_RETURN(EffectiveTemplate tmpl, LoadSurveyTemplate(store, centre_id, kind));
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
      std::string("SELECT f.answers_json FROM feedback f JOIN sessions s ON s.id = f.session_id WHERE ") + where +
      " AND f.kind = ?2"));
  st.Bind(1, key).Bind(2, ToCode(kind));
  std::vector<std::string> rows;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    rows.push_back(st.ColumnText(0));
  }
  FeedbackSummary out;
  out.kind = kind;
  if (static_cast<int>(rows.size()) < kMinAnswersShown) return out;  // not even the number
  out.enough = true;
  out.answer_sets = static_cast<int>(rows.size());
  std::map<std::string, size_t> index;
  for (const LikertItem& item : tmpl.survey.items) {
    index[item.id] = out.items.size();
    out.items.push_back(ItemSummary{item.id, item.text, 0, 0, {}});
  }
  std::vector<double> sums(out.items.size(), 0.0);
  for (const std::string& text : rows) {
    Json answers = Json::parse(text, nullptr, false);
    if (!answers.is_object()) continue;  // a damaged row counts as an answer set with no ratings
    if (auto likert = answers.find("likert"); likert != answers.end() && likert->is_object()) {
      for (auto it = likert->begin(); it != likert->end(); ++it) {
        if (!it->is_number_integer()) continue;
        const int v = it->get<int>();
        if (v < 1 || v > 5) continue;
        auto pos = index.find(it.key());
        if (pos == index.end()) {
          // An item of an earlier template: still counted, under its id.
          pos = index.emplace(it.key(), out.items.size()).first;
          out.items.push_back(ItemSummary{it.key(), LocalText{it.key(), it.key()}, 0, 0, {}});
          sums.push_back(0.0);
        }
        ItemSummary& s = out.items[pos->second];
        ++s.answered;
        ++s.counts[static_cast<size_t>(v - 1)];
        sums[pos->second] += v;
      }
    }
    if (auto free = answers.find("text"); free != answers.end() && free->is_string()) {
      std::string t = free->get<std::string>();
      if (!t.empty()) out.free_texts.push_back(std::move(t));
    }
  }
  for (size_t i = 0; i < out.items.size(); ++i) {
    if (out.items[i].answered > 0) out.items[i].mean = sums[i] / out.items[i].answered;
  }
  std::sort(out.free_texts.begin(), out.free_texts.end());
  return out;
}

}  // namespace

std::string CleanFreeText(std::string_view text) {
  std::string kept;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::DecodeNext(text, &pos);
    const bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
    const bool bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
                      cp == 0x200F || cp == 0x061C;
    if (control && (cp == '\n' || cp == '\r' || cp == '\t')) {
      kept += ' ';
    } else if (!control && !bidi) {
      utf8::Append(&kept, cp);
    }
  }
  return std::string(utf8::Truncate(utf8::NormalizeSpaces(kept), kMaxFreeTextChars));
}

Result<EffectiveTemplate> LoadSurveyTemplate(store::Store& store, const std::string& centre_id, SurveyKind kind) {
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
      "SELECT template_json FROM survey_templates WHERE centre_id = ?1 AND kind = ?2 "
      "ORDER BY updated_at DESC, id DESC LIMIT 1"));
  st.Bind(1, centre_id).Bind(2, ToCode(kind));
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) {
    auto parsed = ParseSurveyTemplate(st.ColumnText(0));
    // A template that came through sync is validated again; a broken one does not stop the
    // survey: the built-in template stands in.
    if (parsed.ok() && parsed->kind == kind) return EffectiveTemplate{*parsed, true};
  }
  return EffectiveTemplate{DefaultSurveyTemplate(kind), false};
}

Result<SurveyTemplate> SetSurveyTemplate(store::Store& store, const std::string& centre_id, std::string_view json,
                                         std::optional<SurveyKind> expected_kind) {
  MK_ASSIGN_OR_RETURN(SurveyTemplate t, ParseSurveyTemplate(json));
  if (expected_kind && t.kind != *expected_kind) {
    return InvalidArgument("kind is '" + std::string(ToCode(t.kind)) + "' but a template for '" +
                           std::string(ToCode(*expected_kind)) + "' was asked for");
  }
  const std::string canonical = SurveyTemplateJson(t);
  MK_RETURN_IF_ERROR(store.Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Statement find, ctx.db.Prepare(
        "SELECT id FROM survey_templates WHERE centre_id = ?1 AND kind = ?2 ORDER BY updated_at DESC, id DESC LIMIT 1"));
    find.Bind(1, centre_id).Bind(2, ToCode(t.kind));
    MK_ASSIGN_OR_RETURN(bool exists, find.Step());
    if (exists) {
      MK_ASSIGN_OR_RETURN(Statement up, ctx.db.Prepare(
          "UPDATE survey_templates SET template_json = ?2, updated_at = ?3 WHERE id = ?1"));
      up.Bind(1, find.ColumnText(0)).Bind(2, canonical).Bind(3, ctx.now_ms);
      return up.Run().WithContext("storing the survey template");
    }
    MK_ASSIGN_OR_RETURN(Statement ins, ctx.db.Prepare(
        "INSERT INTO survey_templates(id, centre_id, kind, template_json, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
    ins.Bind(1, ctx.NewId()).Bind(2, centre_id).Bind(3, ToCode(t.kind)).Bind(4, canonical).Bind(5, ctx.now_ms);
    return ins.Run().WithContext("storing the survey template");
  }));
  return t;
}

std::string NewAnswerSetId(const store::Session& session) {
  UuidGenerator fresh;
  return fresh.Next(session.starts_at);
}

Result<SubmitResult> SubmitAnswers(store::Store& store, const AnswerSet& answers) {
  MK_ASSIGN_OR_RETURN(SessionFacts facts, ReadFacts(store.db(), answers.session_id));
  if (answers.kind == SurveyKind::kFollowUp && !facts.follow_up) {
    return FailedPrecondition("the session '" + facts.course_title + "' does not offer the follow-up survey");
  }
  std::string compact = answers.id;
  compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
  if (!IsUuid(answers.id) || compact.substr(0, 12) != TimeHex(facts.session.starts_at)) {
    return InvalidArgument("the answer set id '" + answers.id + "' was not made for this session (NewAnswerSetId)");
  }
  MK_ASSIGN_OR_RETURN(EffectiveTemplate tmpl, LoadSurveyTemplate(store, facts.centre_id, answers.kind));
  Json likert = Json::object();
  for (const auto& entry : answers.likert) {
    const std::string& id = entry.first;  // not a structured binding: lambdas capture it (C++17)
    const auto value = entry.second;
    const bool known = std::any_of(tmpl.survey.items.begin(), tmpl.survey.items.end(),
                                   [&](const LikertItem& i) { return i.id == id; });
    if (!known) return InvalidArgument("item '" + id + "' is not in the survey");
    if (value < 1 || value > 5) {
      return InvalidArgument("item '" + id + "': " + std::to_string(value) + " is not on the scale 1 to 5");
    }
    likert[id] = value;
  }
  const std::string text = CleanFreeText(answers.free_text);
  if (likert.empty() && text.empty()) return InvalidArgument("the answer set is empty: nothing was answered");
  Json doc = Json::object();
  doc["likert"] = std::move(likert);
  if (!text.empty()) doc["text"] = text;
  const std::string answers_json = doc.dump();

  SubmitResult result;
  MK_RETURN_IF_ERROR(store.Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Statement seen, ctx.db.Prepare("SELECT 1 FROM feedback WHERE id = ?1"));
    seen.Bind(1, answers.id);
    MK_ASSIGN_OR_RETURN(bool exists, seen.Step());
    if (exists) {
      result.already_stored = true;
      return Status::Ok();
    }
    MK_ASSIGN_OR_RETURN(Statement ins, ctx.db.Prepare(
        "INSERT INTO feedback(id, session_id, kind, answers_json, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
    // created_at is the session's start: the moment of answering is not kept.
    ins.Bind(1, answers.id).Bind(2, answers.session_id).Bind(3, ToCode(answers.kind)).Bind(4, answers_json)
        .Bind(5, facts.session.starts_at);
    return ins.Run().WithContext("storing the answers");
  }));
  return result;
}

Result<FeedbackSummary> SummariseSession(store::Store& store, const std::string& session_id, SurveyKind kind) {
  MK_ASSIGN_OR_RETURN(SessionFacts facts, ReadFacts(store.db(), session_id));
  return Summarise(store, facts.centre_id, "f.session_id = ?1", session_id, kind);
}

Result<FeedbackSummary> SummariseCourse(store::Store& store, const std::string& course_id, SurveyKind kind) {
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare("SELECT centre_id FROM courses WHERE id = ?1"));
  st.Bind(1, course_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("no course with id " + course_id);
  return Summarise(store, st.ColumnText(0), "s.course_id = ?1", course_id, kind);
}

Result<std::string> ScheduleFollowUp(store::Store& store, const std::string& after_session_id,
                                     const std::optional<std::string>& at_session_id) {
  MK_ASSIGN_OR_RETURN(SessionFacts after, ReadFacts(store.db(), after_session_id));
  std::string target;
  if (at_session_id) {
    MK_ASSIGN_OR_RETURN(SessionFacts at, ReadFacts(store.db(), *at_session_id));
    if (at.session.course_id != after.session.course_id) {
      return FailedPrecondition("the session " + *at_session_id + " belongs to another course ('" + at.course_title +
                                "'); the follow-up of '" + after.course_title + "' must be at a session of the same course");
    }
    if (at.session.starts_at < after.session.ends_at) {
      return FailedPrecondition("the session " + *at_session_id +
                                " does not start after this one has ended; the follow-up asks what was used in class "
                                "since, so it must be at a later session");
    }
    target = *at_session_id;
  } else {
    MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
        "SELECT id FROM sessions WHERE course_id = ?1 AND starts_at >= ?2 ORDER BY starts_at, id LIMIT 1"));
    st.Bind(1, after.session.course_id).Bind(2, after.session.ends_at);
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) {
      return FailedPrecondition("the course '" + after.course_title +
                                "' has no later session to offer the follow-up survey at");
    }
    target = st.ColumnText(0);
  }
  MK_RETURN_IF_ERROR(store.Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Statement up, ctx.db.Prepare(
        "UPDATE sessions SET follow_up = 1, updated_at = ?2 WHERE id = ?1 AND follow_up = 0"));
    up.Bind(1, target).Bind(2, ctx.now_ms);
    return up.Run().WithContext("scheduling the follow-up survey");
  }));
  return target;
}

Result<std::vector<LaterSession>> ListLaterSessions(store::Store& store, const std::string& session_id) {
  MK_ASSIGN_OR_RETURN(SessionFacts facts, ReadFacts(store.db(), session_id));
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
      "SELECT id, starts_at, ends_at, follow_up FROM sessions WHERE course_id = ?1 AND starts_at >= ?2 "
      "ORDER BY starts_at, id LIMIT 50"));
  st.Bind(1, facts.session.course_id).Bind(2, facts.session.ends_at);
  std::vector<LaterSession> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back({st.ColumnText(0), st.ColumnInt(1), st.ColumnInt(2), st.ColumnInt(3) != 0});
  }
  return out;
}

Result<std::vector<SurveyOffer>> ListSurveyOffers(store::Store& store, const std::string& centre_id, int64_t now_ms) {
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
      "SELECT s.id, c.title, s.starts_at, s.ends_at, s.follow_up FROM sessions s JOIN courses c ON c.id = s.course_id "
      "WHERE c.centre_id = ?1 AND s.ends_at > ?2 AND s.starts_at <= ?3 ORDER BY s.starts_at, c.title, s.id"));
  // Candidates: sessions that end after now - 2 h and have started by now + 15 min.
  st.Bind(1, centre_id).Bind(2, now_ms - kOfferAfterEndMs).Bind(3, now_ms + kOfferBeforeEndMs);
  std::vector<SurveyOffer> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    SurveyOffer o;
    o.session_id = st.ColumnText(0);
    o.course_title = st.ColumnText(1);
    o.starts_at = st.ColumnInt(2);
    o.ends_at = st.ColumnInt(3);
    const bool follow_up = st.ColumnInt(4) != 0;
    const bool closing = now_ms >= o.ends_at - kOfferBeforeEndMs && now_ms < o.ends_at + kOfferAfterEndMs;
    if (follow_up && now_ms >= o.starts_at && now_ms < o.ends_at + kOfferAfterEndMs) {
      o.kind = SurveyKind::kFollowUp;
      out.push_back(o);
    }
    if (closing) {
      o.kind = SurveyKind::kEndOfSession;
      out.push_back(o);
    }
  }
  return out;
}

}  // namespace mk::feedback
