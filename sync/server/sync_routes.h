// SyncRoutes: the server's end of record sync (/v1/sync/push and /v1/sync/pull) over ServerStorage.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "server_storage.h"
#include "sync/common/clock.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace mk::server {

// Endpoints, for an authenticated device and scoped to its centre (errors are JSON
// {"error":{"code","message"}} as everywhere in the API):
//   POST /v1/sync/push   body: EncodePushBatch (Content-Type application/vnd.mintkiosk.sync+zstd,
//        at most max_push_bytes) -> 200 EncodePushAck (application/json). Refusals apply nothing:
//        400 "malformed_batch" (corrupt, truncated, oversized when decompressed), 409
//        "sequence_gap" with "expected_seq" in the error object, 422 "invalid_change", 403
//        "foreign_centre"; 413 "body_too_large" (send smaller batches).
//   GET  /v1/sync/pull?after=CURSOR&limit=N   -> 200 EncodePullPage (the sync content type):
//        the centre's log after CURSOR (default 0), at most N changes (default 2000, at most
//        10000), without the device's own changes.
//
// Thread safety: handlers run on any number of worker threads; the storage is thread-safe.
class SyncRoutes {
 public:
  static constexpr size_t kDefaultMaxPushBytes = 4 * 1024 * 1024;
  static constexpr size_t kDefaultPullLimit = 2000;
  static constexpr size_t kMaxPullLimit = 10000;

  // The device behind the request's bearer token, authenticated as by every endpoint of the
  // API, or nullopt after answering the request with the error.
  using AuthenticateFn =
      std::function<std::optional<DeviceRecord>(const httplib::Request&, httplib::Response&, bool query_allowed)>;
  using LogFn = std::function<void(const std::string&)>;
  // True while handling a request that arrived as a GET (or HEAD...) with a body and was turned
  // into a POST by the API's pre-routing handler: such a request must not push.
  using ConvertedFn = std::function<bool()>;

  // `storage` and `clock` outlive the routes.
  SyncRoutes(ServerStorage& storage, Clock& clock, size_t max_push_bytes);

  // Adds the routes; the functions must stay valid as long as `http` serves.
  void Register(httplib::Server& http, AuthenticateFn authenticate, LogFn log, ConvertedFn converted_from_get);

 private:
  void Push(const httplib::Request& req, httplib::Response& res);
  void Pull(const httplib::Request& req, httplib::Response& res);
  void Failure(httplib::Response& res, const Status& status);

  ServerStorage& storage_;
  Clock& clock_;
  const size_t max_push_bytes_;
  AuthenticateFn authenticate_;
  LogFn log_;
  ConvertedFn converted_from_get_;
};

}  // namespace mk::server
