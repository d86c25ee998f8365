// The wire format of sync: push batches, pull pages and bundles, as zstd-compressed JSON with a
// content checksum. Everything decoded here is validated before anyone applies it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "change.h"
#include "sync/common/status.h"

namespace mk::sync {

inline constexpr int kProtocolVersion = 1;
inline constexpr const char* kSyncContentType = "application/vnd.mintkiosk.sync+zstd";
// Largest decompressed batch or page a receiver accepts.
inline constexpr size_t kMaxDecodedBytes = 32 * 1024 * 1024;

// A device's changes, numbered by its outbox: changes[i] has seq first_seq + i.
struct PushBatch {
  int64_t first_seq = 0;
  int64_t clock_skew_ms = 0;  // server time - device time, measured at the last sync
  std::vector<Change> changes;
};

// The server's answer to a push: every seq up to acked_seq is applied (now or before).
struct PushAck {
  int64_t acked_seq = 0;
  int64_t server_time_ms = 0;
  uint64_t server_hlc = 0;
};

// Changes of the device's centre from the server's log, after a cursor.
struct PullPage {
  int64_t cursor = 0;   // the log position after this page; pass it to the next pull
  bool more = false;    // more changes wait after this page
  int64_t server_time_ms = 0;
  std::vector<Change> changes;
};

// The fields of `change` as JSON text the way they travel: for tables merged as whole rows (and
// attendance) an upsert leaves out its key columns, which the key carries (DecodePushBatch and
// DecodePullPage put them back). What the server's log stores, so a pull page is written from
// the stored text without parsing it again.
std::string WireFieldsText(const Change& change);
// Puts back the key columns WireFieldsText left out (values from the key; a column already there
// is overwritten by the key's part). A key with too few parts fills what it has.
void RestoreKeyFields(Change& change);

// A pull page already encoded for the wire (EncodePullPage's bytes), with what its header says.
struct EncodedPullPage {
  std::string bytes;
  int64_t cursor = 0;
  bool more = false;
  int64_t changes = 0;  // how many changes it holds
};

// Writes a pull page from changes whose fields are already wire text (WireFieldsText), so a
// server serving its log neither parses nor re-serialises the stored fields. The result decodes
// with DecodePullPage exactly like EncodePullPage's.
class PullPageWriter {
 public:
  PullPageWriter();
  // `fields_text` must be a JSON object (WireFieldsText of the change).
  void Add(std::string_view table, std::string_view key, ChangeOp op, HlcStamp hlc, int64_t device_time_ms,
           std::string_view fields_text);
  size_t count() const { return count_; }
  size_t plain_bytes() const { return text_.size(); }
  // The compressed page; the writer is spent afterwards.
  std::string Finish(int64_t cursor, bool more, int64_t server_time_ms);

 private:
  std::string text_;  // the "changes" array so far, without its closing bracket
  size_t count_ = 0;
  HlcStamp previous_ = 0;
};

// The wire text of fields kept as the text of a JSON object (an outbox entry's): the same fields
// WireFieldsText gives for the parsed object, written by copying the text and leaving out the
// key columns a whole-row upsert does not send, with no parse. It takes the plain layout SQLite's
// json_object writes: a flat object without whitespace whose names need no escape and whose
// values are strings (valid UTF-8), integers of up to 18 digits, decimals without exponent, null,
// true or false. For anything else it returns false and leaves `out` alone: parse the text and
// use WireFieldsText.
bool StoredFieldsToWire(std::string_view table, ChangeOp op, std::string_view stored, std::string& out);

// Writes a push batch change by change from fields already in wire text (WireFieldsText or
// StoredFieldsToWire), so a device pushing its outbox neither parses nor re-serialises them.
// Encode(n) decodes with DecodePushBatch exactly like EncodePushBatch of the first n changes.
class PushBatchWriter {
 public:
  // `fields_text` must be a JSON object.
  void Add(std::string_view table, std::string_view key, ChangeOp op, HlcStamp hlc, int64_t device_time_ms,
           std::string_view fields_text);
  size_t count() const { return ends_.size(); }
  // Bytes of JSON the first `n` changes take (what bounds a batch's memory).
  size_t plain_bytes(size_t n) const { return n == 0 ? 0 : ends_[n - 1]; }
  // The compressed batch of the first `n` changes added, numbered from first_seq.
  // REQUIRES: n <= count()
  std::string Encode(int64_t first_seq, int64_t clock_skew_ms, size_t n) const;

 private:
  std::string text_;          // the changes so far, separated by commas
  std::vector<size_t> ends_;  // where each change's text ends in text_
  HlcStamp previous_ = 0;
};

std::string EncodePushBatch(const PushBatch& batch);
Result<PushBatch> DecodePushBatch(std::string_view bytes);

// A change of a push batch with what a server needs of it that no database decides: whether it
// is valid (ValidateChange, merge.h) and its fields as the server's log keeps them
// (WireFieldsText). A PushBatchStream works both out on its decoding thread, beside the merge.
struct CheckedChange {
  Change change;
  Status validity;
  std::string wire_fields;  // empty when the change is not valid
};
CheckedChange CheckChange(Change change);

// A push batch decoded while it is used: Open unpacks the body and reads the header; the changes
// are decoded on a thread of the stream's own, so a server merges the first changes while the
// later ones are still being decoded. It takes exactly what DecodePushBatch takes, with the same
// changes and the same messages, except that a batch whose fault lies behind changes already
// handed out reports it only then (Next or Finish fails): its user must be able to undo what it
// did with them (the server's push is one transaction).
// Thread safety: one user thread; the decoding thread is the stream's own.
class PushBatchStream {
 public:
  static Result<std::unique_ptr<PushBatchStream>> Open(std::string_view bytes);
  ~PushBatchStream();  // waits for the decoding thread
  PushBatchStream(const PushBatchStream&) = delete;
  PushBatchStream& operator=(const PushBatchStream&) = delete;

  int64_t first_seq() const { return first_seq_; }
  int64_t clock_skew_ms() const { return clock_skew_ms_; }
  // The next change, checked (alive as long as the stream; its user may take its wire_fields), nullptr
  // after the last one, or why the batch cannot be read.
  Result<CheckedChange*> Next();
  // Waits until every change is decoded: ok when the whole batch could be read.
  Status Finish();

 private:
  PushBatchStream() = default;
  void Decode();
  struct Shared;
  std::string plain_;  // the unpacked body
  int64_t first_seq_ = 0;
  int64_t clock_skew_ms_ = 0;
  size_t changes_begin_ = 0;  // offset of the first change in plain_ (the fast path)
  size_t next_ = 0;           // index of the change Next hands out next
  std::unique_ptr<Shared> shared_;
};
std::string EncodePushAck(const PushAck& ack);        // small: plain JSON
Result<PushAck> DecodePushAck(std::string_view bytes);
std::string EncodePullPage(const PullPage& page);
Result<PullPage> DecodePullPage(std::string_view bytes);

// The zstd level for a body of `plain_bytes`: small bodies (a few check-ins, the usual sync of
// a kiosk) get a strong level, which costs little at that size; large ones (a day of check-ins,
// a first sync) a fast one, whose output is a few bytes per change larger but is made five to
// ten times faster (docs/benchmarks.md).
int CompressionLevelFor(size_t plain_bytes);

// zstd with the content checksum on; Decompress refuses truncated, corrupt or oversized input.
std::string Compress(std::string_view plain, int level = 9);
Result<std::string> Decompress(std::string_view compressed, size_t max_bytes = kMaxDecodedBytes);

}  // namespace mk::sync
