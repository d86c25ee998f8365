// BackgroundCall: a worker thread per call, the result behind a mutex.
#include "background_call.h"

#include <exception>
#include <utility>

namespace mk::client {

BackgroundCall::~BackgroundCall() {
  cancel_.store(true);
  cancel_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool BackgroundCall::Start(Work work, std::function<void()> on_done) {
  if (thread_.joinable()) return false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    result_.reset();
  }
  cancel_.store(false);
  thread_ = std::thread([this, work = std::move(work), on_done = std::move(on_done)] {
    Status status = Status::Ok();
    try {
      status = work(cancel_);
    } catch (const std::exception& e) {
      status = Status(ErrorCode::kInternal, e.what());
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      result_ = std::move(status);
    }
    if (on_done) on_done();
  });
  return true;
}

std::optional<Status> BackgroundCall::TakeResult() {
  if (!thread_.joinable()) return std::nullopt;
  std::optional<Status> taken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!result_) return std::nullopt;
    taken = std::move(result_);
    result_.reset();
  }
  // The result is stored just before the thread ends (at most on_done is still running).
  thread_.join();
  return taken;
}

}  // namespace mk::client
