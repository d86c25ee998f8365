// The sync record in meta, and progress arithmetic.
#include "sync_status.h"

#include <algorithm>
#include <charconv>

namespace mk::sync {

Result<std::optional<std::string>> ReadMeta(store::Database& db, const char* key) {
  MK_ASSIGN_OR_RETURN(store::Statement* st, db.Cached("SELECT value FROM meta WHERE key = ?1"));
  st->Bind(1, key);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  std::optional<std::string> value;
  if (row) value = st->ColumnText(0);
  MK_RETURN_IF_ERROR(st->Reset());
  return value;
}

Result<int64_t> ReadMetaInt(store::Database& db, const char* key, int64_t fallback) {
  MK_ASSIGN_OR_RETURN(std::optional<std::string> text, ReadMeta(db, key));
  if (!text) return fallback;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return Corrupt("meta '" + std::string(key) + "' holds '" + *text + "', not a number");
  }
  return value;
}

Status WriteMeta(store::Database& db, const char* key, const std::string& value) {
  MK_ASSIGN_OR_RETURN(store::Statement* st,
                      db.Cached("INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2"));
  st->Bind(1, key).Bind(2, value);
  return st->Run();
}

Status DeleteMeta(store::Database& db, const char* key) {
  MK_ASSIGN_OR_RETURN(store::Statement* st, db.Cached("DELETE FROM meta WHERE key = ?1"));
  st->Bind(1, key);
  return st->Run();
}

Result<SyncRecord> ReadSyncRecord(store::Database& db) {
  SyncRecord r;
  MK_ASSIGN_OR_RETURN(r.pull_cursor, ReadMetaInt(db, kMetaPullCursor, 0));
  MK_ASSIGN_OR_RETURN(r.clock_skew_ms, ReadMetaInt(db, kMetaClockSkew, 0));
  MK_ASSIGN_OR_RETURN(const int64_t success, ReadMetaInt(db, kMetaLastSuccess, -1));
  if (success >= 0) r.last_success_ms = success;
  MK_ASSIGN_OR_RETURN(const int64_t attempt, ReadMetaInt(db, kMetaLastAttempt, -1));
  if (attempt >= 0) r.last_attempt_ms = attempt;
  MK_ASSIGN_OR_RETURN(std::optional<std::string> error, ReadMeta(db, kMetaLastError));
  r.last_error = error.value_or("");
  MK_ASSIGN_OR_RETURN(const int64_t online, ReadMetaInt(db, kMetaOnline, -1));
  if (online >= 0) r.online = online == 1;
  return r;
}

std::optional<int> SyncProgress::Percent() const {
  if (phase != Phase::kPush || changes_to_send <= 0) return std::nullopt;
  const int64_t sent = std::clamp<int64_t>(changes_sent, 0, changes_to_send);
  return static_cast<int>(sent * 100 / changes_to_send);
}

}  // namespace mk::sync
