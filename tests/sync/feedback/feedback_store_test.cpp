// Anonymous feedback on a real store: anonymity, the threshold of 5, double submits, follow-up rules, offers.
#include <catch2/catch.hpp>

#include "sync/common/utf8.h"
#include "sync/feedback/feedback_store.h"
#include "tests/sync/store/store_fixture.h"

namespace mk::feedback {
namespace {

using test::Count;
using test::kFixtureNowMs;
using test::StoreFixture;

constexpr int64_t kHour = 3600 * 1000;

store::Session FixtureSession(StoreFixture& f) {
  auto s = f.store->GetSession(f.session_id);
  REQUIRE(s.ok());
  return s->session;
}

std::string AddSession(StoreFixture& f, const std::string& course_id, int64_t starts_at, int64_t hours = 3) {
  std::string id;
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    store::Session s;
    s.course_id = course_id;
    s.starts_at = starts_at;
    s.ends_at = starts_at + hours * kHour;
    MK_ASSIGN_OR_RETURN(id, store::InsertSession(ctx, s));
    return Status::Ok();
  }).ok());
  return id;
}

std::string AddCourse(StoreFixture& f, const std::string& title) {
  std::string id;
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    store::Course c;
    c.centre_id = f.centre_id;
    c.title = title;
    MK_ASSIGN_OR_RETURN(id, store::InsertCourse(ctx, c));
    return Status::Ok();
  }).ok());
  return id;
}

AnswerSet Answers(StoreFixture& f, std::map<std::string, int> likert, std::string text = "") {
  AnswerSet a;
  a.id = NewAnswerSetId(FixtureSession(f));
  a.session_id = f.session_id;
  a.likert = std::move(likert);
  a.free_text = std::move(text);
  return a;
}

void Submit(StoreFixture& f, const AnswerSet& a) {
  auto r = SubmitAnswers(*f.store, a);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK_FALSE(r->already_stored);
}

TEST_CASE("feedback is stored with no link to a person, a device or the time of answering", "[feedback]") {
  StoreFixture f;
  // The schema itself has no such column.
  auto columns = f.store->db().Prepare("SELECT name FROM pragma_table_info('feedback') ORDER BY cid");
  REQUIRE(columns.ok());
  std::vector<std::string> names;
  while (*columns->Step()) names.push_back(columns->ColumnText(0));
  CHECK(names == std::vector<std::string>{"id", "session_id", "kind", "answers_json", "created_at"});

  const std::string person = f.AddPerson("Łukasz", "Ørsted-Müller", "Skole i Ærøskøbing");
  store::CheckInRequest check_in;
  check_in.session_id = f.session_id;
  check_in.person_id = person;
  REQUIRE(f.store->CheckIn(check_in).ok());

  f.clock.Advance(2 * kHour + 50 * 60 * 1000);  // 11:50, in the last 15 minutes
  Submit(f, Answers(f, {{"useful", 5}, {"overall", 4}}, "Sehr gut, danke!"));

  auto row = f.store->db().Prepare("SELECT id, session_id, kind, answers_json, created_at FROM feedback");
  REQUIRE(row.ok());
  REQUIRE(*row->Step());
  const std::string everything = row->ColumnText(0) + "|" + row->ColumnText(1) + "|" + row->ColumnText(2) + "|" +
                                 row->ColumnText(3) + "|" + std::to_string(row->ColumnInt(4));
  CHECK(everything.find(person) == std::string::npos);
  CHECK(everything.find(f.store->device_id()) == std::string::npos);
  CHECK(everything.find("Ørsted") == std::string::npos);
  // No time finer than the session: created_at is its start, and so is the id's time part.
  CHECK(row->ColumnInt(4) == kFixtureNowMs);
  CHECK(row->ColumnText(0).substr(0, 8) == NewAnswerSetId(FixtureSession(f)).substr(0, 8));
  CHECK(row->ColumnText(3) == R"({"likert":{"overall":4,"useful":5},"text":"Sehr gut, danke!"})");
  // It is queued for sync like any other write.
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'feedback'") == 1);
}

