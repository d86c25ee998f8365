// A canonical text of a database's replicated data, to compare devices and the server.
#pragma once

#include <string>

#include "sync/store/database.h"

namespace mk::sync {

// Every replicated row of `centre_id` (and the global tables), table by table in key order,
// one line per row with columns in schema order; local bookkeeping (outbox, clocks, devices,
// the search index) is left out. Two databases with the same replicated data give the same text.
Result<std::string> CanonicalDump(store::Database& db, const std::string& centre_id);
// SHA-256 of CanonicalDump as hex.
Result<std::string> CanonicalHash(store::Database& db, const std::string& centre_id);

}  // namespace mk::sync
