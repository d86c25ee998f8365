// The background worker against a real server: it syncs after a local change, backs off while
// the server is away, and recovers when it comes back.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>
#include <thread>

#include "engine_fixture.h"
#include "sync/engine/sync_worker.h"

namespace mk::engine_test {
namespace {

using sync::SyncStatus;
using sync::SyncWorker;

// Polls the worker's status until `done` holds; false after 30 s or 3000 looks.
bool WaitFor(SyncWorker& worker, const std::function<bool(const SyncStatus&)>& done, SyncStatus* last = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 0; i < 3000 && std::chrono::steady_clock::now() < deadline; ++i) {
    const SyncStatus s = worker.Snapshot();
    if (last) *last = s;
    if (done(s)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

sync::SyncWorkerOptions QuietOptions() {
  sync::SyncWorkerOptions o;
  o.sync_at_start = false;
  o.period_ms = 60 * 60 * 1000;  // no periodic sync during the test
  o.debounce_ms = 50;
  o.random = [] { return 0.5; };
  return o;
}

TEST_CASE("The worker syncs soon after Notify, and the other kiosk gets the check-in", "[sync][engine][worker]") {
  SyncServer server;
  Device a(server);
  Device b(server);
  const std::string session = a.AddRunningSession("Chemie im Alltag");
  const std::string anna = a.AddPerson("Anna", "Müller");
  std::atomic<int> changes_seen{0};
  auto options = QuietOptions();
  options.on_change = [&changes_seen] { ++changes_seen; };
  auto worker = SyncWorker::Start(a.Config(), options);
  REQUIRE(worker->Snapshot().enrolled);

  a.CheckIn(session, anna);
  worker->Notify();
  SyncStatus s;
  REQUIRE(WaitFor(*worker, [](const SyncStatus& st) { return st.successes >= 1 && !st.running; }, &s));
  CHECK(s.waiting_changes == 0);
  CHECK(s.online == true);
  CHECK(s.last_error.empty());
  CHECK(s.last_success_ms.has_value());
  CHECK(s.attempts == 1);  // the Notify made one sync, nothing else ran
  CHECK(changes_seen.load() > 0);
  CHECK(a.Waiting() == 0);

  REQUIRE(b.Cli({"sync"}).exit_code == 0);
  CHECK(b.Count("SELECT count(*) FROM attendance WHERE session_id = '" + session + "' AND person_id = '" + anna + "'") == 1);

  // RequestNow syncs at once; what B sent (its centre row) comes down.
  worker->RequestNow();
  REQUIRE(WaitFor(*worker, [](const SyncStatus& st) { return st.successes >= 2 && !st.running; }));
  worker->Stop();
  CHECK(a.Hash() == server.Hash());
}

TEST_CASE("The worker backs off while the server is away and recovers when it comes back", "[sync][engine][worker]") {
  SyncServer server;
  Device a(server);
  // Every status change is seen here (on the worker thread), so no failure goes unnoticed.
  std::mutex mu;
  std::vector<int64_t> ceilings;  // GUARDED_BY(mu): the backoff ceiling after each failure
  std::atomic<SyncWorker*> watched{nullptr};
  auto options = QuietOptions();
  options.sync_at_start = true;
  options.backoff_base_ms = 20;
  options.backoff_max_ms = 160;
  options.random = [] { return 0.999; };
  options.on_change = [&] {
    SyncWorker* w = watched.load();
    if (!w) return;
    const SyncStatus st = w->Snapshot();
    std::lock_guard<std::mutex> lock(mu);
    if (st.consecutive_failures > static_cast<int>(ceilings.size())) ceilings.push_back(st.retry_ceiling_ms);
  };
  auto worker = SyncWorker::Start(a.Config(), options);
  watched = worker.get();
  REQUIRE(WaitFor(*worker, [](const SyncStatus& st) { return st.successes >= 1 && !st.running; }));

  server.Stop();
  a.AddPerson("Bernd", "Schäfer");
  worker->Notify();
  worker->RequestNow();
  SyncStatus s;
  REQUIRE(WaitFor(*worker, [](const SyncStatus& st) { return st.consecutive_failures >= 6; }, &s));
  CHECK(s.online == false);
  CHECK(Contains(s.last_error, "no connection to 127.0.0.1"));
  CHECK(s.waiting_changes == 1);
  CHECK(s.successes == 1);
  {
    // The ceiling of the wait doubles with every failure, up to the maximum.
    std::lock_guard<std::mutex> lock(mu);
    REQUIRE(ceilings.size() >= 5);
    CHECK(ceilings[0] == 20);
    CHECK(ceilings[1] == 40);
    CHECK(ceilings[2] == 80);
    CHECK(ceilings[3] == 160);
    CHECK(ceilings[4] == 160);
  }

  server.Start();
  REQUIRE(WaitFor(*worker, [](const SyncStatus& st) { return st.successes >= 2 && !st.running; }, &s));
  CHECK(s.consecutive_failures == 0);
  CHECK(s.retry_ceiling_ms == 0);
  CHECK(s.online == true);
  CHECK(s.last_error.empty());
  CHECK(s.waiting_changes == 0);
  CHECK(server.Count("SELECT count(*) FROM people WHERE last_name = 'Schäfer'") == 1);
  worker->Stop();
  watched = nullptr;
}

TEST_CASE("The worker of a kiosk whose database cannot be opened reports it and keeps trying", "[sync][engine][worker]") {
  test::TempDir dir;
  sync::SyncConfig config;
  config.data_dir = dir.File("missing/deeper");  // no such directory: the store cannot be created
  config.server_url = "http://127.0.0.1:9";
  config.device_id = "0193a0c4-0000-7000-8000-000000000001";
  config.token = std::string(64, 'a');
  auto options = QuietOptions();
  options.sync_at_start = true;
  options.backoff_base_ms = 10;
  options.backoff_max_ms = 20;
  auto worker = SyncWorker::Start(config, options);
  SyncStatus s;
  REQUIRE(WaitFor(*worker, [](const SyncStatus& st) { return st.consecutive_failures >= 2; }, &s));
  CHECK(Contains(s.last_error, "cannot open the device's database"));
  worker->Stop();
  worker->Stop();  // twice is fine
}

}  // namespace
}  // namespace mk::engine_test
