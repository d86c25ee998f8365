// The merge rules, one scenario each, and a randomized convergence run of several devices.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <random>

#include "sim.h"
#include "sync/protocol/canonical_dump.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/outbox.h"

namespace mk::test {
namespace {

using sync::Change;

Status Exec(store::Store& s, const std::string& sql) {
  return s.Write([&](store::WriteContext& ctx) -> Status { return ctx.db.Exec(sql); });
}

std::string Text(store::Store& s, const std::string& sql) {
  auto st = s.db().Prepare(sql);
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->ColumnOptionalText(0).value_or("NULL");
}

std::string Dump(store::Store& s, const std::string& centre) {
  auto d = sync::CanonicalDump(s.db(), centre);
  REQUIRE(d.ok());
  return *d;
}

// The lines in which two dumps differ, at most a few, for a readable failure.
std::string FirstDifferences(const std::string& a, const std::string& b) {
  auto lines = [](const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      out.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  };
  std::vector<std::string> la = lines(a), lb = lines(b), only_a, only_b;
  std::set_difference(la.begin(), la.end(), lb.begin(), lb.end(), std::back_inserter(only_a));
  std::set_difference(lb.begin(), lb.end(), la.begin(), la.end(), std::back_inserter(only_b));
  std::string out;
  for (size_t i = 0; i < only_a.size() && i < 4; ++i) out += "- " + only_a[i] + "\n";
  for (size_t i = 0; i < only_b.size() && i < 4; ++i) out += "+ " + only_b[i] + "\n";
  return out;
}

struct World {
  TempDir dir;
  SimServer server{dir.path()};
  std::vector<std::unique_ptr<SimDevice>> devices;
  explicit World(int n) {
    for (int i = 0; i < n; ++i) {
      devices.push_back(NewDevice(dir.path(), "kiosk" + std::to_string(i)));
      REQUIRE(server.Pull(*devices.back()).ok());
    }
  }
  void SyncAll() {
    // Two rounds: what one device pushes late reaches the devices that pulled earlier.
    for (int round = 0; round < 2; ++round) {
      for (auto& d : devices) {
        Status s = server.Push(*d);
        INFO(s.message());
        REQUIRE(s.ok());
      }
      for (auto& d : devices) REQUIRE(server.Pull(*d).ok());
    }
  }
  void RequireConverged() {
    const std::string expected = Dump(server.store(), server.centre_id());
    for (auto& d : devices) {
      INFO(d->name);
      const std::string got = Dump(*d->store, server.centre_id());
      if (got != expected) {
        INFO("first differences (server first):\n" << FirstDifferences(expected, got));
        CHECK(got == expected);
      }
    }
  }
};

TEST_CASE("Edits of different fields on two devices both survive", "[protocol][merge]") {
  World w(2);
  const std::string p = w.server.people()[0];
  REQUIRE(Exec(*w.devices[0]->store, "UPDATE people SET school = 'Realschule Kassel' WHERE id = '" + p + "'").ok());
  w.devices[1]->clock.Advance(1000);
  REQUIRE(Exec(*w.devices[1]->store, "UPDATE people SET email = 'j.mueller@example.org' WHERE id = '" + p + "'").ok());
  w.SyncAll();
  w.RequireConverged();
  CHECK(Text(w.server.store(), "SELECT school || ' ' || email FROM people WHERE id = '" + p + "'") ==
        "Realschule Kassel j.mueller@example.org");
}

TEST_CASE("The later edit of one field wins, whoever syncs first", "[protocol][merge]") {
  World w(2);
  const std::string p = w.server.people()[2];
  w.devices[1]->clock.Advance(5000);
  REQUIRE(Exec(*w.devices[1]->store, "UPDATE people SET school = 'later' WHERE id = '" + p + "'").ok());
  REQUIRE(Exec(*w.devices[0]->store, "UPDATE people SET school = 'earlier' WHERE id = '" + p + "'").ok());
  // The later edit reaches the server first; the earlier one must not overwrite it.
  REQUIRE(w.server.Push(*w.devices[1]).ok());
  REQUIRE(w.server.Push(*w.devices[0]).ok());
  w.SyncAll();
  w.RequireConverged();
  CHECK(Text(w.server.store(), "SELECT school FROM people WHERE id = '" + p + "'") == "later");
}

TEST_CASE("Two kiosks checking in one person converge to one record with the first time", "[protocol][merge]") {
  World w(2);
  store::CheckInRequest req;
  req.session_id = w.server.session_id();
  req.person_id = w.server.people()[1];
  w.devices[0]->clock.Advance(20 * 60 * 1000);  // 20 min after the start: late
  REQUIRE(w.devices[0]->store->CheckIn(req).ok());
  w.devices[1]->clock.Advance(2 * 60 * 1000);  // 2 min: present, and earlier
  REQUIRE(w.devices[1]->store->CheckIn(req).ok());
  w.SyncAll();
  w.RequireConverged();
  const std::string where = " FROM attendance WHERE person_id = '" + req.person_id + "'";
  CHECK(Count(w.server.store().db(), "SELECT count(*)" + where) == 1);
  CHECK(Count(w.server.store().db(), "SELECT checked_in_at" + where) == kSimNowMs + 2 * 60 * 1000);
  CHECK(Text(w.server.store(), "SELECT status" + where) == "present");
  CHECK(Text(w.server.store(), "SELECT device_id" + where) == w.devices[1]->store->device_id());
}

TEST_CASE("A row that arrives whole keeps one clock for all its columns and a later edit gets its own",
          "[protocol][merge]") {
  World w(2);
  store::CheckInRequest req;
  req.session_id = w.server.session_id();
  req.person_id = w.server.people()[5];
  REQUIRE(w.devices[0]->store->CheckIn(req).ok());
  w.SyncAll();
  const std::string clock_sql = "SELECT clocks FROM sync_clock WHERE tbl = 'attendance' AND key = '" +
                                req.session_id + "|" + req.person_id + "'";
  // The stamp of the newest logged attendance change whose note is `note`.
  auto stamp_of = [&](const std::string& note) {
    std::string found;
    for (const LogEntry& e : w.server.log()) {
      if (e.change.table == "attendance" && e.change.fields.value("note", std::string()) == note) {
        found = std::to_string(static_cast<int64_t>(e.change.hlc));
      }
    }
    REQUIRE(!found.empty());
    return found;
  };
  const std::string stamp = stamp_of("");
  CHECK(Text(w.server.store(), clock_sql) == "{\"*\":" + stamp + "}");
  CHECK(Text(*w.devices[1]->store, clock_sql) == "{\"*\":" + stamp + "}");

  // Device 0 notes something while offline; device 1 notes something later. The later note
  // wins everywhere, whichever arrives first, and only the note's clock moves.
  w.devices[0]->clock.Advance(1000);
  REQUIRE(Exec(*w.devices[0]->store, "UPDATE attendance SET note = 'Ørsted-Kurs, früher' WHERE person_id = '" +
                                         req.person_id + "'").ok());
  w.devices[1]->clock.Advance(5000);
  REQUIRE(Exec(*w.devices[1]->store, "UPDATE attendance SET note = 'Łukasz kam später' WHERE person_id = '" +
                                         req.person_id + "'").ok());
  REQUIRE(w.server.Push(*w.devices[1]).ok());
  REQUIRE(w.server.Push(*w.devices[0]).ok());
  w.SyncAll();
  w.RequireConverged();
  const std::string where = " FROM attendance WHERE person_id = '" + req.person_id + "'";
  CHECK(Text(w.server.store(), "SELECT note" + where) == "Łukasz kam später");
  CHECK(Text(*w.devices[0]->store, "SELECT note" + where) == "Łukasz kam später");
  const std::string note_stamp = stamp_of("Łukasz kam später");
  // The note's change carried the whole row: the fields it moved (note, left_at, updated_at) have
  // their own clocks now; status and the check-in keep answering to the first stamp.
  const nlohmann::json clocks = nlohmann::json::parse(Text(w.server.store(), clock_sql));
  CHECK(clocks["*"].dump() == stamp);
  CHECK(clocks["note"].dump() == note_stamp);
  CHECK(!clocks.contains("status"));
  CHECK(!clocks.contains("checked_in_at"));
  // The other columns still answer to the first stamp: an older status from the kiosk loses.
  CHECK(Text(w.server.store(), "SELECT status" + where) == "present");
}

TEST_CASE("A row stored without clocks still takes the merge and a refused new row leaves no clock",
          "[protocol][merge]") {
  World w(1);
  store::Store& s = w.server.store();
  const std::string session = w.server.session_id(), person = w.server.people()[4];
  const std::string key = session + "|" + person;
  auto clocks_of = [&](const std::string& table, const std::string& k) {
    return Text(s, "SELECT count(*) FROM sync_clock WHERE tbl = '" + table + "' AND key = '" + k + "'");
  };
  // A check-in stored by other means than the merge (no clock entry), at 09:00.
  REQUIRE(Exec(s, "INSERT INTO attendance(session_id, person_id, status, checked_in_at, method, device_id, note, "
                  "updated_at) VALUES ('" + session + "', '" + person + "', 'present', 32400000, 'code', 'k-a', "
                  "'', 32400000)").ok());
  REQUIRE(Exec(s, "DELETE FROM sync_clock WHERE tbl = 'attendance' AND key = '" + key + "'").ok());
  REQUIRE(clocks_of("attendance", key) == "0");
  // A kiosk's later check-in of the same person: the row is there, so the merge decides (the
  // first check-in time stays) instead of an insert, and the row gets its clocks.
  Change c;
  c.table = "attendance";
  c.key = key;
  c.hlc = MakeHlc(32500000, 0);
  c.fields = {{"session_id", session}, {"person_id", person}, {"status", "late"}, {"checked_in_at", 32500000},
              {"method", "kiosk_search"}, {"device_id", "k-b"}, {"left_at", nullptr}, {"note", ""},
              {"status_by", "kiosk"}, {"updated_at", 32500000}};
  auto applied = sync::ApplyChange(s.db(), c);
  INFO(applied.status().message());
  REQUIRE(applied.ok());
  CHECK(Text(s, "SELECT count(*) FROM attendance WHERE person_id = '" + person + "'") == "1");
  CHECK(Text(s, "SELECT checked_in_at FROM attendance WHERE person_id = '" + person + "'") == "32400000");
  CHECK(clocks_of("attendance", key) == "1");

  // A new person with too few fields for a row: refused, and no clock of it stays behind.
  Change p;
  p.table = "people";
  p.key = "p-ærøskøbing";
  p.hlc = MakeHlc(32600000, 0);
  p.fields = {{"first_name", "Ærøskøbing"}};
  auto refused = sync::ApplyChange(s.db(), p);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("people p-ærøskøbing") &&
                                              Catch::Contains("needs all its required fields"));
  CHECK(clocks_of("people", p.key) == "0");
}

TEST_CASE("A trainer's decision wins over a kiosk's check-in, even an older decision", "[protocol][merge]") {
  World w(2);
  store::CheckInRequest req;
  req.session_id = w.server.session_id();
  req.person_id = w.server.people()[3];
  REQUIRE(w.devices[0]->store->CheckIn(req).ok());
  REQUIRE(w.server.Push(*w.devices[0]).ok());
  REQUIRE(w.server.Pull(*w.devices[1]).ok());
  // The trainer excuses the person on device 1; device 0 checks the person in again later
  // (offline, after a reset) with a newer clock.
  REQUIRE(Exec(*w.devices[1]->store, "UPDATE attendance SET status = 'excused', status_by = 'trainer' WHERE person_id = '" +
                                         req.person_id + "'").ok());
  w.devices[0]->clock.Advance(60 * 60 * 1000);
  REQUIRE(Exec(*w.devices[0]->store, "UPDATE attendance SET status = 'present', note = 'came back' WHERE person_id = '" +
                                         req.person_id + "'").ok());
  w.SyncAll();
  w.RequireConverged();
  CHECK(Text(w.server.store(), "SELECT status || '/' || status_by || '/' || note FROM attendance WHERE person_id = '" +
                                   req.person_id + "'") == "excused/trainer/came back");
}

TEST_CASE("A delete is a tombstone: an older re-enrolment arriving later does not bring the row back",
          "[protocol][merge]") {
  World w(2);
  const std::string p = w.server.people()[4];
  const std::string where = " FROM enrolments WHERE person_id = '" + p + "'";
  // Device 0 re-writes the enrolment (older), device 1 deletes it (newer); the older arrives last.
  REQUIRE(Exec(*w.devices[0]->store, "UPDATE enrolments SET source = 'manual' WHERE person_id = '" + p + "'").ok());
  w.devices[1]->clock.Advance(1000);
  REQUIRE(Exec(*w.devices[1]->store, "DELETE" + where).ok());
  REQUIRE(w.server.Push(*w.devices[1]).ok());
  REQUIRE(w.server.Push(*w.devices[0]).ok());
  w.SyncAll();
  w.RequireConverged();
  CHECK(Count(w.server.store().db(), "SELECT count(*)" + where) == 0);
  // A newer enrolment after the delete restores it everywhere.
  w.devices[0]->clock.Advance(10000);
  REQUIRE(Exec(*w.devices[0]->store, "INSERT INTO enrolments(session_id, person_id, source, created_at) VALUES ('" +
                                         w.server.session_id() + "', '" + p + "', 'manual', 1)").ok());
  w.SyncAll();
  w.RequireConverged();
  CHECK(Count(w.server.store().db(), "SELECT count(*)" + where) == 1);
}

TEST_CASE("Erasure wins over every change still queued anywhere", "[protocol][merge][erasure]") {
  World w(3);
  const std::string p = w.server.people()[0];  // Jürgen Müller
  store::CheckInRequest req;
  req.session_id = w.server.session_id();
  req.person_id = p;
  // Offline, device 0 edits the name with a clock far ahead of the erasure; device 1 writes a
  // note. Then the server erases the person. Only afterwards do the devices sync.
  w.devices[0]->clock.Advance(3600 * 1000);
  REQUIRE(Exec(*w.devices[0]->store, "UPDATE people SET last_name = 'Müller-Lüdenscheidt', email = 'jm@example.org' "
                                     "WHERE id = '" + p + "'").ok());
  REQUIRE(w.devices[1]->store->CheckIn(req).ok());
  REQUIRE(Exec(*w.devices[1]->store, "UPDATE attendance SET note = 'Allergie: Nüsse' WHERE person_id = '" + p + "'").ok());
  REQUIRE(w.server.Erase(p).ok());
  w.SyncAll();
  w.RequireConverged();
  for (store::Store* s : {&w.server.store(), w.devices[0]->store.get(), w.devices[1]->store.get(), w.devices[2]->store.get()}) {
    CHECK(Text(*s, "SELECT first_name || last_name || school || coalesce(email, '') FROM people WHERE id = '" + p + "'") == "");
    CHECK(Count(s->db(), "SELECT count(*) FROM people WHERE id = '" + p + "' AND erased_at IS NOT NULL") == 1);
    CHECK(Count(s->db(), "SELECT count(*) FROM person_search WHERE person_id = '" + p + "'") == 0);
    CHECK(Count(s->db(), "SELECT count(*) FROM attendance WHERE person_id = '" + p + "' AND note <> ''") == 0);
  }
  // The attendance itself stays (anonymous counts), and no log entry still holds the name.
  CHECK(Count(w.server.store().db(), "SELECT count(*) FROM attendance WHERE person_id = '" + p + "'") == 1);
  for (const LogEntry& e : w.server.log()) {
    const std::string text = e.change.fields.dump();
    CHECK(text.find("Müller") == std::string::npos);
    CHECK(text.find("Nüsse") == std::string::npos);
    CHECK(text.find("jm@example.org") == std::string::npos);
  }
  // A device that starts from scratch never sees the name either.
  auto fresh = NewDevice(w.dir.path(), "fresh");
  REQUIRE(w.server.Pull(*fresh).ok());
  CHECK(Hash(*fresh->store, w.server.centre_id()) == Hash(w.server.store(), w.server.centre_id()));
}

TEST_CASE("Invalid changes are refused with the table, key and field in the message", "[protocol][merge]") {
  Change c;
  c.table = "people";
  c.key = "p1";
  c.hlc = 1;
  c.fields = {{"shoe_size", 42}};
  CHECK_THAT(sync::ValidateChange(c).message(), Catch::Contains("people p1") && Catch::Contains("shoe_size"));
  c.fields = {{"first_name", nlohmann::json::array({1})}};
  CHECK_THAT(sync::ValidateChange(c).message(), Catch::Contains("first_name"));
  c.fields = {{"first_name", std::string(sync::kMaxFieldBytes + 1, 'x')}};
  CHECK_THAT(sync::ValidateChange(c).message(), Catch::Contains("longer than"));
  c.fields = {{"first_name", "\xff\xfe"}};
  CHECK_THAT(sync::ValidateChange(c).message(), Catch::Contains("UTF-8"));
  c.op = sync::ChangeOp::kDelete;
  c.fields = nlohmann::json::object();
  CHECK_THAT(sync::ValidateChange(c).message(), Catch::Contains("never deleted"));
  c.table = "attendance";
  c.op = sync::ChangeOp::kUpsert;
  c.key = "only-one-part";
  c.fields = {{"status", "present"}};
  CHECK_THAT(sync::ValidateChange(c).message(), Catch::Contains("2 part"));
  c.table = "secrets";
  CHECK_THAT(sync::ValidateChange(c).message(), Catch::Contains("unknown table"));
}

// Many devices, random offline work, random sync order: everyone ends identical.
TEST_CASE("Randomized: devices working offline converge after a full sync", "[protocol][merge][convergence]") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    DYNAMIC_SECTION("seed " << seed) {
      std::mt19937 rng(seed);
      const int n_devices = 3 + static_cast<int>(seed % 3);
      World w(n_devices);
      auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
      std::vector<std::string> people = w.server.people();
      bool erased = false;
      for (int op = 0; op < 600; ++op) {
        SimDevice& d = *w.devices[pick(w.devices.size())];
        d.clock.Advance(static_cast<int64_t>(rng() % 3000));
        const std::string p = people[pick(people.size())];
        Status s = Status::Ok();
        switch (rng() % 9) {
          case 0:
          case 1: {
            store::CheckInRequest req;
            req.session_id = w.server.session_id();
            req.person_id = p;
            s = d.store->CheckIn(req).status();
            // An erased person cannot check in any more: refused, as it should be.
            if (!s.ok() && s.code() == ErrorCode::kNotFound && erased) s = Status::Ok();
            break;
          }
          case 2: {
            store::WalkInRequest walk;
            walk.session_id = w.server.session_id();
            std::string suffix;
            for (int v = op; v > 0; v /= 10) suffix += static_cast<char>('a' + v % 10);
            walk.person.first_name = "Gäst" + suffix;
            walk.person.last_name = "Ødegård";
            walk.person.school = "Skole " + d.name;
            walk.consent = true;
            auto r = d.store->RegisterWalkIn(walk);
            s = r.status();
            break;
          }
          case 3:
            s = Exec(*d.store, "UPDATE people SET school = 'Schule " + std::to_string(op) + "' WHERE id = '" + p + "'");
            break;
          case 4:
            s = Exec(*d.store, "DELETE FROM enrolments WHERE person_id = '" + p + "'");
            break;
          case 5:
            s = Exec(*d.store, "UPDATE attendance SET status = 'excused', status_by = 'trainer', note = 'n" +
                                   std::to_string(op) + "' WHERE person_id = '" + p + "'");
            break;
          case 6:
            s = Exec(*d.store, "UPDATE attendance SET left_at = " + std::to_string(kSimNowMs + op) +
                                   " WHERE person_id = '" + p + "'");
            break;
          case 7:
            if (!erased && op > 300) {
              erased = true;
              s = d.store->Write([&](store::WriteContext& ctx) -> Status {
                return sync::RecordErasure(ctx.db, d.store->capture(), p);
              });
            }
            break;
          default: {
            // A partial sync of one device: push, or pull, or both.
            const auto what = rng() % 3;
            if (what != 1) s = w.server.Push(d, 1 + pick(40));
            if (s.ok() && what != 0) s = w.server.Pull(d, 1 + pick(40));
            break;
          }
        }
        // Personal data of an erased person cannot be written again: refused, as it should be.
        if (!s.ok() && erased && s.message().find("erased") != std::string::npos) s = Status::Ok();
        INFO("op " << op << ": " << s.message());
        REQUIRE(s.ok());
      }
      w.SyncAll();
      w.RequireConverged();
      for (auto& d : w.devices) {
        CHECK(Count(d->store->db(), "SELECT count(*) FROM sync_outbox") == 0);
        CHECK(*d->store->db().IntegrityCheck() == "ok");
      }
    }
  }
}

}  // namespace
}  // namespace mk::test
