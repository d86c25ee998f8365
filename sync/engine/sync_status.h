// What a device knows about its sync: the record kept in the store's meta table (so the CLI
// and the kiosk see the same), and the live status a background worker shows while it runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sync/common/status.h"
#include "sync/store/database.h"

namespace mk::sync {

// Keys of the meta table (text values; numbers in decimal).
inline constexpr const char* kMetaPullCursor = "sync.pull_cursor";      // last log position pulled
inline constexpr const char* kMetaClockSkew = "sync.clock_skew_ms";     // server time - device time
inline constexpr const char* kMetaLastSuccess = "sync.last_success_ms"; // UTC ms of the last full sync
inline constexpr const char* kMetaLastAttempt = "sync.last_attempt_ms"; // UTC ms of the last attempt
inline constexpr const char* kMetaLastError = "sync.last_error";        // plain words; absent: none
inline constexpr const char* kMetaOnline = "sync.online";               // "1": the server answered
// What the link has carried lately: changes per push batch and per pull page. Halved when a
// transfer breaks off, grown by an eighth after each one that gets through, so a link that
// drops every few dozen kilobytes still moves forward (docs/sync-protocol.md).
inline constexpr const char* kMetaPushLimit = "sync.push_limit";
inline constexpr const char* kMetaPullLimit = "sync.pull_limit";

// The persisted record. Written by SyncEngine (and bundle import for the cursor).
struct SyncRecord {
  int64_t pull_cursor = 0;
  int64_t clock_skew_ms = 0;
  std::optional<int64_t> last_success_ms;
  std::optional<int64_t> last_attempt_ms;
  std::string last_error;       // "" when the last attempt succeeded or none was made
  std::optional<bool> online;   // whether the server answered at the last attempt; nullopt: never tried
};

Result<SyncRecord> ReadSyncRecord(store::Database& db);
Result<std::optional<std::string>> ReadMeta(store::Database& db, const char* key);
// An integer value, `fallback` when absent; kCorrupt naming the key when not a number.
Result<int64_t> ReadMetaInt(store::Database& db, const char* key, int64_t fallback);
// REQUIRES (both): a write transaction is open, or the caller accepts an autocommit write.
Status WriteMeta(store::Database& db, const char* key, const std::string& value);
Status DeleteMeta(store::Database& db, const char* key);

// Progress of the sync that is running.
struct SyncProgress {
  enum class Phase { kIdle, kPush, kPull, kFiles };
  Phase phase = Phase::kIdle;
  int64_t changes_to_send = 0;   // waiting when the sync started
  int64_t changes_sent = 0;
  int64_t changes_received = 0;
  int64_t bytes_sent = 0;        // request bodies, as on the wire (compressed)
  int64_t bytes_received = 0;    // response bodies
  int file_index = 0;            // kFiles: the file being moved, of file_count
  int file_count = 0;
  // 0..100 where it is known: the share of waiting changes already sent while pushing (a pull
  // does not know how much is still to come).
  std::optional<int> Percent() const;
};

// The snapshot a SyncWorker exposes to the UI (a copy; safe to keep).
struct SyncStatus {
  bool enrolled = false;
  bool running = false;                 // a sync is in progress
  std::optional<bool> online;           // the server answered at the last attempt
  int64_t waiting_changes = 0;          // outbox entries not acknowledged yet
  std::optional<int64_t> last_success_ms;
  std::optional<int64_t> last_attempt_ms;
  std::string last_error;               // plain words; "" when the last attempt succeeded
  int consecutive_failures = 0;
  int64_t retry_ceiling_ms = 0;         // the backoff's current upper bound (0 when not failing)
  int64_t attempts = 0;                 // syncs started by this worker
  int64_t successes = 0;                // of them, complete
  SyncProgress progress;                // of the running sync (phase kIdle when none)
};

}  // namespace mk::sync
