// SqliteServerStorage, the sync part: pushes, pulls, erasure and bundles on server.db.
#include "sqlite_server_storage.h"

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>

#include "sync/protocol/bundle.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/outbox.h"
#include "sync_log.h"

namespace mk::server {
namespace {

using store::Database;
using store::Statement;

// Changes per page when a bundle collects a centre's whole log (in one snapshot).
constexpr size_t kBundlePage = 5000;
// Pull times are kept to the minute: a transaction that changes nothing writes nothing to disk.
constexpr int64_t kNotePullIntervalMs = 60 * 1000;

// Failures of the server itself (answered with 5xx), as opposed to changes the server refuses.
bool IsServerFailure(const Status& s) {
  switch (s.code()) {
    case ErrorCode::kBusy:
    case ErrorCode::kIo:
    case ErrorCode::kCorrupt:
    case ErrorCode::kInternal:
    case ErrorCode::kUnavailable:
      return true;
    default:
      return false;
  }
}

// A device with its bundle key (the token hash).
struct DeviceWithKey {
  DeviceRecord device;
  std::string token_hash;
};

Result<std::optional<DeviceWithKey>> ReadDevice(Database& db, const std::string& device_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT id, centre_id, name, created_at, last_seen_at, revoked_at, token_hash FROM server_devices "
      "WHERE id = ?1"));
  st.Bind(1, device_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<DeviceWithKey>();
  DeviceWithKey d;
  d.device.id = st.ColumnText(0);
  d.device.centre_id = st.ColumnText(1);
  d.device.name = st.ColumnText(2);
  d.device.created_at = st.ColumnInt(3);
  d.device.last_seen_at = st.ColumnOptionalInt(4);
  d.device.revoked_at = st.ColumnOptionalInt(5);
  d.token_hash = st.ColumnText(6);
  return std::optional<DeviceWithKey>(std::move(d));
}

// What the server knows of a device's outbox.
struct SyncState {
  int64_t acked_seq = 0;
  bool has_pushed = false;  // false: the next batch sets where the device's numbering starts
};

Result<SyncState> ReadSyncState(Database& db, const std::string& device_id) {
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "SELECT acked_seq, last_push_at IS NOT NULL FROM sync_devices WHERE device_id = ?1"));
  st->Bind(1, device_id);
  MK_ASSIGN_OR_RETURN(bool row, st->Step());
  SyncState state;
  if (row) {
    state.acked_seq = st->ColumnInt(0);
    state.has_pushed = st->ColumnInt(1) != 0;
  }
  MK_RETURN_IF_ERROR(st->Reset());
  return state;
}

std::string ChangeName(size_t index, int64_t seq, const sync::Change& c) {
  return "change " + std::to_string(index) + " (seq " + std::to_string(seq) + ", " + c.table.substr(0, 64) + " " +
         c.key.substr(0, 100) + ")";
}

}  // namespace

// The changes of a push one after the other: a decoded batch, or a batch still being decoded.
class PushSource {
 public:
  virtual ~PushSource() = default;
  virtual int64_t first_seq() const = 0;
  virtual int64_t clock_skew_ms() const = 0;
  // The next change, checked (sync::CheckChange), nullptr after the last, or why the batch cannot
  // be read. The caller may take its wire_fields. A change stays alive at least until the next
  // one but one is asked for.
  virtual Result<sync::CheckedChange*> Next() = 0;
  // Ok when the whole batch can be read (waits for the decoding to end).
  virtual Status Finish() = 0;
};

namespace {

class BatchSource final : public PushSource {
 public:
  explicit BatchSource(const sync::PushBatch& batch) : batch_(batch) {}
  int64_t first_seq() const override { return batch_.first_seq; }
  int64_t clock_skew_ms() const override { return batch_.clock_skew_ms; }
  Result<sync::CheckedChange*> Next() override {
    if (next_ == batch_.changes.size()) return nullptr;
    // The caller holds the change before the one it asks for, no older one: a bundle's batch
    // is not copied whole.
    if (checked_.size() == 2) checked_.pop_front();
    checked_.push_back(sync::CheckChange(batch_.changes[next_++]));
    return &checked_.back();
  }
  Status Finish() override { return Status::Ok(); }

 private:
  const sync::PushBatch& batch_;
  size_t next_ = 0;
  std::deque<sync::CheckedChange> checked_;  // a deque: the change handed out before stays where it is
};

class StreamSource final : public PushSource {
 public:
  explicit StreamSource(sync::PushBatchStream& stream) : stream_(stream) {}
  int64_t first_seq() const override { return stream_.first_seq(); }
  int64_t clock_skew_ms() const override { return stream_.clock_skew_ms(); }
  Result<sync::CheckedChange*> Next() override { return stream_.Next(); }
  Status Finish() override { return stream_.Finish(); }

