// The sync log in SQL: appending, draining the server's own outbox, scrubbing erased people, reading pages.
#include "sync_log.h"

#include <algorithm>
#include <cassert>
#include <nlohmann/json.hpp>

#include "sync/protocol/merge.h"
#include "sync/protocol/outbox.h"
#include "sync/store/sync_tables.h"

namespace mk::server {
namespace {

using store::Database;
using store::Statement;

constexpr const char* kLogColumns = "seq, origin, tbl, key, op, hlc, device_time, fields";

// Outbox entries moved per round of a drain: bounds the memory of draining a large import.
constexpr size_t kDrainBatch = 1000;
constexpr size_t kDrainBatchBytes = 4 * 1024 * 1024;

struct LogRow {
  int64_t seq = 0;
  std::string origin;
  sync::Change change;
};

// A log row as a change. Rows are written only by AppendToLog, so a row that does not parse
// means the file was damaged or edited by hand.
Result<LogRow> RowFromStatement(const Statement& st) {
  LogRow row;
  row.seq = st.ColumnInt(0);
  row.origin = st.ColumnText(1);
  row.change.table = st.ColumnText(2);
  row.change.key = st.ColumnText(3);
  std::optional<sync::ChangeOp> op = sync::ParseChangeOp(st.ColumnText(4));
  row.change.hlc = static_cast<HlcStamp>(st.ColumnInt(5));
  row.change.device_time_ms = st.ColumnInt(6);
  row.change.fields = nlohmann::json::parse(st.ColumnText(7), nullptr, /*allow_exceptions=*/false);
  if (!op || !row.change.fields.is_object()) {
    return Corrupt("sync_log entry " + std::to_string(row.seq) + " is damaged (op or fields unreadable)");
  }
  row.change.op = *op;
  // The log keeps fields as they travel (sync::WireFieldsText); entries written before that
  // still hold their key columns, which this overwrites with the same values.
  sync::RestoreKeyFields(row.change);
  return row;
}

// The centre to log a server-made change under: the centre of its row, else the centre the row
// was logged under before (a tombstone), else nothing.
Result<std::optional<std::string>> CentreForServerChange(Database& db, sync::MergeSession& merge,
                                                        const sync::Change& change) {
  auto centre = merge.CentreOf(change);
  if (centre.ok()) return std::optional<std::string>(centre->empty() ? std::string(kGlobalCentre) : *centre);
  const ErrorCode code = centre.status().code();
  if (code == ErrorCode::kBusy || code == ErrorCode::kIo || code == ErrorCode::kCorrupt) return centre.status();
  // "tbl <> 'attendance'" lets SQLite use the partial index sync_log_by_row (attendance is never
  // deleted, so it never needs this).
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "SELECT centre_id FROM sync_log WHERE tbl = ?1 AND key = ?2 AND tbl <> 'attendance' ORDER BY seq DESC LIMIT 1"));
  st->Bind(1, change.table).Bind(2, change.key);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  std::optional<std::string> out;
  if (row) out = st->ColumnText(0);
  MK_RETURN_IF_ERROR(st->Reset());
  return out;
}

// Steps one of the two log streams of a page (the centre's and the global one).
struct Stream {
  Statement* st = nullptr;
  bool has_row = false;
  Status Advance() {
    auto row = st->Step();
    if (!row.ok()) return row.status();
    has_row = *row;
    return Status::Ok();
  }
};

}  // namespace

Result<ReadSnapshot> ReadSnapshot::Begin(Database& db) {
  MK_RETURN_IF_ERROR(db.Exec("BEGIN").WithContext("starting a read of the sync log"));
  return ReadSnapshot(&db);
}

ReadSnapshot::~ReadSnapshot() {
  if (db_) (void)db_->Exec("ROLLBACK");
}

Status AppendToLog(Database& db, std::string_view centre_id, std::string_view origin, const sync::Change& change) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "INSERT INTO sync_log(centre_id, origin, tbl, key, op, hlc, device_time, fields) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  st->Bind(1, centre_id)
      .Bind(2, origin)
      .Bind(3, change.table)
      .Bind(4, change.key)
      .Bind(5, sync::ChangeOpCode(change.op))
      .Bind(6, static_cast<int64_t>(change.hlc))
      .Bind(7, change.device_time_ms)
      .Bind(8, sync::WireFieldsText(change));
  return st->Run().WithContext("appending " + change.table + " " + change.key + " to the sync log");
}

Status LogAppender::Add(std::string_view centre_id, std::string_view origin, const sync::Change& change,
                        std::string wire_fields) {
  pending_.push_back({std::string(centre_id), std::string(origin), change.table, change.key, change.op,
                      static_cast<int64_t>(change.hlc), change.device_time_ms, std::move(wire_fields)});
  if (pending_.size() < kRowsPerInsert) return Status::Ok();
  return Flush();
}

