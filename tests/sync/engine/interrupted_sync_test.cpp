// Exactly once over a broken link: pushes and pulls cut off at many byte positions (and a
// stalled link) are sent again and end with the server and the devices holding the same data,
// each change applied and logged once.
#include <catch2/catch.hpp>

#include "engine_fixture.h"
#include "sync/engine/sync_engine.h"
#include "sync/protocol/outbox.h"
#include "sync/protocol/wire.h"
#include "tests/support/link_emulator.h"

namespace mk::engine_test {
namespace {

// Encoded size of the push of everything waiting (what the first request carries).
int64_t PushBodyBytes(Device& d) {
  auto entries = sync::ReadOutbox(d.store().db(), 0, 10000, 512 * 1024);
  REQUIRE(entries.ok());
  sync::PushBatch batch;
  batch.first_seq = entries->empty() ? 1 : entries->front().seq;
  for (auto& e : *entries) batch.changes.push_back(e.change);
  return static_cast<int64_t>(sync::EncodePushBatch(batch).size());
}

std::string LogDuplicates(SyncServer& server) {
  return std::to_string(server.Count(
      "SELECT count(*) FROM (SELECT origin, tbl, key, hlc FROM sync_log GROUP BY origin, tbl, key, hlc HAVING count(*) > 1)"));
}

TEST_CASE("A push cut off at any byte is sent again and applied exactly once", "[sync][engine][link]") {
  SyncServer server;
  test::LinkEmulator link(server.port(), {});
  const std::string via_link = "http://127.0.0.1:" + std::to_string(link.port());
  Device a(server, via_link);
  const std::string session = a.AddRunningSession("Mathematik mit GeoGebra");
  sync::SyncEngine engine(a.store(), a.Config());

  int64_t people = 0;
  int round = 0;
  // Byte positions relative to the first request: in its headers, in its body, just after it
  // (the server has applied the batch, the answer is lost), and in later requests.
  for (const double at : {0.02, 0.3, 0.7, 1.0, 1.08, 1.3, 2.5}) {
    ++round;
    for (int i = 0; i < 60; ++i) {
      const std::string person = a.AddPerson("Person", "Runde" + LetterName(round) + LetterName(i));
      a.CheckIn(session, person);
      ++people;
    }
    const int64_t body = PushBodyBytes(a);
    const int64_t drop_at = std::max<int64_t>(40, static_cast<int64_t>(at * static_cast<double>(body + 300)));
    INFO("round " << round << ": push body " << body << " bytes, link drops after " << drop_at);
    // The first attempt sends the whole outbox as one batch: forget how small the last cut
    // made the batches (the engine halves them after a broken transfer).
    REQUIRE(a.store().db().Exec("DELETE FROM meta WHERE key = 'sync.push_limit'").ok());
    test::LinkProfile broken;
    broken.drop_after_bytes = drop_at;
    link.SetProfile(broken);
    int failures = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto r = engine.RunOnce();
      if (!r.ok()) {
        ++failures;
        CHECK(r.status().code() == ErrorCode::kUnavailable);
      }
    }
    link.SetProfile({});
    auto clean = engine.RunOnce();
    INFO(clean.status().message());
    REQUIRE(clean.ok());
    CHECK(a.Waiting() == 0);
    if (at < 1.0) CHECK(failures > 0);
    CHECK(server.Count("SELECT count(*) FROM people WHERE first_name = 'Person'") == people);
    CHECK(server.Count("SELECT count(*) FROM attendance WHERE session_id = '" + session + "'") == people);
    CHECK(LogDuplicates(server) == "0");
  }
  CHECK(link.Stats().drops > 0);
  CHECK(a.Hash() == server.Hash());

