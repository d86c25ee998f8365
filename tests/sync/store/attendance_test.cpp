// Check-in rules and the attendance export.
#include <catch2/catch.hpp>

#include <sstream>

#include "store_fixture.h"
#include "sync/store/attendance_export.h"

using namespace mk;
using mk::test::Count;
using store::AttendanceStatus;
using store::CheckInMethod;

TEST_CASE("Checking in twice records one attendance", "[store][attendance]") {
  test::StoreFixture f;
  const std::string p = f.AddPerson("Łukasz", "Nowak");
  f.clock.Advance(2 * 60000);
  auto first = f.store->CheckIn({f.session_id, p, CheckInMethod::kKioskSearch});
  REQUIRE(first.ok());
  CHECK_FALSE(first->already_checked_in);
  CHECK(first->enrolled_now);
  CHECK(first->attendance.status == AttendanceStatus::kPresent);
  CHECK(first->attendance.checked_in_at == test::kFixtureNowMs + 2 * 60000);
  CHECK(first->attendance.device_id == f.store->device_id());

  f.clock.Advance(10 * 60000);
  auto second = f.store->CheckIn({f.session_id, p, CheckInMethod::kCode});
  REQUIRE(second.ok());
  CHECK(second->already_checked_in);
  CHECK(second->attendance.checked_in_at == test::kFixtureNowMs + 2 * 60000);  // the first time is kept
  CHECK(second->attendance.method == CheckInMethod::kKioskSearch);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM enrolments") == 1);
}

TEST_CASE("Arriving after the late threshold is recorded as late", "[store][attendance]") {
  test::StoreFixture f;
  const std::string p = f.AddPerson("Anna", "Groß");
  f.clock.Advance(16 * 60000);  // the fixture centre allows 15 minutes
  auto r = f.store->CheckIn({f.session_id, p, CheckInMethod::kKioskSearch});
  REQUIRE(r.ok());
  CHECK(r->attendance.status == AttendanceStatus::kLate);
}

TEST_CASE("Check-in is refused outside the session's window, with nothing stored", "[store][attendance]") {
  test::StoreFixture f;
  const std::string p = f.AddPerson("Mette", "Ørsted");
  const std::string before = f.Dump();

  f.clock.Set(test::kFixtureNowMs + 3 * 3600 * 1000);  // the session has just ended
  auto late = f.store->CheckIn({f.session_id, p, CheckInMethod::kKioskSearch});
  REQUIRE_FALSE(late.ok());
  CHECK(late.status().code() == ErrorCode::kFailedPrecondition);
  CHECK_THAT(late.status().message(), Catch::Contains("has already ended"));

  f.clock.Set(test::kFixtureNowMs - 2 * 3600 * 1000);  // two hours early
  auto early = f.store->CheckIn({f.session_id, p, CheckInMethod::kKioskSearch});
  REQUIRE_FALSE(early.ok());
  CHECK_THAT(early.status().message(), Catch::Contains("opens 60 minutes before"));

  f.clock.Set(test::kFixtureNowMs - 30 * 60000);  // half an hour early is fine
  CHECK(f.store->CheckIn({f.session_id, p, CheckInMethod::kKioskSearch}).ok());
  CHECK(f.Dump() != before);
}

TEST_CASE("Unknown sessions and people are clear errors", "[store][attendance]") {
  test::StoreFixture f;
  const std::string p = f.AddPerson("Jörg", "Schäfer");
  const std::string before = f.Dump();
  auto no_session = f.store->CheckIn({"no-such-session", p, CheckInMethod::kKioskSearch});
  REQUIRE_FALSE(no_session.ok());
  CHECK(no_session.status().code() == ErrorCode::kNotFound);
  auto no_person = f.store->CheckIn({f.session_id, "no-such-person", CheckInMethod::kKioskSearch});
  REQUIRE_FALSE(no_person.ok());
  CHECK(no_person.status().code() == ErrorCode::kNotFound);
  CHECK(f.Dump() == before);
}

