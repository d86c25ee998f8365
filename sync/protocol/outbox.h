// The outbox of a device: its own changes waiting to be pushed, oldest first.
#pragma once

#include <cstdint>
#include <vector>

#include "change.h"
#include "wire.h"
#include "sync/store/change_capture.h"
#include "sync/store/database.h"

namespace mk::sync {

struct OutboxEntry {
  int64_t seq = 0;  // the device's own change number: increasing, never reused
  Change change;
};

// Up to `limit` entries with seq > after_seq, oldest first, stopping early once the encoded
// size passes `max_bytes` (at least one entry is returned when any waits).
Result<std::vector<OutboxEntry>> ReadOutbox(store::Database& db, int64_t after_seq, size_t limit, size_t max_bytes);

// The outbox after `after_seq` as a push batch, written from the stored text of the entries
// (StoredFieldsToWire; an entry whose text it does not take is parsed and written by
// WireFieldsText, and refused as ReadOutbox refuses it). It holds the entries whose seqs follow
// one another from the first one on (a batch numbers its changes from first_seq), at most
// `limit`, stopping early once ReadOutbox's measure of their size passes `max_bytes`.
struct OutboxBatch {
  int64_t first_seq = 0;  // 0 when nothing waits after after_seq
  PushBatchWriter writer;
};
Result<OutboxBatch> ReadOutboxBatch(store::Database& db, int64_t after_seq, size_t limit, size_t max_bytes);

// Removes the entries up to and including `seq` (the server acknowledged them), remembering
// their greatest stamp in meta hlc_last.
// REQUIRES: a write transaction is open.
Status AcknowledgeOutbox(store::Database& db, int64_t seq);

struct OutboxSummary {
  int64_t waiting = 0;           // entries not acknowledged yet
  int64_t oldest_time_ms = 0;    // device time of the oldest waiting entry (0 when none)
  int64_t last_seq = 0;          // the greatest seq ever used
};
Result<OutboxSummary> SummarizeOutbox(store::Database& db);

// Erases `person_id` on this device (GDPR): applies the kErase change locally and appends it to
// the outbox, so the server and every other device erase the person at their next sync.
// REQUIRES: a write transaction is open on `db`, and `capture` is installed on it.
Status RecordErasure(store::Database& db, store::ChangeCapture& capture, const std::string& person_id);

}  // namespace mk::sync
