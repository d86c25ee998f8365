// An in-process model of the server's sync role (log, per-device acknowledged seq), built on
// the same protocol functions as mintkiosk-server, to test the merge rules without HTTP.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sync/common/clock.h"
#include "sync/protocol/change.h"
#include "sync/protocol/merge.h"
#include "sync/store/store.h"
#include "tests/support/test_support.h"

namespace mk::test {

// 2026-11-27 08:00 UTC.
inline constexpr int64_t kSimNowMs = 1'795'766'400'000;

struct SimDevice {
  std::string name;
  FakeClock clock{kSimNowMs};
  std::unique_ptr<store::Store> store;
  int64_t cursor = 0;
};

struct LogEntry {
  std::string origin;
  sync::Change change;
};

class SimServer {
 public:
  explicit SimServer(const std::string& dir);
  store::Store& store() { return *store_; }
  const std::string& centre_id() const { return centre_id_; }
  const std::string& session_id() const { return session_id_; }
  const std::vector<std::string>& people() const { return people_; }
  const std::vector<LogEntry>& log() const { return log_; }

  // Sends the device's whole outbox (in batches of `batch`), as a push would.
  Status Push(SimDevice& device, size_t batch = 50);
  // Applies every log entry after the device's cursor that did not come from it.
  Status Pull(SimDevice& device, size_t page = 100);
  // Moves the server's own captured writes into the log.
  Status Publish();
  Status Erase(const std::string& person_id);

 private:
  Status Apply(sync::MergeSession& merge, const std::string& origin, sync::Change change);
  std::unique_ptr<store::Store> store_;
  FakeClock clock_{kSimNowMs};
  std::vector<LogEntry> log_;
  std::map<std::string, int64_t> acked_;
  std::string centre_id_, session_id_;
  std::vector<std::string> people_;
};

std::unique_ptr<SimDevice> NewDevice(const std::string& dir, const std::string& name);
int64_t Count(store::Database& db, const std::string& sql);
std::string Hash(store::Store& s, const std::string& centre_id);

}  // namespace mk::test
