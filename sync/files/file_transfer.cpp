// Upload and download loops over HttpClient: resume points, adaptive chunk sizes, bounded retries.
#include "file_transfer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string_view>

namespace mk::sync {
namespace {

// What the server says about one file (GET /v1/files/{sha}, and the PUT answers).
struct ServerFile {
  int64_t size = 0;
  int64_t received = 0;
  bool complete = false;
};

std::optional<ServerFile> ParseServerFile(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  auto number = [&](const char* name) -> std::optional<int64_t> {
    auto it = doc.find(name);
    if (it == doc.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
  };
  ServerFile f;
  auto received = number("received");
  if (!received || *received < 0) return std::nullopt;
  f.received = *received;
  if (auto size = number("size")) f.size = *size;
  auto complete = doc.find("complete");
  if (complete != doc.end() && complete->is_boolean()) f.complete = complete->get<bool>();
  return f;
}

std::string FilePath(const std::string& sha256) { return "/v1/files/" + sha256; }

bool Cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(); }

// The chunk size of one transfer (see TransferOptions). A failure without progress halves the
// size and sets a ceiling at three quarters of the size that failed; successes grow the size by
// a quarter up to the ceiling, and at the ceiling raise it by 1/64 per success. So a link that
// cuts everything above some size settles just below it and probes upwards only slowly: about
// one failed request in twenty instead of one in four.
class ChunkSizer {
 public:
  explicit ChunkSizer(const TransferOptions& o)
      : min_(std::max<int64_t>(1, o.min_chunk_bytes)),
        max_(std::max(min_, o.max_chunk_bytes)),
        ceiling_(max_),
        size_(std::clamp(o.initial_chunk_bytes, min_, max_)) {}
  int64_t size() const { return size_; }
  void Succeeded() {
    if (size_ >= ceiling_) ceiling_ = std::min(max_, ceiling_ + std::max<int64_t>(1, ceiling_ / 64));
    size_ = std::min(ceiling_, size_ + std::max<int64_t>(1, size_ / 4));
  }
  void FailedWithoutProgress() {
    ceiling_ = std::max(min_, size_ - size_ / 4);
    size_ = std::max(min_, size_ / 2);
  }

 private:
  int64_t min_;
  int64_t max_;
  int64_t ceiling_;
  int64_t size_;
};

// Counts failed requests in a row that moved nothing forward; gives up after the limit.
class RetryBudget {
 public:
  explicit RetryBudget(int limit) : limit_(std::max(1, limit)) {}
  // Records a failed request; the error to return once the budget is spent.
  std::optional<Status> Failed(const Status& why, const std::string& what) {
    if (++in_a_row_ < limit_) return std::nullopt;
    return Status(ErrorCode::kUnavailable, what + " failed " + std::to_string(in_a_row_) +
                                               " times in a row without progress; the last error: " + why.message());
  }
  void Progressed() { in_a_row_ = 0; }

 private:
  int limit_;
  int in_a_row_ = 0;
};

HttpRequest Request(std::string method, std::string path) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  return r;
}

// Notes why a file failed (for SyncFiles' report, when `why` is given) and hands `status` on.
Status Failing(FileProblem* why, FileFailure code, std::vector<std::string> params, Status status) {
  if (why != nullptr) {
    why->code = code;
    why->params = std::move(params);
  }
  return status;
}

}  // namespace

const char* FileFailureKey(FileFailure code) {
  switch (code) {
    case FileFailure::kNone: return "none";
    case FileFailure::kOther: return "other";
    case FileFailure::kNoValidFile: return "no_valid_file";
    case FileFailure::kSizeMismatch: return "size_mismatch";
    case FileFailure::kHttpStatus: return "http_status";
    case FileFailure::kNoRanges: return "no_ranges";
    case FileFailure::kServerFileShort: return "server_file_short";
    case FileFailure::kWrongByteCount: return "wrong_byte_count";
    case FileFailure::kDamaged: return "damaged";
    case FileFailure::kUploadRejected: return "upload_rejected";
    case FileFailure::kLocalStorage: return "local_storage";
  }
  return "other";
}

