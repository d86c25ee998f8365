// FileRoutes: the server's end of material file transfer (/v1/files/...), on per-centre blob stores.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server_storage.h"
#include "sync/common/status.h"
#include "sync/files/blob_store.h"
#include "sync/store/database.h"

namespace httplib {
class Server;
struct Request;
struct Response;
class ContentReader;
}  // namespace httplib

namespace mk::server {

// Centre ids become directory names under DIR/files: only ids of 1 to 64 letters, digits, '-'
// and '_' do.
bool IsSafeCentreId(const std::string& id);

// Which files a centre may hold: a file is accepted and served only when a material of the
// centre names its SHA-256 (records go before files), and its size is the material's.
// Thread-safe.
class MaterialFiles {
 public:
  virtual ~MaterialFiles() = default;
  // The size_bytes of a material of `centre_id` with this sha256; nullopt when none has it.
  virtual Result<std::optional<int64_t>> FindFileSize(const std::string& centre_id, const std::string& sha256) = 0;
};

// MaterialFiles on DIR/server.db through read-only connections of its own (opened as needed,
// kept for reuse), so the file routes need nothing new from ServerStorage or its schema.
class SqliteMaterialFiles final : public MaterialFiles {
 public:
  explicit SqliteMaterialFiles(std::string db_path) : db_path_(std::move(db_path)) {}
  Result<std::optional<int64_t>> FindFileSize(const std::string& centre_id, const std::string& sha256) override;

 private:
  std::string db_path_;
  std::mutex mu_;
  std::vector<store::Database> idle_;  // GUARDED_BY(mu_)
};

// How a route module authenticates a request exactly as every other endpoint does
// (api_server.cpp): the device behind the bearer token, or nullopt after answering the request
// with the error (401, 429, 400 for query parameters when `query_allowed` is false).
using AuthenticateFn =
    std::function<std::optional<DeviceRecord>(const httplib::Request&, httplib::Response&, bool query_allowed)>;
using LogFn = std::function<void(const std::string&)>;

// Endpoints (JSON answers; errors {"error":{"code","message"}}), all for an authenticated
// device and scoped to its centre: another centre's file is 404 like a file nobody has.
//   GET /v1/files/{sha256}           {"sha256","size","received","complete"}
//   PUT /v1/files/{sha256}?offset=N  application/octet-stream, at most max_chunk_bytes:
//        appends at N and answers like GET; completing the size verifies the SHA-256 and moves
//        the file into place (422 "hash_mismatch" when it is wrong: the partial is deleted).
//        409 "offset_mismatch" with "received" (and "size", "complete") when N is past what the
//        server holds, or the chunk brings nothing it does not hold. When the link drops inside
//        a chunk, the bytes that arrived are kept: the client asks GET and continues from
//        "received". A chunk that starts before "received" and reaches past it (the same chunk
//        sent again) is taken for its new bytes.
//   GET /v1/files/{sha256}/content   "Range: bytes=N-M" or "bytes=N-" -> 206 with those bytes;
//        no Range -> 200, the whole file; complete files only (409 "file_incomplete").
//
// Blobs live in DIR/files/<centre id>/ (one BlobStore per centre): a centre's uploads cannot
// touch another centre's files, and whether a file exists says nothing about other centres.
// Thread safety: handlers run on any number of worker threads.
class FileRoutes {
 public:
  static constexpr int64_t kMaxChunkBytes = 256 * 1024;

  // Files under `data_dir`/files, materials from `data_dir`/server.db. Chunks larger than
  // `max_chunk_bytes` (at most kMaxChunkBytes) are refused with 413.
  static Result<std::unique_ptr<FileRoutes>> Open(const std::string& data_dir, int64_t max_chunk_bytes);
  FileRoutes(std::unique_ptr<MaterialFiles> materials, std::string files_dir, int64_t max_chunk_bytes);

  // Adds the routes. `authenticate` and `log` must stay valid as long as `http` serves.
  void Register(httplib::Server& http, AuthenticateFn authenticate, LogFn log);

 private:
  struct File;
  void GetFile(const httplib::Request& req, httplib::Response& res);
  void PutChunk(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader);
  void GetContent(const httplib::Request& req, httplib::Response& res);
  // The centre's file named by the request; nullopt after answering with the error.
  std::optional<File> Find(const DeviceRecord& device, const std::string& sha256, httplib::Response& res);
  Result<sync::BlobStore*> CentreBlobs(const std::string& centre_id);
  void Failure(httplib::Response& res, const Status& status);

  std::unique_ptr<MaterialFiles> materials_;
  const std::string files_dir_;
  const int64_t max_chunk_bytes_;
  AuthenticateFn authenticate_;
  LogFn log_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<sync::BlobStore>> stores_;  // GUARDED_BY(mu_); never erased
};

}  // namespace mk::server
