// ApiServer: the versioned HTTP API (/v1/) over ServerStorage, with auth, limits and an access log.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>

#include "rate_limiter.h"
#include "server_storage.h"
#include "sync/common/clock.h"
#include "sync/common/status.h"

namespace httplib {
class Server;
}

namespace mk::server {

class FileRoutes;
class SyncRoutes;

struct ApiOptions {
  std::string host = "127.0.0.1";
  int port = 8470;  // 0: any free port (see ApiServer::port())
  std::string tls_cert_file;  // both set: HTTPS
  std::string tls_key_file;
  std::string version = "0.0.0";
  // The server's data directory: material files live under DIR/files (file_routes.h). Empty:
  // the /v1/files routes are off.
  std::string data_dir;

  // Connections served at once (one worker thread each); more wait for a free worker.
  int max_connections = 64;
  size_t max_body_bytes = 64 * 1024;
  // A sync push batch (compressed) may be this large. httplib reads bodies up to the larger of
  // the two limits; every other endpoint refuses bodies over max_body_bytes itself (413).
  size_t max_sync_body_bytes = 4 * 1024 * 1024;
  int read_timeout_s = 10;   // a client that sends nothing for this long is dropped
  int write_timeout_s = 10;  // a client that reads nothing for this long is dropped
  int keep_alive_timeout_s = 5;
  int keep_alive_max_requests = 1000;

  // Per device: sustained requests per second and burst. 0 turns the limit off.
  double device_rate_per_s = 50;
  double device_burst = 200;
  // Per client address, for enrolment attempts (guessing codes): per minute and burst.
  double enrol_rate_per_min = 10;
  double enrol_burst = 10;
};

// Endpoints (all JSON; errors are {"error":{"code","message"}}):
//   GET  /v1/health            no auth: {"status":"ok","version","requests_in_flight",...}
//   POST /v1/enroll            no auth: {"code","device_name"?} -> 201 {"device_id","token","centre"}
//   GET  /v1/device            the calling device
//   GET  /v1/centre            the device's centre profile
//   GET  /v1/centres/{id}      the device's own centre; 404 for every other id
//   GET  /v1/sessions?from=&to= the centre's sessions in [from, to) (UTC ms)
//   GET  /v1/sessions/{id}     one session of the centre; 404 for any other
//   POST /v1/sync/push         a batch of the device's changes -> its acknowledgement (sync_routes.h)
//   GET  /v1/sync/pull?after=&limit= a page of the centre's changes after a cursor (sync_routes.h)
//   GET|PUT /v1/files/...      material files, when ApiOptions::data_dir is set (file_routes.h)
// Everything but health and enroll needs "Authorization: Bearer TOKEN" of a device that is not
// revoked, and reads only the data of that device's centre.
//
// Thread safety: Bind and Serve from one thread; Stop from any thread (not a signal handler).
class ApiServer {
 public:
  // `storage`, `clock` and `log` outlive the server. The access log gets one line per request.
  ApiServer(ServerStorage& storage, Clock& clock, ApiOptions options, std::ostream& log);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Creates the listening socket (and loads the TLS certificate and key).
  Status Bind();
  // The bound port. REQUIRES: Bind() succeeded.
  int port() const { return port_; }
  bool tls() const;
  // Serves until Stop(); requests in flight are answered before it returns.
  Status Serve();
  // Stops accepting connections; Serve() returns once the requests in flight are done.
  void Stop();

 private:
  class Handlers;
  void WriteLog(const std::string& line);

  ServerStorage& storage_;
  Clock& clock_;
  const ApiOptions options_;
  std::ostream& log_;
  std::mutex log_mu_;
  RateLimiter device_limiter_;
  RateLimiter enrol_limiter_;
  std::unique_ptr<FileRoutes> file_routes_;  // before http_: destroyed after it
  std::unique_ptr<SyncRoutes> sync_routes_;  // likewise
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<Handlers> handlers_;
  int port_ = 0;
  // Requests between routing and their response (this health check included).
  std::atomic<int> in_flight_{0};
  // Serve/Stop hand-over: a stop may come before Serve has started listening.
  std::mutex serve_mu_;
  std::condition_variable serve_cv_;
  bool stop_requested_ = false;  // GUARDED_BY(serve_mu_)
  bool serving_ = false;         // GUARDED_BY(serve_mu_)
};

}  // namespace mk::server
