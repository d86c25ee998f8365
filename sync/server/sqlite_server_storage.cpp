// SqliteServerStorage: the server tables in SQL, and the shared store code for the domain.
#include "sqlite_server_storage.h"

#include "server_schema.h"
#include "sync_log.h"

namespace mk::server {
namespace {

constexpr const char* kDeviceColumns = "id, centre_id, name, created_at, last_seen_at, revoked_at";

DeviceRecord DeviceFromRow(const store::Statement& st) {
  DeviceRecord d;
  d.id = st.ColumnText(0);
  d.centre_id = st.ColumnText(1);
  d.name = st.ColumnText(2);
  d.created_at = st.ColumnInt(3);
  d.last_seen_at = st.ColumnOptionalInt(4);
  d.revoked_at = st.ColumnOptionalInt(5);
  return d;
}

// Seen-times are kept to the minute: writing on every request would turn reads into writes.
constexpr int64_t kTouchIntervalMs = 60 * 1000;

}  // namespace

SqliteServerStorage::Lease::~Lease() {
  if (!store_) return;
  std::lock_guard<std::mutex> lock(owner_->mu_);
  owner_->idle_.push_back(std::move(store_));
  owner_->available_.notify_one();
}

std::string SqliteServerStorage::DatabasePath(const std::string& data_dir) { return data_dir + "/server.db"; }

Result<std::unique_ptr<SqliteServerStorage>> SqliteServerStorage::Open(const std::string& data_dir, Clock* clock,
                                                                       int connections) {
  assert(connections >= 1 && "the storage needs at least one connection");
  std::unique_ptr<SqliteServerStorage> storage(new SqliteServerStorage());
  const std::string path = DatabasePath(data_dir);
  MK_ASSIGN_OR_RETURN(store::Database checkpoint_db, store::Database::Open(path));
  storage->checkpointer_ = std::thread(&SqliteServerStorage::CheckpointLoop, storage.get(), std::move(checkpoint_db));
  for (int i = 0; i < connections; ++i) {
    MK_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> s, store::Store::Open(path, clock));
    // Replaces SQLite's automatic checkpoint in the committing thread (see the class comment).
    sqlite3_wal_hook(s->db().handle(), &SqliteServerStorage::OnWalCommit, storage.get());
    if (i == 0) {
      MK_RETURN_IF_ERROR(MigrateServerSchema(s->db()).WithContext(path));
      storage->server_device_id_ = s->device_id();
      // Writes of an earlier run that did not reach the log yet (a crash between the two).
      MK_RETURN_IF_ERROR(storage->DrainOutbox(*s).WithContext(path));
    }
    storage->idle_.push_back(std::move(s));
  }
  MK_ASSIGN_OR_RETURN(storage->merger_, store::Store::Open(path, clock, store::ChangeCapture::Mode::kClockOnly));
  sqlite3_wal_hook(storage->merger_->db().handle(), &SqliteServerStorage::OnWalCommit, storage.get());
  return storage;
}

SqliteServerStorage::~SqliteServerStorage() {
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_wanted_.notify_one();
  if (checkpointer_.joinable()) checkpointer_.join();
}

int SqliteServerStorage::OnWalCommit(void* self, sqlite3*, const char*, int pages) {
  if (pages < kCheckpointPages) return SQLITE_OK;
  auto* storage = static_cast<SqliteServerStorage*>(self);
  {
    std::lock_guard<std::mutex> lock(storage->checkpoint_mu_);
    storage->checkpoint_due_ = true;
  }
  storage->checkpoint_wanted_.notify_one();
  return SQLITE_OK;
}

void SqliteServerStorage::CheckpointLoop(store::Database db) {
  // This connection never writes, so SQLite's own checkpoint-on-commit never runs here either.
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(checkpoint_mu_);
      checkpoint_wanted_.wait(lock, [&] { return checkpoint_due_ || stopping_; });
      if (stopping_) return;
      checkpoint_due_ = false;
    }
    // PASSIVE copies what no reader still needs; what is left goes with the next signal. A
    // failure (the disk, say) leaves the WAL as it is: nothing is lost, the next one tries again.
    (void)sqlite3_wal_checkpoint_v2(db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
}

SqliteServerStorage::Lease SqliteServerStorage::Borrow() {
  std::unique_lock<std::mutex> lock(mu_);
  available_.wait(lock, [&] { return !idle_.empty(); });
  std::unique_ptr<store::Store> s = std::move(idle_.back());
  idle_.pop_back();
  return Lease(this, std::move(s));
}