 private:
  sync::PushBatchStream& stream_;
};

// The push of one batch inside an open write transaction with capture suppressed. Sets
// `result->refusal` (and returns an error, so the caller rolls back) when the batch is refused;
// returns a server failure as it is. A batch that cannot be read is refused as such before any
// other refusal (as if it had been decoded whole first).
Status ApplyBatchWithin(Database& db, store::ChangeCapture& capture, const DeviceRecord& device, PushSource& source,
                        int64_t now_ms, PushResult* result) {
  auto refuse = [&](PushRefusal why, std::string message) {
    if (Status whole = source.Finish(); !whole.ok()) {
      why = PushRefusal::kMalformed;
      message = whole.message();
    }
    result->refusal = why;
    result->message = std::move(message);
    return FailedPrecondition("push refused: " + result->message);
  };
  const int64_t first_seq = source.first_seq();
  MK_ASSIGN_OR_RETURN(SyncState state, ReadSyncState(db, device.id));
  auto first = source.Next();
  if (!first.ok()) return refuse(PushRefusal::kMalformed, first.status().message());
  if (*first == nullptr) {  // asks for the ack only (an empty bundle, say)
    result->ack.acked_seq = state.acked_seq;
    return Status::Ok();
  }
  if (first_seq < 1) {
    return refuse(PushRefusal::kInvalidChange, "the batch's first_seq is " + std::to_string(first_seq) +
                                                   "; outbox numbers start at 1");
  }
  int64_t acked = state.acked_seq;
  if (!state.has_pushed) {
    acked = first_seq - 1;
  } else if (first_seq > acked + 1) {
    result->expected_seq = acked + 1;
    return refuse(PushRefusal::kSequenceGap,
                  "the batch starts at seq " + std::to_string(first_seq) + ", but the server has applied this "
                  "device's changes only up to seq " + std::to_string(acked) + "; send again from seq " +
                  std::to_string(acked + 1));
  }
  HlcStamp greatest = 0;
  // One session for the batch: what one change looked up (the session's centre, a person) serves
  // the next ones. The batch is one transaction, and a refusal rolls all of it back.
  sync::MergeSession merge(db);
  LogAppender log(db);
  size_t count = 0;
  for (sync::CheckedChange* next = *first; next != nullptr; ++count) {
    sync::CheckedChange& checked = *next;
    const sync::Change& change = checked.change;
    const size_t i = count;
    const int64_t seq = first_seq + static_cast<int64_t>(i);
    auto following = source.Next();
    if (!following.ok()) return refuse(PushRefusal::kMalformed, following.status().message());
    next = *following;
    if (seq <= acked) {
      ++result->skipped;
      continue;
    }
    if (!checked.validity.ok()) {
      return refuse(PushRefusal::kInvalidChange, ChangeName(i, seq, change) + ": " + checked.validity.message());
    }
    auto centre = merge.CentreOf(change);
    if (!centre.ok()) {
      if (IsServerFailure(centre.status())) return centre.status();
      const bool foreign = centre.status().code() == ErrorCode::kPermissionDenied;
      return refuse(foreign ? PushRefusal::kForeignCentre : PushRefusal::kInvalidChange,
                    ChangeName(i, seq, change) + ": " + centre.status().message());
    }
    if (!centre->empty() && *centre != device.centre_id) {
      return refuse(PushRefusal::kForeignCentre, ChangeName(i, seq, change) +
                                                     ": the row belongs to another centre than this device's");
    }
    auto outcome = merge.Apply(change);
    if (!outcome.ok()) {
      if (IsServerFailure(outcome.status())) return outcome.status();
      const bool foreign = outcome.status().code() == ErrorCode::kPermissionDenied;
      return refuse(foreign ? PushRefusal::kForeignCentre : PushRefusal::kInvalidChange,
                    ChangeName(i, seq, change) + ": " + outcome.status().message());
    }
    ++result->applied;
    greatest = std::max(greatest, change.hlc);
    if (*outcome != sync::ApplyOutcome::kApplied) continue;
    // Logged as merged here: an erased person's personal fields never enter the log.
    MK_ASSIGN_OR_RETURN(std::optional<sync::Change> scrubbed, merge.Scrubbed(change));
    const sync::Change& logged = scrubbed ? *scrubbed : change;
    MK_RETURN_IF_ERROR(log.Add(centre->empty() ? kGlobalCentre : std::string_view(*centre), device.id, logged,
                               scrubbed ? sync::WireFieldsText(*scrubbed) : std::move(checked.wire_fields)));
    ++result->logged;
    if (change.op == sync::ChangeOp::kErase) {
      MK_RETURN_IF_ERROR(log.Flush());  // the scrub reads the log
      MK_RETURN_IF_ERROR(ScrubLogOfPerson(db, change.key).status());
    }
  }
  MK_RETURN_IF_ERROR(log.Flush());
  acked = std::max(acked, first_seq + static_cast<int64_t>(count) - 1);
  MK_ASSIGN_OR_RETURN(Statement* st, db.Cached(
      "INSERT INTO sync_devices(device_id, acked_seq, clock_skew_ms, last_push_at) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(device_id) DO UPDATE SET acked_seq = max(acked_seq, excluded.acked_seq), "
      "clock_skew_ms = excluded.clock_skew_ms, last_push_at = excluded.last_push_at"));
  st->Bind(1, device.id).Bind(2, acked).Bind(3, source.clock_skew_ms()).Bind(4, now_ms);
  MK_RETURN_IF_ERROR(st->Run());
  // Later stamps of the server order after what it has seen. A stamp far ahead of the server's
  // clock (a device whose clock is wrong) is kept as data but does not drag the server along.
  if (greatest != 0) (void)capture.hlc().Observe(greatest);
  MK_RETURN_IF_ERROR(store::RememberStamp(db, capture.hlc().Last()));
  result->ack.acked_seq = acked;
  return Status::Ok();
}

}  // namespace

