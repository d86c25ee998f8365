// ServerStorage on one embedded SQLite file: the domain schema of the devices plus the server tables.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server_storage.h"
#include "sync/common/clock.h"
#include "sync/store/store.h"

namespace mk::server {

class PushSource;  // the changes of one push, decoded or being decoded (sqlite_server_sync.cpp)

// DIR/server.db holds many centres in the schema every device uses (so the importer, the demo
// data and the centre code are shared), and the server tables of server_schema.h.
//
// Sync: pushed changes are merged with the same code as on a device (capture suppressed) and
// logged in sync_log (sync_log.h). The server's own writes (import, demo, centres, erasure) are
// captured into server.db's sync_outbox like a device's, and moved into sync_log with the
// server's device id as origin right after the write, and in any case before a push is applied
// or a pull is answered.
//
// Thread safety: a pool of connections (one mk::store::Store each, used by one thread at a time);
// a call borrows one for its duration, waiting when all are busy. WAL lets the readers run in
// parallel; SQLite serialises the writers (every write is one IMMEDIATE transaction).
//
// Durability and checkpoints: every commit syncs the WAL (synchronous=FULL) before the call
// returns, so what a push acknowledges is on disk. Copying the WAL back into the database file
// (a checkpoint, with a sync of the database file) is not a commit's business here: the pool's
// connections only signal that the WAL has grown past kCheckpointPages, and a thread of the
// storage with its own connection checkpoints (PASSIVE: it never blocks readers or the writer).
class SqliteServerStorage final : public ServerStorage {
 public:
  // WAL pages (4 KiB each) after which the checkpoint thread copies the WAL back.
  static constexpr int kCheckpointPages = 1000;

  ~SqliteServerStorage() override;
  // Opens (creating, migrating) DIR/server.db with `connections` connections (>= 1).
  static Result<std::unique_ptr<SqliteServerStorage>> Open(const std::string& data_dir, Clock* clock,
                                                           int connections);
  static std::string DatabasePath(const std::string& data_dir);

  Result<std::string> AddCentre(const store::Centre& centre) override;
  Result<std::vector<store::Centre>> ListCentres() override;
  Result<std::optional<store::Centre>> FindCentre(const std::string& id) override;
  Status AddEnrolmentCode(const std::string& code_hash, const std::string& centre_id, int64_t now_ms,
                          int64_t expires_at) override;
  Result<RedeemResult> RedeemEnrolmentCode(const std::string& code_hash, const std::string& token_hash,
                                           const std::string& device_name, const std::string& proposed_id,
                                           int64_t now_ms) override;
  Result<std::optional<DeviceRecord>> FindDeviceByTokenHash(const std::string& token_hash) override;
  Status TouchDevice(const DeviceRecord& device, int64_t now_ms) override;
  Result<std::vector<DeviceRecord>> ListDevices() override;
  Status RevokeDevice(const std::string& device_id, int64_t now_ms) override;
  Result<std::vector<store::SessionView>> ListSessions(const std::string& centre_id, int64_t from_ms,
                                                       int64_t to_ms) override;
  Result<std::optional<store::SessionView>> FindSession(const std::string& centre_id,
                                                        const std::string& session_id) override;
  Result<store::ImportSummary> ImportRegistrations(const std::string& path,
                                                   const store::ImportOptions& options) override;
  Result<store::DemoSummary> SeedDemo(const store::DemoOptions& options) override;
  Result<PushResult> ApplyPush(const DeviceRecord& device, const sync::PushBatch& batch, int64_t now_ms) override;
  Result<PushResult> ApplyPushStream(const DeviceRecord& device, sync::PushBatchStream& stream,
                                     int64_t now_ms) override;
  Result<sync::EncodedPullPage> ReadLog(const std::string& centre_id, int64_t after, size_t limit,
                                 const std::string& exclude_origin, int64_t now_ms) override;
  Status NotePull(const std::string& device_id, int64_t now_ms) override;
  Result<EraseResult> ErasePerson(const std::string& centre_id, const std::string& person_id) override;
  Result<ExportedBundle> ExportBundleFor(const std::string& device_id, int64_t now_ms) override;
  Result<ImportedBundle> ImportBundle(std::string_view bytes, int64_t now_ms) override;

  // The server's own device id (meta.device_id of server.db): the origin of its writes in the log.
  const std::string& server_device_id() const { return server_device_id_; }

 private:
  // A borrowed connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(SqliteServerStorage* owner, std::unique_ptr<store::Store> store)
        : owner_(owner), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Store& operator*() { return *store_; }
    store::Store* operator->() { return store_.get(); }

   private:
    SqliteServerStorage* owner_;
    std::unique_ptr<store::Store> store_;
  };

  SqliteServerStorage() = default;
  Lease Borrow();
  // The checkpoint thread: waits for a signal of the connections' WAL hook, then checkpoints.
  void CheckpointLoop(store::Database db);
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  // Logs the server's own captured writes (in a transaction of its own); see sync_log.h.
  Status DrainOutbox(store::Store& s);
  // ApplyPush and ApplyPushStream: the changes come from `source` (sqlite_server_sync.cpp).
  Result<PushResult> ApplyPushFrom(const DeviceRecord& device, PushSource& source, int64_t now_ms);

  std::string server_device_id_;  // set by Open, then read-only

  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<store::Store>> idle_;  // GUARDED_BY(mu_)

  // Pushes are merged on a connection of their own, one push at a time (SQLite has one writer at
  // a time anyway). It has no capture triggers (ChangeCapture::Mode::kClockOnly): a push is
  // applied with capture suppressed, and a suppressed trigger still costs SQLite a trigger
  // program for every row the merge writes.
  std::mutex merge_mu_;
  std::unique_ptr<store::Store> merger_;  // GUARDED_BY(merge_mu_)

  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_due_ = false;  // GUARDED_BY(checkpoint_mu_)
  bool stopping_ = false;        // GUARDED_BY(checkpoint_mu_)
  std::thread checkpointer_;
};

}  // namespace mk::server
