// Forward migrations of the server tables, tracked in meta.server_schema_version.
#include "server_schema.h"

#include <string>

namespace mk::server {
namespace {

// Version 1: enrolled devices and one-time enrolment codes. Only hashes of tokens and codes are
// stored, so a copy of the database does not let anyone act as a device.
constexpr const char* kServerVersion1 = R"sql(
CREATE TABLE server_devices (
  id           TEXT PRIMARY KEY,
  centre_id    TEXT NOT NULL REFERENCES centres(id),
  name         TEXT NOT NULL DEFAULT '',
  token_hash   TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER,
  revoked_at   INTEGER
);
CREATE INDEX server_devices_by_centre ON server_devices(centre_id);

CREATE TABLE enrolment_codes (
  code_hash  TEXT PRIMARY KEY,
  centre_id  TEXT NOT NULL REFERENCES centres(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER,
  device_id  TEXT REFERENCES server_devices(id)
) WITHOUT ROWID;
)sql";

// Version 2: sync. sync_log is the server's record of every replicated change, in the order the
// server accepted it; its seq is the cursor devices pull from. Changes of global rows (target
// groups) carry centre_id '*'. sync_devices holds what the server knows of each device's
// outbox: every change up to acked_seq is applied (so a replayed one is skipped).
constexpr const char* kServerVersion2 = R"sql(
CREATE TABLE sync_log (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  centre_id   TEXT NOT NULL,
  origin      TEXT NOT NULL,
  tbl         TEXT NOT NULL,
  key         TEXT NOT NULL,
  op          TEXT NOT NULL CHECK (op IN ('u','d','e')),
  hlc         INTEGER NOT NULL,
  device_time INTEGER NOT NULL,
  fields      TEXT NOT NULL
);
CREATE INDEX sync_log_by_centre ON sync_log(centre_id, seq);
CREATE INDEX sync_log_by_row ON sync_log(tbl, key);

CREATE TABLE sync_devices (
  device_id     TEXT PRIMARY KEY REFERENCES server_devices(id),
  acked_seq     INTEGER NOT NULL DEFAULT 0,
  clock_skew_ms INTEGER,
  last_push_at  INTEGER,
  last_pull_at  INTEGER
) WITHOUT ROWID;
)sql";

// Version 3: the log's row index leaves out attendance, most of the log (a check-in is one
// entry). It serves finding a deleted row's centre and a person's own entries at an erasure;
// attendance is never deleted, and an erasure finds attendance entries by the end of their key,
// which no index on (tbl, key) serves anyway. One index write less per check-in.
constexpr const char* kServerVersion3 = R"sql(
DROP INDEX sync_log_by_row;
CREATE INDEX sync_log_by_row ON sync_log(tbl, key) WHERE tbl <> 'attendance';
)sql";

// Version 4: the log's op check as an OR chain. SQLite evaluates "op IN ('u','d','e')" by
// building a temporary B-tree of the three values for every row written, once per logged
// change. The log is rebuilt with the same rows, indexes and AUTOINCREMENT counter, so no seq
// (a device's pull cursor) is ever reused.
constexpr const char* kServerVersion4 = R"sql(
CREATE TABLE sync_log_v4 (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  centre_id   TEXT NOT NULL,
  origin      TEXT NOT NULL,
  tbl         TEXT NOT NULL,
  key         TEXT NOT NULL,
  op          TEXT NOT NULL CHECK (op = 'u' OR op = 'd' OR op = 'e'),
  hlc         INTEGER NOT NULL,
  device_time INTEGER NOT NULL,
  fields      TEXT NOT NULL
);
INSERT INTO sync_log_v4(seq, centre_id, origin, tbl, key, op, hlc, device_time, fields)
  SELECT seq, centre_id, origin, tbl, key, op, hlc, device_time, fields FROM sync_log;
DELETE FROM sqlite_sequence WHERE name = 'sync_log_v4';
INSERT INTO sqlite_sequence(name, seq) SELECT 'sync_log_v4', seq FROM sqlite_sequence WHERE name = 'sync_log';
DROP TABLE sync_log;
ALTER TABLE sync_log_v4 RENAME TO sync_log;
CREATE INDEX sync_log_by_centre ON sync_log(centre_id, seq);
CREATE INDEX sync_log_by_row ON sync_log(tbl, key) WHERE tbl <> 'attendance';
)sql";

constexpr const char* kServerMigrations[] = {kServerVersion1, kServerVersion2, kServerVersion3, kServerVersion4};
static_assert(sizeof(kServerMigrations) / sizeof(kServerMigrations[0]) == kServerSchemaVersion,
              "every server schema version needs exactly one migration");

Result<int> ServerVersion(store::Database& db) {
  MK_ASSIGN_OR_RETURN(store::Statement st, db.Prepare("SELECT value FROM meta WHERE key = 'server_schema_version'"));
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return 0;
  return static_cast<int>(std::stoll(st.ColumnText(0)));
}

}  // namespace

Status MigrateServerSchema(store::Database& db, int target) {
  MK_ASSIGN_OR_RETURN(int current, ServerVersion(db));
  if (current > kServerSchemaVersion) {
    return Corrupt("this server database was written by a newer mintkiosk-server (server schema " +
                   std::to_string(current) + ", this build knows " + std::to_string(kServerSchemaVersion) +
                   "); update mintkiosk-server");
  }
  for (int version = 1; version <= target && version <= kServerSchemaVersion; ++version) {
    MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
    // Another process may have migrated between our read and our lock.
    MK_ASSIGN_OR_RETURN(int now, ServerVersion(db));
    if (now >= version) continue;
    MK_RETURN_IF_ERROR(db.Exec(kServerMigrations[version - 1]));
    MK_ASSIGN_OR_RETURN(store::Statement st, db.Prepare(
        "INSERT INTO meta(key, value) VALUES ('server_schema_version', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1"));
    st.Bind(1, std::to_string(version));
    MK_RETURN_IF_ERROR(st.Run());
    MK_RETURN_IF_ERROR(tx.Commit());
  }
  return Status::Ok();
}

}  // namespace mk::server