  // A second device pulls everything through a link that breaks during the pull: cut-off pages
  // are fetched again from the stored cursor, and it ends equal.
  Device b(server, via_link);
  sync::SyncEngineOptions small_pages;
  small_pages.pull_page_limit = 100;
  sync::SyncEngine engine_b(b.store(), b.Config(), small_pages);
  for (const int64_t drop_at : {300, 2000, 9000, 30000}) {
    test::LinkProfile broken;
    broken.drop_after_bytes = drop_at;
    link.SetProfile(broken);
    (void)engine_b.RunOnce();
  }
  link.SetProfile({});
  auto pulled = engine_b.RunOnce();
  INFO(pulled.status().message());
  REQUIRE(pulled.ok());
  // B's own enrolment went up with it; A takes it so that all three agree.
  REQUIRE(engine.RunOnce().ok());
  CHECK(b.Count("SELECT count(*) FROM attendance WHERE session_id = '" + session + "'") == people);
  CHECK(b.Hash() == server.Hash());
  CHECK(a.Hash() == server.Hash());
  CHECK(LogDuplicates(server) == "0");
}

TEST_CASE("A stalled link is given up after the stall timeout, in plain words", "[sync][engine][link]") {
  SyncServer server;
  test::LinkEmulator link(server.port(), {});
  Device a(server, "http://127.0.0.1:" + std::to_string(link.port()));
  a.AddPerson("Anna", "Müller");
  sync::SyncEngineOptions options;
  options.stall_timeout_s = 2;
  sync::SyncEngine engine(a.store(), a.Config(), options);
  test::LinkProfile stalled;
  stalled.drop_after_bytes = 200;
  stalled.stall_instead_of_drop = true;
  link.SetProfile(stalled);
  auto r = engine.RunOnce();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ErrorCode::kUnavailable);
  CHECK(r.status().message() == "the server 127.0.0.1 did not answer within 2 s");
  auto record = sync::ReadSyncRecord(a.store().db());
  REQUIRE(record.ok());
  CHECK(record->last_error == "the server 127.0.0.1 did not answer within 2 s");
  CHECK(record->online == false);

  link.SetProfile({});
  auto ok = engine.RunOnce();
  INFO(ok.status().message());
  REQUIRE(ok.ok());
  CHECK(a.Waiting() == 0);
}

TEST_CASE("Push batches are sized by their compressed bytes on the wire", "[sync][engine]") {
  SyncServer server;
  test::LinkEmulator link(server.port(), {});
  Device a(server, "http://127.0.0.1:" + std::to_string(link.port()));
  const std::string session = a.AddRunningSession("Optik");
  for (int i = 0; i < 200; ++i) a.CheckIn(session, a.AddPerson("Person", "Nummer" + LetterName(i)));
  const int64_t waiting = a.Waiting();
  const int64_t whole = PushBodyBytes(a);
  sync::SyncEngineOptions options;
  options.max_batch_bytes = static_cast<size_t>(whole / 3);  // the whole outbox compresses to 3x this
  sync::SyncEngine engine(a.store(), a.Config(), options);
  const auto before = link.Stats();
  auto r = engine.RunOnce();
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(a.Waiting() == 0);
  CHECK(r->changes_sent == waiting);
  // Cut to fit, not halved blindly: three or four batches, each within the limit.
  CHECK(r->push_requests >= 3);
  CHECK(r->push_requests <= 5);
  CHECK(r->bytes_sent <= static_cast<int64_t>(r->push_requests) * static_cast<int64_t>(options.max_batch_bytes));
  CHECK(link.Stats().bytes_to_server - before.bytes_to_server > r->bytes_sent);
  CHECK(server.Count("SELECT count(*) FROM attendance") == 200);
  CHECK(LogDuplicates(server) == "0");
}

