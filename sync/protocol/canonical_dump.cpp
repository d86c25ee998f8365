// The canonical dump of a centre's replicated data (see canonical_dump.h).
#include "canonical_dump.h"

#include <sodium.h>

#include "sync/common/text_encoding.h"
#include "sync/store/sync_tables.h"

namespace mk::sync {
namespace {

constexpr const char* kSessionsOfCentre =
    "SELECT s.id FROM sessions s JOIN courses c ON c.id = s.course_id WHERE c.centre_id = ?1";

// The condition selecting a table's rows of centre ?1.
std::string ScopeWhere(const store::SyncTable& t) {
  using S = store::SyncTable::Scope;
  switch (t.scope) {
    case S::kGlobal: return "1";
    case S::kIsCentre: return "id = ?1";
    case S::kOwnColumn: return "centre_id = ?1";
    case S::kParent:
      if (t.parent.table == "courses") return std::string(t.parent.column) + " IN (SELECT id FROM courses WHERE centre_id = ?1)";
      return std::string(t.parent.column) + " IN (" + kSessionsOfCentre + ")";
  }
  return "0";
}

}  // namespace

Result<std::string> CanonicalDump(store::Database& db, const std::string& centre_id) {
  std::string out;
  for (const store::SyncTable& t : store::SyncTables()) {
    std::string cols, order;
    for (std::string_view c : t.columns) cols += (cols.empty() ? "" : ", ") + std::string(c);
    for (std::string_view k : t.key_columns) order += (order.empty() ? "" : ", ") + std::string(k);
    MK_ASSIGN_OR_RETURN(store::Statement st, db.Prepare("SELECT json_array(" + cols + ") FROM " + std::string(t.name) +
                                                        " WHERE " + ScopeWhere(t) + " ORDER BY " + order));
    if (t.scope != store::SyncTable::Scope::kGlobal) st.Bind(1, centre_id);
    while (true) {
      MK_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      out += t.name;
      out += '\t';
      out += st.ColumnText(0);
      out += '\n';
    }
  }
  return out;
}

Result<std::string> CanonicalHash(store::Database& db, const std::string& centre_id) {
  MK_ASSIGN_OR_RETURN(std::string dump, CanonicalDump(db, centre_id));
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(dump.data()), dump.size());
  return HexLower(digest, sizeof digest);
}

}  // namespace mk::sync
