// Reading and acknowledging the outbox; local erasure (see outbox.h).
#include "outbox.h"

#include "merge.h"

namespace mk::sync {

using store::Statement;

Result<std::vector<OutboxEntry>> ReadOutbox(store::Database& db, int64_t after_seq, size_t limit, size_t max_bytes) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT seq, tbl, key, op, hlc, device_time, fields FROM sync_outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
  st.Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  std::vector<OutboxEntry> out;
  size_t bytes = 0;
  while (bytes < max_bytes || out.empty()) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    OutboxEntry e;
    e.seq = st.ColumnInt(0);
    e.change.table = st.ColumnText(1);
    e.change.key = st.ColumnText(2);
    auto op = ParseChangeOp(st.ColumnText(3));
    if (!op) return Corrupt("outbox entry " + std::to_string(e.seq) + " has an unknown operation");
    e.change.op = *op;
    e.change.hlc = static_cast<HlcStamp>(st.ColumnInt(4));
    e.change.device_time_ms = st.ColumnInt(5);
    const std::string fields = st.ColumnText(6);
    e.change.fields = nlohmann::json::parse(fields, nullptr, false);
    if (!e.change.fields.is_object()) {
      return Corrupt("outbox entry " + std::to_string(e.seq) + " has fields that are not a JSON object");
    }
    bytes += fields.size() + e.change.key.size() + e.change.table.size() + 24;
    out.push_back(std::move(e));
  }
  return out;
}

Result<OutboxBatch> ReadOutboxBatch(store::Database& db, int64_t after_seq, size_t limit, size_t max_bytes) {
  MK_ASSIGN_OR_RETURN(Statement * st, db.Cached(
      "SELECT seq, tbl, key, op, hlc, device_time, fields FROM sync_outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
  st->Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  OutboxBatch batch;
  size_t bytes = 0;
  std::string wire;
  Status status;
  while (bytes < max_bytes || batch.writer.count() == 0) {
    auto row = st->Step();
    if (!row.ok()) {
      status = row.status();
      break;
    }
    if (!*row) break;
    const int64_t seq = st->ColumnInt(0);
    if (batch.writer.count() == 0) {
      batch.first_seq = seq;
    } else if (seq != batch.first_seq + static_cast<int64_t>(batch.writer.count())) {
      break;  // a hole: the batch ends before it
    }
    const std::string_view table = st->ColumnView(1);
    const std::string_view key = st->ColumnView(2);
    const auto op = ParseChangeOp(st->ColumnView(3));
    if (!op) {
      status = Corrupt("outbox entry " + std::to_string(seq) + " has an unknown operation");
      break;
    }
    const std::string_view fields = st->ColumnView(6);
    wire.clear();
    if (!StoredFieldsToWire(table, *op, fields, wire)) {
      Change c;
      c.table = std::string(table);
      c.op = *op;
      c.fields = nlohmann::json::parse(fields, nullptr, false);
      if (!c.fields.is_object()) {
        status = Corrupt("outbox entry " + std::to_string(seq) + " has fields that are not a JSON object");
        break;
      }
      wire = WireFieldsText(c);
    }
    batch.writer.Add(table, key, *op, static_cast<HlcStamp>(st->ColumnInt(4)), st->ColumnInt(5), wire);
    bytes += fields.size() + key.size() + table.size() + 24;
  }
  const Status reset = st->Reset();
  MK_RETURN_IF_ERROR(status);
  MK_RETURN_IF_ERROR(reset);
  return batch;
}

Status AcknowledgeOutbox(store::Database& db, int64_t seq) {
  // The stamps leave with the entries: keep the greatest, so the clock never reissues one.
  MK_ASSIGN_OR_RETURN(Statement* last, db.Cached("SELECT max(hlc) FROM sync_outbox WHERE seq <= ?1"));
  last->Bind(1, seq);
  MK_ASSIGN_OR_RETURN(bool row, last->Step());
  const int64_t stamp = row ? last->ColumnInt(0) : 0;
  MK_RETURN_IF_ERROR(last->Reset());
  if (stamp > 0) MK_RETURN_IF_ERROR(store::RememberStamp(db, static_cast<HlcStamp>(stamp)));
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached("DELETE FROM sync_outbox WHERE seq <= ?1"));
  st->Bind(1, seq);
  return st->Run();
}

Result<OutboxSummary> SummarizeOutbox(store::Database& db) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT count(*), coalesce(min(device_time), 0), "
      "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'), 0) FROM sync_outbox"));
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  OutboxSummary s;
  if (row) {
    s.waiting = st.ColumnInt(0);
    s.oldest_time_ms = st.ColumnInt(1);
    s.last_seq = st.ColumnInt(2);
  }
  return s;
}

Status RecordErasure(store::Database& db, store::ChangeCapture& capture, const std::string& person_id) {
  Change c;
  c.table = "people";
  c.key = person_id;
  c.op = ChangeOp::kErase;
  c.hlc = capture.hlc().Now();
  c.device_time_ms = capture.WallMs();
  {
    store::ChangeCapture::Suppress quiet(capture);
    MK_ASSIGN_OR_RETURN(Statement* exists, db.Cached("SELECT 1 FROM people WHERE id = ?1"));
    exists->Bind(1, person_id);
    MK_ASSIGN_OR_RETURN(bool found, exists->Step());
    MK_RETURN_IF_ERROR(exists->Reset());
    if (!found) return NotFound("there is no person " + person_id + " on this device");
    MK_RETURN_IF_ERROR(ApplyChange(db, c).status());
  }
  // The outbox insert also records the erasure clock (the capture trigger on sync_outbox).
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "INSERT INTO sync_outbox(tbl, key, op, hlc, device_time, fields) VALUES ('people', ?1, 'e', ?2, ?3, '{}')"));
  st->Bind(1, person_id).Bind(2, static_cast<int64_t>(c.hlc)).Bind(3, c.device_time_ms);
  return st->Run();
}

}  // namespace mk::sync
