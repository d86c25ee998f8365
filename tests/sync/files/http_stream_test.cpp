// HttpRequest::on_body against the real server: what is streamed, what is collected, what a cut leaves.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/sync/files/file_fixture.h"
#include "tests/support/link_emulator.h"

namespace mk::files_test {
namespace {

using server_test::ServerFixture;

const std::vector<std::string> kServeArgs = {"--rate", "1000", "--burst", "100000"};

// A complete file of `size` bytes on the server, uploaded by a device of centre A.
struct ServedFile {
  std::string bytes;
  sync::BlobInfo info;
};

ServedFile Serve(ServerFixture& f, Device& device, size_t size, uint64_t seed) {
  ServedFile file{TestBytes(size, seed), {}};
  file.info = device.AddFile(file.bytes);
  AddServerMaterial(f, f.centre_a(), file.info.sha256, file.info.size);
  auto client = device.Client(f.server().url());
  auto up = sync::Upload(*client, device.blobs(), file.info.sha256);
  INFO(up.status().message());
  REQUIRE(up.ok());
  REQUIRE(up->complete);
  return file;
}

struct Collected {
  std::string bytes;
  int pieces = 0;
  std::vector<long> statuses;
};

sync::HttpRequest Streamed(const std::string& path, Collected& into, const std::string& range = "") {
  sync::HttpRequest get;
  get.path = path;
  if (!range.empty()) get.headers.emplace_back("Range", range);
  get.on_body = [&into](long status, std::string_view piece) {
    into.statuses.push_back(status);
    into.bytes.append(piece);
    ++into.pieces;
    return true;
  };
  return get;
}

TEST_CASE("on_body gets a 2xx body in pieces as it arrives; an error body is collected as before",
          "[files][transport][server]") {
  ServerFixture f(kServeArgs);
  Device device(f, f.centre_a(), "Kiosk");
  const ServedFile file = Serve(f, device, 300 * 1000 + 7, 31);
  auto client = device.Client(f.server().url());
  const std::string content = "/v1/files/" + file.info.sha256 + "/content";

  SECTION("a range: 206, every piece non-empty, in order, nothing in HttpResponse::body") {
    Collected got;
    auto r = client->Send(Streamed(content, got, "bytes=1000-200999"));
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(r->status == 206);
    CHECK(r->body.empty());
    CHECK(r->content_type == "application/octet-stream");
    CHECK(got.bytes == file.bytes.substr(1000, 200000));
    CHECK(got.pieces >= 2);  // 200 kB do not arrive in one piece
    CHECK(got.statuses == std::vector<long>(static_cast<size_t>(got.pieces), 206));
  }
  SECTION("the whole file: 200") {
    Collected got;
    auto r = client->Send(Streamed(content, got));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->body.empty());
    CHECK(got.bytes == file.bytes);
  }
  SECTION("an error: the JSON body is in HttpResponse::body and on_body is not called") {
    Collected got;
    auto r = client->Send(Streamed("/v1/files/" + sync::Sha256Hex("not here") + "/content", got, "bytes=0-9"));
    REQUIRE(r.ok());
    CHECK(r->status == 404);
    CHECK(server_test::ErrorCode(*r) == "not_found");
    CHECK(got.pieces == 0);
    CHECK(sync::StatusFromResponse(*r).code() == ErrorCode::kNotFound);
  }
  SECTION("a JSON answer with 200 is streamed like any 2xx body") {
    Collected got;
    auto r = client->Send(Streamed("/v1/files/" + file.info.sha256, got));
    REQUIRE(r.ok());
    CHECK(r->status == 200);
    CHECK(r->body.empty());
    CHECK(nlohmann::json::parse(got.bytes)["complete"] == true);
  }
  SECTION("a sink that returns false stops the transfer; the client stays usable") {
    int calls = 0;
    sync::HttpRequest get;
    get.path = content;
    get.on_body = [&calls](long, std::string_view) {
      ++calls;
      return false;
    };
    auto r = client->Send(get);
    CHECK(r.status().code() == ErrorCode::kFailedPrecondition);
    CHECK(r.status().message().find("stopped the answer") != std::string::npos);
    CHECK(calls == 1);
    Collected got;
    auto again = client->Send(Streamed(content, got, "bytes=0-99"));
    REQUIRE(again.ok());
    CHECK(got.bytes == file.bytes.substr(0, 100));
  }
  SECTION("a sink that throws stops the transfer and the exception leaves Send") {
    sync::HttpRequest get;
    get.path = content;
    get.on_body = [](long, std::string_view) -> bool { throw std::runtime_error("disk gone"); };
    CHECK_THROWS_WITH(client->Send(get), "disk gone");
    Collected got;
    auto again = client->Send(Streamed(content, got, "bytes=5-9"));
    REQUIRE(again.ok());
    CHECK(got.bytes == file.bytes.substr(5, 5));
  }
  SECTION("without a sink the body is collected whole, as always") {
    sync::HttpRequest get;
    get.path = content;
    get.headers.emplace_back("Range", "bytes=10-19");
    auto r = client->Send(get);
    REQUIRE(r.ok());
    CHECK(r->status == 206);
    CHECK(r->body == file.bytes.substr(10, 10));
  }
}

TEST_CASE("a body cut by a reset keeps the pieces delivered before it, and Send reports the link",
          "[files][transport][server]") {
  ServerFixture f(kServeArgs);
  Device device(f, f.centre_a(), "Kiosk");
  const ServedFile file = Serve(f, device, 400 * 1000, 32);
  test::LinkProfile profile;
  profile.one_way_delay_ms = 1;
  profile.bytes_per_second = 1024 * 1024;
  profile.drop_after_bytes = 100 * 1000;  // request and headers included, no jitter
  test::LinkEmulator link(f.server().port(), profile);
  auto client = device.Client("http://127.0.0.1:" + std::to_string(link.port()));

  Collected got;
  auto r = client->Send(Streamed("/v1/files/" + file.info.sha256 + "/content", got, "bytes=50000-"));
  CHECK(r.status().code() == ErrorCode::kUnavailable);
  CHECK(link.Stats().drops == 1);
  INFO(got.bytes.size() << " bytes delivered");
  // The bytes up to the cut arrived (less than the link carried: headers, and what the reset
  // discarded on the way), and they are exactly the start of the range.
  CHECK(got.bytes.size() > 10 * 1000);
  CHECK(got.bytes.size() < 100 * 1000);
  CHECK(got.bytes == file.bytes.substr(50000, got.bytes.size()));

  // The next request continues right after them.
  const size_t next = 50000 + got.bytes.size();
  Collected rest;
  auto more = client->Send(Streamed("/v1/files/" + file.info.sha256 + "/content", rest,
                                    "bytes=" + std::to_string(next) + "-" + std::to_string(next + 999)));
  INFO(more.status().message());
  REQUIRE(more.ok());
  CHECK(more->status == 206);
  CHECK(rest.bytes == file.bytes.substr(next, 1000));
}

}  // namespace
}  // namespace mk::files_test
