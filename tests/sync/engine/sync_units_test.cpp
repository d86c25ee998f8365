// The engine's small parts on their own: backoff, enrolment files, the status record, the
// kiosk's indicator, the check of a pulled page.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "client/viewmodels/sync_indicator.h"
#include "sync/common/clock.h"
#include "sync/engine/apply_page.h"
#include "sync/engine/backoff.h"
#include "sync/engine/sync_config.h"
#include "sync/engine/sync_status.h"
#include "sync/store/store.h"
#include "tests/support/test_support.h"

namespace mk::engine_test {
namespace {

using sync::Backoff;

TEST_CASE("Backoff doubles its ceiling from the base up to the maximum", "[sync][engine]") {
  Backoff b(1000, 5 * 60 * 1000, [] { return 0.999999; });
  CHECK(b.CeilingMs() == 0);
  std::vector<int64_t> ceilings;
  for (int i = 0; i < 12; ++i) {
    b.NextDelayMs();
    ceilings.push_back(b.CeilingMs());
  }
  CHECK(ceilings[0] == 1000);
  CHECK(ceilings[1] == 2000);
  CHECK(ceilings[2] == 4000);
  CHECK(ceilings[8] == 256000);
  CHECK(ceilings[9] == 300000);
  CHECK(ceilings[11] == 300000);
  CHECK(b.failures() == 12);
  b.Reset();
  CHECK(b.CeilingMs() == 0);
  CHECK(b.NextDelayMs() <= 1000);
}

TEST_CASE("Backoff has full jitter: any wait from zero to the ceiling", "[sync][engine]") {
  double r = 0.0;
  Backoff b(1000, 60000, [&r] { return r; });
  CHECK(b.NextDelayMs() == 0);
  r = 0.5;
  CHECK(b.NextDelayMs() == 1000);  // ceiling 2000
  r = 0.25;
  CHECK(b.NextDelayMs() == 1000);  // ceiling 4000
  // The default random source stays within the ceiling.
  Backoff seeded(100, 800);
  for (int i = 0; i < 50; ++i) {
    const int64_t d = seeded.NextDelayMs();
    CHECK(d >= 0);
    CHECK(d <= seeded.CeilingMs());
  }
}

TEST_CASE("A device that never enrolled says how to enrol", "[sync][engine]") {
  test::TempDir dir;
  CHECK_FALSE(sync::IsEnrolled(dir.path()));
  auto config = sync::LoadSyncConfig(dir.path());
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().message() == "this device is not enrolled; run 'mintkiosk enroll'");
}

TEST_CASE("The enrolment files are read, and damaged ones are named", "[sync][engine]") {
  test::TempDir dir;
  test::WriteFile(dir.File("server.json"),
                  R"({"url":"https://mint.example.org:8470","device_id":"0193a0c4-0000-7000-8000-000000000001","ca_file":""})");
  test::WriteFile(dir.File("device.token"), std::string(64, 'a') + "\n");
  auto config = sync::LoadSyncConfig(dir.path());
  INFO(config.status().message());
  REQUIRE(config.ok());
  CHECK(config->server_url == "https://mint.example.org:8470");
  CHECK(config->device_id == "0193a0c4-0000-7000-8000-000000000001");
  CHECK(config->token == std::string(64, 'a'));
  CHECK(config->database_path() == dir.File("mintkiosk.db"));
  // The bundle key is SHA-256 of the token in hex (the server keeps the same as token_hash).
  CHECK(sync::BundleKeyHex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  test::WriteFile(dir.File("server.json"), "{not json");
  auto broken = sync::LoadSyncConfig(dir.path());
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.status().code() == ErrorCode::kCorrupt);
  CHECK(broken.status().message().find("server.json") != std::string::npos);

  test::WriteFile(dir.File("server.json"), R"({"url":"https://mint.example.org","device_id":"d"})");
  test::WriteFile(dir.File("device.token"), "\n");
  auto empty = sync::LoadSyncConfig(dir.path());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message().find("device.token is empty") != std::string::npos);
}

TEST_CASE("Host names for messages come from the server URL", "[sync][engine]") {
  CHECK(sync::HostOfServerUrl("https://mint.example.org:8470") == "mint.example.org");
  CHECK(sync::HostOfServerUrl("http://127.0.0.1:5/v1") == "127.0.0.1");
  CHECK(sync::HostOfServerUrl("https://user@mint.example.org/api") == "mint.example.org");
  CHECK(sync::HostOfServerUrl("http://[::1]:8470") == "[::1]");
}

TEST_CASE("The sync record lives in meta and reads back", "[sync][engine]") {
  test::TempDir dir;
  auto st = store::Store::Open(dir.File("mintkiosk.db"), SystemClock::Instance());
  REQUIRE(st.ok());
  store::Database& db = (*st)->db();
  auto empty = sync::ReadSyncRecord(db);
  REQUIRE(empty.ok());
  CHECK(empty->pull_cursor == 0);
  CHECK_FALSE(empty->last_success_ms);
  CHECK_FALSE(empty->online);
  CHECK(empty->last_error.empty());
  REQUIRE(sync::WriteMeta(db, sync::kMetaPullCursor, "42").ok());
  REQUIRE(sync::WriteMeta(db, sync::kMetaLastSuccess, "1795766400000").ok());
  REQUIRE(sync::WriteMeta(db, sync::kMetaOnline, "0").ok());
  REQUIRE(sync::WriteMeta(db, sync::kMetaLastError, "no connection to mint.example.org").ok());
  auto r = sync::ReadSyncRecord(db);
  REQUIRE(r.ok());
  CHECK(r->pull_cursor == 42);
  CHECK(r->last_success_ms == 1795766400000);
  CHECK(r->online == false);
  CHECK(r->last_error == "no connection to mint.example.org");
  REQUIRE(sync::WriteMeta(db, sync::kMetaPullCursor, "forty-two").ok());
  auto bad = sync::ReadSyncRecord(db);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("sync.pull_cursor") != std::string::npos);
}

TEST_CASE("A pulled page with one invalid change is refused whole, naming the change", "[sync][engine]") {
  test::TempDir dir;
  auto st = store::Store::Open(dir.File("mintkiosk.db"), SystemClock::Instance());
  REQUIRE(st.ok());
  sync::PullPage page;
  page.cursor = 7;
  sync::Change centre;
  centre.table = "centres";
  centre.key = "c-aeroe";
  centre.hlc = MakeHlc(1795766400000, 1);
  centre.device_time_ms = 1795766400000;
  centre.fields = {{"name", "MINT-Zentrum Ærøskøbing"}, {"created_at", 1795766400000}, {"updated_at", 1795766400000}};
  page.changes.push_back(centre);
  sync::Change bad = centre;
  bad.key = "c-2";
  bad.fields = {{"name", "Łukasz"}, {"no_such_column", 1}};
  page.changes.push_back(bad);
  const Status checked = sync::ValidatePage(page);
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.message().find("change 2 of 2") != std::string::npos);
  CHECK(checked.message().find("no_such_column") != std::string::npos);
  // ApplyPage checks on its own unless told the caller did; nothing of the page is written.
  auto applied = sync::ApplyPage(**st, page);
  REQUIRE_FALSE(applied.ok());
  CHECK(applied.status().message() == checked.message());
  auto centres = (*st)->db().Prepare("SELECT count(*) FROM centres");
  REQUIRE(centres.ok());
  REQUIRE(*centres->Step());
  CHECK(centres->ColumnInt(0) == 0);
  auto cursor = sync::ReadMetaInt((*st)->db(), sync::kMetaPullCursor, 0);
  REQUIRE(cursor.ok());
  CHECK(*cursor == 0);
  // Without the bad change the same page goes in whole, with its cursor.
  page.changes.pop_back();
  REQUIRE(sync::ValidatePage(page).ok());
  sync::PageApplyOptions checked_before;
  checked_before.validated = true;
  auto good = sync::ApplyPage(**st, page, checked_before);
  REQUIRE(good.ok());
  CHECK(good->applied == 1);
  CHECK(good->cursor == 7);
}

