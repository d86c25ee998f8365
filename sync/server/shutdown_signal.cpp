// POSIX signal masking and sigwait for the server's graceful shutdown.
#include "shutdown_signal.h"

#include <pthread.h>
#include <signal.h>

namespace mk::server {
namespace {

sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

ShutdownSignal::~ShutdownSignal() { Cancel(); }

void ShutdownSignal::Cancel() {
  if (!waiter_.joinable()) return;
  cancelled_.store(true);
  // A signal aimed at the waiting thread itself ends its sigwait (harmless when it is done).
  pthread_kill(waiter_.native_handle(), SIGTERM);
  waiter_.join();
}

void ShutdownSignal::Start(std::function<void(const char*)> on_signal) {
  waiter_ = std::thread([this, fn = std::move(on_signal)] {
    sigset_t set = ShutdownSet();
    int sig = 0;
    if (sigwait(&set, &sig) != 0 || cancelled_.load()) return;
    fn(sig == SIGINT ? "SIGINT" : "SIGTERM");
  });
}

}  // namespace mk::server
