// A kiosk view-model over a real store in a temporary directory, with a fake clock.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "client/viewmodels/kiosk_view_model.h"
#include "tests/sync/store/store_fixture.h"

namespace mk::test {

// The store fixture's centre with: the running session (09:00-12:00 Berlin, "now"), one later
// today (14:00-16:00) and one that ended yesterday; Anna Müller, Anton Meier and Łukasz Nowak,
// Anna enrolled in the running session.
// Counts notifications from other threads (a worker waking the UI); a test waits for the n-th
// instead of sleeping.
class WakeSignal {
 public:
  void Notify();
  int count();
  // Waits until at least `n` notifications have come. False only after a bound far beyond any
  // real wait, so a bug fails the test instead of hanging it.
  bool WaitFor(int n);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

struct KioskFixture : StoreFixture {
  explicit KioskFixture(client::KioskOptions options = {});
  std::unique_ptr<client::KioskViewModel> vm;
  std::string later_session_id;
  std::string yesterday_session_id;
  std::string anna;
  std::string anton;
  std::string lukasz;

  // Builds (or rebuilds) the view-model, e.g. after changing files in the data directory.
  void MakeViewModel(client::KioskOptions options = {});
  // Types like a person: one character at a time, 150 ms apart.
  void TypeSlowly(const std::string& text);
  // Types like a USB scanner: the whole code at once, then Enter.
  void Scan(const std::string& code);
  std::string CodeOf(const std::string& person_id);
  // Sets the trainer PIN `pin` unless one is set, then opens the settings with it.
  void OpenSettings(const std::string& pin = "2468");
  int64_t AttendanceCount();
};

}  // namespace mk::test