TEST_CASE("aggregates are hidden below 5 answer sets and shown from 5 on", "[feedback]") {
  StoreFixture f;
  const int ratings[] = {5, 4, 4, 2, 5};
  const char* texts[] = {"Zu kurz", "", "Mehr Experimente", "", "Ausgezeichnet"};
  for (int i = 0; i < 4; ++i) {
    Submit(f, Answers(f, {{"useful", ratings[i]}}, texts[i]));
    auto s = SummariseSession(*f.store, f.session_id, SurveyKind::kEndOfSession);
    REQUIRE(s.ok());
    CHECK_FALSE(s->enough);
    CHECK(s->answer_sets == 0);  // not even the number is told
    CHECK(s->items.empty());
    CHECK(s->free_texts.empty());
  }
  Submit(f, Answers(f, {{"useful", ratings[4]}, {"trainer", 3}}, texts[4]));
  auto s = SummariseSession(*f.store, f.session_id, SurveyKind::kEndOfSession);
  REQUIRE(s.ok());
  REQUIRE(s->enough);
  CHECK(s->answer_sets == 5);
  REQUIRE(s->items.size() == DefaultSurveyTemplate(SurveyKind::kEndOfSession).items.size());
  const ItemSummary& useful = s->items[0];
  CHECK(useful.id == "useful");
  CHECK(useful.answered == 5);
  CHECK(useful.mean == Approx(4.0));
  CHECK(useful.counts == std::array<int, 5>{0, 1, 0, 2, 2});
  CHECK(s->items[2].id == "trainer");
  CHECK(s->items[2].answered == 1);
  CHECK(s->free_texts == std::vector<std::string>{"Ausgezeichnet", "Mehr Experimente", "Zu kurz"});
  // The follow-up survey of the same session has none.
  auto follow = SummariseSession(*f.store, f.session_id, SurveyKind::kFollowUp);
  REQUIRE(follow.ok());
  CHECK_FALSE(follow->enough);
  // Per course: the same five.
  auto course = SummariseCourse(*f.store, f.course_id, SurveyKind::kEndOfSession);
  REQUIRE(course.ok());
  CHECK(course->enough);
  CHECK(course->answer_sets == 5);
}

TEST_CASE("a survey submitted twice is stored once", "[feedback]") {
  StoreFixture f;
  const AnswerSet a = Answers(f, {{"useful", 4}});
  Submit(f, a);
  auto again = SubmitAnswers(*f.store, a);
  REQUIRE(again.ok());
  CHECK(again->already_stored);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM feedback") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'feedback'") == 1);
}

TEST_CASE("bad answer sets are refused with the reason and store nothing", "[feedback]") {
  StoreFixture f;
  auto refused = [&](const AnswerSet& a) {
    auto r = SubmitAnswers(*f.store, a);
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  CHECK(refused(Answers(f, {{"useful", 6}})) == "item 'useful': 6 is not on the scale 1 to 5");
  CHECK(refused(Answers(f, {{"useful", 0}})) == "item 'useful': 0 is not on the scale 1 to 5");
  CHECK(refused(Answers(f, {{"speed", 3}})) == "item 'speed' is not in the survey");
  CHECK(refused(Answers(f, {}, " \n\t ")) == "the answer set is empty: nothing was answered");
  AnswerSet stamped = Answers(f, {{"useful", 3}});
  UuidGenerator now_ids;
  stamped.id = now_ids.Next(kFixtureNowMs + 7 * 60 * 1000);  // the time of answering: refused
  CHECK(refused(stamped).find("was not made for this session") != std::string::npos);
  AnswerSet follow = Answers(f, {{"used_in_class", 3}});
  follow.kind = SurveyKind::kFollowUp;
  CHECK(refused(follow) == "the session 'Optik im Schülerlabor' does not offer the follow-up survey");
  AnswerSet nowhere = Answers(f, {{"useful", 3}});
  nowhere.session_id = "no-such-session";
  CHECK(refused(nowhere) == "no session with id no-such-session");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM feedback") == 0);
}

TEST_CASE("free text is cleaned and capped", "[feedback]") {
  CHECK(CleanFreeText("  Gut\n\ngemacht\t!  ") == "Gut gemacht !");
  CHECK(CleanFreeText("a\x01" "b\xE2\x80\xAE" "c\x7F") == "abc");
  CHECK(CleanFreeText("Ærøskøbing \xC3") == "Ærøskøbing \xEF\xBF\xBD");
  const std::string long_text(800, 'x');
  CHECK(CleanFreeText(long_text).size() == kMaxFreeTextChars);
  std::string umlauts;
  for (int i = 0; i < 600; ++i) umlauts += "ü";
  CHECK(utf8::Length(CleanFreeText(umlauts)) == kMaxFreeTextChars);
  CHECK(CleanFreeText(umlauts).size() == 2 * kMaxFreeTextChars);  // never half a character
}

TEST_CASE("the follow-up is scheduled only at a later session of the same course", "[feedback]") {
  StoreFixture f;
  const int64_t week = 7 * 24 * kHour;
  const std::string earlier = AddSession(f, f.course_id, kFixtureNowMs - week);
  const std::string overlapping = AddSession(f, f.course_id, kFixtureNowMs + kHour);
  const std::string later = AddSession(f, f.course_id, kFixtureNowMs + 2 * week);
  const std::string next = AddSession(f, f.course_id, kFixtureNowMs + week);
  const std::string other_course_session = AddSession(f, AddCourse(f, "Robotik mit Calliope"), kFixtureNowMs + week);

  auto refused = [&](const std::string& at) {
    auto r = ScheduleFollowUp(*f.store, f.session_id, at);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ErrorCode::kFailedPrecondition);
    return r.status().message();
  };
  CHECK(refused(other_course_session).find("belongs to another course ('Robotik mit Calliope')") != std::string::npos);
  CHECK(refused(earlier).find("does not start after this one has ended") != std::string::npos);
  CHECK(refused(overlapping).find("does not start after this one has ended") != std::string::npos);
  CHECK(refused(f.session_id).find("does not start after this one has ended") != std::string::npos);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sessions WHERE follow_up = 1") == 0);

  auto at_later = ScheduleFollowUp(*f.store, f.session_id, later);
  REQUIRE(at_later.ok());
  CHECK(*at_later == later);
  // Without a session named: the course's next one.
  auto at_next = ScheduleFollowUp(*f.store, f.session_id, std::nullopt);
  REQUIRE(at_next.ok());
  CHECK(*at_next == next);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sessions WHERE follow_up = 1") == 2);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'sessions'") >= 2);
  // Again is fine.
  CHECK(ScheduleFollowUp(*f.store, f.session_id, later).ok());

  // The last session of a course has no later one.
  auto none = ScheduleFollowUp(*f.store, later, std::nullopt);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() == "the course 'Optik im Schülerlabor' has no later session to offer the follow-up survey at");

  // Follow-up answers are taken at the session that offers it.
  AnswerSet a;
  auto later_session = f.store->GetSession(later);
  REQUIRE(later_session.ok());
  a.id = NewAnswerSetId(later_session->session);
  a.session_id = later;
  a.kind = SurveyKind::kFollowUp;
  a.likert = {{"used_in_class", 4}};
  a.free_text = "Das Spektroskop aus Pappe";
  CHECK(SubmitAnswers(*f.store, a).ok());
}

