// Sync under faults with the real programs: three enrolled devices work offline at random
// (check-ins, walk-ins, edits, un-enrolments, trainer decisions, an erasure) and sync through a
// TCP proxy that stalls each sync at a random byte, where the client or the server is killed
// with SIGKILL. After 50 such rounds and a clean full sync, every device and the server hold
// identical data, no check-in is lost or doubled, and every database passes integrity_check.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sync/common/civil_time.h"
#include "sync/protocol/canonical_dump.h"
#include "sync/protocol/outbox.h"
#include "sync/store/store.h"
#include "tests/support/link_emulator.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace mk::itest {
namespace {

using test::TempDir;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string Iso(int64_t ms) {
  const CivilTime t = UnixToCivilAsUtc(ms / 1000);
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02dZ", t.year, t.month, t.day, t.hour, t.minute);
  return out;
}

std::string Letters(int n) {
  std::string s;
  for (int v = n; v > 0; v /= 26) s += static_cast<char>('a' + v % 26);
  return s.empty() ? "a" : s;
}

pid_t Spawn(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Whether the child has exited (reaped), without blocking.
bool Exited(pid_t pid, int* status) { return waitpid(pid, status, WNOHANG) == pid; }

int64_t Count(store::Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->ColumnInt(0);
}

// Random offline work on a device, as the kiosk and a trainer do it: check-ins, walk-ins, edits,
// trainer decisions and (when `may_erase`) one erasure. Records every check-in made.
void DoOfflineWork(const std::string& device, int round, int ops, std::mt19937& rng,
                   std::set<std::pair<std::string, std::string>>& checked_in, bool& erased,
                   std::string& erased_person, bool may_erase) {
  auto store = store::Store::Open(device + "/mintkiosk.db", SystemClock::Instance());
  REQUIRE(store.ok());
  auto& s = **store;
  auto ids = s.db().Prepare("SELECT session_id, person_id FROM enrolments ORDER BY person_id");
  REQUIRE(ids.ok());
  std::vector<std::pair<std::string, std::string>> enrolled;
  while (*ids->Step()) enrolled.emplace_back(ids->ColumnText(0), ids->ColumnText(1));
  REQUIRE(!enrolled.empty());
  for (int op = 0; op < ops; ++op) {
    const auto& [session, person] = enrolled[rng() % enrolled.size()];
    Status st = Status::Ok();
    switch (rng() % 7) {
      case 0:
      case 1: {
        store::CheckInRequest req;
        req.session_id = session;
        req.person_id = person;
        st = s.CheckIn(req).status();
        if (st.ok()) checked_in.insert({session, person});
        break;
      }
      case 2: {
        store::WalkInRequest walk;
        walk.session_id = session;
        walk.person.first_name = "Ørsted";
        walk.person.last_name = "Gäst-" + Letters(round * 100 + op + 1);
        walk.person.school = "Ærøskøbing Skole";
        walk.consent = true;
        auto r = s.RegisterWalkIn(walk);
        st = r.status();
        if (st.ok()) checked_in.insert({session, r->person_id});
        break;
      }
      case 3:
        st = s.Write([&](store::WriteContext& ctx) -> Status {
          return ctx.db.Exec("UPDATE people SET school = 'Schule " + Letters(round + 1) + "' WHERE id = '" + person +
                             "' AND erased_at IS NULL");
        });
        break;
      case 4:
        st = s.Write([&](store::WriteContext& ctx) -> Status {
          return ctx.db.Exec("UPDATE attendance SET status = 'excused', status_by = 'trainer' WHERE person_id = '" +
                             person + "'");
        });
        break;
      case 5:
        // Un-enrol someone who has not checked in (a cancellation); re-enrolment happens by
        // checking in later, which enrols again.
        st = s.Write([&](store::WriteContext& ctx) -> Status {
          return ctx.db.Exec("DELETE FROM enrolments WHERE person_id = '" + person +
                             "' AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.person_id = enrolments.person_id)");
        });
        break;
      default:
        if (!erased && may_erase) {
          erased = true;
          erased_person = person;
          st = s.Write([&](store::WriteContext& ctx) -> Status {
            return sync::RecordErasure(ctx.db, s.capture(), person);
          });
        }
        break;
    }
    if (!st.ok() && erased && st.message().find("erased") != std::string::npos) st = Status::Ok();
    if (!st.ok() && erased && st.code() == ErrorCode::kNotFound) st = Status::Ok();  // erased: cannot check in
    INFO("round " << round << ": " << st.message());
    REQUIRE(st.ok());
  }
}

struct Fleet {
  TempDir dir;
  std::string server_dir = dir.File("server");
  std::string centre_id;
  std::unique_ptr<test::ServerProcess> server;
  std::unique_ptr<test::LinkEmulator> link;
  std::vector<std::string> devices;

  Fleet(int people, int n_devices) {
    auto added = test::ServerCli(server_dir, {"centre", "add", "--name", "MINT-Zentrum Ærøskøbing"});
    REQUIRE(added.exit_code == 0);
    centre_id = Trim(added.out);
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    std::string csv = "Vorname;Nachname;Schule;Kurs;Beginn;Ende;Einwilligung\n";
    for (int i = 0; i < people; ++i) {
      csv += "Łukasz;Müller-" + Letters(i + 1) + ";Skole Ærøskøbing;Optik im Schülerlabor;" + Iso(now - 600000) + ";" +
             Iso(now + 4 * 3600 * 1000) + ";ja\n";
    }
    test::WriteFile(dir.File("roster.csv"), csv);
    auto imported = test::ServerCli(server_dir, {"import", "registrations", dir.File("roster.csv"), "--centre", centre_id});
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    StartServer();
    for (int i = 0; i < n_devices; ++i) {
      auto code = test::ServerCli(server_dir, {"enroll", "--centre", centre_id});
      REQUIRE(code.exit_code == 0);
      const std::string data = dir.File("kiosk" + std::to_string(i));
      auto enrolled = test::ClientCli(data, {"enroll", "--server", Url(), "--code", Trim(code.out)});
      INFO(enrolled.err);
      REQUIRE(enrolled.exit_code == 0);
      devices.push_back(data);
    }
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(link->port()); }

  // (Re)starts the server and a fresh proxy in front of it, and points every device at it.
  void StartServer() {
    server = std::make_unique<test::ServerProcess>(server_dir);
    link = std::make_unique<test::LinkEmulator>(server->port(), test::LinkProfile{});
    for (const std::string& d : devices) {
      nlohmann::json config = nlohmann::json::parse(test::ReadFile(d + "/server.json"));
      config["url"] = Url();
      test::WriteFile(d + "/server.json", config.dump(2));
    }
  }

  int Sync(const std::string& device) {
    return test::ClientCli(device, {"sync"}).exit_code;
  }
};

TEST_CASE("Sync survives SIGKILL of client and server at random moments, 50 rounds", "[integration][sync][faults]") {
  Fleet fleet(120, 3);
  std::mt19937 rng(20261127);
  std::set<std::pair<std::string, std::string>> checked_in;  // (session, person) anyone checked in
  bool erased = false;
  std::string erased_person;
  int client_kills = 0, server_kills = 0;

  for (int d = 0; d < 3; ++d) REQUIRE(fleet.Sync(fleet.devices[static_cast<size_t>(d)]) == 0);  // rosters down

  for (int round = 0; round < 50; ++round) {
    const std::string& device = fleet.devices[rng() % fleet.devices.size()];
    DoOfflineWork(device, round, 6, rng, checked_in, erased, erased_person, round == 25);
    // Sync through a link that stalls at a random byte; there, kill the client or the server.
    test::LinkProfile stall;
    stall.drop_after_bytes = 100 + static_cast<int64_t>(rng() % 2500);
    stall.stall_instead_of_drop = true;
    fleet.link->SetProfile(stall);
    const bool kill_server = round % 2 == 1;
    pid_t child = Spawn({test::BinPath("mintkiosk"), "--data", device, "sync"});
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 3000 && !exited; ++i) {  // at most 30 s
      if (fleet.link->Stats().stalls > 0) break;
      exited = Exited(child, &status);
      if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
      ++(kill_server ? server_kills : client_kills);
      if (kill_server) {
        fleet.server->Signal(SIGKILL);
        fleet.link->DropAll();
      } else {
        kill(child, SIGKILL);
      }
      waitpid(child, &status, 0);
    }
    if (kill_server && !exited) fleet.StartServer();
    fleet.link->SetProfile(test::LinkProfile{});
  }

  // The faults really happened mid-sync (a sync smaller than the stall point ends by itself).
  CHECK(client_kills >= 10);
  CHECK(server_kills >= 10);
  // A clean full sync: twice round, so what one device pushed last reaches the others.
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& d : fleet.devices) {
      auto r = test::ClientCli(d, {"sync"});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
    }
  }
  auto server_db = store::Database::Open(fleet.server_dir + "/server.db");
  REQUIRE(server_db.ok());
  auto expected = sync::CanonicalHash(*server_db, fleet.centre_id);
  REQUIRE(expected.ok());
  CHECK(*server_db->IntegrityCheck() == "ok");
  // Every check-in exactly once (the erased person's attendance stays, anonymous).
  CHECK(Count(*server_db, "SELECT count(*) FROM attendance") == static_cast<int64_t>(checked_in.size()));
  if (erased) {
    CHECK(Count(*server_db, "SELECT count(*) FROM people WHERE id = '" + erased_person +
                                "' AND erased_at IS NOT NULL AND first_name = '' AND last_name = ''") == 1);
  }
  for (const std::string& d : fleet.devices) {
    auto db = store::Database::Open(d + "/mintkiosk.db");
    REQUIRE(db.ok());
    INFO(d);
    CHECK(*db->IntegrityCheck() == "ok");
    CHECK(Count(*db, "SELECT count(*) FROM sync_outbox") == 0);
    auto hash = sync::CanonicalHash(*db, fleet.centre_id);
    REQUIRE(hash.ok());
    CHECK(*hash == *expected);
  }
}

}  // namespace
}  // namespace mk::itest

