// The device's side of the sync protocol: push, pull, files, and what is recorded about it.
#include "sync_engine.h"

#include <algorithm>
#include <future>
#include <nlohmann/json.hpp>

#include "apply_page.h"
#include "sync/files/blob_store.h"
#include "sync/files/file_transfer.h"
#include "sync/files/material_library.h"
#include "sync/protocol/outbox.h"
#include "sync/protocol/wire.h"
#include "sync/transport/http_client.h"

namespace mk::sync {
namespace {

// The error document of a refused request: {"error":{"code","message"}, ...}.
struct ServerError {
  std::string code;
  std::string message;
  std::optional<int64_t> expected_seq;
};

ServerError ParseServerError(const HttpResponse& response) {
  ServerError e;
  const nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object()) return e;
  if (auto it = doc.find("error"); it != doc.end() && it->is_object()) {
    if (auto c = it->find("code"); c != it->end() && c->is_string()) e.code = c->get<std::string>();
    if (auto m = it->find("message"); m != it->end() && m->is_string()) e.message = m->get<std::string>();
    if (auto x = it->find("expected_seq"); x != it->end() && x->is_number_integer()) e.expected_seq = x->get<int64_t>();
  }
  if (auto x = doc.find("expected_seq"); !e.expected_seq && x != doc.end() && x->is_number_integer()) {
    e.expected_seq = x->get<int64_t>();
  }
  return e;
}

std::string WithServerMessage(std::string text, const ServerError& e) {
  if (!e.message.empty()) text += " (" + e.message + ")";
  return text;
}

Status Stopped() { return Status(ErrorCode::kUnavailable, "the sync was stopped before it finished"); }

// A request that got no HTTP answer, in words a person at the kiosk understands.
Status TransportFailure(const Status& s, const std::string& base_url, const std::string& host, long stall_s) {
  if (s.code() != ErrorCode::kUnavailable) return s;  // TLS trust, a malformed address: already clear
  const std::string& m = s.message();
  if (m.find("did not answer in time") != std::string::npos) {
    return Status(ErrorCode::kUnavailable,
                  "the server " + host + " did not answer within " + std::to_string(stall_s) + " s");
  }
  if (m.find("was cancelled") != std::string::npos) return Stopped();
  // "cannot reach the server at URL: WHAT; check the address and the network connection"
  std::string detail;
  const std::string prefix = "cannot reach the server at " + base_url + ": ";
  if (m.rfind(prefix, 0) == 0) {
    detail = m.substr(prefix.size());
    if (const size_t end = detail.find("; check the address"); end != std::string::npos) detail.resize(end);
  }
  return Status(ErrorCode::kUnavailable, "no connection to " + host + (detail.empty() ? "" : " (" + detail + ")"));
}

// Refusals every sync request can get.
std::optional<Status> CommonRefusal(const HttpResponse& r, const ServerError& e, const std::string& host) {
  if (r.status == 401) {
    return Status(ErrorCode::kPermissionDenied,
                  WithServerMessage("the server " + host + " no longer accepts this device (was it revoked?); "
                                    "enrol it again with 'mintkiosk enroll'", e));
  }
  if (r.status == 429) {
    return Status(ErrorCode::kUnavailable, "the server " + host + " is busy (too many requests); it will be tried again later");
  }
  if (r.status >= 500) {
    return Status(ErrorCode::kUnavailable,
                  WithServerMessage("the server " + host + " had a problem (HTTP " + std::to_string(r.status) + ")", e));
  }
  if (r.status == 404 && e.code != "not_found") {
    return Status(ErrorCode::kFailedPrecondition,
                  "the server " + host + " does not offer sync (HTTP 404); is it an older mintkiosk-server?");
  }
  return std::nullopt;
}

// The skew of the device clock: server time minus the midpoint of the request on the device.
std::optional<int64_t> MeasureSkew(int64_t server_time_ms, int64_t sent_ms, int64_t answered_ms) {
  if (server_time_ms <= 0) return std::nullopt;
  return server_time_ms - (sent_ms + (answered_ms - sent_ms) / 2);
}

}  // namespace