TEST_CASE("Pipelined push batches cut off anywhere are applied exactly once and in order", "[sync][engine][link]") {
  SyncServer server;
  test::LinkEmulator link(server.port(), {});
  Device a(server, "http://127.0.0.1:" + std::to_string(link.port()));
  const std::string session = a.AddRunningSession("Robotik für die Grundschule");
  sync::SyncEngineOptions options;
  options.pipeline_batch_changes = 16;  // many batches: each next one is read while one is at the server
  sync::SyncEngine engine(a.store(), a.Config(), options);
  int64_t people = 0;
  int round = 0;
  // Cuts early and late in the run of batches: in the first request, in the middle of the run
  // (a batch sent ahead may be applied by the server while its answer is lost), near its end.
  for (const int64_t drop_at : {int64_t{500}, int64_t{6000}, int64_t{20000}, int64_t{45000}}) {
    ++round;
    for (int i = 0; i < 80; ++i) {
      const std::string person = a.AddPerson("Łukasz", "Ørsted" + LetterName(round) + LetterName(i));
      a.CheckIn(session, person);
      ++people;
    }
    const int64_t waiting = a.Waiting();
    REQUIRE(waiting > static_cast<int64_t>(options.pipeline_batch_changes));
    REQUIRE(a.store().db().Exec("DELETE FROM meta WHERE key = 'sync.push_limit'").ok());
    INFO("round " << round << ": " << waiting << " changes waiting, link drops after " << drop_at << " bytes");
    test::LinkProfile broken;
    broken.drop_after_bytes = drop_at;
    link.SetProfile(broken);
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto r = engine.RunOnce();
      if (!r.ok()) CHECK(r.status().code() == ErrorCode::kUnavailable);
    }
    link.SetProfile({});
    REQUIRE(a.store().db().Exec("DELETE FROM meta WHERE key = 'sync.push_limit'").ok());
    const int64_t left = a.Waiting();
    auto clean = engine.RunOnce();
    INFO(clean.status().message());
    REQUIRE(clean.ok());
    CHECK(a.Waiting() == 0);
    CHECK(clean->changes_sent == left);
    if (left > static_cast<int64_t>(options.pipeline_batch_changes)) {
      CHECK(clean->push_requests >= (left + 15) / 16);
    }
    CHECK(server.Count("SELECT count(*) FROM people WHERE first_name = 'Łukasz'") == people);
    CHECK(server.Count("SELECT count(*) FROM attendance WHERE session_id = '" + session + "'") == people);
    CHECK(LogDuplicates(server) == "0");
  }
  CHECK(link.Stats().drops > 0);
  CHECK(a.Hash() == server.Hash());
  // The server's log holds the device's changes in the order of its outbox.
  CHECK(server.Count("SELECT count(*) FROM sync_log l1 JOIN sync_log l2 ON l1.origin = l2.origin AND "
                     "l1.seq < l2.seq AND l1.hlc > l2.hlc WHERE l1.origin = '" + a.device_id() + "'") == 0);
}

TEST_CASE("A sync stopped by its cancel flag stops between batches and loses nothing", "[sync][engine]") {
  SyncServer server;
  Device a(server);
  for (int i = 0; i < 30; ++i) a.AddPerson("Person", "Nummer" + LetterName(i));
  sync::SyncEngineOptions options;
  options.max_batch_changes = 5;
  options.pipeline_batch_changes = 5;  // the batch after the second is on its way when the flag is set
  sync::SyncEngine engine(a.store(), a.Config(), options);
  std::atomic<bool> cancel{false};
  int batches = 0;
  auto r = engine.RunOnce(
      [&](const sync::SyncProgress& p) {
        if (p.phase == sync::SyncProgress::Phase::kPush && p.changes_sent > 0 && ++batches == 2) cancel = true;
      },
      &cancel);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "the sync was stopped before it finished");
  const int64_t left = a.Waiting();
  CHECK(left > 0);
  CHECK(left < 31);
  auto done = engine.RunOnce();
  INFO(done.status().message());
  REQUIRE(done.ok());
  CHECK(a.Waiting() == 0);
  CHECK(server.Count("SELECT count(*) FROM people WHERE first_name = 'Person'") == 30);
}

}  // namespace
}  // namespace mk::engine_test