TEST_CASE("A trainer's earlier mark keeps its note when the person arrives", "[store][attendance]") {
  test::StoreFixture f;
  const std::string p = f.AddPerson("Sören", "Jäger");
  REQUIRE(f.store->db().Exec("INSERT INTO attendance(session_id, person_id, status, method, device_id, note, updated_at) "
                             "VALUES ('" + f.session_id + "', '" + p + "', 'excused', 'trainer', 'd', 'Zug verspätet', 1)").ok());
  auto r = f.store->CheckIn({f.session_id, p, CheckInMethod::kKioskSearch});
  REQUIRE(r.ok());
  CHECK_FALSE(r->already_checked_in);
  CHECK(r->attendance.note == "Zug verspätet");
  CHECK(r->attendance.status == AttendanceStatus::kPresent);
}

TEST_CASE("The attendance export opens in German Excel", "[store][attendance][export]") {
  test::StoreFixture f;
  const std::string p = f.AddPerson("Łukasz", "Müller", "Schule Ærøskøbing", "lukasz@example.org");
  const std::string q = f.AddPerson("Anna", "Zahn", "=HYPERLINK(\"x\")");
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    return store::InsertEnrolment(ctx, f.session_id, q, store::EnrolmentSource::kImport).status();
  }).ok());
  f.clock.Advance(5 * 60000);
  REQUIRE(f.store->CheckIn({f.session_id, p, CheckInMethod::kKioskSearch}).ok());

  store::ExportOptions opt;
  opt.centre_id = f.centre_id;
  opt.time_zone = test::Berlin();
  std::ostringstream out;
  REQUIRE(store::ExportAttendanceCsv(*f.store, opt, out).ok());
  const std::string csv = out.str();
  REQUIRE(csv.rfind("\xEF\xBB\xBFsession_id;course_code;course_title;session_start;", 0) == 0);
  CHECK(csv.find("\r\n") != std::string::npos);
  CHECK(csv.find(";Łukasz;Müller;Schule Ærøskøbing;lukasz@example.org;present;2026-11-27 09:05;kiosk_search;") !=
        std::string::npos);
  CHECK(csv.find(";2026-11-27 09:00;2026-11-27 12:00;Raum 1.12;") != std::string::npos);
  // A formula-looking cell is defused and quoted.
  CHECK(csv.find(";\"'=HYPERLINK(\"\"x\"\")\";") != std::string::npos);
  // Enrolled without a record: empty status.
  CHECK(csv.find(";Anna;Zahn;") != std::string::npos);
  size_t lines = 0;
  for (size_t i = 0; (i = csv.find("\r\n", i)) != std::string::npos; i += 2) ++lines;
  CHECK(lines == 3);

  opt.german_headers = true;
  opt.session_id = "missing";
  std::ostringstream none;
  CHECK_FALSE(store::ExportAttendanceCsv(*f.store, opt, none).ok());
  opt.session_id = f.session_id;
  std::ostringstream de;
  REQUIRE(store::ExportAttendanceCsv(*f.store, opt, de).ok());
  CHECK(de.str().rfind("\xEF\xBB\xBFTermin-ID;Kursnummer;Kurstitel;Beginn;Ende;Raum;", 0) == 0);
}

TEST_CASE("People are validated field by field", "[store][people]") {
  store::Person p;
  p.centre_id = "c";
  p.first_name = "Anna";
  p.last_name = "Müller-Lüdenscheidt";
  p.school = "Gymnasium";
  CHECK(store::ValidatePerson(p).ok());
  p.last_name = "O’Brien";
  CHECK(store::ValidatePerson(p).ok());
  p.last_name = "   ";
  CHECK_THAT(store::ValidatePerson(p).message(), Catch::Equals("last name is empty"));
  p.last_name = "Müller 😀";
  CHECK_THAT(store::ValidatePerson(p).message(), Catch::Contains("is not a letter"));
  p.last_name = "1234";
  CHECK_THAT(store::ValidatePerson(p).message(), Catch::Contains("is not a letter"));
  p.last_name = std::string(1000, 'a');
  CHECK_THAT(store::ValidatePerson(p).message(), Catch::Contains("too long"));
  p.last_name = "a\u202Eb";
  CHECK_THAT(store::ValidatePerson(p).message(), Catch::Contains("bidirectional"));
  p.last_name = "كريم";  // Arabic names are names
  CHECK(store::ValidatePerson(p).ok());
  p.email = "not an email";
  CHECK_THAT(store::ValidatePerson(p).message(), Catch::Contains("is not an email address"));
  p.email = "anna@schule.example.org";
  CHECK(store::ValidatePerson(p).ok());
}