TEST_CASE("the kiosk offers the survey in a session's last 15 minutes and up to 2 hours after", "[feedback]") {
  StoreFixture f;  // the session runs 09:00-12:00
  auto offers_at = [&](int64_t minutes_after_start) {
    auto o = ListSurveyOffers(*f.store, f.centre_id, kFixtureNowMs + minutes_after_start * 60 * 1000);
    REQUIRE(o.ok());
    return *o;
  };
  CHECK(offers_at(0).empty());
  CHECK(offers_at(164).empty());
  REQUIRE(offers_at(165).size() == 1);
  CHECK(offers_at(165)[0].kind == SurveyKind::kEndOfSession);
  CHECK(offers_at(165)[0].course_title == "Optik im Schülerlabor");
  CHECK(offers_at(180 + 119).size() == 1);
  CHECK(offers_at(180 + 120).empty());

  const std::string later = AddSession(f, f.course_id, kFixtureNowMs + 24 * kHour);
  REQUIRE(ScheduleFollowUp(*f.store, f.session_id, later).ok());
  auto next_day = offers_at(24 * 60 + 5);
  REQUIRE(next_day.size() == 1);
  CHECK(next_day[0].session_id == later);
  CHECK(next_day[0].kind == SurveyKind::kFollowUp);
  // In its last 15 minutes both surveys are offered.
  CHECK(offers_at(24 * 60 + 170).size() == 2);
}

TEST_CASE("the centre's own template replaces the built-in one and syncs", "[feedback]") {
  StoreFixture f;
  auto before = LoadSurveyTemplate(*f.store, f.centre_id, SurveyKind::kFollowUp);
  REQUIRE(before.ok());
  CHECK_FALSE(before->from_centre);

  SurveyTemplate own = DefaultSurveyTemplate(SurveyKind::kFollowUp);
  own.items.resize(2);
  own.items[1].text.de = "Ich habe Materialien aus Ærøskøbing genutzt.";
  REQUIRE(SetSurveyTemplate(*f.store, f.centre_id, SurveyTemplateJson(own), SurveyKind::kFollowUp).ok());
  auto after = LoadSurveyTemplate(*f.store, f.centre_id, SurveyKind::kFollowUp);
  REQUIRE(after.ok());
  CHECK(after->from_centre);
  CHECK(after->survey.items.size() == 2);
  CHECK(after->survey.items[1].text.de == "Ich habe Materialien aus Ærøskøbing genutzt.");
  // Setting it again replaces the row.
  REQUIRE(SetSurveyTemplate(*f.store, f.centre_id, SurveyTemplateJson(own), std::nullopt).ok());
  CHECK(Count(f.store->db(), "SELECT count(*) FROM survey_templates") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'survey_templates'") >= 1);
  // The end-of-session survey is untouched.
  auto end = LoadSurveyTemplate(*f.store, f.centre_id, SurveyKind::kEndOfSession);
  REQUIRE(end.ok());
  CHECK_FALSE(end->from_centre);

  // A template of the other kind is refused when a kind is asked for.
  auto wrong = SetSurveyTemplate(*f.store, f.centre_id, SurveyTemplateJson(own), SurveyKind::kEndOfSession);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message() == "kind is 'follow_up' but a template for 'end_of_session' was asked for");
}

}  // namespace
}  // namespace mk::feedback