FileFailure FileFailureFromKey(std::string_view key) {
  for (FileFailure code : {FileFailure::kNoValidFile, FileFailure::kSizeMismatch, FileFailure::kHttpStatus,
                           FileFailure::kNoRanges, FileFailure::kServerFileShort, FileFailure::kWrongByteCount,
                           FileFailure::kDamaged, FileFailure::kUploadRejected, FileFailure::kLocalStorage}) {
    if (key == FileFailureKey(code)) return code;
  }
  return FileFailure::kOther;
}

// When a reused keep-alive connection dies before any answer has arrived, libcurl sends the
// request again on a new connection by itself: a chunk cut by a drop would reach the server
// twice (the server keeps the bytes that arrived, and skips them in the second copy, but they
// crossed the link twice). Two headers keep that from happening:
// - The status query that follows a failure closes its connection ("Connection: close"), so the
//   next chunk goes out on a fresh connection, where libcurl never re-sends by itself; the query
//   itself is small and harmless to repeat.
// - Chunks ask for an early "100 Continue" ("Expect: 100-continue"), which the server sends as
//   soon as it has the headers. Once libcurl has read any answer it no longer re-sends, so a
//   chunk cut later on a reused connection surfaces as an error too. HttpClient switches
//   libcurl's own waiting for the 100 off, so this costs 47 bytes and no round trip.
// Either way the client then asks what arrived and sends only the rest.
constexpr std::pair<const char*, const char*> kCloseAfter{"Connection", "close"};
constexpr std::pair<const char*, const char*> kAnswerEarly{"Expect", "100-continue"};

