// SyncWorker: the kiosk's background sync, on a thread of its own so the UI never waits for
// the network.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "backoff.h"
#include "sync/common/clock.h"
#include "sync_config.h"
#include "sync_engine.h"
#include "sync_status.h"

namespace mk::sync {

struct SyncWorkerOptions {
  int64_t debounce_ms = 2000;        // a local change is synced this long after its Notify
  int64_t period_ms = 60 * 1000;     // a sync this often while the server answers
  int64_t backoff_base_ms = 1000;    // while failing: full-jitter backoff from here ...
  int64_t backoff_max_ms = 5 * 60 * 1000;  // ... doubling up to here
  Backoff::Random random;            // the backoff's random source (null: a seeded generator)
  bool sync_at_start = true;         // the first sync right after Start
  SyncEngineOptions engine;
  Clock* clock = nullptr;            // the wall clock for the store (null: the system clock)
  // Called on the worker thread (never with a lock held) after the status changed, e.g.
  // platform::AppWindow::RequestFrame so the kiosk redraws its indicator.
  std::function<void()> on_change;
};

// Runs SyncEngine::RunOnce on its own thread and its OWN Store connection to the device's
// database file (SQLite's WAL and locks serialise it with the UI's connection). It syncs:
//   - debounce_ms after Notify() (the UI calls it after a local change; Notifys within that
//     time share one sync),
//   - every period_ms while syncs succeed,
//   - at once on RequestNow(),
// and while syncs fail it waits with exponential backoff and full jitter instead (Notify then
// only refreshes the count of waiting changes; RequestNow still syncs at once).
// Stop() (and the destructor) ends it promptly: the wait is a condition variable, the engine
// checks the stop flag between batches, and the request in flight is abandoned.
// Thread safety: every public member may be called from any thread.
class SyncWorker {
 public:
  // Starts the thread. Never fails: a store that cannot be opened is reported in the status
  // and tried again with backoff.
  static std::unique_ptr<SyncWorker> Start(SyncConfig config, SyncWorkerOptions options = {});
  ~SyncWorker();
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  void Notify();
  void RequestNow();
  void Stop();

  // A consistent copy of the current status.
  SyncStatus Snapshot() const;

 private:
  using SteadyClock = std::chrono::steady_clock;
  SyncWorker(SyncConfig config, SyncWorkerOptions options);
  void Loop();
  bool EnsureStore();       // worker thread
  void RunSync();           // worker thread
  void RefreshFromStore();  // worker thread: waiting count and the persisted record
  void Failed(const std::string& message, bool online);  // worker thread
  SteadyClock::time_point Due() const;  // REQUIRES: mu_ held
  void Publish();

  const SyncConfig config_;
  const SyncWorkerOptions options_;
  Clock* clock_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
  // Set by Notify (and Stop): a file transfer in progress ends after its current chunk, so new
  // records go up first.
  std::atomic<bool> files_yield_{false};
  bool now_requested_ = false;                          // GUARDED_BY(mu_)
  bool notified_ = false;                               // GUARDED_BY(mu_)
  std::optional<SteadyClock::time_point> notify_due_;   // GUARDED_BY(mu_)
  std::optional<SteadyClock::time_point> retry_at_;     // GUARDED_BY(mu_): set while failing
  SteadyClock::time_point next_periodic_;               // GUARDED_BY(mu_)
  SyncStatus status_;                                   // GUARDED_BY(mu_)

  // Only the worker thread touches these.
  Backoff backoff_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<SyncEngine> engine_;

  std::thread thread_;  // last: started when everything else is ready
};

}  // namespace mk::sync
