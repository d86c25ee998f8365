// The versioned local schema and its forward migrations (PRAGMA user_version).
#pragma once

#include "database.h"

namespace mk::store {

// The schema version this build writes. Version 0 is an empty file.
inline constexpr int kSchemaVersion = 5;

// Reads PRAGMA user_version.
Result<int> SchemaVersion(Database& db);

// Brings the database from its version up to `target` (default: kSchemaVersion), each step in
// its own transaction together with the new user_version, so a crash leaves it at a whole
// version. A database written by a newer mintkiosk is refused (kCorrupt with a message saying
// so) and left untouched.
// REQUIRES: 0 <= target <= kSchemaVersion.
Status Migrate(Database& db, int target = kSchemaVersion);

}  // namespace mk::store