// Upload and Download with `why`: set at the failures that have a code of their own.
static Result<TransferReport> UploadFile(HttpClient& client, BlobStore& blobs, const std::string& sha256,
                                         const ProgressFn& progress, const std::atomic<bool>* cancel,
                                         const TransferOptions& options, FileProblem* why) {
  if (!IsValidSha256(sha256)) return InvalidArgument("'" + sha256.substr(0, 80) + "' is not a SHA-256");
  MK_ASSIGN_OR_RETURN(const int64_t size, blobs.Size(sha256));
  TransferReport report;
  report.size = size;
  ChunkSizer chunk(options);
  RetryBudget budget(options.max_attempts_without_progress);
  const std::string what = "uploading the file " + sha256;
  auto notify = [&](int64_t done) {
    if (progress) progress({sha256, TransferDirection::kUpload, done, size});
  };
  auto send = [&](const HttpRequest& request) {
    ++report.requests;
    return client.Send(request);
  };

  std::optional<int64_t> received;  // what the server holds; unknown after a failed request
  int64_t best = -1;                // the most the server has been seen to hold
  bool after_failure = false;
  for (;;) {
    if (Cancelled(cancel)) {
      report.cancelled = true;
      return report;
    }
    if (!received) {
      HttpRequest query = Request("GET", FilePath(sha256));
      query.headers.emplace_back(kCloseAfter.first, kCloseAfter.second);
      auto r = send(query);
      if (!r.ok()) {
        ++report.failed_requests;
        if (auto give_up = budget.Failed(r.status(), what)) return *give_up;
        continue;
      }
      if (r->status == 404) {
        return NotFound("the server has no material of this centre with the file " + sha256 +
                        "; its record goes up with the next record sync, then the file follows");
      }
      if (r->status != 200) {
        return Failing(why, FileFailure::kHttpStatus, {std::to_string(r->status)}, StatusFromResponse(*r).WithContext(what));
      }
      auto file = ParseServerFile(r->body);
      if (!file) return Internal("the server's answer about the file " + sha256 + " is not understood");
      if (file->size != size) {
        return Failing(why, FileFailure::kSizeMismatch, {std::to_string(size), std::to_string(file->size)},
                       FailedPrecondition("the server's material says the file " + sha256 + " has " +
                                          std::to_string(file->size) + " bytes, the copy here has " + std::to_string(size)));
      }
      if (file->complete) {
        report.complete = true;
        notify(size);
        return report;
      }
      if (file->received > best) {
        best = file->received;
        budget.Progressed();
      } else if (after_failure) {
        // Nothing of the failed chunk arrived (or the server does not keep partial chunks,
        // as behind a proxy that buffers request bodies): smaller chunks get through.
        chunk.FailedWithoutProgress();
      }
      after_failure = false;
      received = file->received;
      notify(*received);
    }

    const int64_t offset = *received;
    const int64_t length = std::min(chunk.size(), size - offset);
    MK_ASSIGN_OR_RETURN(std::string bytes, blobs.Read(sha256, offset, length));
    if (static_cast<int64_t>(bytes.size()) != length) {
      return Failing(why, FileFailure::kLocalStorage, {}, Corrupt("the local file " + sha256 + " became shorter"));
    }
    report.payload_bytes += length;
    HttpRequest put = Request("PUT", FilePath(sha256) + "?offset=" + std::to_string(offset));
    put.body = std::move(bytes);
    put.content_type = "application/octet-stream";
    put.headers.emplace_back(kAnswerEarly.first, kAnswerEarly.second);
    auto r = send(put);
    if (!r.ok()) {
      // The server keeps what arrived of the chunk: ask where to continue.
      ++report.failed_requests;
      received.reset();
      after_failure = true;
      if (auto give_up = budget.Failed(r.status(), what)) return *give_up;
      continue;
    }
    if (r->status == 200 || r->status == 409) {
      auto file = ParseServerFile(r->body);
      if (!file) {
        if (r->status == 409) {
          return Failing(why, FileFailure::kHttpStatus, {"409"}, StatusFromResponse(*r).WithContext(what));
        }
        return Internal("the server's answer to a chunk of the file " + sha256 + " is not understood");
      }
      if (r->status == 200) chunk.Succeeded();
      if (file->received > best) {
        best = file->received;
        budget.Progressed();
      } else if (r->status == 409) {
        // Told to continue from a point that is no further along: bounded like a failure.
        if (auto give_up = budget.Failed(StatusFromResponse(*r), what)) return *give_up;
      }
      if (file->complete) {
        report.complete = true;
        notify(size);
        return report;
      }
      if (file->received > size) return Internal("the server holds more of the file " + sha256 + " than it has");
      received = file->received;
      notify(*received);
      continue;
    }
    if (r->status == 422) {
      return Failing(why, FileFailure::kUploadRejected, {},
                     Corrupt("the server found the uploaded file " + sha256 +
                             " different from its SHA-256 and discarded it; check the local copy"));
    }
    if (r->status == 404) {
      return NotFound("the server no longer has a material of this centre with the file " + sha256);
    }
    return Failing(why, FileFailure::kHttpStatus, {std::to_string(r->status)}, StatusFromResponse(*r).WithContext(what));
  }
}

Result<TransferReport> Upload(HttpClient& client, BlobStore& blobs, const std::string& sha256,
                              const ProgressFn& progress, const std::atomic<bool>* cancel,
                              const TransferOptions& options) {
  return UploadFile(client, blobs, sha256, progress, cancel, options, nullptr);
}

