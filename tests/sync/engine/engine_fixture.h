// Fixture of the sync-engine tests: a real mintkiosk-server with one centre, and devices
// enrolled with the real `mintkiosk enroll`, each with its own data directory and store.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sync/engine/sync_config.h"
#include "sync/store/store.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace mk::engine_test {

// `mintkiosk-server serve --listen 127.0.0.1:PORT` on a port chosen by the test, so a server can
// be stopped and come back at the same address (test::ServerProcess always takes a fresh port).
class FixedPortServer {
 public:
  FixedPortServer(const std::string& data_dir, int port);  // returns once it listens
  ~FixedPortServer();                                       // SIGKILL if still running
  FixedPortServer(const FixedPortServer&) = delete;
  FixedPortServer& operator=(const FixedPortServer&) = delete;
  int Stop();  // SIGTERM and wait: the exit code

 private:
  pid_t pid_ = -1;
};

// A server data directory with the centre "Zentrum Nord" and a running server.
class SyncServer {
 public:
  SyncServer();
  const std::string& data_dir() const { return dir_.path(); }
  const std::string& centre_id() const { return centre_id_; }
  std::string url() const;
  int port() const { return port_; }
  std::string NewCode();
  // Stops the server (SIGTERM); Start brings it back on the same port.
  void Stop();
  void Start();
  bool running() const { return process_ || fixed_; }
  // CanonicalHash of the centre in the server's database.
  std::string Hash();
  int64_t Count(const std::string& sql);

 private:
  test::TempDir dir_;
  std::string centre_id_;
  int port_ = 0;
  std::unique_ptr<test::ServerProcess> process_;
  std::unique_ptr<FixedPortServer> fixed_;
};

// One device: a data directory enrolled with the server through the CLI.
class Device {
 public:
  // Enrols at `server_url` (the server's own URL when empty: a link emulator's otherwise).
  explicit Device(SyncServer& server, const std::string& server_url = "");
  const std::string& dir() const { return dir_.path(); }
  std::string file(const std::string& name) const { return dir_.File(name); }
  const std::string& device_id() const { return device_id_; }
  const std::string& centre_id() const { return centre_id_; }
  sync::SyncConfig Config();
  // This test's own connection to the device's database (change capture on, system clock).
  store::Store& store();
  void CloseStore() { store_.reset(); }

  // A course with a session that is running now; returns the session id.
  std::string AddRunningSession(const std::string& title);
  std::string AddPerson(const std::string& first, const std::string& last);
  void CheckIn(const std::string& session_id, const std::string& person_id);
  test::ProcessResult Cli(const std::vector<std::string>& args);
  std::string Hash();
  int64_t Count(const std::string& sql);
  int64_t Waiting();

 private:
  test::TempDir dir_;
  std::string device_id_;
  std::string centre_id_;
  std::unique_ptr<store::Store> store_;
};

// Names take letters only: 0 -> "Aa", 1 -> "Ab", ... (distinct for n < 676).
std::string LetterName(int n);

// The single integer of a query.
int64_t QueryInt(store::Database& db, const std::string& sql);
bool Contains(const std::string& haystack, const std::string& needle);

}  // namespace mk::engine_test
