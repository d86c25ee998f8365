// The server's own tables (devices with tokens, enrolment codes, the sync log) on top of the shared domain schema.
#pragma once

#include "sync/store/database.h"

namespace mk::server {

// The server schema version this build writes, kept in meta.server_schema_version (the domain
// schema keeps PRAGMA user_version, see sync/store/schema.h).
inline constexpr int kServerSchemaVersion = 4;

// Applies the missing server migrations up to `target`, each in its own transaction with the
// new version. A file written by a newer server is refused (kCorrupt) and left untouched.
// REQUIRES: the domain schema is current (store::Migrate ran); 1 <= target <= kServerSchemaVersion.
Status MigrateServerSchema(store::Database& db, int target = kServerSchemaVersion);

}  // namespace mk::server
