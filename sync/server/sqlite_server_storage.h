// ServerStorage on one embedded SQLite file: the domain schema of the devices plus the server tables.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server_storage.h"
#include "sync/common/clock.h"
#include "sync/store/store.h"

namespace mk::server {

// DIR/server.db holds many centres in the schema every device uses (so the importer, the demo
// data and the centre code are shared), and the server tables of server_schema.h.
//
// Thread safety: a pool of connections (one mk::store::Store each, used by one thread at a time);
// a call borrows one for its duration, waiting when all are busy. WAL lets the readers run in
// parallel; SQLite serialises the writers (every write is one IMMEDIATE transaction).
class SqliteServerStorage final : public ServerStorage {
 public:
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
                                           const std::string& device_name, int64_t now_ms) override;
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

  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<store::Store>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace mk::server
