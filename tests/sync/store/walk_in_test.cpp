// Walk-in registration: person, enrolment and attendance in one transaction, or nothing.
#include <catch2/catch.hpp>

#include <functional>

#include "store_fixture.h"

using namespace mk;
using mk::test::Count;

namespace {

store::WalkInRequest Request(const std::string& session_id) {
  store::WalkInRequest r;
  r.session_id = session_id;
  r.consent = true;
  r.person.first_name = "Zofia";
  r.person.last_name = "Wiśniewska";
  r.person.school = "Gesamtschule Hessisch Lichtenau";
  r.person.subjects = {store::Subject::kPhysics, store::Subject::kChemistry};
  return r;
}

}  // namespace

TEST_CASE("A walk-in creates person, enrolment and attendance at once", "[store][walkin]") {
  test::StoreFixture f;
  f.clock.Advance(5 * 60000);
  auto r = f.store->RegisterWalkIn(Request(f.session_id));
  REQUIRE(r.ok());
  CHECK_FALSE(r->person_existed);
  CHECK_FALSE(r->check_in.already_checked_in);
  CHECK(r->check_in.enrolled_now);
  auto person = f.store->GetPerson(r->person_id);
  REQUIRE(person.ok());
  CHECK(person->consent_data);
  CHECK(person->consent_at == test::kFixtureNowMs + 5 * 60000);
  CHECK(person->centre_id == f.centre_id);
  CHECK(person->participant_code.size() == 8);
  CHECK(person->subjects.size() == 2);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM enrolments WHERE source = 'walk_in'") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE method = 'walk_in'") == 1);
  // The new person is found by the search at once.
  store::SearchOptions opt;
  opt.centre_id = f.centre_id;
  auto hits = f.store->Search("wisn", opt);
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 1);
  CHECK((*hits)[0].id == r->person_id);
}

TEST_CASE("A walk-in without consent or with bad fields stores nothing", "[store][walkin]") {
  test::StoreFixture f;
  const std::string before = f.Dump();
  struct Case {
    std::function<void(store::WalkInRequest&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](store::WalkInRequest& r) { r.consent = false; }, "consent"},
      {[](store::WalkInRequest& r) { r.person.first_name = "  "; }, "first name"},
      {[](store::WalkInRequest& r) { r.person.last_name = "R2D2"; }, "last name"},
      {[](store::WalkInRequest& r) { r.person.first_name = "Anna \xF0\x9F\x98\x80"; }, "first name"},
      {[](store::WalkInRequest& r) { r.person.last_name = std::string(1000, 'a'); }, "last name"},
      {[](store::WalkInRequest& r) { r.person.last_name = "Ali\xE2\x80\xAE" "abc"; }, "last name"},
      {[](store::WalkInRequest& r) { r.person.email = "not-an-email"; }, "email"},
      {[](store::WalkInRequest& r) { r.session_id = "no-such-session"; }, "session"},
  };
  for (const Case& c : cases) {
    store::WalkInRequest r = Request(f.session_id);
    c.change(r);
    auto result = f.store->RegisterWalkIn(r);
    INFO(c.field);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message().find(c.field) != std::string::npos);
  }
  CHECK(f.Dump() == before);
}

TEST_CASE("A walk-in for a session that has ended stores no person", "[store][walkin]") {
  test::StoreFixture f;
  const std::string before = f.Dump();
  f.clock.Advance(4 * 3600 * 1000);  // the fixture session ran 09:00-12:00
  auto r = f.store->RegisterWalkIn(Request(f.session_id));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kFailedPrecondition);
  CHECK(f.Dump() == before);
}

TEST_CASE("A walk-in who is known already is reused, and twice changes nothing", "[store][walkin]") {
  test::StoreFixture f;
  const std::string known = f.AddPerson("Zofia", "Wiśniewska", "Gesamtschule Hessisch Lichtenau");
  auto first = f.store->RegisterWalkIn(Request(f.session_id));
  REQUIRE(first.ok());
  CHECK(first->person_existed);
  CHECK(first->person_id == known);
  auto second = f.store->RegisterWalkIn(Request(f.session_id));
  REQUIRE(second.ok());
  CHECK(second->check_in.already_checked_in);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM enrolments") == 1);
  auto enrolled = f.store->IsEnrolled(f.session_id, known);
  REQUIRE(enrolled.ok());
  CHECK(*enrolled);
}
