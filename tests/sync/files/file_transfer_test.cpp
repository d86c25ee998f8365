// File transfer end to end: the real server process, real HTTP through libcurl, the link emulator.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>

#include "sync/files/material_library.h"
#include "tests/sync/files/file_fixture.h"
#include "tests/support/link_emulator.h"

namespace mk::files_test {
namespace {

using server_test::Describe;
using server_test::ErrorCode;
using server_test::ServerFixture;

// The device rate limit stays on, high enough for transfers over loopback at full speed.
const std::vector<std::string> kServeArgs = {"--rate", "1000", "--burst", "100000"};
// Generous HTTP overhead per request, both directions, headers and small JSON answers.
constexpr int64_t kOverheadPerRequest = 1024;

std::string Url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

// A fast link that drops every ~`bytes` (per connection, both directions). It has a little
// latency and a finite bandwidth, like every real link: a chunk takes time to cross it, so the
// server's early "100 Continue" reaches the client while the chunk's body is still under way.
test::LinkProfile DropsEvery(int64_t bytes, uint64_t seed) {
  test::LinkProfile p;
  p.one_way_delay_ms = 1;
  p.bytes_per_second = 1024 * 1024;
  p.drop_after_bytes = bytes;
  p.drop_jitter_bytes = bytes / 8;
  p.seed = seed;
  return p;
}

sync::HttpResponse Send(sync::HttpClient& client, const sync::HttpRequest& request) {
  auto r = client.Send(request);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

sync::HttpResponse PutChunk(sync::HttpClient& client, const std::string& sha, int64_t offset, std::string body,
                            const std::string& type = "application/octet-stream") {
  sync::HttpRequest put;
  put.method = "PUT";
  put.path = "/v1/files/" + sha + "?offset=" + std::to_string(offset);
  put.body = std::move(body);
  put.content_type = type;
  return Send(client, put);
}

sync::HttpResponse Get(sync::HttpClient& client, const std::string& path, const std::string& range = "") {
  sync::HttpRequest get;
  get.path = path;
  if (!range.empty()) get.headers.emplace_back("Range", range);
  return Send(client, get);
}

nlohmann::json Json(const sync::HttpResponse& r) { return nlohmann::json::parse(r.body); }

// Upload, repeated while it gives up with kUnavailable (a bounded number of times).
sync::TransferReport UploadUntilDone(sync::HttpClient& client, sync::BlobStore& blobs, const std::string& sha,
                                     std::vector<int64_t>* progress = nullptr) {
  sync::TransferReport total;
  for (int attempt = 0; attempt < 10 && !total.complete; ++attempt) {
    auto r = sync::Upload(client, blobs, sha, [&](const sync::TransferProgress& p) {
      if (progress) progress->push_back(p.done);
    });
    INFO(r.status().message());
    REQUIRE((r.ok() || r.status().code() == mk::ErrorCode::kUnavailable));
    if (!r.ok()) continue;
    total.complete = r->complete;
    total.requests += r->requests;
    total.failed_requests += r->failed_requests;
    total.payload_bytes += r->payload_bytes;
  }
  REQUIRE(total.complete);
  return total;
}

sync::TransferReport DownloadUntilDone(sync::HttpClient& client, sync::BlobStore& blobs, const std::string& sha,
                                       int64_t size, std::vector<int64_t>* progress = nullptr) {
  sync::TransferReport total;
  for (int attempt = 0; attempt < 10 && !total.complete; ++attempt) {
    auto r = sync::Download(client, blobs, sha, size, [&](const sync::TransferProgress& p) {
      if (progress) progress->push_back(p.done);
    });
    INFO(r.status().message());
    REQUIRE((r.ok() || r.status().code() == mk::ErrorCode::kUnavailable));
    if (!r.ok()) continue;
    total.complete = r->complete;
    total.requests += r->requests;
    total.failed_requests += r->failed_requests;
    total.payload_bytes += r->payload_bytes;
  }
  REQUIRE(total.complete);
  return total;
}

TEST_CASE("a material goes up and comes down through a link that drops every ~300 KB", "[files][server][slow]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(3 * 1024 * 1024 + 12345, 11);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  const double size = static_cast<double>(info.size);

  // Up, from the trainer's device.
  test::LinkEmulator up_link(f.server().port(), DropsEvery(300 * 1000, 7));
  auto up_client = trainer.Client(Url(up_link.port()));
  std::vector<int64_t> up_progress;
  const sync::TransferReport up = UploadUntilDone(*up_client, trainer.blobs(), info.sha256, &up_progress);
  const test::LinkStats up_stats = up_link.Stats();
  const int64_t up_wire = up_stats.bytes_to_server + up_stats.bytes_to_client;
  INFO("upload: " << up_wire << " bytes on the wire for " << info.size << " (" << up_wire / size << "x), "
                  << up.requests << " requests, " << up_stats.drops << " drops");
  CHECK(up_stats.drops >= 5);
  CHECK(up.failed_requests >= 5);
  CHECK(test::ReadFile(ServerBlobPath(f, f.centre_a(), info.sha256)) == bytes);
  CHECK_FALSE(FileExists(ServerPartialPath(f, f.centre_a(), info.sha256)));
  CHECK(up_wire <= 1.05 * size + static_cast<double>(up.requests * kOverheadPerRequest));
  CHECK(std::is_sorted(up_progress.begin(), up_progress.end()));
  CHECK(up_progress.back() == info.size);

  // Down, on a kiosk of the same centre that has the material's record.
  Device kiosk(f, f.centre_a(), "Kiosk");
  kiosk.AddMaterial(info.sha256, info.size);
  auto pending = sync::PendingDownloads(kiosk.db(), kiosk.blobs());
  REQUIRE(pending.ok());
  REQUIRE(pending->size() == 1);
  CHECK(pending->front().sha256 == info.sha256);
  CHECK(pending->front().size == info.size);

  test::LinkEmulator down_link(f.server().port(), DropsEvery(300 * 1000, 8));
  auto down_client = kiosk.Client(Url(down_link.port()));
  std::vector<int64_t> down_progress;
  const sync::TransferReport down =
      DownloadUntilDone(*down_client, kiosk.blobs(), info.sha256, info.size, &down_progress);
  const test::LinkStats down_stats = down_link.Stats();
  const int64_t down_wire = down_stats.bytes_to_server + down_stats.bytes_to_client;
  INFO("download: " << down_wire << " bytes on the wire (" << down_wire / size << "x), " << down.requests
                    << " requests, " << down_stats.drops << " drops");
  CHECK(down_stats.drops >= 5);
  CHECK(test::ReadFile(kiosk.blobs().BlobPath(info.sha256)) == bytes);
  CHECK(kiosk.blobs().PartialSize(info.sha256).value() == 0);
  CHECK(sync::PendingDownloads(kiosk.db(), kiosk.blobs()).value().empty());
  CHECK(kiosk.blobs().Outgoing().value().empty());  // received, nothing to send back
  // Each range streams into the partial file: a cut response keeps what arrived, so a drop
  // costs only the next request's headers.
  CHECK(down_wire <= 1.05 * size + static_cast<double>(down.requests * kOverheadPerRequest));
  CHECK(std::is_sorted(down_progress.begin(), down_progress.end()));
  CHECK(down_progress.back() == info.size);
}

TEST_CASE("a download through a link that drops every ~30 KB receives every byte once", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(1000 * 1000 + 321, 22);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto up = sync::Upload(*trainer.Client(f.server().url()), trainer.blobs(), info.sha256);
  REQUIRE(up.ok());
  REQUIRE(up->complete);

  Device kiosk(f, f.centre_a(), "Kiosk");
  test::LinkEmulator link(f.server().port(), DropsEvery(30 * 1000, 23));
  auto client = kiosk.Client(Url(link.port()));
  std::vector<int64_t> progress;
  sync::TransferOptions patient;
  patient.max_attempts_without_progress = 50;
  auto down = sync::Download(*client, kiosk.blobs(), info.sha256, info.size,
                             [&](const sync::TransferProgress& p) { progress.push_back(p.done); }, nullptr, patient);
  INFO(down.status().message());
  REQUIRE(down.ok());
  REQUIRE(down->complete);
  const test::LinkStats stats = link.Stats();
  const int64_t wire = stats.bytes_to_server + stats.bytes_to_client;
  const double size = static_cast<double>(info.size);
  INFO(wire << " bytes on the wire (" << wire / size << "x), " << down->requests << " requests, " << stats.drops
            << " drops");
  CHECK(stats.drops >= 20);
  CHECK(down->failed_requests >= 20);
  // Every body byte that arrived was kept, and none was asked for twice.
  CHECK(down->payload_bytes == info.size);
  CHECK(wire <= 1.05 * size);
  CHECK(test::ReadFile(kiosk.blobs().BlobPath(info.sha256)) == bytes);
  CHECK_FALSE(FileExists(kiosk.blobs().PartialPath(info.sha256)));
  // Progress is reported after cut responses too, and never goes back.
  CHECK(progress.size() >= static_cast<size_t>(stats.drops));
  CHECK(std::is_sorted(progress.begin(), progress.end()));
  CHECK(progress.back() == info.size);
}

TEST_CASE("a download cut mid-range resumes at the exact byte in the next call", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(200 * 1000, 24);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  REQUIRE(sync::Upload(*trainer.Client(f.server().url()), trainer.blobs(), info.sha256).ok());

  // A link that resets every connection after 50 kB, inside the first 64 KiB range; the
  // transfer is cancelled as soon as it holds anything.
  Device kiosk(f, f.centre_a(), "Kiosk");
  test::LinkProfile cut;
  cut.drop_after_bytes = 50 * 1000;
  test::LinkEmulator link(f.server().port(), cut);
  auto client = kiosk.Client(Url(link.port()));
  std::atomic<bool> cancel{false};
  auto first = sync::Download(
      *client, kiosk.blobs(), info.sha256, info.size, [&](const sync::TransferProgress& p) { cancel = p.done > 0; },
      &cancel);
  INFO(first.status().message());
  REQUIRE(first.ok());
  CHECK(first->cancelled);
  CHECK(first->requests == 1);
  CHECK(first->failed_requests == 1);
  CHECK(link.Stats().drops == 1);
  const int64_t held = kiosk.blobs().PartialSize(info.sha256).value();
  CHECK(held > 0);
  CHECK(held < 50 * 1000);
  CHECK(first->payload_bytes == held);
  CHECK(test::ReadFile(kiosk.blobs().PartialPath(info.sha256)) == bytes.substr(0, static_cast<size_t>(held)));

  // The next call, over a link that holds, asks for the bytes after them and nothing else.
  cancel = false;
  auto direct = kiosk.Client(f.server().url());
  auto rest = sync::Download(*direct, kiosk.blobs(), info.sha256, info.size, {}, &cancel);
  INFO(rest.status().message());
  REQUIRE(rest.ok());
  CHECK(rest->complete);
  CHECK(rest->failed_requests == 0);
  CHECK(rest->payload_bytes == info.size - held);
  CHECK(test::ReadFile(kiosk.blobs().BlobPath(info.sha256)) == bytes);
}

TEST_CASE("a corrupt chunk is found when the upload completes, and the partial is discarded", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(200 * 1024 + 5, 12);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto client = trainer.Client(f.server().url());

  std::string corrupt = bytes;
  corrupt[70000] = static_cast<char>(corrupt[70000] ^ 0x40);
  constexpr size_t kChunk = 64 * 1024;
  sync::HttpResponse last;
  for (size_t at = 0; at < corrupt.size(); at += kChunk) {
    last = PutChunk(*client, info.sha256, static_cast<int64_t>(at), corrupt.substr(at, kChunk));
    if (at + kChunk < corrupt.size()) {
      INFO(Describe(last));
      REQUIRE(last.status == 200);
      CHECK(Json(last)["received"] == static_cast<int64_t>(std::min(at + kChunk, corrupt.size())));
      CHECK(Json(last)["complete"] == false);
    }
  }
  INFO(Describe(last));
  CHECK(last.status == 422);
  CHECK(ErrorCode(last) == "hash_mismatch");
  CHECK(Json(last)["received"] == 0);
  CHECK_FALSE(FileExists(ServerPartialPath(f, f.centre_a(), info.sha256)));
  CHECK_FALSE(FileExists(ServerBlobPath(f, f.centre_a(), info.sha256)));
  auto status = Get(*client, "/v1/files/" + info.sha256);
  REQUIRE(status.status == 200);
  CHECK(Json(status)["received"] == 0);
  CHECK(Json(status)["complete"] == false);
  CHECK(Get(*client, "/v1/files/" + info.sha256 + "/content").status == 409);

  // The client's own upload starts again from 0 and the verified file lands.
  UploadUntilDone(*client, trainer.blobs(), info.sha256);
  CHECK(test::ReadFile(ServerBlobPath(f, f.centre_a(), info.sha256)) == bytes);

  // The same on the receiving side: a damaged local partial fails verification and is dropped.
  Device kiosk(f, f.centre_a(), "Kiosk");
  REQUIRE(kiosk.blobs().AppendChunk(info.sha256, 0, corrupt.substr(0, 100000)).ok());
  auto kiosk_client = kiosk.Client(f.server().url());
  auto broken = sync::Download(*kiosk_client, kiosk.blobs(), info.sha256, info.size);
  CHECK(broken.status().code() == mk::ErrorCode::kCorrupt);
  CHECK_FALSE(kiosk.blobs().Has(info.sha256).value());
  CHECK(kiosk.blobs().PartialSize(info.sha256).value() == 0);
  auto again = sync::Download(*kiosk_client, kiosk.blobs(), info.sha256, info.size);
  INFO(again.status().message());
  REQUIRE(again.ok());
  CHECK(again->complete);
  CHECK(test::ReadFile(kiosk.blobs().BlobPath(info.sha256)) == bytes);
}

TEST_CASE("a file of another centre is 404, and each centre keeps its own copy", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer A");
  Device foreign(f, f.centre_b(), "Kiosk B");
  const std::string bytes = TestBytes(100 * 1024, 13);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto a = trainer.Client(f.server().url());
  UploadUntilDone(*a, trainer.blobs(), info.sha256);

  auto b = foreign.Client(f.server().url());
  const std::string path = "/v1/files/" + info.sha256;
  auto status = Get(*b, path);
  CHECK(status.status == 404);
  CHECK(ErrorCode(status) == "not_found");
  auto content = Get(*b, path + "/content", "bytes=0-99");
  CHECK(content.status == 404);
  CHECK(content.body.find(bytes.substr(0, 16)) == std::string::npos);
  auto put = PutChunk(*b, info.sha256, 0, bytes.substr(0, 1000));
  CHECK(put.status == 404);
  foreign.AddMaterial(info.sha256, info.size);
  auto down = sync::Download(*b, foreign.blobs(), info.sha256, info.size);
  CHECK(down.status().code() == mk::ErrorCode::kNotFound);
  CHECK_FALSE(foreign.blobs().Has(info.sha256).value());

  // With a material of its own, centre B gets its own (empty) copy: A's file tells it nothing.
  AddServerMaterial(f, f.centre_b(), info.sha256, info.size);
  status = Get(*b, path);
  REQUIRE(status.status == 200);
  CHECK(Json(status)["received"] == 0);
  CHECK(Json(status)["complete"] == false);
  CHECK(Get(*b, path + "/content").status == 409);
  CHECK(test::ReadFile(ServerBlobPath(f, f.centre_a(), info.sha256)) == bytes);
  CHECK_FALSE(FileExists(ServerBlobPath(f, f.centre_b(), info.sha256)));
}

TEST_CASE("an upload without a material row is refused and stores nothing", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const sync::BlobInfo info = trainer.AddFile(TestBytes(70000, 14));
  auto client = trainer.Client(f.server().url());

  auto r = sync::Upload(*client, trainer.blobs(), info.sha256);
  CHECK(r.status().code() == mk::ErrorCode::kNotFound);
  CHECK(r.status().message().find("record") != std::string::npos);
  auto put = PutChunk(*client, info.sha256, 0, TestBytes(70000, 14).substr(0, 1000));
  CHECK(put.status == 404);
  CHECK_FALSE(FileExists(ServerPartialPath(f, f.centre_a(), info.sha256)));

  // SyncFiles keeps it waiting (records go first), with the marker still set.
  trainer.AddMaterial(info.sha256, info.size);
  auto report = sync::SyncFiles(*client, trainer.blobs(), trainer.db());
  REQUIRE(report.ok());
  CHECK(report->uploaded == 0);
  REQUIRE(report->waiting.size() == 1);
  CHECK(report->waiting[0].sha256 == info.sha256);
  CHECK_FALSE(report->all_done());
  CHECK(trainer.blobs().Outgoing().value() == std::vector<std::string>{info.sha256});

  // Once the record is on the server, the next pass sends the file.
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  report = sync::SyncFiles(*client, trainer.blobs(), trainer.db());
  REQUIRE(report.ok());
  CHECK(report->uploaded == 1);
  CHECK(report->all_done());
  CHECK(trainer.blobs().Outgoing().value().empty());
}

TEST_CASE("a partially uploaded file is never offered for download", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(150 * 1024, 15);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto client = trainer.Client(f.server().url());
  REQUIRE(PutChunk(*client, info.sha256, 0, bytes.substr(0, 65536)).status == 200);
  REQUIRE(PutChunk(*client, info.sha256, 65536, bytes.substr(65536, 65536)).status == 200);

  auto status = Get(*client, "/v1/files/" + info.sha256);
  REQUIRE(status.status == 200);
  CHECK(Json(status) == nlohmann::json{{"sha256", info.sha256}, {"size", info.size}, {"received", 131072},
                                       {"complete", false}});
  auto content = Get(*client, "/v1/files/" + info.sha256 + "/content", "bytes=0-99");
  CHECK(content.status == 409);
  CHECK(ErrorCode(content) == "file_incomplete");

  Device kiosk(f, f.centre_a(), "Kiosk");
  kiosk.AddMaterial(info.sha256, info.size);
  auto kiosk_client = kiosk.Client(f.server().url());
  auto down = sync::Download(*kiosk_client, kiosk.blobs(), info.sha256, info.size);
  CHECK(down.status().code() == mk::ErrorCode::kFailedPrecondition);
  CHECK_FALSE(kiosk.blobs().Has(info.sha256).value());
  auto report = sync::SyncFiles(*kiosk_client, kiosk.blobs(), kiosk.db());
  REQUIRE(report.ok());
  CHECK(report->downloaded == 0);
  CHECK(report->waiting.size() == 1);
  CHECK(sync::PendingDownloads(kiosk.db(), kiosk.blobs()).value().size() == 1);

  // The trainer resumes from the server's 131072 bytes and sends only the rest.
  auto up = sync::Upload(*client, trainer.blobs(), info.sha256);
  REQUIRE(up.ok());
  CHECK(up->complete);
  CHECK(up->payload_bytes == info.size - 131072);
  report = sync::SyncFiles(*kiosk_client, kiosk.blobs(), kiosk.db());
  REQUIRE(report.ok());
  CHECK(report->downloaded == 1);
  CHECK(test::ReadFile(kiosk.blobs().BlobPath(info.sha256)) == bytes);
}

TEST_CASE("the file endpoints refuse bad requests with a clear code and keep the connection usable", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(100 * 1024, 16);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto client = trainer.Client(f.server().url());
  const std::string path = "/v1/files/" + info.sha256;

  auto expect = [&](const sync::HttpResponse& r, long status, const std::string& code) {
    INFO(Describe(r));
    CHECK(r.status == status);
    CHECK(ErrorCode(r) == code);
    // The same connection answers the next request correctly: no body was left unread.
    CHECK(Get(*client, path).status == 200);
  };
  REQUIRE(PutChunk(*client, info.sha256, 0, bytes.substr(0, 1000)).status == 200);
  auto mismatch = PutChunk(*client, info.sha256, 0, bytes.substr(0, 1000));
  CHECK(Json(mismatch)["received"] == 1000);
  expect(mismatch, 409, "offset_mismatch");
  expect(PutChunk(*client, info.sha256, 5000, "xyz"), 409, "offset_mismatch");
  // A chunk sent again that reaches past what the server holds is taken for its new bytes.
  auto overlap = PutChunk(*client, info.sha256, 500, bytes.substr(500, 1000));
  REQUIRE(overlap.status == 200);
  CHECK(Json(overlap)["received"] == 1500);
  expect(PutChunk(*client, info.sha256, 1500, bytes.substr(1500, 1) + std::string(info.size, 'x')), 413,
         "chunk_too_large");
  REQUIRE(PutChunk(*client, info.sha256, 1500, bytes.substr(1500, 500)).status == 200);
  expect(PutChunk(*client, info.sha256, 2000, bytes.substr(2000, 100), "application/json"), 415,
         "unsupported_media_type");
  expect(PutChunk(*client, info.sha256, 2000, std::string(70 * 1024, 'x')), 413, "chunk_too_large");
  {
    sync::HttpRequest put;
    put.method = "PUT";
    put.content_type = "application/octet-stream";
    put.body = "abc";
    put.path = path + "?offset=2000&centre_id=x";
    expect(Send(*client, put), 400, "unknown_parameter");
    put.path = path;
    expect(Send(*client, put), 400, "missing_parameter");
    put.path = path + "?offset=-1";
    expect(Send(*client, put), 400, "invalid_parameter");
    put.path = "/v1/files/" + std::string(64, 'A') + "?offset=0";
    expect(Send(*client, put), 400, "invalid_sha256");
  }
  expect(Get(*client, "/v1/files/abc"), 400, "invalid_sha256");
  expect(Get(*client, "/v1/files/" + std::string(63, 'a') + "."), 400, "invalid_sha256");
  expect(Get(*client, "/v1/files/..%2F..%2Fserver.db"), 404, "not_found");  // no such route
  expect(Get(*client, path + "/content"), 409, "file_incomplete");
  {
    sync::HttpClientOptions o;
    o.base_url = f.server().url();
    sync::HttpClient anonymous(o);
    auto r = Get(anonymous, path);
    CHECK(r.status == 401);
  }

  // Finish the upload, then ask for ranges.
  UploadUntilDone(*client, trainer.blobs(), info.sha256);
  auto range = Get(*client, path + "/content", "bytes=100-199");
  REQUIRE(range.status == 206);
  CHECK(range.body == bytes.substr(100, 100));
  range = Get(*client, path + "/content", "bytes=102000-");
  REQUIRE(range.status == 206);
  CHECK(range.body == bytes.substr(102000));
  range = Get(*client, path + "/content", "bytes=102390-999999999");
  REQUIRE(range.status == 206);
  CHECK(range.body == bytes.substr(102390));
  auto whole = Get(*client, path + "/content");
  REQUIRE(whole.status == 200);
  CHECK(whole.body == bytes);
  for (const std::string& bad : {std::string("bytes=102400-"), std::string("bytes=-5"), std::string("bytes=0-1,4-5"),
                                 std::string("bytes=9-3"), std::string("items=0-1"), std::string("bytes=x-")}) {
    INFO(bad);
    expect(Get(*client, path + "/content", bad), 416, "bad_range");
  }
  // Chunks sent after completion change nothing and say so.
  auto late = PutChunk(*client, info.sha256, 0, bytes.substr(0, 100));
  CHECK(late.status == 200);
  CHECK(Json(late)["complete"] == true);
  CHECK(test::ReadFile(ServerBlobPath(f, f.centre_a(), info.sha256)) == bytes);
}

TEST_CASE("chunks up to 256 KiB pass when the server's body limit allows them", "[files][server]") {
  std::vector<std::string> args = kServeArgs;
  args.insert(args.end(), {"--max-body", std::to_string(4 * 1024 * 1024)});
  ServerFixture f(args);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(600 * 1024, 17);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto client = trainer.Client(f.server().url());
  auto too_large = PutChunk(*client, info.sha256, 0, bytes.substr(0, 256 * 1024 + 1));
  CHECK(too_large.status == 413);
  CHECK(ErrorCode(too_large) == "chunk_too_large");
  CHECK(PutChunk(*client, info.sha256, 0, bytes.substr(0, 256 * 1024)).status == 200);

  sync::TransferOptions big;
  big.initial_chunk_bytes = big.max_chunk_bytes = 256 * 1024;
  auto up = sync::Upload(*client, trainer.blobs(), info.sha256, {}, nullptr, big);
  REQUIRE(up.ok());
  CHECK(up->complete);
  CHECK(up->requests == 3);  // status, then two chunks
  CHECK(test::ReadFile(ServerBlobPath(f, f.centre_a(), info.sha256)) == bytes);
}

TEST_CASE("SyncFiles sends what this device added, then fetches what it lacks", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  Device colleague(f, f.centre_a(), "Laptop");
  const std::string mine = TestBytes(90 * 1024, 18);
  const std::string theirs = TestBytes(130 * 1024, 19);
  const sync::BlobInfo mine_info = trainer.AddFile(mine);
  const sync::BlobInfo theirs_info = colleague.AddFile(theirs);
  for (const auto& i : {mine_info, theirs_info}) {
    AddServerMaterial(f, f.centre_a(), i.sha256, i.size);
    trainer.AddMaterial(i.sha256, i.size);
  }
  auto colleague_client = colleague.Client(f.server().url());
  UploadUntilDone(*colleague_client, colleague.blobs(), theirs_info.sha256);

  auto client = trainer.Client(f.server().url());
  std::vector<sync::TransferProgress> seen;
  auto report = sync::SyncFiles(*client, trainer.blobs(), trainer.db(),
                                [&](const sync::TransferProgress& p) { seen.push_back(p); });
  INFO(report.status().message());
  REQUIRE(report.ok());
  CHECK(report->uploaded == 1);
  CHECK(report->downloaded == 1);
  CHECK(report->all_done());
  CHECK(report->bytes_sent == mine_info.size);
  CHECK(report->bytes_received == theirs_info.size);
  CHECK(trainer.blobs().Outgoing().value().empty());
  CHECK(test::ReadFile(trainer.blobs().BlobPath(theirs_info.sha256)) == theirs);
  CHECK(test::ReadFile(ServerBlobPath(f, f.centre_a(), mine_info.sha256)) == mine);
  // Uploads come first; every report names its file and the pass's file count.
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.front().direction == sync::TransferDirection::kUpload);
  CHECK(seen.front().sha256 == mine_info.sha256);
  CHECK(seen.back().direction == sync::TransferDirection::kDownload);
  CHECK(seen.back().done == theirs_info.size);
  CHECK(seen.back().file_index == 1);
  CHECK(seen.back().file_count == 2);

  // Nothing left: a second pass moves nothing.
  report = sync::SyncFiles(*client, trainer.blobs(), trainer.db());
  REQUIRE(report.ok());
  CHECK(report->uploaded + report->downloaded == 0);
  CHECK(report->all_done());
}

TEST_CASE("SyncFiles reports a damaged download by its code, and the record keeps code and message", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(100 * 1024 + 3, 31);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto trainer_client = trainer.Client(f.server().url());
  UploadUntilDone(*trainer_client, trainer.blobs(), info.sha256);

  // The kiosk's partial copy is damaged: the completed file fails its SHA-256.
  Device kiosk(f, f.centre_a(), "Kiosk");
  kiosk.AddMaterial(info.sha256, info.size);
  std::string damaged = bytes.substr(0, 50000);
  damaged[100] = static_cast<char>(damaged[100] ^ 0x40);
  REQUIRE(kiosk.blobs().AppendChunk(info.sha256, 0, damaged).ok());
  auto client = kiosk.Client(f.server().url());
  auto report = sync::SyncFiles(*client, kiosk.blobs(), kiosk.db());
  INFO(report.status().message());
  REQUIRE(report.ok());
  REQUIRE(report->failed.size() == 1);
  CHECK(report->failed[0].sha256 == info.sha256);
  CHECK(report->failed[0].code == sync::FileFailure::kDamaged);
  CHECK_FALSE(report->failed[0].message.empty());

  REQUIRE(sync::RecordFileFailures(kiosk.blobs().dir(), report->failed).ok());
  const sync::FileProblem recorded = sync::ReadTransferFailure(kiosk.blobs().dir(), info.sha256);
  CHECK(recorded.code == sync::FileFailure::kDamaged);
  CHECK(recorded.message == report->failed[0].message);
  CHECK(sync::TransferFailure(kiosk.blobs().dir(), info.sha256) == report->failed[0].message);

  // The next pass fetches it whole; its empty list of failures replaces the record.
  report = sync::SyncFiles(*client, kiosk.blobs(), kiosk.db());
  REQUIRE(report.ok());
  CHECK(report->downloaded == 1);
  REQUIRE(sync::RecordFileFailures(kiosk.blobs().dir(), report->failed).ok());
  CHECK(sync::ReadTransferFailure(kiosk.blobs().dir(), info.sha256).code == sync::FileFailure::kNone);
}

TEST_CASE("a cancelled transfer stops between chunks and resumes where it stopped", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const std::string bytes = TestBytes(400 * 1024, 20);
  const sync::BlobInfo info = trainer.AddFile(bytes);
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  auto client = trainer.Client(f.server().url());

  std::atomic<bool> cancel{false};
  auto stop_after_two = [&](const sync::TransferProgress& p) {
    if (p.done >= 128 * 1024) cancel = true;
  };
  auto first = sync::Upload(*client, trainer.blobs(), info.sha256, stop_after_two, &cancel);
  REQUIRE(first.ok());
  CHECK(first->cancelled);
  CHECK_FALSE(first->complete);
  auto status = Get(*client, "/v1/files/" + info.sha256);
  CHECK(Json(status)["received"] == 128 * 1024);

  cancel = false;
  auto rest = sync::Upload(*client, trainer.blobs(), info.sha256, {}, &cancel);
  REQUIRE(rest.ok());
  CHECK(rest->complete);
  CHECK(rest->payload_bytes == info.size - 128 * 1024);

  Device kiosk(f, f.centre_a(), "Kiosk");
  auto kiosk_client = kiosk.Client(f.server().url());
  cancel = false;
  auto part = sync::Download(*kiosk_client, kiosk.blobs(), info.sha256, info.size, stop_after_two, &cancel);
  REQUIRE(part.ok());
  CHECK(part->cancelled);
  CHECK(kiosk.blobs().PartialSize(info.sha256).value() >= 128 * 1024);
  CHECK_FALSE(kiosk.blobs().Has(info.sha256).value());
  const int64_t held = kiosk.blobs().PartialSize(info.sha256).value();
  cancel = false;
  auto done = sync::Download(*kiosk_client, kiosk.blobs(), info.sha256, info.size, {}, &cancel);
  REQUIRE(done.ok());
  CHECK(done->complete);
  CHECK(done->payload_bytes == info.size - held);
  CHECK(test::ReadFile(kiosk.blobs().BlobPath(info.sha256)) == bytes);
}

TEST_CASE("a refused chunk's body is read, never parsed as the next request", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const sync::BlobInfo info = trainer.AddFile(TestBytes(100 * 1024, 21));
  AddServerMaterial(f, f.centre_a(), info.sha256, info.size);
  // A body that reads as a request of its own if the server left it on the connection.
  const std::string smuggled = "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string body = smuggled + std::string(1000 - smuggled.size(), ' ');
  auto put = [&](const std::string& token, const std::string& query, const std::string& framing) {
    return "PUT /v1/files/" + info.sha256 + query + " HTTP/1.1\r\nHost: x\r\n" +
           (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") +
           "Content-Type: application/octet-stream\r\n" + framing;
  };
  const std::string sized = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string token = trainer.enrolled().token;
  struct Case {
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {put("", "?offset=0", sized), 401},
      {put(token, "?offset=5", sized), 409},
      {put(token, "?offset=0&x=1", sized), 400},
      {put(token, "", sized), 400},
      {"PUT /v1/files/" + std::string(64, 'f') + "?offset=0 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/octet-stream\r\n" + sized,
       404},
      {put(token, "?offset=0", "Transfer-Encoding: chunked\r\n\r\n3e8\r\n" + body + "\r\n0\r\n\r\n"), 411},
  };
  for (const Case& c : cases) {
    INFO(c.request.substr(0, 200));
    test::RawConnection connection(f.server().port());
    REQUIRE(connection.Send(c.request));
    CHECK(test::StatusOf(connection.ReadResponse()) == c.status);
    REQUIRE(connection.Send("GET /v1/device HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n"));
    // The next answer is the one to the request after the body, not to the one inside it.
    const std::string next = connection.ReadResponse();
    CHECK(test::StatusOf(next) == 200);
    CHECK(next.find(trainer.enrolled().id) != std::string::npos);
  }
  CHECK_FALSE(FileExists(ServerPartialPath(f, f.centre_a(), info.sha256)));
}

TEST_CASE("an empty material goes up and comes down like any other", "[files][server]") {
  ServerFixture f(kServeArgs);
  Device trainer(f, f.centre_a(), "Trainer");
  const sync::BlobInfo info = trainer.AddFile("");
  CHECK(info.size == 0);
  AddServerMaterial(f, f.centre_a(), info.sha256, 0);
  auto client = trainer.Client(f.server().url());
  UploadUntilDone(*client, trainer.blobs(), info.sha256);
  CHECK(FileExists(ServerBlobPath(f, f.centre_a(), info.sha256)));
  auto whole = Get(*client, "/v1/files/" + info.sha256 + "/content");
  CHECK(whole.status == 200);
  CHECK(whole.body.empty());

  Device kiosk(f, f.centre_a(), "Kiosk");
  kiosk.AddMaterial(info.sha256, 0);
  auto kiosk_client = kiosk.Client(f.server().url());
  auto report = sync::SyncFiles(*kiosk_client, kiosk.blobs(), kiosk.db());
  REQUIRE(report.ok());
  CHECK(report->downloaded == 1);
  CHECK(kiosk.blobs().Has(info.sha256).value());
}

}  // namespace
}  // namespace mk::files_test
