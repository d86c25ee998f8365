// The /v1/files routes: status, resumable chunk upload with verification, ranged download.
#include "file_routes.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>

#include "api_json.h"
#include "http_reply.h"
#include "platform/paths.h"

namespace mk::server {
namespace {

using httplib::Request;
using httplib::Response;

// Pieces in which a file is streamed to the socket.
constexpr int64_t kServePiece = 64 * 1024;


std::optional<int64_t> ParseCount(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return value;
}

bool IsOctetStream(const std::string& value) {
  std::string lower;
  for (char ch : value) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  const std::string_view kType = "application/octet-stream";
  if (lower.compare(0, kType.size(), kType) != 0) return false;
  const std::string_view rest = std::string_view(lower).substr(kType.size());
  return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

// "bytes=N-M" or "bytes=N-" against a file of `size` bytes: the first and last byte, or nullopt
// for anything else (suffix ranges, several ranges, a start past the end, spaces).
std::optional<std::pair<int64_t, int64_t>> ParseRange(const std::string& header, int64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.compare(0, kUnit.size(), kUnit) != 0) return std::nullopt;
  const std::string_view spec = std::string_view(header).substr(kUnit.size());
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first = ParseCount(spec.substr(0, dash));
  if (!first || *first >= size) return std::nullopt;
  int64_t last = size - 1;
  if (dash + 1 < spec.size()) {
    const auto given = ParseCount(spec.substr(dash + 1));
    if (!given || *given < *first) return std::nullopt;
    last = std::min(*given, size - 1);
  }
  return std::make_pair(*first, last);
}

nlohmann::json FileJson(const std::string& sha256, int64_t size, int64_t received, bool complete) {
  return {{"sha256", sha256}, {"size", size}, {"received", received}, {"complete", complete}};
}

}  // namespace

bool IsSafeCentreId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
  });
}

// --- materials

Result<std::optional<int64_t>> SqliteMaterialFiles::FindFileSize(const std::string& centre_id,
                                                                  const std::string& sha256) {
  std::optional<store::Database> db;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      db.emplace(std::move(idle_.back()));
      idle_.pop_back();
    }
  }
  if (!db) {
    store::Database::Options options;
    options.read_only = true;
    MK_ASSIGN_OR_RETURN(store::Database opened, store::Database::Open(db_path_, options));
    db.emplace(std::move(opened));
  }
  std::optional<int64_t> size;
  {
    MK_ASSIGN_OR_RETURN(store::Statement* st,
                        db->Cached("SELECT size_bytes FROM materials WHERE centre_id = ?1 AND sha256 = ?2 "
                                   "ORDER BY size_bytes LIMIT 1"));
    st->Bind(1, centre_id).Bind(2, sha256);
    MK_ASSIGN_OR_RETURN(bool row, st->Step());
    if (row) size = st->ColumnInt(0);
    MK_RETURN_IF_ERROR(st->Reset());
  }
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(*db));
  return size;
}

// --- routes

struct FileRoutes::File {
  sync::BlobStore* blobs = nullptr;
  std::string sha256;
  int64_t size = 0;      // what the centre's material says
  bool complete = false;
  int64_t received = 0;  // size when complete, else the partial file's size
};

Result<std::unique_ptr<FileRoutes>> FileRoutes::Open(const std::string& data_dir, int64_t max_chunk_bytes) {
  if (data_dir.empty()) return InvalidArgument("the file routes need the server's data directory");
  const std::string files_dir = data_dir + "/files";
  // Created now, so that a directory the server cannot create is reported at start.
  MK_RETURN_IF_ERROR(platform::EnsureDirectory(files_dir));
  return std::make_unique<FileRoutes>(std::make_unique<SqliteMaterialFiles>(data_dir + "/server.db"), files_dir,
                                      max_chunk_bytes);
}

