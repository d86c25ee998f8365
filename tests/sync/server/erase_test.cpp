// Erasure (GDPR) on the server: the admin command, the scrubbed log, and old changes that must not bring a name back.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sync_helpers.h"
#include "tests/integration/sqlite_probe.h"

namespace mk::server_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string PersonNamed(const std::vector<sync::Change>& changes, const std::string& last_name) {
  for (const auto& c : changes) {
    if (c.table == "people" && c.fields.value("last_name", "") == last_name) return c.key;
  }
  FAIL("no person " << last_name << " was pulled");
  return "";
}

// Every place of server.db where a personal value could hide, as one text.
std::string ServerText(ServerFixture& f) {
  itest::SqliteProbe db(f.data_dir() + "/server.db");
  std::string out;
  for (const char* sql : {"SELECT * FROM people", "SELECT * FROM attendance", "SELECT * FROM sync_log",
                          "SELECT * FROM sync_outbox", "SELECT * FROM person_search", "SELECT * FROM sync_clock"}) {
    for (const auto& row : db.Query(sql)) {
      for (const auto& v : row) out += v + "|";
      out += "\n";
    }
  }
  return out;
}

TEST_CASE("erase-person blanks the person everywhere on the server, and no old change brings them back", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a(), "Kiosk 1");
  EnrolledDevice a2 = f.Enroll(f.centre_a(), "Kiosk 2");
  ImportRoster(f, f.centre_a(), "Robotik", {{"Jan", "Kowalski"}, {"Eva", "Lindqvist"}});
  int64_t a1_cursor = 0;
  const auto roster = PullAll(f, a1.token, 0, &a1_cursor);
  const std::string jan = PersonNamed(roster, "Kowalski");
  const std::string session = KeysOf(roster, "sessions").at(0);
  int64_t a2_cursor = 0;
  PullAll(f, a2.token, 0, &a2_cursor);

  // Kiosk 1 renames him and notes something about him before the erasure.
  sync::Change note = CheckIn(session, jan, a1.id, Stamp(0, 1));
  note.fields["note"] = "Herr Kowalski kam zu spaet";
  sync::PushBatch before = Batch(1, {EditPerson(jan, {{"first_name", "Janek"}}, Stamp(0, 2)), note});
  REQUIRE(Push(f, a1.token, before).status == 200);
  REQUIRE(Contains(ServerText(f), "Janek"));

  auto erased = test::ServerCli(f.data_dir(), {"erase-person", jan});
  INFO(erased.err);
  REQUIRE(erased.exit_code == 0);
  CHECK(Contains(erased.out, "Erased person " + jan));
  CHECK(Contains(erased.out, "scrubbed"));
  for (const char* word : {"Kowalski", "Janek", "spaet"}) {
    INFO(word);
    CHECK(!Contains(ServerText(f), word));
  }
  CHECK(Contains(ServerText(f), "Lindqvist"));
  itest::SqliteProbe db(f.data_dir() + "/server.db");
  CHECK(db.Query("SELECT first_name, last_name, erased_at IS NOT NULL FROM people WHERE id = ?1", {jan})[0] ==
        itest::SqliteProbe::Row{"", "", "1"});
  // The attendance record stays, without the note.
  CHECK(db.Query("SELECT status, note FROM attendance WHERE person_id = ?1", {jan})[0] ==
        itest::SqliteProbe::Row{"present", ""});

  // Devices that had him get the erasure at their next pull.
  auto a2_changes = PullAll(f, a2.token, a2_cursor, &a2_cursor);
  const sync::Change* erasure = nullptr;
  for (const auto& c : a2_changes) {
    if (c.op == sync::ChangeOp::kErase) erasure = &c;
  }
  REQUIRE(erasure != nullptr);
  CHECK(erasure->key == jan);

  // A new device's first pull holds no trace of him: not in any byte of any page.
  EnrolledDevice a3 = f.Enroll(f.centre_a(), "Kiosk 3");
  std::string plain;
  int64_t a3_cursor = 0;
  const auto fresh = PullAll(f, a3.token, 0, &a3_cursor, &plain);
  CHECK(!Contains(plain, "Kowalski"));
  CHECK(!Contains(plain, "Janek"));
  CHECK(!Contains(plain, "spaet"));
  CHECK(Contains(plain, "Lindqvist"));
  REQUIRE(Find(fresh, "people", jan) != nullptr);  // the row itself is there, blank

  // Kiosk 2 was offline with changes of him queued: older and newer than the erasure.
  sync::PushBatch queued = Batch(1, {EditPerson(jan, {{"first_name", "Jan"}, {"last_name", "Kowalski"}}, Stamp(-60000)),
                                     EditPerson(jan, {{"last_name", "Kowalski"}, {"school", "Schule am Berg"}}, Stamp(5000)),
                                     CheckIn(session, jan, a2.id, Stamp(-30000))});
  queued.changes[2].fields["note"] = "Kowalski wieder da";
  auto late = Push(f, a2.token, queued);
  INFO(Describe(late));
  CHECK(late.status == 200);
  CHECK(!Contains(ServerText(f), "Kowalski"));
  CHECK(db.Query("SELECT first_name, last_name, school FROM people WHERE id = ?1", {jan})[0] ==
        itest::SqliteProbe::Row{"", "", ""});
  std::string later;
  PullAll(f, a3.token, a3_cursor, nullptr, &later);
  CHECK(!Contains(later, "Kowalski"));

  // Again: nothing to do. Wrong input: clear messages.
  auto again = test::ServerCli(f.data_dir(), {"erase-person", jan});
  CHECK(again.exit_code == 0);
  CHECK(Contains(again.out, "erased before"));
  const std::string eva = PersonNamed(roster, "Lindqvist");
  auto wrong_centre = test::ServerCli(f.data_dir(), {"erase-person", eva, "--centre", f.centre_b()});
  CHECK(wrong_centre.exit_code == 1);
  CHECK(Contains(wrong_centre.err, "no person with id " + eva));
  CHECK(Contains(ServerText(f), "Lindqvist"));
  auto unknown = test::ServerCli(f.data_dir(), {"erase-person", "01a00000-0000-7000-8000-000000000000"});
  CHECK(unknown.exit_code == 1);
  CHECK(Contains(unknown.err, "no person with id"));
  CHECK(test::ServerCli(f.data_dir(), {"erase-person"}).exit_code == 2);
  auto help = test::ServerCli(f.data_dir(), {"erase-person", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(Contains(help.out, "erase-person PERSON_ID"));
}

TEST_CASE("an erasure pushed by a device scrubs the server's log too", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  EnrolledDevice a2 = f.Enroll(f.centre_a());
  ImportRoster(f, f.centre_a(), "Physik", {{"Ana", "Horvat"}, {"Marta", "Novak"}});
  const auto roster = PullAll(f, a1.token);
  const std::string ana = PersonNamed(roster, "Horvat");
  int64_t a2_cursor = 0;
  PullAll(f, a2.token, 0, &a2_cursor);

  auto r = Push(f, a1.token, Batch(1, {Erase(ana, Stamp())}));
  INFO(Describe(r));
  REQUIRE(r.status == 200);
  CHECK(!Contains(ServerText(f), "Horvat"));
  CHECK(Contains(ServerText(f), "Novak"));
  auto a2_changes = PullAll(f, a2.token, a2_cursor);
  REQUIRE(a2_changes.size() == 1);
  CHECK(a2_changes[0].op == sync::ChangeOp::kErase);
  CHECK(a2_changes[0].key == ana);
  // The same erasure again (another kiosk erased her too): accepted, nothing new logged.
  const int64_t logged = LogCount(f);
  CHECK(Push(f, a2.token, Batch(1, {Erase(ana, Stamp(10))})).status == 200);
  CHECK(LogCount(f) == logged);
}

}  // namespace
}  // namespace mk::server_test
