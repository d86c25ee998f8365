// The background sync thread: when to sync, backoff while failing, a status for the UI.
#include "sync_worker.h"

#include "sync/protocol/outbox.h"

namespace mk::sync {

std::unique_ptr<SyncWorker> SyncWorker::Start(SyncConfig config, SyncWorkerOptions options) {
  std::unique_ptr<SyncWorker> worker(new SyncWorker(std::move(config), std::move(options)));
  worker->thread_ = std::thread([w = worker.get()] { w->Loop(); });
  return worker;
}

SyncWorker::SyncWorker(SyncConfig config, SyncWorkerOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      clock_(options_.clock ? options_.clock : SystemClock::Instance()),
      backoff_(options_.backoff_base_ms, options_.backoff_max_ms, options_.random) {
  status_.enrolled = true;
  next_periodic_ = SteadyClock::now() + std::chrono::milliseconds(options_.sync_at_start ? 0 : options_.period_ms);
}

SyncWorker::~SyncWorker() { Stop(); }

void SyncWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true);
    files_yield_.store(true);
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void SyncWorker::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    notified_ = true;
    files_yield_.store(true);
    if (!notify_due_) notify_due_ = SteadyClock::now() + std::chrono::milliseconds(options_.debounce_ms);
  }
  wake_.notify_all();
}

void SyncWorker::RequestNow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    now_requested_ = true;
  }
  wake_.notify_all();
}

SyncStatus SyncWorker::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

void SyncWorker::Publish() {
  if (options_.on_change) options_.on_change();
}

SyncWorker::SteadyClock::time_point SyncWorker::Due() const {
  if (now_requested_) return SteadyClock::time_point::min();
  if (retry_at_) return *retry_at_;  // failing: only the backoff decides
  SteadyClock::time_point due = next_periodic_;
  if (notify_due_ && *notify_due_ < due) due = *notify_due_;
  return due;
}

void SyncWorker::Loop() {
  for (;;) {
    bool run = false;
    {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        if (stop_.load()) return;
        if (SteadyClock::now() >= Due()) {
          run = true;
          now_requested_ = false;
          notify_due_.reset();
          notified_ = false;
          break;
        }
        if (notified_) {
          notified_ = false;
          break;  // a local change: show the new count of waiting changes
        }
        wake_.wait_until(lock, Due());
      }
    }
    if (!EnsureStore()) continue;
    if (run) {
      RunSync();
    } else {
      RefreshFromStore();
      Publish();
    }
  }
}

bool SyncWorker::EnsureStore() {
  if (store_) return true;
  auto opened = store::Store::Open(config_.database_path(), clock_);
  if (!opened.ok()) {
    Failed("the sync cannot open the device's database: " + opened.status().message(), false);
    return false;
  }
  store_ = std::move(opened).value();
  engine_ = std::make_unique<SyncEngine>(*store_, config_, options_.engine);
  RefreshFromStore();
  return true;
}

void SyncWorker::RefreshFromStore() {
  auto summary = SummarizeOutbox(store_->db());
  auto record = ReadSyncRecord(store_->db());
  std::lock_guard<std::mutex> lock(mu_);
  if (summary.ok()) status_.waiting_changes = summary->waiting;
  if (record.ok()) {
    status_.last_success_ms = record->last_success_ms;
    status_.last_attempt_ms = record->last_attempt_ms;
    if (!status_.running && status_.attempts == 0) {
      // Before this worker's first sync: what the last run (or the CLI) recorded.
      status_.online = record->online;
      status_.last_error = record->last_error;
    }
  }
}

void SyncWorker::Failed(const std::string& message, bool online) {
  const int64_t delay = backoff_.NextDelayMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.running = false;
    status_.progress = SyncProgress();
    status_.online = online;
    status_.last_error = message;
    status_.consecutive_failures = backoff_.failures();
    status_.retry_ceiling_ms = backoff_.CeilingMs();
    retry_at_ = SteadyClock::now() + std::chrono::milliseconds(delay);
  }
  Publish();
}

void SyncWorker::RunSync() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.running = true;
    ++status_.attempts;
    status_.progress = SyncProgress();
  }
  Publish();
  files_yield_.store(false);
  auto report = engine_->RunOnce(
      [this](const SyncProgress& progress) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          status_.progress = progress;
        }
        Publish();
      },
      &stop_, &files_yield_);
  if (stop_.load()) return;
  RefreshFromStore();
  if (!report.ok()) {
    // Whether the server answered is what the engine recorded for this attempt.
    bool online = false;
    if (auto record = ReadSyncRecord(store_->db()); record.ok()) online = record->online.value_or(false);
    Failed(report.status().message(), online);
    return;
  }
  backoff_.Reset();
  {
    std::lock_guard<std::mutex> lock(mu_);
    status_.running = false;
    status_.progress = SyncProgress();
    status_.online = true;
    status_.last_error.clear();
    status_.consecutive_failures = 0;
    status_.retry_ceiling_ms = 0;
    ++status_.successes;
    retry_at_.reset();
    next_periodic_ = SteadyClock::now() + std::chrono::milliseconds(options_.period_ms);
  }
  Publish();
}

}  // namespace mk::sync