FileRoutes::FileRoutes(std::unique_ptr<MaterialFiles> materials, std::string files_dir, int64_t max_chunk_bytes)
    : materials_(std::move(materials)),
      files_dir_(std::move(files_dir)),
      max_chunk_bytes_(std::clamp<int64_t>(max_chunk_bytes, 1, kMaxChunkBytes)) {}

void FileRoutes::Register(httplib::Server& http, AuthenticateFn authenticate, LogFn log) {
  authenticate_ = std::move(authenticate);
  log_ = std::move(log);
  http.Get(R"(/v1/files/([^/]{1,100}))", [this](const Request& q, Response& r) { GetFile(q, r); });
  http.Get(R"(/v1/files/([^/]{1,100})/content)", [this](const Request& q, Response& r) { GetContent(q, r); });
  http.Put(R"(/v1/files/([^/]{1,100}))",
           httplib::Server::HandlerWithContentReader(
               [this](const Request& q, Response& r, const httplib::ContentReader& reader) { PutChunk(q, r, reader); }));
}

Result<sync::BlobStore*> FileRoutes::CentreBlobs(const std::string& centre_id) {
  if (!IsSafeCentreId(centre_id)) return Internal("the centre id '" + centre_id + "' cannot name a directory");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = stores_.find(centre_id);
  if (it == stores_.end()) {
    MK_ASSIGN_OR_RETURN(sync::BlobStore blobs, sync::BlobStore::Open(files_dir_ + "/" + centre_id));
    it = stores_.emplace(centre_id, std::make_unique<sync::BlobStore>(std::move(blobs))).first;
  }
  return it->second.get();
}

void FileRoutes::Failure(Response& res, const Status& status) {
  if (log_) log_("error: files: " + status.message());
  if (status.code() == ErrorCode::kBusy) {
    res.set_header("Retry-After", "1");
    return SendError(res, 503, "unavailable", "the server's storage is busy; try again shortly");
  }
  SendError(res, 500, "internal",
            "the server failed to read or write its files; the administrator finds the reason in the server's log");
}

std::optional<FileRoutes::File> FileRoutes::Find(const DeviceRecord& device, const std::string& sha256,
                                                 Response& res) {
  if (!sync::IsValidSha256(sha256)) {
    SendError(res, 400, "invalid_sha256", "a file is named by its SHA-256: 64 lower-case hex digits");
    return std::nullopt;
  }
  auto size = materials_->FindFileSize(device.centre_id, sha256);
  if (!size.ok()) {
    Failure(res, size.status());
    return std::nullopt;
  }
  if (!*size) {
    // Also the answer for a file only other centres have.
    SendError(res, 404, "not_found",
              "no material of this centre has this file; sync the material's record first, then its file");
    return std::nullopt;
  }
  auto blobs = CentreBlobs(device.centre_id);
  if (!blobs.ok()) {
    Failure(res, blobs.status());
    return std::nullopt;
  }
  File f;
  f.blobs = *blobs;
  f.sha256 = sha256;
  f.size = **size;
  auto have = f.blobs->Has(sha256);
  if (!have.ok()) {
    Failure(res, have.status());
    return std::nullopt;
  }
  f.complete = *have;
  if (f.complete) {
    f.received = f.size;
  } else {
    auto partial = f.blobs->PartialSize(sha256);
    if (!partial.ok()) {
      Failure(res, partial.status());
      return std::nullopt;
    }
    f.received = *partial;
  }
  return f;
}

void FileRoutes::GetFile(const Request& req, Response& res) {
  auto device = authenticate_(req, res, false);
  if (!device) return;
  auto file = Find(*device, req.matches[1].str(), res);
  if (!file) return;
  SendJson(res, 200, FileJson(file->sha256, file->size, file->received, file->complete));
}

