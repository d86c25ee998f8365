// ShutdownSignal: SIGTERM and SIGINT delivered to one waiting thread instead of an async handler.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace mk::server {

// Construct before starting any other thread: it blocks SIGTERM and SIGINT in the calling thread
// (threads started later inherit the mask) and ignores SIGPIPE (a peer closing mid-write must
// not kill the server). Start() runs `on_signal` on a dedicated thread when either arrives, with
// the signal's name; there it may take locks and call into the server, which a handler may not.
class ShutdownSignal {
 public:
  ShutdownSignal();
  ~ShutdownSignal();  // Cancel()
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  void Start(std::function<void(const char* signal_name)> on_signal);
  // Ends the waiting thread without calling `on_signal` (unless a signal came first, in which
  // case it waits for `on_signal` to return). Call it before destroying what `on_signal` uses.
  void Cancel();

 private:
  std::atomic<bool> cancelled_{false};
  std::thread waiter_;
};

}  // namespace mk::server
