// The wire format of sync: push batches, pull pages and bundles, as zstd-compressed JSON with a
// content checksum. Everything decoded here is validated before anyone applies it.
#pragma once

#include <cstdint>
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

std::string EncodePushBatch(const PushBatch& batch);
Result<PushBatch> DecodePushBatch(std::string_view bytes);
std::string EncodePushAck(const PushAck& ack);        // small: plain JSON
Result<PushAck> DecodePushAck(std::string_view bytes);
std::string EncodePullPage(const PullPage& page);
Result<PullPage> DecodePullPage(std::string_view bytes);

// zstd with the content checksum on; Decompress refuses truncated, corrupt or oversized input.
std::string Compress(std::string_view plain, int level = 9);
Result<std::string> Decompress(std::string_view compressed, size_t max_bytes = kMaxDecodedBytes);

}  // namespace mk::sync