namespace mk::itest {
namespace {

// Syncs `device` until `mintkiosk sync` exits 0, at most `attempts` times (a dropping link
// makes single attempts fail; each failed attempt must leave nothing half-applied).
int SyncUntilDone(const std::string& device, int attempts) {
  for (int i = 1; i <= attempts; ++i) {
    if (test::ClientCli(device, {"sync"}).exit_code == 0) return i;
  }
  return -1;
}

void RequireAllEqual(Fleet& fleet, size_t expected_attendance) {
  auto server_db = store::Database::Open(fleet.server_dir + "/server.db");
  REQUIRE(server_db.ok());
  CHECK(*server_db->IntegrityCheck() == "ok");
  CHECK(Count(*server_db, "SELECT count(*) FROM attendance") == static_cast<int64_t>(expected_attendance));
  auto expected = sync::CanonicalHash(*server_db, fleet.centre_id);
  REQUIRE(expected.ok());
  for (const std::string& d : fleet.devices) {
    auto db = store::Database::Open(d + "/mintkiosk.db");
    REQUIRE(db.ok());
    INFO(d);
    CHECK(*db->IntegrityCheck() == "ok");
    CHECK(Count(*db, "SELECT count(*) FROM sync_outbox") == 0);
    CHECK(Count(*db, "SELECT count(*) FROM attendance") == static_cast<int64_t>(expected_attendance));
    auto hash = sync::CanonicalHash(*db, fleet.centre_id);
    REQUIRE(hash.ok());
    CHECK(*hash == *expected);
  }
}

TEST_CASE("Randomized: four devices, two thousand offline operations, syncs cut at random, converge",
          "[integration][sync][convergence]") {
  Fleet fleet(200, 4);
  std::mt19937 rng(4711);
  std::set<std::pair<std::string, std::string>> checked_in;
  bool erased = false;
  std::string erased_person;
  for (const std::string& d : fleet.devices) REQUIRE(fleet.Sync(d) == 0);
  int interrupted = 0;
  for (int round = 0; round < 100; ++round) {
    // A random device works offline for a while (a random number of operations)...
    const std::string& device = fleet.devices[rng() % fleet.devices.size()];
    DoOfflineWork(device, round, 1 + static_cast<int>(rng() % 38), rng, checked_in, erased, erased_person,
                  round == 60);
    // ...and now and then some device gets a connection, which may break off at a random byte.
    if (rng() % 3 == 0) {
      test::LinkProfile profile;
      if (rng() % 2 == 0) profile.drop_after_bytes = 300 + static_cast<int64_t>(rng() % 20000);
      fleet.link->SetProfile(profile);
      const std::string& syncing = fleet.devices[rng() % fleet.devices.size()];
      if (fleet.Sync(syncing) != 0) ++interrupted;
      fleet.link->SetProfile(test::LinkProfile{});
    }
  }
  CHECK(interrupted > 0);
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& d : fleet.devices) REQUIRE(fleet.Sync(d) == 0);
  }
  RequireAllEqual(fleet, checked_in.size());
}