Result<PushResult> SqliteServerStorage::ApplyPush(const DeviceRecord& device, const sync::PushBatch& batch,
                                                  int64_t now_ms) {
  BatchSource source(batch);
  return ApplyPushFrom(device, source, now_ms);
}

Result<PushResult> SqliteServerStorage::ApplyPushStream(const DeviceRecord& device, sync::PushBatchStream& stream,
                                                        int64_t now_ms) {
  StreamSource source(stream);
  return ApplyPushFrom(device, source, now_ms);
}

Result<PushResult> SqliteServerStorage::ApplyPushFrom(const DeviceRecord& device, PushSource& source,
                                                      int64_t now_ms) {
  std::lock_guard<std::mutex> lock(merge_mu_);
  store::Store* s = merger_.get();
  MK_RETURN_IF_ERROR(DrainOutbox(*s));
  PushResult result;
  Status written = s->Write([&](store::WriteContext& ctx) -> Status {
    store::ChangeCapture::Suppress quiet(s->capture());
    return ApplyBatchWithin(ctx.db, s->capture(), device, source, now_ms, &result);
  });
  if (result.refusal != PushRefusal::kNone) {
    result.applied = result.skipped = result.logged = 0;
    return result;
  }
  MK_RETURN_IF_ERROR(written);
  result.ack.server_time_ms = now_ms;
  result.ack.server_hlc = s->capture().hlc().Now();
  return result;
}

Result<sync::EncodedPullPage> SqliteServerStorage::ReadLog(const std::string& centre_id, int64_t after, size_t limit,
                                                           const std::string& exclude_origin, int64_t now_ms) {
  Lease s = Borrow();
  MK_RETURN_IF_ERROR(DrainOutbox(*s));
  MK_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(s->db()));
  return ReadEncodedLogPage(s->db(), centre_id, after, limit, exclude_origin, now_ms);
}

Status SqliteServerStorage::NotePull(const std::string& device_id, int64_t now_ms) {
  Lease s = Borrow();
  return s->Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Statement* st, ctx.db.Cached(
        "INSERT INTO sync_devices(device_id, last_pull_at) VALUES (?1, ?2) "
        "ON CONFLICT(device_id) DO UPDATE SET last_pull_at = excluded.last_pull_at "
        "WHERE last_pull_at IS NULL OR last_pull_at < excluded.last_pull_at - ?3"));
    st->Bind(1, device_id).Bind(2, now_ms).Bind(3, kNotePullIntervalMs);
    return st->Run();
  });
}