TEST_CASE("Progress has a percentage only while pushing", "[sync][engine]") {
  sync::SyncProgress p;
  CHECK_FALSE(p.Percent());
  p.phase = sync::SyncProgress::Phase::kPush;
  p.changes_to_send = 200;
  p.changes_sent = 80;
  CHECK(p.Percent() == 40);
  p.changes_sent = 500;  // more than waited at the start (changes made meanwhile)
  CHECK(p.Percent() == 100);
  p.phase = sync::SyncProgress::Phase::kPull;
  CHECK_FALSE(p.Percent());
}

TEST_CASE("The kiosk's indicator follows the worker's status", "[sync][ui]") {
  using client::IndicatorFromStatus;
  using State = client::SyncIndicator::State;
  constexpr int64_t now = 1'795'766'400'000;
  sync::SyncStatus s;
  CHECK(IndicatorFromStatus(s, "mint.example.org", now).state == State::kNoServer);
  s.enrolled = true;
  CHECK(IndicatorFromStatus(s, "mint.example.org", now).state == State::kConnectedNotSynced);

  s.running = true;
  s.progress.phase = sync::SyncProgress::Phase::kPush;
  s.progress.changes_to_send = 10;
  s.progress.changes_sent = 4;
  auto syncing = IndicatorFromStatus(s, "mint.example.org", now);
  CHECK(syncing.state == State::kSyncing);
  CHECK(syncing.percent == 40);

  s.running = false;
  s.last_success_ms = now - 2 * 60 * 1000 - 5000;
  auto synced = IndicatorFromStatus(s, "mint.example.org", now);
  CHECK(synced.state == State::kSynced);
  CHECK(synced.minutes_since_sync == 2);
  CHECK(synced.host == "mint.example.org");

  s.online = false;
  s.last_error = "no connection to mint.example.org";
  s.waiting_changes = 12;
  auto offline = IndicatorFromStatus(s, "mint.example.org", now);
  CHECK(offline.state == State::kOffline);
  CHECK(offline.waiting_changes == 12);

  s.online = true;
  s.last_error = "the server refused changes 3 to 9";
  auto problem = IndicatorFromStatus(s, "mint.example.org", now);
  CHECK(problem.state == State::kProblem);
  CHECK(problem.error == "the server refused changes 3 to 9");
}

}  // namespace
}  // namespace mk::engine_test
