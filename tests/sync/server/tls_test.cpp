// TLS: HTTPS with a CA and a server certificate made in the test; the client verifies by default.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>

#include "server_fixture.h"

namespace mk::server_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

void Openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = test::Run(argv);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// A centre's own CA and a certificate for 127.0.0.1 signed by it, in `dir`.
void MakeCertificates(const test::TempDir& dir) {
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"};
  std::vector<std::string> ca = {"req", "-x509", "-days", "2", "-subj", "/CN=Test Centre CA", "-keyout",
                                 dir.File("ca.key"), "-out", dir.File("ca.pem")};
  ca.insert(ca.begin() + 2, ec.begin(), ec.end());
  Openssl(ca);
  std::vector<std::string> csr = {"req", "-subj", "/CN=127.0.0.1", "-keyout", dir.File("server.key"), "-out",
                                  dir.File("server.csr")};
  csr.insert(csr.begin() + 1, ec.begin(), ec.end());
  Openssl(csr);
  test::WriteFile(dir.File("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n");
  Openssl({"x509", "-req", "-days", "2", "-in", dir.File("server.csr"), "-CA", dir.File("ca.pem"), "-CAkey",
           dir.File("ca.key"), "-CAcreateserial", "-out", dir.File("server.pem"), "-extfile", dir.File("ext.cnf")});
}

TEST_CASE("TLS: the server speaks HTTPS and the client trusts it only through the centre's CA", "[server]") {
  test::TempDir certs;
  MakeCertificates(certs);
  ServerFixture f({"--tls-cert", certs.File("server.pem"), "--tls-key", certs.File("server.key")});
  REQUIRE(f.server().url().rfind("https://", 0) == 0);

  sync::HttpRequest health;
  health.path = "/v1/health";
  {
    sync::HttpClient trusted({f.server().url(), certs.File("ca.pem"), ""});
    auto r = trusted.Send(health);
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(r->status == 200);
  }
  {
    // Verification is on by default: the system's CAs do not know the centre's CA.
    sync::HttpClient default_trust({f.server().url(), "", ""});
    auto r = default_trust.Send(health);
    REQUIRE(!r.ok());
    CHECK(r.status().code() == ErrorCode::kPermissionDenied);
    CHECK(Contains(r.status().message(), "--ca-file"));
  }

  test::TempDir device;
  const std::string code = f.NewCode(f.centre_a());
  auto refused = test::ClientCli(device.path(), {"enroll", "--server", f.server().url(), "--code", code});
  CHECK(refused.exit_code == 1);
  CHECK(Contains(refused.err, "not trusted"));
  auto enrolled = test::ClientCli(device.path(), {"enroll", "--server", f.server().url(), "--code", code, "--ca-file",
                                                  certs.File("ca.pem")});
  INFO(enrolled.err);
  REQUIRE(enrolled.exit_code == 0);
  auto config = nlohmann::json::parse(test::ReadFile(device.File("server.json")));
  CHECK(config["ca_file"] == certs.File("ca.pem"));

  // Sync over TLS; then the device trusts another CA (a certificate swapped under it, or a
  // man in the middle): the sync fails with a clear reason and keeps everything waiting.
  auto synced = test::ClientCli(device.path(), {"sync"});
  INFO(synced.err);
  CHECK(synced.exit_code == 0);
  test::TempDir other;
  MakeCertificates(other);
  config["ca_file"] = other.File("ca.pem");
  test::WriteFile(device.File("server.json"), config.dump(2));
  auto untrusted = test::ClientCli(device.path(), {"sync"});
  CHECK(untrusted.exit_code == 1);
  CHECK(Contains(untrusted.err, "not trusted"));
  auto status = test::ClientCli(device.path(), {"status", "--json"});
  REQUIRE(status.exit_code == 0);
  CHECK(Contains(nlohmann::json::parse(status.out)["last_error"].get<std::string>(), "not trusted"));
  config["ca_file"] = certs.File("ca.pem");
  test::WriteFile(device.File("server.json"), config.dump(2));
  CHECK(test::ClientCli(device.path(), {"sync"}).exit_code == 0);

  // Plain HTTP on the TLS port gets nowhere, and the server keeps serving.
  {
    test::RawConnection plain(f.server().port());
    plain.Send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(test::StatusOf(plain.ReadUntilClosed()) == 0);
  }
  sync::HttpClient again({f.server().url(), certs.File("ca.pem"), ""});
  auto r = again.Send(health);
  REQUIRE(r.ok());
  CHECK(r->status == 200);
  CHECK(f.server().Stop(SIGTERM) == 0);
}

TEST_CASE("TLS: a certificate that cannot be loaded is refused at start", "[server]") {
  test::TempDir dir;
  test::WriteFile(dir.File("bad.pem"), "not a certificate\n");
  auto r = test::ServerCli(dir.path(), {"serve", "--listen", "127.0.0.1:0", "--tls-cert", dir.File("bad.pem"),
                                        "--tls-key", dir.File("bad.pem")});
  CHECK(r.exit_code == 1);
  CHECK(Contains(r.err, "cannot load the TLS certificate"));
}

}  // namespace
}  // namespace mk::server_test
