// One slow call (a network request) on a thread of its own, its result handed back to the UI thread.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "sync/common/status.h"

namespace mk::client {

// Runs one function at a time on a worker thread so the UI thread never waits for it.
// Thread safety: Start, running, TakeResult and the destructor belong to one thread (the UI
// thread); the work and `on_done` run on the worker thread.
// Invariant: at most one call runs; its result is taken exactly once, by TakeResult.
class BackgroundCall {
 public:
  // The work gets a flag that becomes true when its result is no longer wanted (the owner is
  // being destroyed); long work should give up soon after.
  using Work = std::function<Status(const std::atomic<bool>& cancel)>;

  BackgroundCall() = default;
  // Sets the cancel flag and waits for a running call to return.
  ~BackgroundCall();
  BackgroundCall(const BackgroundCall&) = delete;
  BackgroundCall& operator=(const BackgroundCall&) = delete;

  // Starts `work` on a new thread; false (and nothing started) while a call is still running
  // or its result has not been taken. `on_done`, when set, is called on the worker thread right
  // after the result is stored: it should only wake the UI thread (which then calls TakeResult).
  bool Start(Work work, std::function<void()> on_done = {});

  // True from Start until TakeResult has returned the result.
  bool running() const { return thread_.joinable(); }

  // The result once the work has returned (joining the worker thread), nullopt while it runs or
  // when nothing was started. Never blocks for longer than the thread takes to end.
  std::optional<Status> TakeResult();

 private:
  std::thread thread_;
  std::atomic<bool> cancel_{false};
  std::mutex mutex_;
  std::optional<Status> result_;  // guarded by mutex_
};

}  // namespace mk::client
