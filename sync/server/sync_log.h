// The server's sync log: every change the server accepted, in the order it accepted it; devices pull from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sync/protocol/change.h"
#include "sync/protocol/wire.h"
#include "sync/store/database.h"

namespace mk::server {

// sync_log(seq, centre_id, origin, tbl, key, op, hlc, device_time, fields) (server_schema.cpp).
// Invariants:
//   - seq increases in commit order (SQLite has one writer at a time), so a reader's snapshot
//     always holds a prefix of the log, and a cursor never skips an entry committed later;
//   - centre_id is the centre of the changed row, or kGlobalCentre for rows every centre shares;
//   - origin is the device whose change it was (the server's own meta.device_id for the
//     server's writes), so a device is not sent its own changes back;
//   - no entry holds a personal field of an erased person (ScrubLogOfPerson).

inline constexpr std::string_view kGlobalCentre = "*";

// Appends one change. REQUIRES: a write transaction is open.
Status AppendToLog(store::Database& db, std::string_view centre_id, std::string_view origin,
                   const sync::Change& change);

// AppendToLog for many changes in a row (a push batch): the same entries in the same order, but
// written by multi-row INSERTs, a statement per kRowsPerInsert changes instead of one each.
// Entries are held until Flush (or until kRowsPerInsert wait): call Flush before anything reads
// the log, and before the transaction commits. REQUIRES: a write transaction is open.
class LogAppender {
 public:
  static constexpr size_t kRowsPerInsert = 64;
  static constexpr int kColumns = 8;  // of sync_log written per entry
  explicit LogAppender(store::Database& db) : db_(db) {}
  // `wire_fields`: the change's fields as sync::WireFieldsText writes them (a push has them from
  // sync::CheckChange).
  Status Add(std::string_view centre_id, std::string_view origin, const sync::Change& change,
             std::string wire_fields);
  Status Flush();

 private:
  struct Entry {
    std::string centre_id, origin, table, key;
    sync::ChangeOp op = sync::ChangeOp::kUpsert;
    int64_t hlc = 0;
    int64_t device_time_ms = 0;
    std::string fields;
  };
  Status Write(size_t begin, size_t count);
  store::Database& db_;
  std::vector<Entry> pending_;
};

// True when the server's own outbox (sync_outbox of server.db) holds changes not logged yet.
Result<bool> OutboxHasEntries(store::Database& db);

// Moves the server's own captured writes (import, demo data, centres, erasures) from its outbox
// into the log with origin `origin`, each under the centre of its row. A change whose centre
// cannot be found (a tombstone of a row that never reached the log) is dropped: no device can
// hold that row. Returns how many entries were logged.
// REQUIRES: a write transaction is open.
Result<int64_t> DrainOutboxIntoLog(store::Database& db, const std::string& origin);

// Blanks the personal fields of `person_id` (erased by now) in every older log entry, so the
// log no longer holds them. Returns how many entries were rewritten.
// REQUIRES: a write transaction is open and the person is erased in `db`.
Result<int64_t> ScrubLogOfPerson(store::Database& db, const std::string& person_id);

// A page of the log for a device of `centre_id`: entries of the centre and global entries with
// seq > after, oldest first, at most `limit`, without those of `exclude_origin`. The cursor is
// the seq of the last entry sent when more wait, else the end of the log (so entries of the
// device itself at the end are passed over).
// REQUIRES: a transaction is open (read or write), so page and cursor come from one snapshot.
Result<sync::PullPage> ReadLogPage(store::Database& db, const std::string& centre_id, int64_t after, size_t limit,
                                   const std::string& exclude_origin);

// The same page as ReadLogPage, already encoded for the wire (sync::EncodePullPage's bytes): the
// stored fields text goes out as it is, without being parsed and serialised again.
// REQUIRES: a transaction is open (read or write).
Result<sync::EncodedPullPage> ReadEncodedLogPage(store::Database& db, const std::string& centre_id, int64_t after,
                                       size_t limit, const std::string& exclude_origin, int64_t server_time_ms);

// The greatest seq of the log (0 when empty).
Result<int64_t> LastLogSeq(store::Database& db);

// BEGIN (deferred) ... COMMIT for reads: one snapshot for several statements. Rolls back when
// dropped unfinished (reads have nothing to undo).
class ReadSnapshot {
 public:
  static Result<ReadSnapshot> Begin(store::Database& db);
  ReadSnapshot(ReadSnapshot&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(ReadSnapshot&&) = delete;
  ~ReadSnapshot();

 private:
  explicit ReadSnapshot(store::Database* db) : db_(db) {}
  store::Database* db_;
};

}  // namespace mk::server