struct SyncEngine::Run {
  HttpClient http;
  const ProgressFn& progress;
  const std::atomic<bool>* cancel;
  const std::atomic<bool>* files_yield;  // may be null
  SyncProgress state;
  SyncReport report;
  bool answered = false;  // the server answered at least one request

  void Report() {
    state.bytes_sent = report.bytes_sent;
    state.bytes_received = report.bytes_received;
    if (progress) progress(state);
  }
  bool Cancelled() const { return cancel && cancel->load(); }
};

SyncEngine::SyncEngine(store::Store& store, SyncConfig config, SyncEngineOptions options)
    : store_(store), config_(std::move(config)), options_(options), host_(HostOfServerUrl(config_.server_url)) {}

Result<SyncReport> SyncEngine::RunOnce(const ProgressFn& progress, const std::atomic<bool>* cancel,
                                       const std::atomic<bool>* files_yield) {
  {
    MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(store_.db()));
    MK_RETURN_IF_ERROR(WriteMeta(store_.db(), kMetaLastAttempt, std::to_string(store_.clock().NowMs())));
    MK_RETURN_IF_ERROR(tx.Commit());
  }
  HttpClientOptions http;
  http.base_url = config_.server_url;
  http.ca_file = config_.ca_file;
  http.bearer_token = config_.token;
  http.connect_timeout_ms = options_.connect_timeout_ms;
  http.timeout_ms = options_.max_request_ms;
  http.low_speed_bytes_per_s = options_.min_bytes_per_s;
  http.low_speed_time_s = options_.stall_timeout_s;
  http.cancel = cancel;
  // Batches and pages are zstd already: no Accept-Encoding, no second compression.
  http.accept_compressed = false;
  Run run{HttpClient(http), progress, cancel, files_yield, {}, {}, false};

  Status outcome = Push(run);
  if (outcome.ok()) outcome = Pull(run);
  if (outcome.ok()) {
    run.state.phase = SyncProgress::Phase::kFiles;
    run.Report();
    outcome = SyncFiles(run);
  }
  if (auto summary = SummarizeOutbox(store_.db()); summary.ok()) run.report.waiting_after = summary->waiting;
  if (auto cursor = ReadMetaInt(store_.db(), kMetaPullCursor, 0); cursor.ok()) run.report.pull_cursor = *cursor;
  if (auto skew = ReadMetaInt(store_.db(), kMetaClockSkew, 0); skew.ok()) run.report.clock_skew_ms = *skew;
  const Status recorded = RecordOutcome(outcome, run.answered);
  if (!outcome.ok()) return outcome;
  MK_RETURN_IF_ERROR(recorded);
  return run.report;
}

namespace {

// The size to use after a transfer broke off (half) or got through (an eighth more, at least
// one), within [1, max].
int64_t Shrunk(int64_t limit) { return std::max<int64_t>(1, limit / 2); }
int64_t Grown(int64_t limit, int64_t max) { return std::min<int64_t>(max, limit + std::max<int64_t>(1, limit / 8)); }

// Remembers a new limit in its own small transaction (after a failed transfer nothing else is
// being written).
void Remember(store::Database& db, const char* key, int64_t value) {
  auto tx = store::Transaction::Begin(db);
  if (!tx.ok()) return;
  if (WriteMeta(db, key, std::to_string(value)).ok()) (void)tx->Commit();
}

// A push batch read from the outbox and encoded, ready to send.
struct PushPlan {
  HttpRequest request;
  int64_t first_seq = 0;
  int64_t last_seq = 0;
  size_t n = 0;  // changes in it; 0: the outbox holds nothing after the position asked for
};

// One push request and when it was sent and answered (for the clock skew).
struct PushFetch {
  Result<HttpResponse> response = Status(ErrorCode::kInternal, "no push request was made");
  int64_t sent_ms = 0;
  int64_t answered_ms = 0;
};

// Reads the outbox after `after` (at most `limit` changes, stopping at a hole in the seqs, as a
// batch numbers its changes from first_seq on) and encodes the batch, cut to max_batch_bytes.
Result<PushPlan> PreparePush(store::Database& db, const SyncEngineOptions& options, int64_t after, size_t limit) {
  PushPlan plan;
  MK_ASSIGN_OR_RETURN(OutboxBatch batch, ReadOutboxBatch(db, after, limit, options.max_batch_plain_bytes));
  size_t n = batch.writer.count();
  if (n == 0) return plan;
  MK_ASSIGN_OR_RETURN(const int64_t skew, ReadMetaInt(db, kMetaClockSkew, 0));
  plan.request.method = "POST";
  plan.request.path = "/v1/sync/push";
  plan.request.content_type = kSyncContentType;
  plan.request.body = batch.writer.Encode(batch.first_seq, skew, n);
  // Sized by what goes on the wire: cut a batch that compresses to more than the limit, in
  // proportion and a tenth below it, until it fits (a single change always goes).
  for (int cuts = 0; plan.request.body.size() > options.max_batch_bytes && n > 1 && cuts < 16; ++cuts) {
    const double fits = static_cast<double>(options.max_batch_bytes) / static_cast<double>(plan.request.body.size());
    n = std::clamp<size_t>(static_cast<size_t>(static_cast<double>(n) * fits * 0.9), 1, n - 1);
    plan.request.body = batch.writer.Encode(batch.first_seq, skew, n);
  }
  plan.first_seq = batch.first_seq;
  plan.last_seq = batch.first_seq + static_cast<int64_t>(n) - 1;
  plan.n = n;
  return plan;
}

}  // namespace

