// Opening the local store: schema migration and the device's identity.
#include "store.h"

#include "schema.h"

namespace mk::store {
namespace {

Result<std::optional<std::string>> ReadMeta(Database& db, std::string_view key) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT value FROM meta WHERE key = ?1"));
  st.Bind(1, key);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(st.ColumnText(0));
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, Clock* clock, ChangeCapture::Mode capture) {
  assert(clock && "Store::Open needs a clock");
  MK_ASSIGN_OR_RETURN(Database db, Database::Open(path));
  MK_RETURN_IF_ERROR(Migrate(db));

  MK_ASSIGN_OR_RETURN(std::optional<std::string> device_id, ReadMeta(db, "device_id"));
  if (!device_id) {
    MK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
    // Another process may have created it between our read and our lock.
    MK_ASSIGN_OR_RETURN(device_id, ReadMeta(db, "device_id"));
    if (!device_id) {
      UuidGenerator ids;
      const int64_t now = clock->NowMs();
      device_id = ids.Next(now);
      MK_ASSIGN_OR_RETURN(Statement meta, db.Prepare("INSERT INTO meta(key, value) VALUES ('device_id', ?1)"));
      meta.Bind(1, *device_id);
      MK_RETURN_IF_ERROR(meta.Run());
      MK_ASSIGN_OR_RETURN(Statement dev, db.Prepare(
          "INSERT INTO devices(id, centre_id, name, kind, created_at) VALUES (?1, NULL, 'this device', 'kiosk', ?2)"));
      dev.Bind(1, *device_id).Bind(2, now);
      MK_RETURN_IF_ERROR(dev.Run());
    }
    MK_RETURN_IF_ERROR(tx.Commit());
  }
  std::unique_ptr<Store> store(new Store(std::move(db), clock, *device_id));
  MK_ASSIGN_OR_RETURN(store->capture_, ChangeCapture::Install(store->db_, clock, capture));
  return store;
}

}  // namespace mk::store
