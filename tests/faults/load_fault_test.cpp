// Fault injection under load: several writers on one kiosk's database while it syncs (lock
// contention), and a server restarted again and again while devices push and pull.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sync/common/clock.h"
#include "sync/engine/sync_engine.h"
#include "tests/sync/engine/engine_fixture.h"

namespace mk {
namespace {

TEST_CASE("Writers contend for one kiosk database while it syncs: every write lands, none is refused",
          "[faults][contention]") {
  engine_test::SyncServer server;
  engine_test::Device kiosk(server);
  const std::string session = kiosk.AddRunningSession("Mechanik zum Anfassen");
  constexpr int kWriters = 3;
  constexpr int kEach = 40;
  std::vector<std::vector<std::string>> people(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kEach; ++i) people[w].push_back(kiosk.AddPerson("Zoë", engine_test::LetterName(w * kEach + i)));
  }
  kiosk.CloseStore();

  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  std::mutex mu;
  std::vector<std::string> errors;
  auto note = [&](const std::string& e) {
    std::lock_guard<std::mutex> lock(mu);
    errors.push_back(e);
    ++failures;
  };
  // Each writer has its own connection, as the kiosk window, the CLI and the sync worker do.
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto store = store::Store::Open(kiosk.file("mintkiosk.db"), SystemClock::Instance());
      if (!store.ok()) return note(store.status().message());
      for (const std::string& person : people[w]) {
        store::CheckInRequest request;
        request.session_id = session;
        request.person_id = person;
        auto r = (*store)->CheckIn(request);
        if (!r.ok()) note(r.status().message());
      }
    });
  }
  std::thread syncer([&] {
    auto store = store::Store::Open(kiosk.file("mintkiosk.db"), SystemClock::Instance());
    if (!store.ok()) return note(store.status().message());
    sync::SyncEngine engine(**store, kiosk.Config());
    for (int round = 0; round < 30 && writing.load(); ++round) {
      auto r = engine.RunOnce();
      if (!r.ok()) note("sync: " + r.status().message());
    }
  });
  for (auto& t : writers) t.join();
  writing = false;
  syncer.join();
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(failures.load() == 0);

  sync::SyncEngine engine(kiosk.store(), kiosk.Config());
  auto last = engine.RunOnce();
  REQUIRE(last.ok());
  CHECK(kiosk.Count("SELECT count(*) FROM attendance") == kWriters * kEach);
  CHECK(server.Count("SELECT count(*) FROM attendance") == kWriters * kEach);
  CHECK(kiosk.Waiting() == 0);
  CHECK(kiosk.Hash() == server.Hash());
}

TEST_CASE("The server restarts again and again while kiosks sync: nothing lost, nothing doubled",
          "[faults][restart]") {
  engine_test::SyncServer server;
  constexpr int kDevices = 4;
  constexpr int kRounds = 12;
  std::vector<std::unique_ptr<engine_test::Device>> devices;
  for (int d = 0; d < kDevices; ++d) devices.push_back(std::make_unique<engine_test::Device>(server));
  const std::string session = devices[0]->AddRunningSession("Informatik ohne Strom");
  {
    sync::SyncEngine engine(devices[0]->store(), devices[0]->Config());
    REQUIRE(engine.RunOnce().ok());
  }
  for (int d = 1; d < kDevices; ++d) {
    sync::SyncEngine engine(devices[d]->store(), devices[d]->Config());
    REQUIRE(engine.RunOnce().ok());
  }

  // The people each device may check in. Added here, not on the device threads: Catch's
  // assertions (inside the fixture's helpers) are not thread-safe.
  constexpr int kAttempts = 4 * kRounds;
  std::vector<std::vector<std::string>> people(kDevices);
  std::vector<store::Store*> stores;
  std::vector<sync::SyncConfig> configs;
  for (int d = 0; d < kDevices; ++d) {
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      people[d].push_back(devices[d]->AddPerson("Ærøskøbing", engine_test::LetterName(d * 100 + attempt)));
    }
    stores.push_back(&devices[d]->store());
    configs.push_back(devices[d]->Config());
  }

  // Devices work and sync; the test restarts the server each time three more syncs succeeded.
  // A device whose sync failed (the server was away) waits for the server's next start.
  // No Catch assertion on these threads: a refused check-in is noted and checked after the join.
  std::mutex mu;
  std::condition_variable changed;
  int successes = 0;
  int generation = 0;
  int devices_done = 0;
  std::vector<std::string> errors;  // GUARDED_BY(mu)
  std::vector<int> check_ins(kDevices, 0);
  std::vector<std::thread> threads;
  for (int d = 0; d < kDevices; ++d) {
    threads.emplace_back([&, d] {
      store::Store& device_store = *stores[d];
      sync::SyncEngine engine(device_store, configs[d]);
      int synced = 0;
      for (int attempt = 0; attempt < kAttempts && synced < kRounds; ++attempt) {
        store::CheckInRequest request;
        request.session_id = session;
        request.person_id = people[d][attempt];
        if (auto checked_in = device_store.CheckIn(request); !checked_in.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          errors.push_back(checked_in.status().message());
          break;
        }
        ++check_ins[d];
        const bool ok = engine.RunOnce().ok();
        std::unique_lock<std::mutex> lock(mu);
        if (ok) {
          ++synced;
          ++successes;
          changed.notify_all();
        } else {
          // An event, not a pause: the next start wakes it; the bound only keeps a broken run finite.
          const int seen = generation;
          changed.wait_for(lock, std::chrono::seconds(60), [&] { return generation != seen; });
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      ++devices_done;
      changed.notify_all();
    });
  }
  int restarts = 0;
  for (int i = 0; i < 5; ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      const int seen = successes;
      changed.wait_for(lock, std::chrono::seconds(60), [&] { return successes >= seen + 3 || devices_done == kDevices; });
      if (devices_done == kDevices) break;
    }
    server.Stop();
    server.Start();
    ++restarts;
    std::lock_guard<std::mutex> lock(mu);
    ++generation;
    changed.notify_all();
  }
  for (auto& t : threads) t.join();
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
  CHECK(restarts >= 3);

  // Once the server stays up, every device completes, and all hold the same data.
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& device : devices) {
      sync::SyncEngine engine(device->store(), device->Config());
      auto r = engine.RunOnce();
      INFO((r.ok() ? std::string("ok") : r.status().message()));
      REQUIRE(r.ok());
    }
  }
  int64_t expected = 0;
  for (int n : check_ins) expected += n;
  CHECK(server.Count("SELECT count(*) FROM attendance") == expected);
  for (auto& device : devices) {
    CHECK(device->Waiting() == 0);
    CHECK(device->Count("SELECT count(*) FROM attendance") == expected);
    CHECK(device->Hash() == server.Hash());
  }
}

}  // namespace
}  // namespace mk