Result<std::string> SqliteServerStorage::AddCentre(const store::Centre& centre) {
  Lease s = Borrow();
  MK_ASSIGN_OR_RETURN(std::string id, s->AddCentre(centre));
  MK_RETURN_IF_ERROR(DrainOutbox(*s));
  return id;
}

Result<std::vector<store::Centre>> SqliteServerStorage::ListCentres() { return Borrow()->ListCentres(); }

Result<std::optional<store::Centre>> SqliteServerStorage::FindCentre(const std::string& id) {
  Lease s = Borrow();
  auto centre = s->GetCentre(id);
  if (!centre.ok()) {
    if (centre.status().code() == ErrorCode::kNotFound) return std::optional<store::Centre>();
    return centre.status();
  }
  return std::optional<store::Centre>(std::move(*centre));
}

Status SqliteServerStorage::AddEnrolmentCode(const std::string& code_hash, const std::string& centre_id,
                                             int64_t now_ms, int64_t expires_at) {
  Lease s = Borrow();
  return s->Write([&](store::WriteContext& ctx) -> Status {
    auto centre = store::ReadCentre(ctx.db, centre_id);
    if (!centre.ok()) return centre.status();
    MK_ASSIGN_OR_RETURN(store::Statement st, ctx.db.Prepare(
        "INSERT INTO enrolment_codes(code_hash, centre_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)"));
    st.Bind(1, code_hash).Bind(2, centre_id).Bind(3, now_ms).Bind(4, expires_at);
    return st.Run().WithContext("storing the enrolment code");
  });
}

Result<RedeemResult> SqliteServerStorage::RedeemEnrolmentCode(const std::string& code_hash,
                                                              const std::string& token_hash,
                                                              const std::string& device_name,
                                                              const std::string& proposed_id, int64_t now_ms) {
  Lease s = Borrow();
  RedeemResult result;
  Status written = s->Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(store::Statement code, ctx.db.Prepare(
        "SELECT centre_id, expires_at, used_at FROM enrolment_codes WHERE code_hash = ?1"));
    code.Bind(1, code_hash);
    MK_ASSIGN_OR_RETURN(bool found, code.Step());
    if (!found) {
      result.outcome = RedeemOutcome::kUnknown;
      return Status::Ok();
    }
    const std::string centre_id = code.ColumnText(0);
    const int64_t expires_at = code.ColumnInt(1);
    if (!code.ColumnIsNull(2)) {
      result.outcome = RedeemOutcome::kUsed;
      return Status::Ok();
    }
    if (now_ms >= expires_at) {
      result.outcome = RedeemOutcome::kExpired;
      return Status::Ok();
    }
    DeviceRecord d;
    d.id = ctx.NewId();
    // The device's own id when nobody has it: then its changes carry the same origin everywhere.
    if (!proposed_id.empty() && proposed_id != server_device_id_) {
      MK_ASSIGN_OR_RETURN(store::Statement taken, ctx.db.Prepare("SELECT 1 FROM server_devices WHERE id = ?1"));
      taken.Bind(1, proposed_id);
      MK_ASSIGN_OR_RETURN(bool used, taken.Step());
      if (!used) d.id = proposed_id;
    }
    d.centre_id = centre_id;
    d.name = device_name;
    d.created_at = now_ms;
    d.last_seen_at = now_ms;
    MK_ASSIGN_OR_RETURN(store::Statement ins, ctx.db.Prepare(
        "INSERT INTO server_devices(id, centre_id, name, token_hash, created_at, last_seen_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?5)"));
    ins.Bind(1, d.id).Bind(2, d.centre_id).Bind(3, d.name).Bind(4, token_hash).Bind(5, now_ms);
    MK_RETURN_IF_ERROR(ins.Run().WithContext("creating the device"));
    MK_ASSIGN_OR_RETURN(store::Statement use, ctx.db.Prepare(
        "UPDATE enrolment_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1 AND used_at IS NULL"));
    use.Bind(1, code_hash).Bind(2, now_ms).Bind(3, d.id);
    MK_RETURN_IF_ERROR(use.Run());
    if (ctx.db.Changes() != 1) return Internal("the enrolment code changed under its write lock");
    result.outcome = RedeemOutcome::kOk;
    result.device = std::move(d);
    return Status::Ok();
  });
  MK_RETURN_IF_ERROR(written);
  return result;
}