static Result<TransferReport> DownloadFile(HttpClient& client, BlobStore& blobs, const std::string& sha256, int64_t size,
                                           const ProgressFn& progress, const std::atomic<bool>* cancel,
                                           const TransferOptions& options, FileProblem* why) {
  if (!IsValidSha256(sha256)) return InvalidArgument("'" + sha256.substr(0, 80) + "' is not a SHA-256");
  if (size < 0) return InvalidArgument("a file size cannot be negative");
  TransferReport report;
  report.size = size;
  auto notify = [&](int64_t done) {
    if (progress) progress({sha256, TransferDirection::kDownload, done, size});
  };
  MK_ASSIGN_OR_RETURN(bool have, blobs.Has(sha256));
  if (have) {
    report.complete = true;
    notify(size);
    return report;
  }
  MK_ASSIGN_OR_RETURN(int64_t offset, blobs.PartialSize(sha256));
  if (offset > size) {
    MK_RETURN_IF_ERROR(blobs.DiscardPartial(sha256));
    offset = 0;
  }
  notify(offset);
  ChunkSizer chunk(options);
  RetryBudget budget(options.max_attempts_without_progress);
  const std::string what = "downloading the file " + sha256;
  const std::string content_path = FilePath(sha256) + "/content";
  while (offset < size) {
    if (Cancelled(cancel)) {
      report.cancelled = true;
      return report;
    }
    const int64_t length = std::min(chunk.size(), size - offset);
    const std::string span = std::to_string(offset) + "-" + std::to_string(offset + length - 1);
    const std::string range = "bytes " + span;  // for messages
    // The range's bytes go to the partial file as they arrive, so a response cut short keeps
    // what arrived and the next request starts at the exact byte after it.
    std::optional<BlobStore::PartialWriter> writer;
    int64_t arrived = 0;   // body bytes received, kept or not
    Status refused;        // why the body was not taken (the sink returned false)
    FileProblem refused_why{"", "", FileFailure::kNone, {}};  // its code, when it has one
    HttpRequest get = Request("GET", content_path);
    get.headers.emplace_back("Range", "bytes=" + span);
    get.on_body = [&](long status, std::string_view piece) {
      arrived += static_cast<int64_t>(piece.size());
      if (status != 206) {
        refused_why.code = FileFailure::kNoRanges;
        refused_why.params = {std::to_string(status)};
        refused = InvalidArgument("the server answered HTTP " + std::to_string(status) + " to the request for " +
                                  range + " of the file " + sha256 +
                                  " instead of 206 with those bytes; a proxy in between may not pass Range requests");
        return false;
      }
      const int64_t kept = writer ? writer->size() - offset : 0;
      if (kept + static_cast<int64_t>(piece.size()) > length) {
        refused_why.code = FileFailure::kWrongByteCount;
        refused_why.params = {std::to_string(kept + static_cast<int64_t>(piece.size())), std::to_string(length)};
        refused = Corrupt("the server sent more than the " + std::to_string(length) + " bytes asked for (" + range +
                          ") of the file " + sha256);
        return false;
      }
      if (!writer) {
        auto opened = blobs.OpenPartial(sha256, offset);
        if (!opened.ok()) {
          refused = opened.status();
          return false;
        }
        writer.emplace(std::move(*opened));
      }
      refused = writer->Append(piece);
      return refused.ok();
    };
    ++report.requests;
    auto r = client.Send(get);
    report.payload_bytes += arrived;
    // What arrived goes to disk at the end of each response, complete or cut.
    const int64_t held_before = offset;
    if (writer) {
      Status flushed = writer->Flush();
      offset = writer->size();
      writer.reset();
      if (!flushed.ok()) return flushed.WithContext(what);
    }
    if (!refused.ok()) {
      if (refused.code() == ErrorCode::kAlreadyExists) break;  // another process finished it
      if (refused.code() == ErrorCode::kFailedPrecondition) {
        // Another process is downloading it too: continue from what the file holds. Bounded
        // like a failure when that is no further along.
        MK_ASSIGN_OR_RETURN(offset, blobs.PartialSize(sha256));
        if (offset <= held_before) {
          if (auto give_up = budget.Failed(refused, what)) return *give_up;
        }
        continue;
      }
      return Failing(why, refused_why.code, refused_why.params, refused.WithContext(what));
    }
    const bool moved = offset > held_before;
    if (moved) notify(offset);
    if (!r.ok()) {
      // Cut in transit (or never reached the server). The part that arrived is kept: a request
      // that moved the transfer forward is no failure of the link's capacity, one that did not
      // gets a smaller range next time.
      ++report.failed_requests;
      if (moved) {
        budget.Progressed();
        continue;
      }
      chunk.FailedWithoutProgress();
      if (auto give_up = budget.Failed(r.status(), what)) return *give_up;
      continue;
    }
    if (r->status == 404) return NotFound("the server has no material of this centre with the file " + sha256);
    if (r->status == 409) {
      return FailedPrecondition("the server does not have the whole file " + sha256 +
                                " yet; it follows once the device that added it has uploaded it");
    }
    if (r->status == 416) {
      return Failing(why, FileFailure::kServerFileShort, {std::to_string(size)},
                     Corrupt("the server's file " + sha256 + " is shorter than its material says (" +
                             std::to_string(size) + " bytes)"));
    }
    if (r->status != 206) {
      return Failing(why, FileFailure::kHttpStatus, {std::to_string(r->status)}, StatusFromResponse(*r).WithContext(what));
    }
    if (offset - held_before != length) {
      return Failing(why, FileFailure::kWrongByteCount,
                     {std::to_string(offset - held_before), std::to_string(length)},
                     Corrupt("the server sent " + std::to_string(offset - held_before) + " bytes of the file " +
                             sha256 + " where " + std::to_string(length) + " were asked for (" + range + ")"));
    }
    chunk.Succeeded();
    budget.Progressed();
  }
  Status done = blobs.Complete(sha256, size);
  if (!done.ok()) {
    return Failing(why, done.code() == ErrorCode::kCorrupt ? FileFailure::kDamaged : FileFailure::kLocalStorage, {},
                   done.WithContext(what));
  }
  report.complete = true;
  notify(size);
  return report;
}