Status SyncEngine::Push(Run& run) {
  store::Database& db = store_.db();
  MK_ASSIGN_OR_RETURN(const OutboxSummary summary, SummarizeOutbox(db));
  run.state.phase = SyncProgress::Phase::kPush;
  run.state.changes_to_send = summary.waiting;
  run.Report();
  const auto max_batch = static_cast<int64_t>(std::max<size_t>(1, options_.max_batch_changes));
  MK_ASSIGN_OR_RETURN(int64_t remembered, ReadMetaInt(db, kMetaPushLimit, max_batch));
  size_t batch_limit = static_cast<size_t>(std::clamp<int64_t>(remembered, 1, max_batch));
  // With many changes waiting, batches are kept to pipeline_batch_changes so that there is a
  // next one to read and encode, and a last one to acknowledge, while one is at the server.
  const size_t pipeline = std::max<size_t>(1, options_.pipeline_batch_changes);
  const bool pipelined = summary.waiting > static_cast<int64_t>(pipeline);
  auto limit_now = [&] { return pipelined ? std::min(batch_limit, pipeline) : batch_limit; };
  auto send = [this, &run](HttpRequest request) {
    PushFetch f;
    f.sent_ms = store_.clock().NowMs();
    f.response = run.http.Send(request);
    f.answered_ms = store_.clock().NowMs();
    return f;
  };
  int64_t after = 0;  // everything up to here is acknowledged
  MK_ASSIGN_OR_RETURN(PushPlan plan, PreparePush(db, options_, after, limit_now()));
  // The request in flight is always the one of `plan`. Declared after everything `send` uses,
  // so an early return waits for it. A batch sent ahead whose answer is never read is applied
  // by the server all the same; it stays in the outbox here and the next push sends it again,
  // which the server acknowledges without applying it twice (the seqs).
  std::future<PushFetch> in_flight;
  for (;;) {
    if (plan.n == 0) return Status::Ok();
    if (run.Cancelled()) return Stopped();
    if (!in_flight.valid()) in_flight = std::async(std::launch::async, send, plan.request);
    // While the batch is at the server, the one after it is read and encoded.
    std::optional<PushPlan> next;
    if (!run.Cancelled()) {
      auto prepared = PreparePush(db, options_, plan.last_seq, limit_now());
      if (!prepared.ok()) {
        in_flight.wait();
        return prepared.status();
      }
      if (prepared->n > 0) {
        next = std::move(*prepared);
      } else if (pipelined) {
        // The last batch of a long push is at the server: move the write-ahead log into the
        // database now, so that the acknowledgement to come does not do it while nothing else runs.
        (void)db.Exec("PRAGMA wal_checkpoint(PASSIVE)");
      }
    }
    PushFetch f = in_flight.get();
    const size_t n = plan.n;
    auto& response = f.response;
    if (!response.ok()) {
      Remember(db, kMetaPushLimit, Shrunk(static_cast<int64_t>(n)));
      return TransportFailure(response.status(), config_.server_url, host_, options_.stall_timeout_s);
    }
    run.answered = true;
    ++run.report.push_requests;
    run.report.bytes_sent += static_cast<int64_t>(plan.request.body.size());
    run.report.bytes_received += static_cast<int64_t>(response->body.size());
    if (response->status == 413 && n > 1) {  // the server takes smaller batches: halve until it fits
      batch_limit = std::max<size_t>(1, n / 2);
      MK_ASSIGN_OR_RETURN(plan, PreparePush(db, options_, after, limit_now()));
      continue;
    }
    const std::string range = "changes " + std::to_string(plan.first_seq) + " to " + std::to_string(plan.last_seq);
    if (response->status != 200) {
      const ServerError e = ParseServerError(*response);
      if (auto common = CommonRefusal(*response, e, host_)) return *common;
      if (response->status == 409 && e.code == "sequence_gap") {
        const std::string expected = e.expected_seq ? std::to_string(*e.expected_seq) : std::string("an earlier one");
        return FailedPrecondition("the server expects this device's change " + expected +
                                  " next, but the oldest change waiting here is " + std::to_string(plan.first_seq) +
                                  ": the changes in between are missing on this device (was its data restored from "
                                  "a backup?); ask the centre's administrator");
      }
      if (response->status == 413) {
        return InvalidArgument("the server refused change " + std::to_string(plan.first_seq) +
                               " as too large (HTTP 413); ask the centre's administrator to raise --max-body");
      }
      if (response->status == 403) {
        return Status(ErrorCode::kPermissionDenied, WithServerMessage("the server refused " + range, e));
      }
      return InvalidArgument(WithServerMessage(
          "the server refused " + range + " (HTTP " + std::to_string(response->status) +
              (e.code.empty() ? std::string() : " " + e.code) + "); they stay waiting on this device",
          e));
    }
    auto ack = DecodePushAck(response->body);
    if (!ack.ok()) return ack.status().WithContext("the server's answer to a push could not be read");
    if (ack->acked_seq <= after || ack->acked_seq < plan.first_seq) {
      return Internal("the server acknowledged change " + std::to_string(ack->acked_seq) + " after " + range +
                      " were sent; nothing moves forward, so the sync stops here");
    }
    // The next batch goes out before this one is acknowledged here: the acknowledgement (a
    // transaction with a sync to disk) then overlaps the server's work on the next batch. It
    // continues the server's numbering only when everything sent so far was acknowledged.
    if (next && ack->acked_seq == plan.last_seq && !run.Cancelled()) {
      in_flight = std::async(std::launch::async, send, next->request);
    } else {
      next.reset();
    }
    {
      MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
      MK_RETURN_IF_ERROR(AcknowledgeOutbox(db, ack->acked_seq));
      if (auto skew = MeasureSkew(ack->server_time_ms, f.sent_ms, f.answered_ms)) {
        MK_RETURN_IF_ERROR(WriteMeta(db, kMetaClockSkew, std::to_string(*skew)));
      }
      if (ack->server_hlc != 0) (void)store_.capture().hlc().Observe(ack->server_hlc);
      MK_RETURN_IF_ERROR(store::RememberStamp(db, store_.capture().hlc().Last()));
      if (n == batch_limit && static_cast<int64_t>(batch_limit) < max_batch) {
        batch_limit = static_cast<size_t>(Grown(static_cast<int64_t>(batch_limit), max_batch));
        MK_RETURN_IF_ERROR(WriteMeta(db, kMetaPushLimit, std::to_string(batch_limit)));
      }
      MK_RETURN_IF_ERROR(tx.Commit());
    }
    const int64_t acked_here = std::min(ack->acked_seq, plan.last_seq) - plan.first_seq + 1;
    run.report.changes_sent += acked_here;
    run.state.changes_sent += acked_here;
    after = ack->acked_seq;
    run.Report();
    if (next) {
      plan = std::move(*next);
    } else {
      // Changes made here meanwhile, or a batch that did not continue the numbering: read again.
      MK_ASSIGN_OR_RETURN(plan, PreparePush(db, options_, after, limit_now()));
    }
  }
}

