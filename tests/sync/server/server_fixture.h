// Fixture of the server tests: a data dir with two centres, a running server, enrolled devices.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sync/transport/http_client.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace mk::server_test {

struct EnrolledDevice {
  std::string id;
  std::string token;
  std::string centre_id;
};

class ServerFixture {
 public:
  // Two centres ("Zentrum Nord", "Centre Sud") in a fresh data dir; the server is started with
  // `serve_args` on top of the defaults.
  explicit ServerFixture(const std::vector<std::string>& serve_args = {});

  const std::string& data_dir() const { return dir_.path(); }
  test::TempDir& dir() { return dir_; }
  test::ServerProcess& server() { return *server_; }
  const std::string& centre_a() const { return centre_a_; }
  const std::string& centre_b() const { return centre_b_; }

  // A fresh one-time code for the centre, from the admin CLI.
  std::string NewCode(const std::string& centre_id);
  // Enrols a device over HTTP with a fresh code.
  EnrolledDevice Enroll(const std::string& centre_id, const std::string& name = "");

  // Requests with an optional bearer token.
  sync::HttpResponse Get(const std::string& path, const std::string& token = "");
  sync::HttpResponse Send(const sync::HttpRequest& request, const std::string& token = "");
  sync::HttpResponse PostJson(const std::string& path, const std::string& body);

  // Rows of the server tables, to show that a refused request stored nothing.
  std::string StoredState();
  // Runs SQL on the server's database (for setting up states such as an expired code).
  void Execute(const std::string& sql);

 private:
  test::TempDir dir_;
  std::string centre_a_;
  std::string centre_b_;
  std::unique_ptr<test::ServerProcess> server_;
};

// The "error.code" of a JSON error body, or "" when there is none.
std::string ErrorCode(const sync::HttpResponse& r);
std::string ErrorMessage(const sync::HttpResponse& r);
std::string Describe(const sync::HttpResponse& r);

}  // namespace mk::server_test