TEST_CASE("Sync completes exactly once through 64 kbit/s, 600 ms round trips and a drop every ~30 KB",
          "[integration][sync][rural]") {
  // 5 000 people: the roster (~110 KB) and the check-ins (~40 KB) are larger than what the link
  // carries between two drops, so they only get through in pieces.
  Fleet fleet(5000, 2);
  test::LinkProfile rural;
  rural.one_way_delay_ms = 300;
  rural.bytes_per_second = 8000;  // 64 kbit/s
  rural.drop_after_bytes = 28000;
  rural.drop_jitter_bytes = 4000;
  fleet.link->SetProfile(rural);
  // The first sync of both devices (the roster comes down) already goes through the link.
  REQUIRE(SyncUntilDone(fleet.devices[0], 30) > 0);
  REQUIRE(SyncUntilDone(fleet.devices[1], 30) > 0);
  std::set<std::pair<std::string, std::string>> checked_in;
  {
    auto store = store::Store::Open(fleet.devices[0] + "/mintkiosk.db", SystemClock::Instance());
    REQUIRE(store.ok());
    auto ids = (*store)->db().Prepare("SELECT session_id, person_id FROM enrolments");
    REQUIRE(ids.ok());
    std::vector<std::pair<std::string, std::string>> enrolled;
    while (*ids->Step()) enrolled.emplace_back(ids->ColumnText(0), ids->ColumnText(1));
    for (const auto& [session, person] : enrolled) {
      store::CheckInRequest req;
      req.session_id = session;
      req.person_id = person;
      REQUIRE((*store)->CheckIn(req).ok());
      checked_in.insert({session, person});
    }
  }
  REQUIRE(SyncUntilDone(fleet.devices[0], 30) > 0);
  REQUIRE(SyncUntilDone(fleet.devices[1], 30) > 0);
  const test::LinkStats stats = fleet.link->Stats();
  INFO("bytes to server " << stats.bytes_to_server << ", to client " << stats.bytes_to_client << ", connections "
                          << stats.connections);
  CHECK(stats.drops > 0);
  RequireAllEqual(fleet, checked_in.size());
}

}  // namespace
}  // namespace mk::itest