namespace {

// One pull request: where it asked from, its answer, when it was sent and answered (for the
// clock skew), and the page decoded when the answer is a 200.
struct PullFetch {
  int64_t after = 0;
  int limit = 0;
  Result<HttpResponse> response = Status(ErrorCode::kInternal, "no pull request was made");
  int64_t sent_ms = 0;
  int64_t answered_ms = 0;
  std::optional<Result<PullPage>> page;
  Status valid;  // ValidatePage of the decoded page
};

}  // namespace

Status SyncEngine::Pull(Run& run) {
  store::Database& db = store_.db();
  run.state.phase = SyncProgress::Phase::kPull;
  run.Report();
  MK_ASSIGN_OR_RETURN(int64_t cursor, ReadMetaInt(db, kMetaPullCursor, 0));
  const int max_limit = std::clamp(options_.pull_page_limit, 1, 10000);
  MK_ASSIGN_OR_RETURN(int64_t remembered, ReadMetaInt(db, kMetaPullLimit, max_limit));
  int limit = static_cast<int>(std::clamp<int64_t>(remembered, 1, max_limit));
  // Touches only the HTTP client and the clock, never the store: it may run on another thread.
  auto fetch = [this, &run](int64_t after, int page_limit) {
    PullFetch f;
    f.after = after;
    f.limit = page_limit;
    HttpRequest request;
    request.path = "/v1/sync/pull?after=" + std::to_string(after) + "&limit=" + std::to_string(page_limit);
    f.sent_ms = store_.clock().NowMs();
    f.response = run.http.Send(request);
    f.answered_ms = store_.clock().NowMs();
    if (f.response.ok() && f.response->status == 200) {
      f.page = DecodePullPage(f.response->body);
      // Checked here too: on the thread fetching ahead, this overlaps the merge of the page before.
      if (f.page->ok()) f.valid = ValidatePage(**f.page);
    }
    return f;
  };
  // One request ahead: while a page is applied here, the next one is asked for on another thread
  // (the server reads and encodes it, and it is decoded, meanwhile). Pages are still applied one
  // at a time, in order, each with its cursor in one transaction; an answer fetched ahead for
  // another position or size than the one due is not used (the request is made again).
  // Declared after everything `fetch` uses, so an early return waits for the request in flight.
  std::future<PullFetch> ahead;
  for (;;) {
    if (run.Cancelled()) return Stopped();
    PullFetch f;
    if (ahead.valid()) {
      f = ahead.get();
      if (f.after != cursor || f.limit != limit) {
        if (f.response.ok()) {
          run.answered = true;
          ++run.report.pull_requests;
          run.report.bytes_received += static_cast<int64_t>(f.response->body.size());
        }
        f = fetch(cursor, limit);
      }
    } else {
      f = fetch(cursor, limit);
    }
    auto& response = f.response;
    if (!response.ok()) {
      Remember(db, kMetaPullLimit, Shrunk(limit));
      return TransportFailure(response.status(), config_.server_url, host_, options_.stall_timeout_s);
    }
    run.answered = true;
    ++run.report.pull_requests;
    run.report.bytes_received += static_cast<int64_t>(response->body.size());
    if (response->status != 200) {
      const ServerError e = ParseServerError(*response);
      if (auto common = CommonRefusal(*response, e, host_)) return *common;
      return InvalidArgument(WithServerMessage("the server refused to send changes after position " +
                                                   std::to_string(cursor) + " (HTTP " + std::to_string(response->status) + ")",
                                               e));
    }
    Result<PullPage>& page = *f.page;
    if (!page.ok()) {
      return page.status().WithContext("the server's changes after position " + std::to_string(cursor) +
                                       " could not be read; nothing of them was applied");
    }
    if (!f.valid.ok()) {
      return f.valid.WithContext("the server's changes after position " + std::to_string(cursor));
    }
    if (page->cursor < cursor) {
      return Corrupt("the server answered changes after position " + std::to_string(cursor) +
                     " with an older position " + std::to_string(page->cursor) + "; nothing of them was applied");
    }
    if (page->more && page->cursor == cursor) {
      return Corrupt("the server says more changes wait after position " + std::to_string(cursor) +
                     " but sent none; the sync stops instead of asking forever");
    }
    const int next_limit = page->more && limit < max_limit ? static_cast<int>(Grown(limit, max_limit)) : limit;
    if (page->more && !run.Cancelled()) ahead = std::async(std::launch::async, fetch, page->cursor, next_limit);
    PageApplyOptions apply;
    apply.validated = true;
    apply.clock_skew_ms = MeasureSkew(page->server_time_ms, f.sent_ms, f.answered_ms);
    MK_ASSIGN_OR_RETURN(const PageOutcome outcome, ApplyPage(store_, *page, apply));
    const auto count = static_cast<int64_t>(page->changes.size());
    run.report.changes_received += count;
    run.report.changes_applied += outcome.applied;
    run.state.changes_received += count;
    cursor = outcome.cursor;
    run.Report();
    if (next_limit != limit) {
      limit = next_limit;
      Remember(db, kMetaPullLimit, limit);
    }
    if (!page->more) return Status::Ok();
  }
}

