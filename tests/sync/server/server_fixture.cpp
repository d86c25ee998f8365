// The server-test fixture: admin CLI for setup, libcurl for requests, plain SQLite for inspection.
#include "server_fixture.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/integration/sqlite_probe.h"

namespace mk::server_test {
namespace {

std::string Trim(const std::string& s) {
  size_t end = s.size();
  while (end > 0 && (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' ')) --end;
  return s.substr(0, end);
}

std::string AddCentre(const std::string& dir, const std::string& name, const std::string& country) {
  auto r = test::ServerCli(dir, {"centre", "add", "--name", name, "--country", country});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return Trim(r.out);
}

}  // namespace

ServerFixture::ServerFixture(const std::vector<std::string>& serve_args) {
  centre_a_ = AddCentre(dir_.path(), "Zentrum Nord", "DE");
  centre_b_ = AddCentre(dir_.path(), "Centre Sud", "FR");
  server_ = std::make_unique<test::ServerProcess>(dir_.path(), serve_args);
}

std::string ServerFixture::NewCode(const std::string& centre_id) {
  auto r = test::ServerCli(data_dir(), {"enroll", "--centre", centre_id});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return Trim(r.out);
}

EnrolledDevice ServerFixture::Enroll(const std::string& centre_id, const std::string& name) {
  nlohmann::json body = {{"code", NewCode(centre_id)}};
  if (!name.empty()) body["device_name"] = name;
  auto r = PostJson("/v1/enroll", body.dump());
  INFO(Describe(r));
  REQUIRE(r.status == 201);
  auto doc = nlohmann::json::parse(r.body);
  EnrolledDevice d{doc["device_id"], doc["token"], doc["centre"]["id"]};
  REQUIRE(d.centre_id == centre_id);
  return d;
}

sync::HttpResponse ServerFixture::Send(const sync::HttpRequest& request, const std::string& token) {
  sync::HttpClientOptions options;
  options.base_url = server_->url();
  options.bearer_token = token;
  sync::HttpClient client(options);
  auto r = client.Send(request);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

sync::HttpResponse ServerFixture::Get(const std::string& path, const std::string& token) {
  sync::HttpRequest request;
  request.path = path;
  return Send(request, token);
}

sync::HttpResponse ServerFixture::PostJson(const std::string& path, const std::string& body) {
  sync::HttpRequest request;
  request.method = "POST";
  request.path = path;
  request.body = body;
  request.content_type = "application/json";
  return Send(request);
}

std::string ServerFixture::StoredState() {
  itest::SqliteProbe db(data_dir() + "/server.db");
  std::string out;
  for (const auto& row : db.Query("SELECT id, centre_id, name, token_hash, revoked_at FROM server_devices ORDER BY id")) {
    for (const auto& v : row) out += v + "|";
    out += "\n";
  }
  for (const auto& row : db.Query("SELECT code_hash, centre_id, used_at, device_id FROM enrolment_codes ORDER BY code_hash")) {
    for (const auto& v : row) out += v + "|";
    out += "\n";
  }
  for (const auto& row : db.Query("SELECT count(*) FROM centres")) out += "centres " + row[0] + "\n";
  return out;
}

void ServerFixture::Execute(const std::string& sql) {
  itest::SqliteProbe db(data_dir() + "/server.db");
  db.Query(sql);
}

std::string ErrorCode(const sync::HttpResponse& r) {
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("error")) return "";
  return doc["error"].value("code", "");
}

std::string ErrorMessage(const sync::HttpResponse& r) {
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("error")) return "";
  return doc["error"].value("message", "");
}

std::string Describe(const sync::HttpResponse& r) {
  return "HTTP " + std::to_string(r.status) + " " + r.content_type + "\n" + r.body.substr(0, 2000);
}

}  // namespace mk::server_test
