// Enrolment through the real server and the real client: the happy path and every way it is refused.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <thread>
#include <vector>

#include "server_fixture.h"

namespace mk::server_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string CodeBody(const std::string& code) { return nlohmann::json{{"code", code}}.dump(); }

TEST_CASE("health answers without a token, with version and status", "[server]") {
  ServerFixture f;
  auto r = f.Get("/v1/health");
  REQUIRE(r.status == 200);
  CHECK(Contains(r.content_type, "application/json"));
  auto doc = nlohmann::json::parse(r.body);
  CHECK(doc["status"] == "ok");
  CHECK(doc["version"].is_string());
  CHECK(doc["api"] == "v1");
}

TEST_CASE("mintkiosk enroll stores server, device id and an owner-only token, and adopts the centre", "[server]") {
  ServerFixture f;
  test::TempDir device;
  const std::string code = f.NewCode(f.centre_a());
  auto r = test::ClientCli(device.path(), {"enroll", "--server", f.server().url(), "--code", code, "--name", "Kiosk Foyer"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "Zentrum Nord"));

  auto config = nlohmann::json::parse(test::ReadFile(device.File("server.json")));
  CHECK(config["url"] == f.server().url());
  const std::string device_id = config["device_id"];
  struct stat st {};
  REQUIRE(::stat(device.File("device.token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string token = test::ReadFile(device.File("device.token"));
  while (!token.empty() && token.back() == '\n') token.pop_back();
  CHECK(token.size() == 64);

  // The server keeps only a hash of the token, never the token itself.
  CHECK(!Contains(f.StoredState(), token));
  CHECK(Contains(f.StoredState(), device_id));

  auto me = f.Get("/v1/device", token);
  REQUIRE(me.status == 200);
  auto doc = nlohmann::json::parse(me.body);
  CHECK(doc["device_id"] == device_id);
  CHECK(doc["centre_id"] == f.centre_a());
  CHECK(doc["name"] == "Kiosk Foyer");

  // The device now knows its centre: commands that need one work.
  auto sessions = test::ClientCli(device.path(), {"sessions"});
  INFO(sessions.err);
  CHECK(sessions.exit_code == 0);

  auto list = test::ServerCli(f.data_dir(), {"device", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(Contains(list.out, device_id));
  CHECK(Contains(list.out, "Kiosk Foyer"));
  CHECK(Contains(list.out, "active"));
}

TEST_CASE("a code is accepted however it is typed: lower case, spaces, without the dash", "[server]") {
  ServerFixture f;
  std::string code = f.NewCode(f.centre_b());
  std::string typed;
  for (char ch : code) {
    if (ch == '-') continue;
    typed += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    typed += ' ';
  }
  auto r = f.PostJson("/v1/enroll", CodeBody(typed));
  INFO(Describe(r));
  CHECK(r.status == 201);
}

TEST_CASE("enrolment codes avoid look-alike characters and are short", "[server]") {
  ServerFixture f;
  for (int i = 0; i < 20; ++i) {
    const std::string code = f.NewCode(f.centre_a());
    CHECK(code.size() == 11);
    for (char ch : code) {
      CHECK(std::string("0O1Il").find(ch) == std::string::npos);
    }
  }
}

TEST_CASE("a code works exactly once", "[server]") {
  ServerFixture f;
  const std::string code = f.NewCode(f.centre_a());
  REQUIRE(f.PostJson("/v1/enroll", CodeBody(code)).status == 201);
  const std::string before = f.StoredState();
  auto again = f.PostJson("/v1/enroll", CodeBody(code));
  CHECK(again.status == 403);
  CHECK(ErrorCode(again) == "enrolment_code_used");
  CHECK(Contains(ErrorMessage(again), "used already"));
  CHECK(f.StoredState() == before);
}

TEST_CASE("a code raced by several devices at once enrols exactly one", "[server]") {
  ServerFixture f;
  const std::string code = f.NewCode(f.centre_b());
  std::vector<long> statuses(8, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < statuses.size(); ++i) {
    threads.emplace_back([&, i] {
      sync::HttpClient client({f.server().url(), "", ""});
      sync::HttpRequest post{"POST", "/v1/enroll", CodeBody(code), "application/json", {}};
      auto r = client.Send(post);
      statuses[i] = r.ok() ? r->status : -1;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 201) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 403) == 7);
  auto list = test::ServerCli(f.data_dir(), {"device", "list"});
  CHECK(std::count(list.out.begin(), list.out.end(), '\n') == 1);
}

TEST_CASE("an expired code is refused and enrols nothing", "[server]") {
  ServerFixture f;
  const std::string code = f.NewCode(f.centre_a());
  f.Execute("UPDATE enrolment_codes SET expires_at = 1");
  const std::string before = f.StoredState();
  auto r = f.PostJson("/v1/enroll", CodeBody(code));
  CHECK(r.status == 403);
  CHECK(ErrorCode(r) == "enrolment_code_expired");
  CHECK(Contains(ErrorMessage(r), "expired"));
  CHECK(f.StoredState() == before);
}

TEST_CASE("unknown and malformed codes are refused", "[server]") {
  ServerFixture f;
  f.NewCode(f.centre_a());
  const std::string before = f.StoredState();
  auto unknown = f.PostJson("/v1/enroll", CodeBody("ABCDE-FGHJK"));
  CHECK(unknown.status == 403);
  CHECK(ErrorCode(unknown) == "enrolment_code_unknown");
  auto malformed = f.PostJson("/v1/enroll", CodeBody("O0O0O-1I1I1"));
  CHECK(malformed.status == 400);
  CHECK(ErrorCode(malformed) == "invalid_code_format");
  CHECK(Contains(ErrorMessage(malformed), "letters and digits"));
  CHECK(f.StoredState() == before);
}

TEST_CASE("guessing codes is rate-limited per address while everyone else is served", "[server]") {
  ServerFixture f({"--enroll-rate", "5"});
  EnrolledDevice device = f.Enroll(f.centre_a());  // 1 of 5
  const std::string code = f.NewCode(f.centre_a());
  for (int i = 0; i < 4; ++i) CHECK(f.PostJson("/v1/enroll", CodeBody("ABCDE-FGHJK")).status == 403);
  const std::string before = f.StoredState();
  auto limited = f.PostJson("/v1/enroll", CodeBody("ABCDE-FGHJK"));
  CHECK(limited.status == 429);
  CHECK(ErrorCode(limited) == "rate_limited");
  // Even the right code waits: a guesser cannot tell a hit while limited.
  auto right = f.PostJson("/v1/enroll", CodeBody(code));
  CHECK(right.status == 429);
  CHECK(f.StoredState() == before);
  CHECK(f.Get("/v1/health").status == 200);
  CHECK(f.Get("/v1/device", device.token).status == 200);
}

TEST_CASE("a revoked device gets 401 on every endpoint, at once", "[server]") {
  ServerFixture f;
  EnrolledDevice d = f.Enroll(f.centre_a());
  REQUIRE(f.Get("/v1/device", d.token).status == 200);
  auto revoke = test::ServerCli(f.data_dir(), {"device", "revoke", d.id});
  INFO(revoke.err);
  REQUIRE(revoke.exit_code == 0);
  for (const std::string& path : std::vector<std::string>{"/v1/device", "/v1/centre", "/v1/centres/" + d.centre_id, "/v1/sessions"}) {
    auto r = f.Get(path, d.token);
    INFO(path);
    CHECK(r.status == 401);
    CHECK(ErrorCode(r) == "device_revoked");
    CHECK(Contains(ErrorMessage(r), "enrol it again"));
  }
  auto list = test::ServerCli(f.data_dir(), {"device", "list"});
  CHECK(Contains(list.out, "revoked"));
}

TEST_CASE("mintkiosk enroll failures leave no token behind and say why", "[server]") {
  ServerFixture f;
  test::TempDir device;
  auto wrong = test::ClientCli(device.path(), {"enroll", "--server", f.server().url(), "--code", "ABCDE-FGHJK"});
  CHECK(wrong.exit_code == 1);
  CHECK(Contains(wrong.err, "not known to the server"));
  CHECK(test::ReadFile(device.File("device.token")).empty());
  CHECK(test::ReadFile(device.File("server.json")).empty());

  // A port nothing listens on: stop the server first.
  const std::string url = f.server().url();
  REQUIRE(f.server().Stop(SIGTERM) == 0);
  auto unreachable = test::ClientCli(device.path(), {"enroll", "--server", url, "--code", "ABCDE-FGHJK"});
  CHECK(unreachable.exit_code == 1);
  CHECK(Contains(unreachable.err, "cannot reach the server"));

  auto usage = test::ClientCli(device.path(), {"enroll", "--code", "ABCDE-FGHJK"});
  CHECK(usage.exit_code == 2);
  CHECK(Contains(usage.err, "--server"));
}

TEST_CASE("admin CLI: centres, codes, devices, import and demo", "[server]") {
  test::TempDir dir;
  auto add = test::ServerCli(dir.path(), {"centre", "add", "--name", "MINT-Zentrum Kassel", "--region", "Hessen", "--country", "DE"});
  REQUIRE(add.exit_code == 0);
  std::string id = add.out.substr(0, add.out.find('\n'));
  auto list = test::ServerCli(dir.path(), {"centre", "list"});
  CHECK(list.out == id + "\tMINT-Zentrum Kassel\tHessen\tDE\n");

  auto bad_country = test::ServerCli(dir.path(), {"centre", "add", "--name", "X", "--country", "Germany"});
  CHECK(bad_country.exit_code == 1);
  CHECK(Contains(bad_country.err, "two-letter"));
  CHECK(test::ServerCli(dir.path(), {"centre", "add"}).exit_code == 2);

  auto unknown_centre = test::ServerCli(dir.path(), {"enroll", "--centre", "no-such-centre"});
  CHECK(unknown_centre.exit_code == 1);
  CHECK(Contains(unknown_centre.err, "no centre"));
  CHECK(test::ServerCli(dir.path(), {"enroll", "--centre", id, "--ttl", "forever"}).exit_code == 2);
  CHECK(test::ServerCli(dir.path(), {"enroll", "--centre", id, "--ttl", "7d"}).exit_code == 0);

  auto revoke_unknown = test::ServerCli(dir.path(), {"device", "revoke", "nobody"});
  CHECK(revoke_unknown.exit_code == 1);
  CHECK(Contains(revoke_unknown.err, "no device"));

  test::WriteFile(dir.File("reg.csv"),
                  "Vorname;Nachname;Schule;Kurs;Beginn;Ende\n"
                  "Anna;Müller;Goetheschule;Robotik;2026-12-01T09:00;2026-12-01T12:00\n");
  auto import = test::ServerCli(dir.path(), {"import", "registrations", dir.File("reg.csv"), "--centre", id});
  INFO(import.err);
  CHECK(import.exit_code == 0);
  CHECK(Contains(import.out, "Imported 1 registrations"));
  CHECK(test::ServerCli(dir.path(), {"import", "registrations", dir.File("reg.csv")}).exit_code == 2);

  auto demo = test::ServerCli(dir.path(), {"demo", "--teachers", "20"});
  INFO(demo.err);
  REQUIRE(demo.exit_code == 0);
  CHECK(demo.out.size() == 12);  // the code and a newline

  CHECK(test::ServerCli(dir.path(), {"serve", "--listen", "nonsense"}).exit_code == 2);
  CHECK(test::ServerCli(dir.path(), {"serve", "--tls-cert", "x.pem"}).exit_code == 2);
}

}  // namespace
}  // namespace mk::server_test
