// File transfer with the server: resumable chunked upload and ranged download of material blobs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "blob_store.h"
#include "sync/common/status.h"
#include "sync/store/database.h"
#include "sync/transport/http_client.h"

namespace mk::sync {

// The wire (server side: sync/server/file_routes.h), all behind the device's bearer token:
//   GET /v1/files/{sha256}           {"sha256","size","received","complete"}; 404 unless a
//                                    material of the device's centre names this file
//   PUT /v1/files/{sha256}?offset=N  a raw chunk appended at N; 409 "offset_mismatch" with
//                                    "received" when N is past what the server holds
//   GET /v1/files/{sha256}/content   with "Range: bytes=N-M": 206 and those bytes of a complete file
//
// Resume. An upload starts at the server's "received"; after a failed request it asks again,
// because the server keeps the part of a chunk that arrived before the link dropped. A download
// starts at the size of the local partial file and streams each range into it as the bytes
// arrive (HttpRequest::on_body, BlobStore::PartialWriter, flushed at the end of every response,
// complete or cut), so after a drop the next range starts at the exact byte after the last one
// received. Bytes the other side holds are not sent again, with one exception: when a drop
// comes before the server's early "100 Continue" reached the device, libcurl re-sends the chunk
// by itself and the server skips what it holds.
//
// Chunk size. Requests start at `initial_chunk_bytes` (64 KiB: 8 s at 64 kbit/s, well inside
// the timeouts) and adapt to the link: a request that fails without moving the transfer forward
// halves the size (down to `min_chunk_bytes`) and caps it below the size that failed; successes
// grow it again, quickly up to the cap and slowly beyond (`max_chunk_bytes` at most). A failed
// request that still moved the transfer forward leaves the size as it is. Since the server keeps
// the partial chunks of an upload and the device the partial ranges of a download, neither
// shrinks on a link that drops but carries data. Only when nothing gets through (an upload
// through a proxy that buffers whole request bodies, a link that cuts every answer before its
// body) does the size settle just below the distance between drops instead of failing forever.
struct TransferOptions {
  int64_t initial_chunk_bytes = 64 * 1024;
  int64_t min_chunk_bytes = 4 * 1024;
  // The server takes chunks up to 256 KiB and no larger than its body limit (64 KiB by default).
  int64_t max_chunk_bytes = 64 * 1024;
  // Consecutive failed requests that moved nothing forward before the transfer gives up
  // (kUnavailable). Requests that make progress reset the count, so a link that drops often
  // but carries data still completes.
  int max_attempts_without_progress = 8;
};

enum class TransferDirection { kUpload, kDownload };

struct TransferProgress {
  std::string sha256;
  TransferDirection direction = TransferDirection::kUpload;
  int64_t done = 0;   // bytes the receiving side holds
  int64_t total = 0;  // the file's size
  int file_index = 0;  // within SyncFiles: this file's position and the number of files
  int file_count = 1;
};
using ProgressFn = std::function<void(const TransferProgress&)>;

struct TransferReport {
  bool complete = false;   // the receiving side holds the whole file, verified
  bool cancelled = false;  // stopped between chunks because the cancel flag was set
  int64_t size = 0;
  int64_t payload_bytes = 0;  // chunk bytes put on the wire (sent or received), retries included
  int requests = 0;
  int failed_requests = 0;  // failed in transit and retried
};

// Uploads the local complete blob `sha256` from where the server's copy ends. Errors:
// kNotFound when the blob is not complete here, or the server has no material of this
// device's centre for it (its record has not been synced yet); kFailedPrecondition when the
// server's material gives another size; kCorrupt when the server found the whole file's
// SHA-256 wrong (it discarded its copy); kUnavailable when the link failed
// `max_attempts_without_progress` times in a row or the server is busy (429, 5xx); what
// StatusFromResponse makes of anything else. `cancel` may be null.
Result<TransferReport> Upload(HttpClient& client, BlobStore& blobs, const std::string& sha256,
                              const ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr,
                              const TransferOptions& options = {});

// Downloads `sha256` of `size` bytes into `blobs`, from where the local partial file ends,
// and verifies it (BlobStore::Complete). Every byte received is kept in the partial file, also
// from a response cut short; memory stays at one network piece (libcurl's, up to 16 KiB).
// Errors: kNotFound when the server has no material of this centre for it;
// kFailedPrecondition when the server does not have the whole file yet; kCorrupt when the
// server sends another number of bytes than a range asks for, or the received file's size or
// SHA-256 is wrong (then the partial file was discarded; the next attempt starts from 0);
// kInvalidArgument when a range is answered with anything but 206 and its bytes (a proxy that
// drops Range headers); kIo when the partial file cannot be written; kUnavailable as for Upload.
Result<TransferReport> Download(HttpClient& client, BlobStore& blobs, const std::string& sha256, int64_t size,
                                const ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr,
                                const TransferOptions& options = {});

struct PendingFile {
  std::string sha256;
  int64_t size = 0;
};

// The files named by the store's materials that are not complete in `blobs`, smallest first
// (many small handouts become usable before one large video). Rows whose sha256 is not 64
// lower-case hex digits are skipped; rows that name one file with different sizes count with
// the smallest, as on the server.
Result<std::vector<PendingFile>> PendingDownloads(store::Database& db, const BlobStore& blobs);

// The blobs added on this device (outgoing markers) that the server has not confirmed, and
// that a material of the store names; smallest first.
Result<std::vector<PendingFile>> PendingUploads(store::Database& db, const BlobStore& blobs);

// Why a file could not be moved: a stable code (screens word it in their language, and it is
// recorded in DATA/files/failed/<sha256> by its key) with its details as parameters.
enum class FileFailure {
  kNone,             // no failure
  kOther,            // not classified, or recorded by an older version: only the message says why
  kNoValidFile,      // the material's record names no valid file (a malformed SHA-256)
  kSizeMismatch,     // the file here has {0} bytes, the material says {1}
  kHttpStatus,       // the server refused the transfer with HTTP status {0}
  kNoRanges,         // HTTP {0} instead of 206 to a range request: something in between drops ranges
  kServerFileShort,  // the server's copy is shorter than the material's {0} bytes
  kWrongByteCount,   // the server sent {0} bytes where {1} were asked for
  kDamaged,          // the received file did not match its SHA-256 and was discarded
  kUploadRejected,   // the server found the uploaded file different from its SHA-256 and discarded it
  kLocalStorage,     // this device could not write or read the file (a full disk, permissions)
};
// The stable key of a code ("http_status", ...) and back; unknown keys are kOther.
const char* FileFailureKey(FileFailure code);
FileFailure FileFailureFromKey(std::string_view key);

// A file SyncFiles could not move this time, and why: `message` in English words a person can
// act on (logs, the command line), `code` and `params` for screens in any language.
struct FileProblem {
  std::string sha256;
  std::string message;
  FileFailure code = FileFailure::kOther;
  std::vector<std::string> params;
};

struct FileSyncReport {
  int uploaded = 0;
  int downloaded = 0;
  // Not a failure of the link: waits for something else (the material record on the server,
  // the uploading device to finish).
  std::vector<FileProblem> waiting;
  // Failed this time (a corrupt transfer, a refused upload); tried again at the next sync.
  std::vector<FileProblem> failed;
  int64_t bytes_sent = 0;      // chunk payload, retries included
  int64_t bytes_received = 0;
  bool cancelled = false;
  bool all_done() const { return waiting.empty() && failed.empty() && !cancelled; }
};

// One pass for the sync engine, after the records are synced (records before files): uploads
// the pending outgoing blobs (clearing the marker once the server holds the file), then
// downloads the missing ones. Stops between chunks when `cancel` becomes true. Returns an
// error only when the server cannot be reached or refuses the device (kUnavailable,
// kPermissionDenied); every other problem is per file, in the report. Everything received is
// kept on disk, so the next call resumes.
Result<FileSyncReport> SyncFiles(HttpClient& client, BlobStore& blobs, store::Database& db,
                                 const ProgressFn& progress = {}, const std::atomic<bool>* cancel = nullptr,
                                 const TransferOptions& options = {});

// Deletes the files of `blobs` that no material row of `db` names any more (the files of
// materials deleted here or on another device, and partial downloads of them), except files
// added on this device and not yet uploaded (BlobStore::Prune).
Result<BlobStore::PruneReport> PruneUnusedFiles(store::Database& db, BlobStore& blobs);

}  // namespace mk::sync