void FileRoutes::PutChunk(const Request& req, Response& res, const httplib::ContentReader& reader) {
  // Every answer is given after the body has been read (within the server's body limit), so an
  // unread body never stays on the connection to be parsed as the next request. Reading sets
  // res.status on its own failures, hence the answer is written afterwards.
  auto drain_then = [&](auto answer) {
    reader([](const char*, size_t) { return true; });
    answer();
  };
  std::optional<DeviceRecord> device;
  {
    Response refusal;
    device = authenticate_(req, refusal, true);
    if (!device) return drain_then([&] { res = std::move(refusal); });
  }
  auto refuse = [&](int status, std::string_view code, std::string message) {
    drain_then([&] { SendError(res, status, code, message); });
  };

  std::optional<int64_t> offset;
  for (const auto& [name, value] : req.params) {
    if (name != "offset") return refuse(400, "unknown_parameter", "this endpoint takes only the parameter 'offset'");
    offset = ParseCount(value);
    if (!offset) return refuse(400, "invalid_parameter", "'offset' must be a byte count such as 65536");
  }
  if (!offset) return refuse(400, "missing_parameter", "say where the chunk goes: PUT /v1/files/{sha256}?offset=N");
  if (!IsOctetStream(req.get_header_value("Content-Type"))) {
    return refuse(415, "unsupported_media_type", "send the chunk as Content-Type: application/octet-stream");
  }
  if (req.has_header("Transfer-Encoding") || !req.has_header("Content-Length")) {
    // A chunked body has no size limit of httplib's: read a chunk's worth at most, then give up
    // on the connection's remaining bytes (they fail to parse as a request and end it).
    int64_t seen = 0;
    reader([&](const char*, size_t n) { return (seen += static_cast<int64_t>(n)) <= max_chunk_bytes_; });
    return SendError(res, 411, "length_required", "send the chunk with a Content-Length");
  }
  const auto length = ParseCount(req.get_header_value("Content-Length"));
  if (!length) return refuse(400, "bad_request", "the Content-Length is not a number");
  if (*length > max_chunk_bytes_) {
    return refuse(413, "chunk_too_large", "a chunk is at most " + std::to_string(max_chunk_bytes_) +
                                              " bytes; send the file in smaller pieces");
  }
  Response found;
  auto file = Find(*device, req.matches[1].str(), found);
  if (!file) return drain_then([&] { res = std::move(found); });
  auto mismatch = [&](int64_t received, bool complete) {
    drain_then([&] {
      nlohmann::json doc = nlohmann::json::parse(ErrorBody("offset_mismatch", "the server holds " + std::to_string(received) +
                                                                                  " bytes of this file; continue from there"));
      doc["received"] = received;
      doc["size"] = file->size;
      doc["complete"] = complete;
      SendJson(res, 409, doc);
    });
  };
  if (file->complete) {
    // Done already (by this device's earlier request or by another device): nothing to append.
    return drain_then([&] { SendJson(res, 200, FileJson(file->sha256, file->size, file->size, true)); });
  }
  // A chunk may start before the end of what the server holds (a chunk sent again after a drop,
  // of which the server kept a part): its new bytes are taken, the ones held already skipped.
  // The bytes of a content-addressed file at an offset are always the same, and Complete()
  // verifies the whole file anyway. A chunk with a gap before it, or nothing new, is refused.
  const int64_t held_before = file->received;
  if (*offset > held_before || (*length > 0 && *offset + *length <= held_before)) {
    return mismatch(held_before, false);
  }
  const auto skip = static_cast<size_t>(held_before - *offset);
  if (*offset + *length > file->size) {
    return refuse(400, "chunk_past_end", "the chunk ends after byte " + std::to_string(file->size) +
                                             ", the size the material gives this file");
  }

  std::string body;
  body.reserve(static_cast<size_t>(*length));
  const bool whole = reader([&](const char* data, size_t n) {
    if (static_cast<int64_t>(body.size() + n) > *length) return false;
    body.append(data, n);
    return true;
  });
  int64_t held = 0;
  const std::string_view fresh = std::string_view(body).substr(std::min(skip, body.size()));
  Status appended = file->blobs->AppendChunk(file->sha256, held_before, fresh, &held);
  if (!whole) {
    // The link dropped (or the client stalled past the read timeout) inside the chunk. The
    // bytes that arrived are kept, so the client continues after them; nobody reads this answer.
    if (!appended.ok() && appended.code() != ErrorCode::kFailedPrecondition) Failure(res, appended);
    else SendError(res, 400, "incomplete_body", "the chunk ended before its Content-Length");
    return;
  }
  if (appended.code() == ErrorCode::kFailedPrecondition) return mismatch(held, false);  // a concurrent writer
  if (appended.code() == ErrorCode::kAlreadyExists) {
    return SendJson(res, 200, FileJson(file->sha256, file->size, file->size, true));
  }
  if (!appended.ok()) return Failure(res, appended);
  bool complete = false;
  if (held == file->size) {
    Status done = file->blobs->Complete(file->sha256, file->size);
    if (done.code() == ErrorCode::kCorrupt) {
      if (log_) log_("warning: files: " + done.message());
      nlohmann::json doc = nlohmann::json::parse(
          ErrorBody("hash_mismatch", "the received file does not have the SHA-256 it was sent under; the server "
                                     "discarded it, send it again from offset 0"));
      doc["received"] = 0;
      doc["size"] = file->size;
      doc["complete"] = false;
      return SendJson(res, 422, doc);
    }
    if (!done.ok()) return Failure(res, done);
    complete = true;
  }
  SendJson(res, 200, FileJson(file->sha256, file->size, held, complete));
}