namespace mk::itest {
namespace {

TEST_CASE("A server name that does not resolve fails the sync with the name, and nothing is lost",
          "[integration][sync][dns]") {
  // In a network namespace of its own (no interfaces up) a name lookup fails at once and no
  // packet leaves the machine. Creating one needs root, as CI runs.
  if (test::Run({"/usr/bin/unshare", "-n", "/bin/true"}).exit_code != 0) {
    WARN("cannot create a network namespace here (not root); the DNS failure case is not run");
    return;
  }
  Fleet fleet(5, 1);
  const std::string device = fleet.devices[0];
  REQUIRE(fleet.Sync(device) == 0);
  {
    auto store = store::Store::Open(device + "/mintkiosk.db", SystemClock::Instance());
    REQUIRE(store.ok());
    auto ids = (*store)->db().Prepare("SELECT session_id, person_id FROM enrolments LIMIT 1");
    REQUIRE(ids.ok());
    REQUIRE(*ids->Step());
    store::CheckInRequest req;
    req.session_id = ids->ColumnText(0);
    req.person_id = ids->ColumnText(1);
    REQUIRE((*store)->CheckIn(req).ok());
  }
  nlohmann::json config = nlohmann::json::parse(test::ReadFile(device + "/server.json"));
  const std::string real_url = config["url"];
  config["url"] = "http://mint-server.invalid:8470";
  test::WriteFile(device + "/server.json", config.dump(2));
  auto failed = test::Run({"/usr/bin/unshare", "-n", test::BinPath("mintkiosk"), "--data", device, "sync"});
  CHECK(failed.exit_code == 1);
  CHECK(failed.err.find("mint-server.invalid") != std::string::npos);
  config["url"] = real_url;
  test::WriteFile(device + "/server.json", config.dump(2));
  auto db = store::Database::Open(device + "/mintkiosk.db");
  REQUIRE(db.ok());
  CHECK(Count(*db, "SELECT count(*) FROM sync_outbox WHERE tbl = 'attendance'") == 1);
  REQUIRE(fleet.Sync(device) == 0);
  RequireAllEqual(fleet, 1);
}

}  // namespace
}  // namespace mk::itest
