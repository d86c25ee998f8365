// Graceful shutdown: on SIGTERM or SIGINT the request in flight is answered and stored whole, then exit 0.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <stdexcept>

#include "server_fixture.h"

namespace mk::server_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

int InFlight(ServerFixture& f) {
  auto r = f.Get("/v1/health");
  REQUIRE(r.status == 200);
  return nlohmann::json::parse(r.body)["requests_in_flight"].get<int>();
}

void ShutdownWithRequestInFlight(int sig, const char* name) {
  ServerFixture f;
  const std::string code = f.NewCode(f.centre_a());
  const std::string body = nlohmann::json{{"code", code}, {"device_name", "Kiosk im Flur"}}.dump();
  test::RawConnection conn(f.server().port());
  // Headers and half the body: the server is now reading this request.
  REQUIRE(conn.Send("POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2)));
  // Bounded poll until the server counts it (health itself is the other one).
  bool reading = false;
  for (int i = 0; i < 2000 && !reading; ++i) reading = InFlight(f) >= 2;
  REQUIRE(reading);

  f.server().Signal(sig);
  REQUIRE(f.server().WaitForLog(std::string(name) + ": shutting down"));
  // The rest of the body arrives after the signal: the request is still answered in full.
  REQUIRE(conn.Send(body.substr(body.size() / 2)));
  const std::string answer = conn.ReadResponse();
  INFO(answer);
  CHECK(test::StatusOf(answer) == 201);
  CHECK(Contains(answer, "\"token\""));
  // Then the connection closes and the process ends with 0.
  conn.ReadUntilClosed();
  CHECK(f.server().Stop(0) == 0);  // signal 0: only waits for the exit
  CHECK(Contains(f.server().Log(), "stopped"));

  // What it answered is stored: the device exists, its code is used.
  auto list = test::ServerCli(f.data_dir(), {"device", "list"});
  CHECK(Contains(list.out, "Kiosk im Flur"));
  CHECK(Contains(f.StoredState(), f.centre_a()));
}

TEST_CASE("SIGTERM: the request in flight finishes, nothing half-written, exit 0", "[server]") {
  ShutdownWithRequestInFlight(SIGTERM, "SIGTERM");
}

TEST_CASE("SIGINT: the request in flight finishes, nothing half-written, exit 0", "[server]") {
  ShutdownWithRequestInFlight(SIGINT, "SIGINT");
}

TEST_CASE("an idle server stops at once on SIGTERM with exit 0", "[server]") {
  ServerFixture f;
  EnrolledDevice d = f.Enroll(f.centre_b());
  CHECK(f.Get("/v1/device", d.token).status == 200);
  CHECK(f.server().Stop(SIGTERM) == 0);
  // The access log has one line per request, without tokens.
  const std::string log = f.server().Log();
  CHECK(Contains(log, "GET /v1/device 200"));
  CHECK(Contains(log, "device=" + d.id));
  CHECK(!Contains(log, d.token));
}

TEST_CASE("a server that does not start is reported as an exception, its process and reader ended", "[server]") {
  // Once this ended the test program (std::terminate: a running reader thread destroyed).
  test::TempDir dir;
  try {
    test::ServerProcess server(dir.path(), {"--no-such-option"});
    FAIL("the server started with an unknown option");
  } catch (const std::runtime_error& e) {
    CHECK(Contains(e.what(), "did not start"));
    CHECK(Contains(e.what(), "unknown option --no-such-option"));
  }
}

}  // namespace
}  // namespace mk::server_test
