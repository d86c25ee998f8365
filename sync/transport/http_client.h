// HttpClient: HTTP(S) requests to the central server on libcurl, with curl and HTTP errors mapped to Status.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "sync/common/status.h"

namespace mk::sync {

struct HttpClientOptions {
  std::string base_url;      // "https://server.example:8470" (no trailing slash needed)
  std::string ca_file;       // PEM bundle to trust instead of the system's (a centre's own CA)
  std::string bearer_token;  // sent as "Authorization: Bearer ..." when not empty
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;   // the whole request, so a stalled server cannot hang the device
  // Abort when fewer than low_speed_bytes_per_s bytes per second flow for low_speed_time_s
  // seconds (0: off). For large transfers on slow links, where a fixed total timeout either
  // cuts a healthy slow transfer short or waits far too long for a dead one.
  long low_speed_bytes_per_s = 0;
  long low_speed_time_s = 0;
  // When set and it becomes true, the running transfer is abandoned (kUnavailable) within a
  // second or so: for stopping a background worker promptly.
  const std::atomic<bool>* cancel = nullptr;
  // Ask for gzip/brotli/zstd bodies: worth it for large sync pages on slow links, several times
  // the cost of the request itself for small API answers (docs/benchmarks.md), hence off.
  bool accept_compressed = false;
  // Certificates and host names are always verified; there is no switch to turn that off.
};

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // "/v1/device"; appended to the base URL
  std::string body;
  std::string content_type;  // sent when not empty
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
};

// One connection to one server, reused across requests (keep-alive).
// Thread safety: one thread at a time per HttpClient; any number of clients in parallel.
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response; only transport failures are errors: kUnavailable (cannot
  // connect, timeout, connection reset), kPermissionDenied (the certificate is not trusted),
  // kInvalidArgument (malformed URL). The message names the server and says what to check.
  Result<HttpResponse> Send(const HttpRequest& request);

  // Send, then turn a non-2xx status into a Status using the server's {"error":{...}} body:
  // 400/404/409/413/415/422 -> kInvalidArgument or kNotFound, 401/403 -> kPermissionDenied,
  // 429/5xx -> kUnavailable. The server's message is kept.
  Result<HttpResponse> SendExpectOk(const HttpRequest& request);

 private:
  HttpClientOptions options_;
  void* curl_;  // CURL*
};

// The Status for a non-2xx response (see SendExpectOk).
Status StatusFromResponse(const HttpResponse& response);

}  // namespace mk::sync
