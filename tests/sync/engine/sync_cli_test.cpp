// `mintkiosk sync`, `status`, `export-bundle` and `import-bundle` against a real server.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine_fixture.h"

namespace mk::engine_test {
namespace {

void RequireSync(Device& d) {
  auto r = d.Cli({"sync"});
  INFO("sync of " << d.device_id() << ": " << r.err);
  REQUIRE(r.exit_code == 0);
}

nlohmann::json StatusJson(Device& d) {
  auto r = d.Cli({"status", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out);
}

std::string Attendance(Device& d, const std::string& session, const std::string& person) {
  auto st = d.store().db().Prepare("SELECT status || '|' || method || '|' || device_id FROM attendance "
                                   "WHERE session_id = ?1 AND person_id = ?2");
  REQUIRE(st.ok());
  st->Bind(1, session).Bind(2, person);
  auto row = st->Step();
  REQUIRE(row.ok());
  return *row ? st->ColumnText(0) : std::string();
}

TEST_CASE("A check-in on one kiosk reaches the other once both have synced", "[sync][engine]") {
  SyncServer server;
  Device a(server);
  Device b(server);
  const std::string session = a.AddRunningSession("Optik im Schülerlabor");
  const std::string anna = a.AddPerson("Anna", "Müller");
  REQUIRE(a.Waiting() > 0);

  RequireSync(a);
  CHECK(a.Waiting() == 0);
  RequireSync(b);
  CHECK(b.Count("SELECT count(*) FROM sessions WHERE id = '" + session + "'") == 1);
  CHECK(b.Count("SELECT count(*) FROM people WHERE id = '" + anna + "' AND last_name = 'Müller'") == 1);
  CHECK(Attendance(b, session, anna).empty());

  a.CheckIn(session, anna);
  RequireSync(a);
  RequireSync(b);
  const std::string on_b = Attendance(b, session, anna);
  CHECK(!on_b.empty());
  CHECK(on_b == Attendance(a, session, anna));
  CHECK(Contains(on_b, a.store().device_id()));

  // B's enrolment (its centre row) goes up, and A takes it: then all three hold the same.
  RequireSync(a);
  CHECK(a.Hash() == b.Hash());
  CHECK(a.Hash() == server.Hash());
  // Nothing new: a sync moves nothing.
  auto again = b.Cli({"sync"});
  REQUIRE(again.exit_code == 0);
  CHECK(Contains(again.out, "sent 0 changes, received 0 changes"));
}

TEST_CASE("mintkiosk sync exits 0 when all is done, and 1 with the reason when the server is away", "[sync][engine]") {
  SyncServer server;
  Device a(server);
  a.AddPerson("Anna", "Müller");
  auto ok = a.Cli({"sync"});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(Contains(ok.out, "Synced with 127.0.0.1"));
  CHECK(ok.err.empty());

  server.Stop();
  a.AddPerson("Bernd", "Schäfer");
  auto down = a.Cli({"sync"});
  CHECK(down.exit_code == 1);
  CHECK(down.out.empty());
  CHECK(Contains(down.err, "mintkiosk: sync failed: no connection to 127.0.0.1"));
  CHECK(Contains(down.err, "1 change is still waiting on this device"));
  auto status = StatusJson(a);
  CHECK(status["online"] == false);
  CHECK(status["waiting_changes"] == 1);
  REQUIRE(status["last_error"].is_string());
  CHECK(Contains(status["last_error"].get<std::string>(), "no connection to 127.0.0.1"));
  CHECK(status["last_success_at"].is_string());  // the earlier sync

  server.Start();
  auto back = a.Cli({"sync"});
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(Contains(back.out, "sent 1 change,"));
  CHECK(a.Waiting() == 0);
  CHECK(StatusJson(a)["last_error"].is_null());

  // A data directory that never enrolled.
  test::TempDir lonely;
  auto never = test::ClientCli(lonely.path(), {"sync"});
  CHECK(never.exit_code == 1);
  CHECK(Contains(never.err, "this device is not enrolled; run 'mintkiosk enroll'"));
  // Wrong command lines are usage errors.
  CHECK(a.Cli({"sync", "now"}).exit_code == 2);
  CHECK(a.Cli({"status", "--all"}).exit_code == 2);
}

TEST_CASE("mintkiosk status --json has stable keys, and without --json it is for people", "[sync][engine]") {
  SyncServer server;
  Device a(server);
  auto before = StatusJson(a);
  for (const char* key : {"enrolled", "server", "device_id", "waiting_changes", "last_success_at", "last_attempt_at",
                          "last_error", "pull_cursor", "clock_skew_ms"}) {
    INFO(key);
    CHECK(before.contains(key));
  }
  CHECK(before["enrolled"] == true);
  CHECK(before["server"] == server.url());
  CHECK(before["device_id"] == a.device_id());
  CHECK(before["last_success_at"].is_null());
  CHECK(before["last_attempt_at"].is_null());
  CHECK(before["last_error"].is_null());
  CHECK(before["pull_cursor"] == 0);
  CHECK(before["waiting_changes"].is_number_integer());

  a.AddPerson("Anna", "Müller");
  RequireSync(a);
  auto after = StatusJson(a);
  CHECK(after["waiting_changes"] == 0);
  REQUIRE(after["last_success_at"].is_string());
  const std::string at = after["last_success_at"];
  CHECK(at.size() == 20);  // 2026-11-27T08:00:00Z
  CHECK(at.back() == 'Z');
  CHECK(after["last_attempt_at"].is_string());
  CHECK(after["online"] == true);
  CHECK(after["pull_cursor"].is_number_integer());
  CHECK(after["clock_skew_ms"].is_number_integer());

  auto human = a.Cli({"status"});
  REQUIRE(human.exit_code == 0);
  CHECK(Contains(human.out, "Server:               " + server.url()));
  CHECK(Contains(human.out, "Device:               " + a.device_id()));
  CHECK(Contains(human.out, "Connection:           online at the last attempt"));
  CHECK(Contains(human.out, "Changes waiting:      0"));
  CHECK(Contains(human.out, "Last error:           none"));
  // In the centre's time zone, with its offset.
  CHECK((Contains(human.out, "+01:00") || Contains(human.out, "+02:00")));

  test::TempDir lonely;
  auto r = test::ClientCli(lonely.path(), {"status", "--json"});
  REQUIRE(r.exit_code == 0);
  auto none = nlohmann::json::parse(r.out);
  CHECK(none["enrolled"] == false);
  CHECK(none["server"].is_null());
  CHECK(none["device_id"].is_string());
  auto text = test::ClientCli(lonely.path(), {"status"});
  CHECK(Contains(text.out, "not enrolled; run 'mintkiosk enroll'"));
}

TEST_CASE("Bundles carry a device's changes to the server and the server's to another device", "[sync][engine]") {
  SyncServer server;
  Device a(server);
  Device b(server);
  const std::string session = a.AddRunningSession("Robotik für die Grundschule");
  const std::string anna = a.AddPerson("Anna", "Müller");
  a.CheckIn(session, anna);
  const int64_t waiting = a.Waiting();
  REQUIRE(waiting > 0);

  // Device A -> server.
  auto exported = a.Cli({"export-bundle", a.file("a-to-server.bundle")});
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(Contains(exported.out, "Wrote " + std::to_string(waiting) + " changes"));
  CHECK(a.Waiting() == waiting);  // acknowledged only by the server's answer
  auto imported = test::ServerCli(server.data_dir(), {"import-bundle", a.file("a-to-server.bundle")});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  const std::string server_hash = server.Hash();
  auto twice = test::ServerCli(server.data_dir(), {"import-bundle", a.file("a-to-server.bundle")});
  CHECK(twice.exit_code == 0);
  CHECK(server.Hash() == server_hash);
  // Device B -> server too, so everyone ends with the same centre row.
  REQUIRE(b.Cli({"export-bundle", b.file("b-to-server.bundle")}).exit_code == 0);
  REQUIRE(test::ServerCli(server.data_dir(), {"import-bundle", b.file("b-to-server.bundle")}).exit_code == 0);

  // Server -> device B: A's check-in arrives.
  auto for_b = test::ServerCli(server.data_dir(), {"export-bundle", "--device", b.device_id(), b.file("to-b.bundle")});
  INFO(for_b.err);
  REQUIRE(for_b.exit_code == 0);
  auto into_b = b.Cli({"import-bundle", b.file("to-b.bundle")});
  INFO(into_b.err);
  REQUIRE(into_b.exit_code == 0);
  CHECK(Attendance(b, session, anna) == Attendance(a, session, anna));
  CHECK(b.Waiting() == 0);  // B's own changes are acknowledged by the bundle
  const std::string b_hash = b.Hash();
  auto into_b_again = b.Cli({"import-bundle", b.file("to-b.bundle")});
  REQUIRE(into_b_again.exit_code == 0);
  CHECK(b.Hash() == b_hash);

  // Server -> device A: its outbox is acknowledged, and B's centre row arrives.
  REQUIRE(test::ServerCli(server.data_dir(), {"export-bundle", "--device", a.device_id(), a.file("to-a.bundle")})
              .exit_code == 0);
  auto into_a = a.Cli({"import-bundle", a.file("to-a.bundle")});
  INFO(into_a.err);
  REQUIRE(into_a.exit_code == 0);
  CHECK(a.Waiting() == 0);
  CHECK(a.Hash() == b.Hash());
  CHECK(a.Hash() == server.Hash());

  // Refused, and nothing changes: a bundle for another device, a tampered one, one going the
  // other way, a file that is no bundle.
  const std::string a_hash = a.Hash();
  auto foreign = a.Cli({"import-bundle", b.file("to-b.bundle")});
  CHECK(foreign.exit_code == 1);
  CHECK(Contains(foreign.err, "was made for device " + b.device_id()));
  std::string bytes = test::ReadFile(a.file("to-a.bundle"));
  bytes[bytes.size() / 2] ^= 0x20;
  test::WriteFile(a.file("tampered.bundle"), bytes);
  auto tampered = a.Cli({"import-bundle", a.file("tampered.bundle")});
  CHECK(tampered.exit_code == 1);
  CHECK(!tampered.err.empty());
  auto wrong_way = a.Cli({"import-bundle", a.file("a-to-server.bundle")});
  CHECK(wrong_way.exit_code == 1);
  CHECK(Contains(wrong_way.err, "mintkiosk-server import-bundle"));
  test::WriteFile(a.file("notes.txt"), "hello");
  auto junk = a.Cli({"import-bundle", a.file("notes.txt")});
  CHECK(junk.exit_code == 1);
  CHECK(Contains(junk.err, "not a mintkiosk bundle"));
  CHECK(a.Cli({"import-bundle", a.file("missing.bundle")}).exit_code == 1);
  CHECK(a.Hash() == a_hash);
  CHECK(a.Cli({"export-bundle"}).exit_code == 2);
}

}  // namespace
}  // namespace mk::engine_test

namespace mk::engine_test {
namespace {

TEST_CASE("Refusals that retrying cannot fix are reported once, in words", "[sync][engine]") {
  SyncServer server;
  Device a(server);
  a.AddPerson("Anna", "Müller");
  RequireSync(a);

  // Changes lost on the device (a restored backup, say): the server expects the next seq.
  a.AddPerson("Bernd", "Schäfer");
  a.AddPerson("Clara", "Weiß");
  auto first = a.store().db().Prepare("SELECT min(seq) FROM sync_outbox");
  REQUIRE(first.ok());
  REQUIRE(*first->Step());
  const int64_t lost = first->ColumnInt(0);
  REQUIRE(a.store().db().Exec("DELETE FROM sync_outbox WHERE seq = " + std::to_string(lost)).ok());
  auto gap = a.Cli({"sync"});
  CHECK(gap.exit_code == 1);
  CHECK(Contains(gap.err, "the server expects this device's change " + std::to_string(lost) + " next"));
  CHECK(Contains(StatusJson(a)["last_error"].get<std::string>(), "expects this device's change"));
  CHECK(StatusJson(a)["online"] == true);

  // A revoked device is told so.
  REQUIRE(test::ServerCli(server.data_dir(), {"device", "revoke", a.device_id()}).exit_code == 0);
  auto revoked = a.Cli({"sync"});
  CHECK(revoked.exit_code == 1);
  CHECK(Contains(revoked.err, "no longer accepts this device"));
  CHECK(Contains(revoked.err, "mintkiosk enroll"));
}

}  // namespace
}  // namespace mk::engine_test
