// The demo data: realistic, complete, and the same for the same seed.
#include <catch2/catch.hpp>

#include "store_fixture.h"
#include "sync/store/demo_data.h"

using namespace mk;
using mk::test::Count;

namespace {

std::string PeopleDump(store::Store& s) {
  auto st = s.db().Prepare("SELECT id, first_name, last_name, school, participant_code FROM people ORDER BY id");
  REQUIRE(st.ok());
  std::string out;
  while (*st->Step()) out += st->ColumnText(0) + st->ColumnText(1) + st->ColumnText(2) + st->ColumnText(3) + st->ColumnText(4) + "\n";
  return out;
}

}  // namespace

TEST_CASE("The demo centre is realistic and complete", "[store][demo]") {
  test::TempDir dir;
  FakeClock clock(test::kFixtureNowMs);
  auto s = store::Store::Open(dir.File("demo.db"), &clock);
  REQUIRE(s.ok());
  store::DemoOptions opt;
  opt.now_ms = test::kFixtureNowMs;
  opt.time_zone = test::Berlin();
  auto summary = store::SeedDemo(**s, opt);
  REQUIRE(summary.ok());
  store::Database& db = (*s)->db();
  CHECK(summary->courses == 40);
  CHECK(Count(db, "SELECT count(*) FROM courses") == 40);
  CHECK(Count(db, "SELECT count(*) FROM people WHERE kind = 'teacher'") == 2000);
  CHECK(Count(db, "SELECT count(*) FROM partners") >= 10);
  CHECK(Count(db, "SELECT count(*) FROM collaborations") >= 10);
  // Every subject, level and role of the target groups is covered.
  CHECK(Count(db, "SELECT count(DISTINCT subject) FROM target_groups") == 7);
  CHECK(Count(db, "SELECT count(DISTINCT school_level) FROM target_groups") == 4);
  CHECK(Count(db, "SELECT count(DISTINCT role) FROM target_groups") == 3);
  CHECK(Count(db, "SELECT count(DISTINCT format) FROM courses") == 3);
  // European names with umlauts and other letters.
  CHECK(Count(db, "SELECT count(*) FROM people WHERE last_name LIKE '%ü%' OR last_name LIKE '%ö%'") > 0);
  CHECK(Count(db, "SELECT count(*) FROM people WHERE first_name LIKE '%ł%' OR first_name LIKE '%Ł%' OR last_name LIKE '%ł%'") > 0);
  CHECK(Count(db, "SELECT count(*) FROM people WHERE last_name LIKE '%ø%' OR last_name LIKE '%Ø%'") > 0);
  // Sessions this week, several today, one running now.
  CHECK(summary->sessions_today >= 3);
  CHECK(Count(db, "SELECT count(*) FROM sessions WHERE starts_at <= " + std::to_string(test::kFixtureNowMs) +
                      " AND ends_at > " + std::to_string(test::kFixtureNowMs)) >= 1);
  CHECK(Count(db, "SELECT count(*) FROM sessions WHERE starts_at < " + std::to_string(test::kFixtureNowMs - 5 * 86400000LL)) == 0);
  // Sessions over have attendance; those to come do not.
  CHECK(Count(db, "SELECT count(*) FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE s.ends_at <= " +
                      std::to_string(test::kFixtureNowMs)) > 0);
  CHECK(Count(db, "SELECT count(*) FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE s.ends_at > " +
                      std::to_string(test::kFixtureNowMs)) == 0);
  CHECK(*db.IntegrityCheck() == "ok");
  CHECK(Count(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  // The demo centre is this device's centre.
  CHECK((*s)->HomeCentre()->id == summary->centre_id);

  // Seeding again changes nothing.
  auto again = store::SeedDemo(**s, opt);
  REQUIRE(again.ok());
  CHECK(again->already_present);
  CHECK(Count(db, "SELECT count(*) FROM people") == 2012);
}

TEST_CASE("The same seed gives the same demo people", "[store][demo]") {
  test::TempDir dir;
  FakeClock clock(test::kFixtureNowMs);
  auto a = store::Store::Open(dir.File("a.db"), &clock);
  auto b = store::Store::Open(dir.File("b.db"), &clock);
  store::DemoOptions opt;
  opt.now_ms = test::kFixtureNowMs;
  opt.time_zone = test::Berlin();
  opt.teachers = 300;
  REQUIRE(store::SeedDemo(**a, opt).ok());
  opt.now_ms += 86400000;  // another day: other session times, same people
  REQUIRE(store::SeedDemo(**b, opt).ok());
  CHECK(PeopleDump(**a) == PeopleDump(**b));
  auto c = store::Store::Open(dir.File("c.db"), &clock);
  opt.seed = 7;
  REQUIRE(store::SeedDemo(**c, opt).ok());
  CHECK(PeopleDump(**a) != PeopleDump(**c));
}
