// The isolation matrix: 2 centres x 2 devices x every endpoint, tried the way an attacker would.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "server_fixture.h"

namespace mk::server_test {
namespace {

// Imports two sessions into the centre; returns their ids as the server lists them.
void ImportSessions(ServerFixture& f, const std::string& centre_id, const std::string& course) {
  const std::string file = f.dir().File(course + ".csv");
  test::WriteFile(file,
                  "first_name;last_name;school;course;start;end\n"
                  "Jan;Kowalski;Schule am See;" + course + ";2026-12-01T09:00;2026-12-01T12:00\n"
                  "Eva;Lindqvist;Schule am See;" + course + ";2026-12-02T09:00;2026-12-02T12:00\n");
  auto r = test::ServerCli(f.data_dir(), {"import", "registrations", file, "--centre", centre_id});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

std::set<std::string> SessionIds(const sync::HttpResponse& r) {
  std::set<std::string> ids;
  auto doc = nlohmann::json::parse(r.body);
  for (const auto& s : doc["sessions"]) ids.insert(s["id"].get<std::string>());
  return ids;
}

TEST_CASE("isolation matrix: a device reads its own centre and nothing of the other", "[server]") {
  ServerFixture f;
  ImportSessions(f, f.centre_a(), "Robotik");
  ImportSessions(f, f.centre_b(), "Astronomie");
  std::map<std::string, std::vector<EnrolledDevice>> devices;
  for (const auto& c : {f.centre_a(), f.centre_b()}) {
    devices[c].push_back(f.Enroll(c, "Kiosk 1"));
    devices[c].push_back(f.Enroll(c, "Kiosk 2"));
  }
  // The sessions of each centre, as an administrator's device of that centre sees them.
  std::map<std::string, std::set<std::string>> sessions;
  for (const auto& c : {f.centre_a(), f.centre_b()}) {
    auto r = f.Get("/v1/sessions", devices[c][0].token);
    REQUIRE(r.status == 200);
    sessions[c] = SessionIds(r);
    REQUIRE(sessions[c].size() == 2);
  }
  const std::string nowhere = "01a00000-0000-7000-8000-000000000000";
  const std::string state_before = f.StoredState();

  for (const auto& own : {f.centre_a(), f.centre_b()}) {
    const std::string other = own == f.centre_a() ? f.centre_b() : f.centre_a();
    for (const EnrolledDevice& d : devices[own]) {
      INFO("device " << d.id << " of centre " << own);
      const std::string& other_session = *sessions[other].begin();

      auto me = f.Get("/v1/device", d.token);
      REQUIRE(me.status == 200);
      CHECK(nlohmann::json::parse(me.body)["device_id"] == d.id);
      CHECK(nlohmann::json::parse(me.body)["centre_id"] == own);

      auto centre = f.Get("/v1/centre", d.token);
      REQUIRE(centre.status == 200);
      CHECK(nlohmann::json::parse(centre.body)["id"] == own);

      CHECK(f.Get("/v1/centres/" + own, d.token).status == 200);
      // Another centre answers exactly like a centre that does not exist.
      auto theirs = f.Get("/v1/centres/" + other, d.token);
      auto missing = f.Get("/v1/centres/" + nowhere, d.token);
      CHECK(theirs.status == 404);
      CHECK(theirs.body == missing.body);

      CHECK(SessionIds(f.Get("/v1/sessions", d.token)) == sessions[own]);
      CHECK(SessionIds(f.Get("/v1/sessions?from=0&to=4102444800000", d.token)) == sessions[own]);
      for (const auto& s : sessions[own]) CHECK(f.Get("/v1/sessions/" + s, d.token).status == 200);
      auto their_session = f.Get("/v1/sessions/" + other_session, d.token);
      auto no_session = f.Get("/v1/sessions/" + nowhere, d.token);
      CHECK(their_session.status == 404);
      CHECK(their_session.body == no_session.body);

      // Forged ids in query strings: refused, never used.
      for (const std::string& path : std::vector<std::string>{"/v1/sessions?centre_id=" + other, "/v1/centre?id=" + other,
                                     "/v1/device?device_id=" + devices[other][0].id,
                                     "/v1/sessions/" + other_session + "?centre_id=" + other}) {
        auto r = f.Get(path, d.token);
        INFO(path);
        CHECK(r.status == 400);
        CHECK(ErrorCode(r) == "unknown_parameter");
      }
      // Path tricks that try to climb out of the centre's scope.
      for (const std::string& path : std::vector<std::string>{"/v1/centres/" + own + "/../" + other, "/v1/centres/" + other + "%00",
                                     "/v1/centres/%2e%2e/" + other, "/v1/sessions/" + other_session + "/",
                                     "/v1/centres/" + own + "," + other}) {
        auto r = f.Get(path, d.token);
        INFO(path);
        CHECK(r.status == 404);
        CHECK(!ErrorCode(r).empty());
        CHECK(r.body.find(other) == std::string::npos);
      }
      // Forged ids in bodies: GET endpoints take no body at all.
      sync::HttpRequest with_body;
      with_body.path = "/v1/centre";
      with_body.content_type = "application/json";
      with_body.body = nlohmann::json{{"centre_id", other}}.dump();
      auto forged = f.Send(with_body, d.token);
      CHECK(forged.status == 400);
      CHECK(ErrorCode(forged) == "unexpected_body");
    }
  }

  // Enrolment with a forged centre: unknown fields are refused, the code stays usable.
  const std::string code = f.NewCode(f.centre_a());
  const std::string state_with_code = f.StoredState();
  auto forged_enrol = f.PostJson("/v1/enroll", nlohmann::json{{"code", code}, {"centre_id", f.centre_b()}}.dump());
  CHECK(forged_enrol.status == 400);
  CHECK(ErrorCode(forged_enrol) == "unknown_field");
  CHECK(f.StoredState() == state_with_code);
  auto honest = f.PostJson("/v1/enroll", nlohmann::json{{"code", code}}.dump());
  REQUIRE(honest.status == 201);
  CHECK(nlohmann::json::parse(honest.body)["centre"]["id"] == f.centre_a());
  (void)state_before;
}

TEST_CASE("isolation matrix: tokens that are not a live device's get 401 everywhere", "[server]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  EnrolledDevice a2 = f.Enroll(f.centre_a());
  EnrolledDevice b1 = f.Enroll(f.centre_b());
  REQUIRE(test::ServerCli(f.data_dir(), {"device", "revoke", a2.id}).exit_code == 0);

  std::string flipped = a1.token;
  flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
  const std::vector<std::string> paths = {"/v1/device", "/v1/centre", "/v1/centres/" + f.centre_a(),
                                          "/v1/centres/" + f.centre_b(), "/v1/sessions",
                                          "/v1/sessions/01a00000-0000-7000-8000-000000000000"};
  struct Attempt {
    const char* what;
    std::vector<std::pair<std::string, std::string>> headers;
    const char* code;
  };
  const std::vector<Attempt> attempts = {
      {"no header", {}, "unauthorized"},
      {"revoked token", {{"Authorization", "Bearer " + a2.token}}, "device_revoked"},
      {"one character changed", {{"Authorization", "Bearer " + flipped}}, "unauthorized"},
      {"truncated token", {{"Authorization", "Bearer " + a1.token.substr(0, 63)}}, "unauthorized"},
      {"token hash instead of token", {{"Authorization", "Bearer " + std::string(64, 'f')}}, "unauthorized"},
      {"upper-case token", {{"Authorization", "Bearer " + std::string(64, 'A')}}, "unauthorized"},
      {"basic auth", {{"Authorization", "Basic " + a1.token}}, "unauthorized"},
      {"token without scheme", {{"Authorization", a1.token}}, "unauthorized"},
      {"device id as token", {{"Authorization", "Bearer " + a1.id}}, "unauthorized"},
      {"token in another header", {{"X-Token", a1.token}}, "unauthorized"},
  };
  for (const auto& path : paths) {
    for (const auto& attempt : attempts) {
      INFO(attempt.what << " on " << path);
      sync::HttpRequest request;
      request.path = path;
      request.headers = attempt.headers;
      auto r = f.Send(request);
      CHECK(r.status == 401);
      CHECK(ErrorCode(r) == attempt.code);
      CHECK(r.body.find(f.centre_a()) == std::string::npos);
    }
    // A token in the query string is not a credential.
    auto in_query = f.Get(path + "?token=" + a1.token);
    CHECK(in_query.status == 401);
  }
  // The other devices are untouched by all of this.
  CHECK(f.Get("/v1/device", a1.token).status == 200);
  CHECK(f.Get("/v1/device", b1.token).status == 200);
}

}  // namespace
}  // namespace mk::server_test