void FileRoutes::GetContent(const Request& req, Response& res) {
  // httplib cuts every answer to the request's Range, error bodies included; the range is put
  // back only for the file itself. (The server's pre-routing handler clears the ranges of every
  // other route. The Request is httplib's own non-const object, as in api_server.cpp, so this
  // is sound.)
  std::vector<httplib::Range>& ranges = const_cast<Request&>(req).ranges;
  const std::vector<httplib::Range> asked = std::move(ranges);
  ranges.clear();
  auto device = authenticate_(req, res, false);
  if (!device) return;
  auto file = Find(*device, req.matches[1].str(), res);
  if (!file) return;
  if (!file->complete) {
    return SendError(res, 409, "file_incomplete",
                     "the server has " + std::to_string(file->received) + " of " + std::to_string(file->size) +
                         " bytes of this file; it can be downloaded once the uploading device has sent all of it");
  }
  auto size = file->blobs->Size(file->sha256);
  if (!size.ok()) return Failure(res, size.status());
  const int64_t total = *size;
  if (req.has_header("Range")) {
    const auto range = ParseRange(req.get_header_value("Range"), total);
    // httplib cuts the response to the range it parsed: it must have read the same single range.
    if (!range || asked.size() != 1 || asked[0].first != range->first) {
      res.set_header("Content-Range", "bytes */" + std::to_string(total));
      return SendError(res, 416, "bad_range",
                       "ask for one range 'bytes=N-M' or 'bytes=N-' with N below the file's size (" +
                           std::to_string(total) + " bytes)");
    }
    // An end past the file is cut to the file, as HTTP wants; httplib would not cut it.
    ranges.emplace_back(range->first, range->second);
    res.status = 206;
  } else {
    res.status = 200;
  }
  if (total == 0) return res.set_content("", "application/octet-stream");
  sync::BlobStore* blobs = file->blobs;
  std::string sha256 = file->sha256;
  LogFn log = log_;
  res.set_content_provider(
      static_cast<size_t>(total), "application/octet-stream",
      [blobs, sha256, log](size_t offset, size_t length, httplib::DataSink& sink) {
        auto piece = blobs->Read(sha256, static_cast<int64_t>(offset),
                                 std::min<int64_t>(static_cast<int64_t>(length), kServePiece));
        if (!piece.ok() || piece->empty()) {
          if (log) log("error: files: serving " + sha256 + ": " + (piece.ok() ? "the file is shorter" : piece.status().message()));
          return false;
        }
        return sink.write(piece->data(), piece->size());
      });
}

}  // namespace mk::server