Status SyncEngine::SyncFiles(Run& run) {
  if (run.Cancelled()) return Stopped();
  MK_ASSIGN_OR_RETURN(BlobStore blobs, BlobStore::Open(config_.files_dir()));
  auto files = sync::SyncFiles(
      run.http, blobs, store_.db(),
      [&run](const TransferProgress& p) {
        run.state.file_index = p.file_index;
        run.state.file_count = p.file_count;
        run.Report();
      },
      run.files_yield ? run.files_yield : run.cancel);
  if (!files.ok()) {
    const Status& s = files.status();
    if (s.code() == ErrorCode::kUnavailable) {
      return TransportFailure(s, config_.server_url, host_, options_.stall_timeout_s);
    }
    return s.WithContext("course materials");
  }
  if (!files->cancelled) {
    // Each material shows this device's state; the failures of this pass replace the last one's.
    (void)RecordFileFailures(config_.files_dir(), files->failed);
  }
  run.report.bytes_sent += files->bytes_sent;
  run.report.bytes_received += files->bytes_received;
  run.report.files_uploaded = files->uploaded;
  run.report.files_downloaded = files->downloaded;
  run.report.files_waiting = static_cast<int>(files->waiting.size());
  if (files->cancelled) {
    if (run.Cancelled()) return Stopped();
    run.report.files_yielded = true;  // records came in: they go first, the files resume next time
    return Status::Ok();
  }
  // The files of materials deleted here or elsewhere go once the pass is through (a failure to
  // delete leaves them for the next pass; it is not a failure of the sync).
  if (auto pruned = PruneUnusedFiles(store_.db(), blobs); pruned.ok()) {
    run.report.files_pruned = pruned->files;
    run.report.bytes_pruned = pruned->bytes;
  }
  if (!files->failed.empty()) {
    const FileProblem& first = files->failed.front();
    return Status(ErrorCode::kUnavailable,
                  std::to_string(files->failed.size()) + (files->failed.size() == 1 ? " file" : " files") +
                      " of the course materials could not be transferred (" + first.sha256.substr(0, 12) + ": " +
                      first.message + "); it will be tried again at the next sync");
  }
  return Status::Ok();
}

Status SyncEngine::RecordOutcome(const Status& outcome, bool answered) {
  store::Database& db = store_.db();
  MK_ASSIGN_OR_RETURN(store::Transaction tx, store::Transaction::Begin(db));
  MK_RETURN_IF_ERROR(WriteMeta(db, kMetaOnline, answered ? "1" : "0"));
  if (outcome.ok()) {
    MK_RETURN_IF_ERROR(WriteMeta(db, kMetaLastSuccess, std::to_string(store_.clock().NowMs())));
    MK_RETURN_IF_ERROR(DeleteMeta(db, kMetaLastError));
  } else {
    MK_RETURN_IF_ERROR(WriteMeta(db, kMetaLastError, outcome.message()));
  }
  return tx.Commit();
}

}  // namespace mk::sync
