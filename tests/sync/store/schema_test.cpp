// Migrations: from an empty file, from every older version with data in it, and a newer file refused.
#include <catch2/catch.hpp>

#include "store_fixture.h"
#include "sync/store/schema.h"

using namespace mk;
using namespace mk::store;
using mk::test::Count;

namespace {

Database OpenDb(const std::string& path) {
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  return std::move(db).value();
}

// Rows a version-1 database would hold: a centre, a course, a session and two people.
void FillVersion1(Database& db) {
  REQUIRE(db.Exec(R"sql(
    INSERT INTO centres(id, name, created_at, updated_at) VALUES ('c1', 'MINT-Zentrum Łódź', 1, 1);
    INSERT INTO courses(id, centre_id, title, created_at, updated_at) VALUES ('k1', 'c1', 'Optik', 1, 1);
    INSERT INTO sessions(id, course_id, starts_at, ends_at, created_at, updated_at) VALUES ('s1', 'k1', 10, 20, 1, 1);
    INSERT INTO people(id, centre_id, first_name, last_name, participant_code, created_at, updated_at)
      VALUES ('p1', 'c1', 'Jürgen', 'Müller', 'ABCDEFGH', 1, 1), ('p2', 'c1', 'Łukasz', 'Ørsted', 'HGFEDCBA', 1, 1);
    INSERT INTO enrolments(session_id, person_id, created_at) VALUES ('s1', 'p1', 1);
    INSERT INTO attendance(session_id, person_id, status, checked_in_at, method, device_id, updated_at)
      VALUES ('s1', 'p1', 'present', 12, 'kiosk_search', 'd1', 12);
  )sql").ok());
}

}  // namespace

TEST_CASE("An empty file migrates to the current schema", "[store][schema]") {
  test::TempDir dir;
  Database db = OpenDb(dir.File("a.db"));
  REQUIRE(*SchemaVersion(db) == 0);
  REQUIRE(Migrate(db).ok());
  CHECK(*SchemaVersion(db) == kSchemaVersion);
  CHECK(*db.IntegrityCheck() == "ok");
  // Migrating again is a no-op.
  REQUIRE(Migrate(db).ok());
  CHECK(*SchemaVersion(db) == kSchemaVersion);
  CHECK(Count(db, "SELECT count(*) FROM schema_personal_columns WHERE table_name = 'people'") >= 5);
  CHECK(Count(db, "PRAGMA foreign_keys") == 1);
}

TEST_CASE("Every older schema version migrates with its data intact", "[store][schema]") {
  for (int from = 1; from < kSchemaVersion; ++from) {
    DYNAMIC_SECTION("from version " << from) {
      test::TempDir dir;
      Database db = OpenDb(dir.File("old.db"));
      REQUIRE(Migrate(db, from).ok());
      REQUIRE(*SchemaVersion(db) == from);
      FillVersion1(db);
      REQUIRE(Migrate(db).ok());
      CHECK(*SchemaVersion(db) == kSchemaVersion);
      CHECK(*db.IntegrityCheck() == "ok");
      CHECK(Count(db, "SELECT count(*) FROM people") == 2);
      CHECK(Count(db, "SELECT count(*) FROM attendance WHERE status = 'present'") == 1);
      if (from < 2) {
        // Version 2 builds the search index from the people already there.
        CHECK(Count(db, "SELECT count(*) FROM person_search WHERE key = 'muller' AND person_id = 'p1'") == 1);
        CHECK(Count(db, "SELECT count(*) FROM person_search WHERE key = 'lukasz' AND person_id = 'p2'") == 1);
        CHECK(Count(db, "SELECT count(*) FROM person_search WHERE key = 'orsted' AND person_id = 'p2'") == 1);
      }
      // Version 3: existing attendance counts as the kiosk's, and nothing old waits to sync
      // (the rows were there before the device knew of sync).
      CHECK(Count(db, "SELECT count(*) FROM attendance WHERE status_by = 'kiosk'") == 1);
      CHECK(Count(db, "SELECT count(*) FROM sync_outbox") == 0);
    }
  }
}

TEST_CASE("Version 5 rebuilds the hot tables with the same checks, rows and outbox counter", "[store][schema]") {
  test::TempDir dir;
  Database db = OpenDb(dir.File("v4.db"));
  REQUIRE(Migrate(db, 4).ok());
  FillVersion1(db);
  REQUIRE(db.Exec(R"sql(
    UPDATE attendance SET note = 'kam später', left_at = 18, status_by = 'trainer';
    INSERT INTO sync_outbox(tbl, key, op, hlc, device_time, fields) VALUES
      ('attendance', 's1|p1', 'u', 100, 12, '{}'), ('people', 'p2', 'u', 101, 12, '{}'), ('people', 'p2', 'd', 102, 13, '{}');
    DELETE FROM sync_outbox WHERE seq >= 2;  -- acknowledged: the counter stays at 3
  )sql").ok());
  REQUIRE(Migrate(db).ok());
  CHECK(*SchemaVersion(db) == kSchemaVersion);
  CHECK(*db.IntegrityCheck() == "ok");
  CHECK(Count(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
  CHECK(Count(db, "SELECT count(*) FROM attendance WHERE note = 'kam später' AND left_at = 18 AND status_by = 'trainer'") == 1);
  CHECK(Count(db, "SELECT count(*) FROM enrolments WHERE source = 'import'") == 1);
  CHECK(Count(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('attendance_by_person', 'enrolments_by_person', "
                  "'attendance_note_stays_erased', 'attendance_note_erased_insert')") == 4);
  CHECK(Count(db, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%_v5'") == 0);
  // The outbox never hands out a seq again, also after the rebuild.
  REQUIRE(db.Exec("INSERT INTO sync_outbox(tbl, key, op, hlc, device_time) VALUES ('people', 'p1', 'u', 103, 14)").ok());
  CHECK(Count(db, "SELECT max(seq) FROM sync_outbox") == 4);
  // The same values are refused as before.
  CHECK_FALSE(db.Exec("INSERT INTO sync_outbox(tbl, key, op, hlc, device_time) VALUES ('people', 'p1', 'x', 1, 1)").ok());
  CHECK_FALSE(db.Exec("UPDATE attendance SET status = 'anwesend'").ok());
  CHECK_FALSE(db.Exec("UPDATE attendance SET method = 'kiosk'").ok());
  CHECK_FALSE(db.Exec("UPDATE enrolments SET source = 'web'").ok());
  CHECK_FALSE(db.Exec("UPDATE attendance SET status_by = 'admin'").ok());
  CHECK(db.Exec("UPDATE attendance SET status = 'late', method = 'admin'").ok());
  // The erasure guard on notes is back on the rebuilt table.
  REQUIRE(db.Exec("UPDATE people SET first_name = '', last_name = '', school = '', participant_code = id, "
                  "erased_at = 50 WHERE id = 'p1'").ok());
  CHECK_FALSE(db.Exec("UPDATE attendance SET note = 'wieder da' WHERE person_id = 'p1'").ok());
}

TEST_CASE("A database from a newer mintkiosk is refused and left alone", "[store][schema]") {
  test::TempDir dir;
  {
    Database db = OpenDb(dir.File("new.db"));
    REQUIRE(Migrate(db).ok());
    REQUIRE(db.Exec("PRAGMA user_version = " + std::to_string(kSchemaVersion + 5)).ok());
  }
  FakeClock clock(test::kFixtureNowMs);
  auto store = Store::Open(dir.File("new.db"), &clock);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == ErrorCode::kCorrupt);
  CHECK_THAT(store.status().message(), Catch::Contains("newer mintkiosk"));
  Database db = OpenDb(dir.File("new.db"));
  CHECK(*SchemaVersion(db) == kSchemaVersion + 5);
}

TEST_CASE("A file that is not a database gives a clear error", "[store][schema]") {
  test::TempDir dir;
  test::WriteFile(dir.File("junk.db"), std::string(4096, 'x'));
  FakeClock clock(test::kFixtureNowMs);
  auto store = Store::Open(dir.File("junk.db"), &clock);
  REQUIRE_FALSE(store.ok());
  CHECK_THAT(store.status().message(), Catch::Contains("not a mintkiosk database"));
}

TEST_CASE("The device gets one id that survives reopening", "[store][schema]") {
  test::TempDir dir;
  FakeClock clock(test::kFixtureNowMs);
  std::string first;
  {
    auto store = Store::Open(dir.File("d.db"), &clock);
    REQUIRE(store.ok());
    first = (*store)->device_id();
    CHECK(IsUuid(first));
  }
  auto again = Store::Open(dir.File("d.db"), &clock);
  REQUIRE(again.ok());
  CHECK((*again)->device_id() == first);
}