Result<TransferReport> Download(HttpClient& client, BlobStore& blobs, const std::string& sha256, int64_t size,
                                const ProgressFn& progress, const std::atomic<bool>* cancel,
                                const TransferOptions& options) {
  return DownloadFile(client, blobs, sha256, size, progress, cancel, options, nullptr);
}

namespace {

Result<std::vector<PendingFile>> Materials(store::Database& db) {
  MK_ASSIGN_OR_RETURN(store::Statement st,
                      db.Prepare("SELECT sha256, MIN(size_bytes) FROM materials GROUP BY sha256 "
                                 "ORDER BY MIN(size_bytes), sha256"));
  std::vector<PendingFile> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    PendingFile f{st.ColumnText(0), st.ColumnInt(1)};
    if (IsValidSha256(f.sha256)) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

Result<BlobStore::PruneReport> PruneUnusedFiles(store::Database& db, BlobStore& blobs) {
  // The materials are read at Prune's first question, after it listed the store: a file that
  // arrived for a material written meanwhile is kept.
  std::optional<std::set<std::string>> named;
  Status read;
  auto pruned = blobs.Prune([&](const std::string& sha256) {
    if (!named) {
      named.emplace();
      auto all = Materials(db);
      if (all.ok()) {
        for (PendingFile& f : *all) named->insert(std::move(f.sha256));
      } else {
        read = all.status();
      }
    }
    return !read.ok() || named->count(sha256) > 0;  // nothing is deleted when the materials could not be read
  });
  MK_RETURN_IF_ERROR(read);
  return pruned;
}

Result<std::vector<PendingFile>> PendingDownloads(store::Database& db, const BlobStore& blobs) {
  MK_ASSIGN_OR_RETURN(std::vector<PendingFile> all, Materials(db));
  std::vector<PendingFile> out;
  for (PendingFile& f : all) {
    MK_ASSIGN_OR_RETURN(bool have, blobs.Has(f.sha256));
    if (!have) out.push_back(std::move(f));
  }
  return out;
}

Result<std::vector<PendingFile>> PendingUploads(store::Database& db, const BlobStore& blobs) {
  MK_ASSIGN_OR_RETURN(std::vector<std::string> outgoing, blobs.Outgoing());
  const std::set<std::string> marked(outgoing.begin(), outgoing.end());
  MK_ASSIGN_OR_RETURN(std::vector<PendingFile> all, Materials(db));
  std::vector<PendingFile> out;
  for (PendingFile& f : all) {
    if (!marked.count(f.sha256)) continue;
    MK_ASSIGN_OR_RETURN(bool have, blobs.Has(f.sha256));
    if (have) out.push_back(std::move(f));
  }
  return out;
}

Result<FileSyncReport> SyncFiles(HttpClient& client, BlobStore& blobs, store::Database& db,
                                 const ProgressFn& progress, const std::atomic<bool>* cancel,
                                 const TransferOptions& options) {
  FileSyncReport report;
  MK_ASSIGN_OR_RETURN(std::vector<PendingFile> uploads, PendingUploads(db, blobs));
  MK_ASSIGN_OR_RETURN(std::vector<PendingFile> downloads, PendingDownloads(db, blobs));
  const int count = static_cast<int>(uploads.size() + downloads.size());
  int index = 0;
  // Link and authentication failures end the pass; anything else concerns one file.
  auto ends_pass = [](const Status& s) {
    return s.code() == ErrorCode::kUnavailable || s.code() == ErrorCode::kPermissionDenied;
  };
  // A failure without a code of its own: the local disk (kIo) or damaged bytes, else unclassified.
  auto problem = [](const std::string& sha256, const Status& s, FileProblem why) {
    why.sha256 = sha256;
    why.message = s.message();
    if (why.code == FileFailure::kNone) {
      why.code = s.code() == ErrorCode::kIo        ? FileFailure::kLocalStorage
                 : s.code() == ErrorCode::kCorrupt ? FileFailure::kDamaged
                                                    : FileFailure::kOther;
    }
    return why;
  };
  auto per_file = [&](const PendingFile& f) {
    return [&progress, &f, index, count](const TransferProgress& p) {
      if (!progress) return;
      TransferProgress q = p;
      q.sha256 = f.sha256;
      q.file_index = index;
      q.file_count = count;
      progress(q);
    };
  };

  for (const PendingFile& f : uploads) {
    FileProblem why{f.sha256, "", FileFailure::kNone, {}};
    auto r = UploadFile(client, blobs, f.sha256, per_file(f), cancel, options, &why);
    ++index;
    if (!r.ok()) {
      if (ends_pass(r.status())) return r.status();
      (r.status().code() == ErrorCode::kNotFound ? report.waiting : report.failed)
          .push_back(problem(f.sha256, r.status(), std::move(why)));
      continue;
    }
    report.bytes_sent += r->payload_bytes;
    if (r->cancelled) {
      report.cancelled = true;
      return report;
    }
    MK_RETURN_IF_ERROR(blobs.ClearOutgoing(f.sha256));
    ++report.uploaded;
  }
  for (const PendingFile& f : downloads) {
    FileProblem why{f.sha256, "", FileFailure::kNone, {}};
    auto r = DownloadFile(client, blobs, f.sha256, f.size, per_file(f), cancel, options, &why);
    ++index;
    if (!r.ok()) {
      if (ends_pass(r.status())) return r.status();
      const ErrorCode code = r.status().code();
      (code == ErrorCode::kNotFound || code == ErrorCode::kFailedPrecondition ? report.waiting : report.failed)
          .push_back(problem(f.sha256, r.status(), std::move(why)));
      continue;
    }
    report.bytes_received += r->payload_bytes;
    if (r->cancelled) {
      report.cancelled = true;
      return report;
    }
    ++report.downloaded;
  }
  return report;
}

}  // namespace mk::sync