Result<std::optional<DeviceRecord>> SqliteServerStorage::FindDeviceByTokenHash(const std::string& token_hash) {
  Lease s = Borrow();
  MK_ASSIGN_OR_RETURN(store::Statement* st, s->db().Cached(std::string("SELECT ") + kDeviceColumns +
                                                           " FROM server_devices WHERE token_hash = ?1"));
  st->Bind(1, token_hash);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  std::optional<DeviceRecord> out;
  if (row) out = DeviceFromRow(*st);
  MK_RETURN_IF_ERROR(st->Reset());
  return out;
}

Status SqliteServerStorage::TouchDevice(const DeviceRecord& device, int64_t now_ms) {
  if (device.last_seen_at && now_ms - *device.last_seen_at < kTouchIntervalMs) return Status::Ok();
  Lease s = Borrow();
  return s->Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(store::Statement st, ctx.db.Prepare(
        "UPDATE server_devices SET last_seen_at = ?2 WHERE id = ?1 AND (last_seen_at IS NULL OR last_seen_at < ?2)"));
    st.Bind(1, device.id).Bind(2, now_ms);
    return st.Run();
  });
}

Result<std::vector<DeviceRecord>> SqliteServerStorage::ListDevices() {
  Lease s = Borrow();
  MK_ASSIGN_OR_RETURN(store::Statement st, s->db().Prepare(std::string("SELECT ") + kDeviceColumns +
                                                           " FROM server_devices ORDER BY centre_id, created_at, id"));
  std::vector<DeviceRecord> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(DeviceFromRow(st));
  }
  return out;
}

Status SqliteServerStorage::RevokeDevice(const std::string& device_id, int64_t now_ms) {
  Lease s = Borrow();
  return s->Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(store::Statement find, ctx.db.Prepare("SELECT 1 FROM server_devices WHERE id = ?1"));
    find.Bind(1, device_id);
    MK_ASSIGN_OR_RETURN(bool found, find.Step());
    if (!found) return NotFound("no device with id " + device_id + " (see 'mintkiosk-server device list')");
    MK_ASSIGN_OR_RETURN(store::Statement st, ctx.db.Prepare(
        "UPDATE server_devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL"));
    st.Bind(1, device_id).Bind(2, now_ms);
    return st.Run();
  });
}

Result<std::vector<store::SessionView>> SqliteServerStorage::ListSessions(const std::string& centre_id,
                                                                          int64_t from_ms, int64_t to_ms) {
  return Borrow()->ListSessions(centre_id, from_ms, to_ms);
}

Result<std::optional<store::SessionView>> SqliteServerStorage::FindSession(const std::string& centre_id,
                                                                           const std::string& session_id) {
  Lease s = Borrow();
  MK_ASSIGN_OR_RETURN(store::Statement st, s->db().Prepare(
      "SELECT 1 FROM sessions JOIN courses ON courses.id = sessions.course_id "
      "WHERE sessions.id = ?1 AND courses.centre_id = ?2"));
  st.Bind(1, session_id).Bind(2, centre_id);
  MK_ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) return std::optional<store::SessionView>();
  MK_ASSIGN_OR_RETURN(store::SessionView view, s->GetSession(session_id));
  return std::optional<store::SessionView>(std::move(view));
}

Result<store::ImportSummary> SqliteServerStorage::ImportRegistrations(const std::string& path,
                                                                      const store::ImportOptions& options) {
  Lease s = Borrow();
  MK_ASSIGN_OR_RETURN(store::ImportSummary summary, store::ImportRegistrationsFile(*s, path, options));
  MK_RETURN_IF_ERROR(DrainOutbox(*s));
  return summary;
}

Result<store::DemoSummary> SqliteServerStorage::SeedDemo(const store::DemoOptions& options) {
  Lease s = Borrow();
  MK_ASSIGN_OR_RETURN(store::DemoSummary summary, store::SeedDemo(*s, options));
  MK_RETURN_IF_ERROR(DrainOutbox(*s));
  return summary;
}

Status SqliteServerStorage::DrainOutbox(store::Store& s) {
  MK_ASSIGN_OR_RETURN(bool pending, OutboxHasEntries(s.db()));
  if (!pending) return Status::Ok();
  return s.Write([&](store::WriteContext& ctx) -> Status {
    return DrainOutboxIntoLog(ctx.db, server_device_id_).status().WithContext(
        "moving the server's changes into the sync log");
  });
}

}  // namespace mk::server