Status LogAppender::Flush() {
  size_t done = 0;
  while (done < pending_.size()) {
    const size_t count = std::min(kRowsPerInsert, pending_.size() - done);
    MK_RETURN_IF_ERROR(Write(done, count));
    done += count;
  }
  pending_.clear();
  return Status::Ok();
}

namespace {

// The INSERT of `count` log entries (1 to kRowsPerInsert), written once per process.
const std::string& AppendSql(size_t count) {
  static const std::vector<std::string> kSql = [] {
    constexpr int kColumns = LogAppender::kColumns;
    std::vector<std::string> out(LogAppender::kRowsPerInsert + 1);
    std::string values;
    for (size_t n = 1; n < out.size(); ++n) {
      const int base = static_cast<int>(n - 1) * kColumns;
      values += n == 1 ? "(" : ",(";
      for (int c = 1; c <= kColumns; ++c) {
        values += '?';
        values += std::to_string(base + c);
        values += c == kColumns ? ")" : ",";
      }
      out[n] = "INSERT INTO sync_log(centre_id, origin, tbl, key, op, hlc, device_time, fields) VALUES " + values;
    }
    return out;
  }();
  return kSql[count];
}

}  // namespace

Status LogAppender::Write(size_t begin, size_t count) {
  // Prepared once per row count and connection: a full statement, and the last partial one.
  MK_ASSIGN_OR_RETURN(Statement* st, db_.Cached(AppendSql(count)));
  // The entries stay in pending_ until the statement has run: their text is bound without a copy.
  for (size_t i = 0; i < count; ++i) {
    const Entry& e = pending_[begin + i];
    const int base = static_cast<int>(i) * kColumns;
    st->BindView(base + 1, e.centre_id)
        .BindView(base + 2, e.origin)
        .BindView(base + 3, e.table)
        .BindView(base + 4, e.key)
        .BindView(base + 5, sync::ChangeOpCode(e.op))
        .Bind(base + 6, e.hlc)
        .Bind(base + 7, e.device_time_ms)
        .BindView(base + 8, e.fields);
  }
  const Entry& first = pending_[begin];
  return st->Run().WithContext("appending " + std::to_string(count) + " changes from " + first.table + " " +
                               first.key + " on to the sync log");
}

Result<bool> OutboxHasEntries(Database& db) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached("SELECT EXISTS (SELECT 1 FROM sync_outbox)"));
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  const bool any = row && st->ColumnInt(0) != 0;
  MK_RETURN_IF_ERROR(st->Reset());
  return any;
}

Result<int64_t> DrainOutboxIntoLog(Database& db, const std::string& origin) {
  int64_t logged = 0;
  // Draining writes only the log and the outbox, so the centres looked up stay right throughout.
  sync::MergeSession merge(db);
  for (;;) {
    MK_ASSIGN_OR_RETURN(std::vector<sync::OutboxEntry> entries,
                        sync::ReadOutbox(db, 0, kDrainBatch, kDrainBatchBytes));
    if (entries.empty()) return logged;
    for (const sync::OutboxEntry& e : entries) {
      MK_ASSIGN_OR_RETURN(std::optional<std::string> centre, CentreForServerChange(db, merge, e.change));
      if (!centre) continue;
      MK_RETURN_IF_ERROR(AppendToLog(db, *centre, origin, e.change));
      ++logged;
    }
    MK_RETURN_IF_ERROR(sync::AcknowledgeOutbox(db, entries.back().seq));
  }
}

Result<int64_t> ScrubLogOfPerson(Database& db, const std::string& person_id) {
  // Tables with personal columns hold them either in the person's own row (people) or in rows
  // keyed by (..., person_id) (attendance); ScrubErased decides what to blank.
  std::string tables;
  for (const store::SyncTable& t : store::SyncTables()) {
    if (t.name == "people") continue;
    bool personal = false;
    for (std::string_view col : t.columns) personal = personal || store::IsPersonalColumn(t.name, col);
    if (personal) tables += std::string(tables.empty() ? "" : ", ") + "'" + std::string(t.name) + "'";
  }
  // The people part is found by the partial index sync_log_by_row (its condition is repeated so
  // that SQLite may use it); the other part reads the log's rows of those tables.
  std::string sql = std::string("SELECT ") + kLogColumns +
                    " FROM sync_log WHERE (tbl = 'people' AND key = ?1 AND tbl <> 'attendance')";
  if (!tables.empty()) sql += " OR (tbl IN (" + tables + ") AND key LIKE '%|' || ?1)";
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(sql));
  st.Bind(1, person_id);
  std::vector<std::pair<int64_t, std::string>> rewrites;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool has, st.Step());
    if (!has) break;
    MK_ASSIGN_OR_RETURN(LogRow row, RowFromStatement(st));
    const nlohmann::json before = row.change.fields;
    MK_ASSIGN_OR_RETURN(bool still_has_effect, sync::ScrubErased(db, row.change));
    (void)still_has_effect;  // blanked fields still order the row's clocks: the entry stays
    if (row.change.fields != before) rewrites.emplace_back(row.seq, sync::WireFieldsText(row.change));
  }
  for (const auto& [seq, fields] : rewrites) {
    MK_ASSIGN_OR_RETURN(Statement* up, db.Cached("UPDATE sync_log SET fields = ?1 WHERE seq = ?2"));
    up->Bind(1, fields).Bind(2, seq);
    MK_RETURN_IF_ERROR(up->Run().WithContext("scrubbing sync_log entry " + std::to_string(seq)));
  }
  return static_cast<int64_t>(rewrites.size());
}

