// HttpClient: HTTP(S) requests to the central server on libcurl, with curl and HTTP errors mapped to Status.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
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

  // Optional streaming sink for the body of a successful response. Unset: the whole body is
  // collected in HttpResponse::body (at most 64 MiB), as for any other request.
  //
  // Set: for a response with a 2xx status (200, 206, ...) the body is not collected; its bytes
  // are handed to on_body as they arrive, in order, in pieces of at least one byte (libcurl's
  // pieces: up to 16 KiB each), each with the response's status. The bytes are the body as
  // received (decoded, when accept_compressed is on and the server compressed it). No size
  // limit applies: the sink decides what to keep. HttpResponse::body then stays empty. The
  // body of any other status (an error's JSON) is collected in HttpResponse::body as without
  // a sink, so StatusFromResponse still reads it; on_body is not called for it.
  //
  // Returning false stops the transfer: Send returns kFailedPrecondition ("the receiver
  // stopped the answer"); the caller knows the reason it had. An exception thrown by on_body
  // stops the transfer too and leaves Send, once libcurl is done, as the same exception.
  //
  // A transfer broken in the middle of the body (connection reset, timeout, the cancel flag,
  // a body shorter than its Content-Length): the pieces delivered so far stay delivered (there
  // is no call to take them back), and Send returns the transport error, exactly as without a
  // sink (kUnavailable for all of these). So a caller that keeps what it was given resumes
  // after the last byte it received. on_body runs on the thread that called Send, inside Send;
  // it must not use the same HttpClient.
  // (Initialised, so that aggregate initialisations listing the fields above stay complete.)
  std::function<bool(long status, std::string_view piece)> on_body = {};
};

struct HttpResponse {
  long status = 0;
  std::string body;  // empty for a 2xx answer to a request with on_body
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