Result<EraseResult> SqliteServerStorage::ErasePerson(const std::string& centre_id, const std::string& person_id) {
  Lease s = Borrow();
  MK_RETURN_IF_ERROR(DrainOutbox(*s));
  EraseResult result;
  Status written = s->Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Statement find, ctx.db.Prepare("SELECT centre_id FROM people WHERE id = ?1"));
    find.Bind(1, person_id);
    MK_ASSIGN_OR_RETURN(bool found, find.Step());
    if (!found || (!centre_id.empty() && find.ColumnText(0) != centre_id)) {
      return NotFound("no person with id " + person_id + (centre_id.empty() ? "" : " in centre " + centre_id));
    }
    result.centre_id = find.ColumnText(0);
    MK_ASSIGN_OR_RETURN(bool erased, sync::IsErased(ctx.db, person_id));
    if (erased) {
      result.already_erased = true;
      return Status::Ok();
    }
    // Captured like any write of the server: the erasure goes to the outbox, then into the log.
    MK_RETURN_IF_ERROR(sync::RecordErasure(ctx.db, s->capture(), person_id));
    MK_RETURN_IF_ERROR(DrainOutboxIntoLog(ctx.db, server_device_id_).status());
    MK_ASSIGN_OR_RETURN(result.log_entries_scrubbed, ScrubLogOfPerson(ctx.db, person_id));
    return store::RememberStamp(ctx.db, s->capture().hlc().Last());
  });
  MK_RETURN_IF_ERROR(written);
  return result;
}

Result<ExportedBundle> SqliteServerStorage::ExportBundleFor(const std::string& device_id, int64_t now_ms) {
  Lease s = Borrow();
  MK_RETURN_IF_ERROR(DrainOutbox(*s));
  MK_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(s->db()));
  MK_ASSIGN_OR_RETURN(std::optional<DeviceWithKey> device, ReadDevice(s->db(), device_id));
  if (!device) return NotFound("no device with id " + device_id + " (see 'mintkiosk-server device list')");
  if (device->device.revoked_at) {
    return FailedPrecondition("device " + device_id + " is revoked; enrol it again before sending it data");
  }
  MK_ASSIGN_OR_RETURN(SyncState state, ReadSyncState(s->db(), device_id));
  // One snapshot: the pages chain without a gap, and the cursor is the end of the log as read.
  sync::PullPage all;
  for (;;) {
    MK_ASSIGN_OR_RETURN(sync::PullPage page,
                        ReadLogPage(s->db(), device->device.centre_id, all.cursor, kBundlePage, device_id));
    all.cursor = page.cursor;
    for (auto& c : page.changes) all.changes.push_back(std::move(c));
    if (!page.more) break;
  }
  all.server_time_ms = now_ms;
  sync::BundleHeader header;
  header.kind = sync::BundleKind::kServerToDevice;
  header.device_id = device_id;
  header.centre_id = device->device.centre_id;
  header.created_at_ms = now_ms;
  header.acked_seq = state.acked_seq;
  ExportedBundle out;
  out.bytes = sync::EncodeBundle(header, sync::EncodePullPage(all), device->token_hash);
  out.centre_id = header.centre_id;
  out.changes = static_cast<int64_t>(all.changes.size());
  out.cursor = all.cursor;
  out.acked_seq = state.acked_seq;
  return out;
}

Result<ImportedBundle> SqliteServerStorage::ImportBundle(std::string_view bytes, int64_t now_ms) {
  MK_ASSIGN_OR_RETURN(sync::DecodedBundle bundle, sync::ParseBundle(bytes));
  if (bundle.header.kind != sync::BundleKind::kDeviceToServer) {
    return InvalidArgument("this bundle goes from the server to device " + bundle.header.device_id +
                           "; the server imports only bundles a device made");
  }
  std::optional<DeviceWithKey> device;
  {
    Lease s = Borrow();
    MK_ASSIGN_OR_RETURN(device, ReadDevice(s->db(), bundle.header.device_id));
  }
  if (!device) {
    return NotFound("the bundle was made by device " + bundle.header.device_id +
                    ", which this server does not know (see 'mintkiosk-server device list')");
  }
  MK_RETURN_IF_ERROR(sync::VerifyBundle(bytes, device->token_hash));
  if (device->device.revoked_at) {
    return PermissionDenied("the bundle was made by device " + device->device.id +
                            ", which is revoked; its data is not accepted any more");
  }
  if (bundle.header.centre_id != device->device.centre_id) {
    return PermissionDenied("the bundle says it holds data of centre " + bundle.header.centre_id + ", but device " +
                            device->device.id + " belongs to centre " + device->device.centre_id);
  }
  MK_ASSIGN_OR_RETURN(const std::string payload, sync::OpenBundlePayload(bundle.payload, device->token_hash));
  auto batch = sync::DecodePushBatch(payload);
  if (!batch.ok()) return batch.status().WithContext("the bundle's changes cannot be read");
  ImportedBundle out;
  out.device_id = device->device.id;
  out.centre_id = device->device.centre_id;
  MK_ASSIGN_OR_RETURN(out.push, ApplyPush(device->device, *batch, now_ms));
  return out;
}

}  // namespace mk::server