Result<int64_t> LastLogSeq(Database& db) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached("SELECT coalesce(max(seq), 0) FROM sync_log"));
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  const int64_t last = row ? st->ColumnInt(0) : 0;
  MK_RETURN_IF_ERROR(st->Reset());
  return last;
}

namespace {

// Visits the entries of a page (see ReadLogPage) in seq order with the statement positioned on
// each; sets the page's cursor and whether more wait.
template <typename Visit>
Status ScanLogPage(Database& db, const std::string& centre_id, int64_t after, size_t limit,
                   const std::string& exclude_origin, int64_t* cursor, bool* more, Visit&& visit) {
  assert(limit >= 1 && "a page holds at least one change");
  // Two index range scans (centre, seq) merged by seq: the centre's entries and the global ones.
  // Each stops after limit + 1 rows, so a page costs the same wherever the cursor stands.
  const std::string sql = std::string("SELECT ") + kLogColumns +
                          " FROM sync_log WHERE centre_id = ?1 AND seq > ?2 AND origin <> ?3 ORDER BY seq LIMIT ?4";
  MK_ASSIGN_OR_RETURN(Statement own_st, db.Prepare(sql));
  MK_ASSIGN_OR_RETURN(Statement global_st, db.Prepare(sql));
  const int64_t fetch = static_cast<int64_t>(limit) + 1;
  own_st.Bind(1, centre_id).Bind(2, after).Bind(3, exclude_origin).Bind(4, fetch);
  global_st.Bind(1, kGlobalCentre).Bind(2, after).Bind(3, exclude_origin).Bind(4, fetch);
  Stream own{&own_st};
  Stream global{&global_st};
  MK_RETURN_IF_ERROR(own.Advance());
  MK_RETURN_IF_ERROR(global.Advance());

  *cursor = after;
  *more = false;
  size_t count = 0;
  while (own.has_row || global.has_row) {
    Stream* next = &own;
    if (!own.has_row || (global.has_row && global.st->ColumnInt(0) < own.st->ColumnInt(0))) next = &global;
    if (count == limit) {
      *more = true;
      return Status::Ok();
    }
    MK_RETURN_IF_ERROR(visit(*next->st));
    *cursor = next->st->ColumnInt(0);
    ++count;
    MK_RETURN_IF_ERROR(next->Advance());
  }
  // Nothing more for this device: move the cursor to the end of the log, past entries of the
  // device itself and of other centres.
  MK_ASSIGN_OR_RETURN(int64_t last, LastLogSeq(db));
  *cursor = std::max(*cursor, last);
  return Status::Ok();
}

}  // namespace

Result<sync::PullPage> ReadLogPage(Database& db, const std::string& centre_id, int64_t after, size_t limit,
                                   const std::string& exclude_origin) {
  sync::PullPage page;
  MK_RETURN_IF_ERROR(ScanLogPage(db, centre_id, after, limit, exclude_origin, &page.cursor, &page.more,
                                 [&](const Statement& st) -> Status {
                                   MK_ASSIGN_OR_RETURN(LogRow row, RowFromStatement(st));
                                   page.changes.push_back(std::move(row.change));
                                   return Status::Ok();
                                 }));
  return page;
}

Result<sync::EncodedPullPage> ReadEncodedLogPage(Database& db, const std::string& centre_id, int64_t after, size_t limit,
                                       const std::string& exclude_origin, int64_t server_time_ms) {
  sync::PullPageWriter writer;
  sync::EncodedPullPage out;
  bool more = false;
  MK_RETURN_IF_ERROR(ScanLogPage(
      db, centre_id, after, limit, exclude_origin, &out.cursor, &more, [&](const Statement& st) -> Status {
        // The stored text goes out as it is; only its outline is checked (AppendToLog wrote it).
        const std::string text = st.ColumnText(7);
        const std::optional<sync::ChangeOp> op = sync::ParseChangeOp(st.ColumnText(4));
        if (!op || text.size() < 2 || text.front() != '{' || text.back() != '}') {
          return Corrupt("sync_log entry " + std::to_string(st.ColumnInt(0)) + " is damaged (op or fields unreadable)");
        }
        writer.Add(st.ColumnText(2), st.ColumnText(3), *op, static_cast<HlcStamp>(st.ColumnInt(5)), st.ColumnInt(6),
                   text);
        return Status::Ok();
      }));
  out.changes = static_cast<int64_t>(writer.count());
  out.more = more;
  out.bytes = writer.Finish(out.cursor, more, server_time_ms);
  return out;
}

}  // namespace mk::server
