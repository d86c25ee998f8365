// SyncEngine: one full sync of a device with its server: push the outbox, pull the centre's
// log, then files. The one place that speaks the sync protocol from the device's side.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "sync/common/status.h"
#include "sync/store/store.h"
#include "sync_config.h"
#include "sync_status.h"

namespace mk::sync {

struct SyncEngineOptions {
  // A push batch holds at most this many changes, at most this many bytes on the wire (the
  // compressed body: what the link carries and the server's --max-push limits), and at most
  // max_batch_plain_bytes before compression (ReadOutbox's measure: bounds the memory of both
  // sides; the server unpacks at most 32 MiB). A batch that compresses to more than
  // max_batch_bytes is cut to fit; a server that still finds it too large (413) gets halves.
  size_t max_batch_changes = 10000;
  size_t max_batch_bytes = 512 * 1024;
  size_t max_batch_plain_bytes = 16 * 1024 * 1024;
  // When more changes wait than this, batches hold at most this many and are pipelined: while
  // one is at the server, the next is read from the outbox and encoded, and the one before is
  // acknowledged here (docs/sync-protocol.md). Batches still go one at a time, in order. Each
  // batch costs the server a commit, so with the outbox read without parsing (a batch of 5000 is
  // ready in a few milliseconds) fewer, larger batches push faster (docs/benchmarks.md).
  size_t pipeline_batch_changes = 5000;
  // Changes per pull page (the server allows up to 10000). Two pages are in memory at a time:
  // one applied while the next is fetched, decoded and checked on another thread. Pages of 5000
  // cost a commit (a sync to disk) more per 10000 changes than pages of 10000, but then the
  // decoding of every page after the first overlaps the merging, and the first sync of a large
  // centre needs less memory; measured faster that way in docs/benchmarks.md.
  int pull_page_limit = 5000;
  long connect_timeout_ms = 30000;  // rural links: 600 ms round trips, TLS handshakes
  // Requests are bounded by a low-speed limit, not by a fixed total time: a transfer is given
  // up when fewer than `min_bytes_per_s` flow for `stall_timeout_s` seconds. A fixed total
  // would have to allow for the largest batch at the slowest link (512 KB at 64 kbit/s is over
  // a minute even before zstd), which would make every dead connection hang that long; the
  // low-speed limit lets a slow healthy transfer run and drops a dead one after 30 s whatever
  // its size. (100 B/s is a fiftieth of a 64 kbit/s link.) `max_request_ms` is only a backstop.
  long stall_timeout_s = 30;
  long min_bytes_per_s = 100;
  long max_request_ms = 15 * 60 * 1000;
};

struct SyncReport {
  int64_t changes_sent = 0;       // outbox entries the server acknowledged in this run
  int64_t changes_received = 0;   // changes pulled (applied or already known)
  int64_t changes_applied = 0;    // of them, those that changed the store
  int64_t push_requests = 0;
  int64_t pull_requests = 0;
  int64_t bytes_sent = 0;
  int64_t bytes_received = 0;
  int64_t waiting_after = 0;      // outbox entries still waiting (new local changes made meanwhile)
  int files_uploaded = 0;         // course-material files moved in this run
  int files_downloaded = 0;
  int files_waiting = 0;          // files that wait for something else (another device's upload)
  bool files_yielded = false;     // the file transfer stopped between chunks for new records
  int files_pruned = 0;           // files of materials no longer there, deleted from this device
  int64_t bytes_pruned = 0;
  int64_t pull_cursor = 0;
  int64_t clock_skew_ms = 0;
};

// Thread safety: like the Store it works on (one thread at a time). Several engines, in one or
// several processes, may sync the same database at once (the kiosk's worker and `mintkiosk
// sync`): pushes of the same seqs are skipped by the server, pages are idempotent and the
// cursor only moves forward.
class SyncEngine {
 public:
  using ProgressFn = std::function<void(const SyncProgress&)>;

  // `store` outlives the engine; its Store::Open installed change capture.
  SyncEngine(store::Store& store, SyncConfig config, SyncEngineOptions options = {});

  // One full sync:
  //  1. PUSH: every outbox entry, oldest first, in batches (POST /v1/sync/push); each batch
  //     acknowledged by the server is removed from the outbox in one local transaction. A push
  //     interrupted at any byte is simply sent again: the server skips the seqs it has.
  //  2. PULL: pages of the centre's log after the stored cursor (GET /v1/sync/pull) until the
  //     server says there is no more; each page is applied together with its new cursor in
  //     one local transaction (ApplyPage), so a pull interrupted before a commit fetches that
  //     page again from the old cursor.
  //  3. FILES: course materials (sync/files: uploads of files added here, then downloads of
  //     files the store's materials name), resumable; records go before files, so a large
  //     file never delays a check-in. A file that waits for another device's upload is not a
  //     failure; a file that failed is (it is tried again at the next sync).
  // Along the way: the server's clock is observed into the local hybrid clock, and the clock
  // skew (server time - the midpoint of the request on the device clock) is kept in meta and
  // sent with the next push.
  // Records in meta: the attempt, and then either the success (time, no error) or the error in
  // plain words ("no connection to mint.example.org", "the server mint.example.org did not
  // answer within 30 s", ...) and whether the server answered at all. The error is also the
  // returned Status: kUnavailable when the server could not be reached or was busy (try again
  // later), other codes when retrying alone will not help (revoked device, a refused change,
  // a sequence gap).
  // `progress` is called after each batch and page; `cancel`, when it becomes true, stops the
  // sync between batches (and abandons the request in flight): kUnavailable "stopped".
  // `files_yield`, when it becomes true during the file transfer, ends it after the chunk in
  // flight and the run returns OK with files_yielded: new records (a check-in) wait for at
  // most one chunk of a large file, never for the whole file.
  Result<SyncReport> RunOnce(const ProgressFn& progress = nullptr, const std::atomic<bool>* cancel = nullptr,
                             const std::atomic<bool>* files_yield = nullptr);

 private:
  struct Run;
  Status Push(Run& run);
  Status Pull(Run& run);
  // The file transfer of course materials (sync/files), into DATA/files.
  Status SyncFiles(Run& run);
  Status RecordOutcome(const Status& outcome, bool answered);

  store::Store& store_;
  SyncConfig config_;
  SyncEngineOptions options_;
  std::string host_;
};

}  // namespace mk::sync
