// libcurl behind HttpClient: verification on, timeouts, and the one place curl errors become Status.
#include "http_client.h"

#include <curl/curl.h>

#include <exception>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

namespace mk::sync {
namespace {

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Responses larger than this are refused: nothing the API sends comes near it.
constexpr size_t kMaxResponseBytes = 64 * 1024 * 1024;

// Where the write callback puts the body of one response: collected (bounded), or handed to
// the request's sink when the status is 2xx (HttpRequest::on_body).
struct BodyTarget {
  CURL* curl = nullptr;
  std::string* body = nullptr;
  const std::function<bool(long, std::string_view)>* sink = nullptr;
  long status = 0;            // the status the body belongs to, read at its first piece
  bool sink_refused = false;  // the sink returned false
  std::exception_ptr thrown;  // the sink threw; rethrown once curl is done
};

// libcurl's write callback: returning less than it was given makes it fail the transfer
// (CURLE_WRITE_ERROR).
size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* target = static_cast<BodyTarget*>(user);
  const size_t n = size * count;
  if (n == 0) return 0;
  if (target->status == 0) curl_easy_getinfo(target->curl, CURLINFO_RESPONSE_CODE, &target->status);
  if (target->sink && *target->sink && target->status >= 200 && target->status <= 299) {
    try {
      if ((*target->sink)(target->status, std::string_view(data, n))) return n;
      target->sink_refused = true;
    } catch (...) {
      target->thrown = std::current_exception();
    }
    return 0;
  }
  if (target->body->size() + n > kMaxResponseBytes) return 0;
  target->body->append(data, n);
  return n;
}

// Progress callback of libcurl: a non-zero return abandons the transfer.
int CancelCheck(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* cancel = static_cast<const std::atomic<bool>*>(user);
  return cancel->load() ? 1 : 0;
}

Status CurlStatus(CURLcode rc, const std::string& url, const char* detail) {
  const std::string what = std::string(detail && *detail ? detail : curl_easy_strerror(rc));
  switch (rc) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return InvalidArgument("the server address '" + url + "' is not a valid http:// or https:// URL (" + what + ")");
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return Status(ErrorCode::kPermissionDenied,
                    "the server's TLS certificate is not trusted (" + what +
                        "); if the centre uses its own certificate authority, pass its certificate with --ca-file");
    case CURLE_OPERATION_TIMEDOUT:
      return Status(ErrorCode::kUnavailable, "the server at " + url + " did not answer in time (" + what + ")");
    case CURLE_ABORTED_BY_CALLBACK:
      return Status(ErrorCode::kUnavailable, "the request to " + url + " was cancelled");
    case CURLE_WRITE_ERROR:
      return Status(ErrorCode::kUnavailable, "the answer of the server at " + url + " was too large");
    default:
      return Status(ErrorCode::kUnavailable, "cannot reach the server at " + url + ": " + what +
                                                 "; check the address and the network connection");
  }
}

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)), curl_(nullptr) {
  GlobalInit();
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  if (!curl) return Internal("libcurl could not create a handle");
  curl_easy_reset(curl);
  const std::string url = options_.base_url + request.path;
  HttpResponse response;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  if (options_.low_speed_time_s > 0) {
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes_per_s);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
  }
  if (options_.cancel) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, CancelCheck);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(options_.cancel));
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  if (options_.accept_compressed) curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  BodyTarget target;
  target.curl = curl;
  target.body = &response.body;
  target.sink = &request.on_body;
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &target);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_slist* headers = nullptr;
  // Without this curl waits for "100 Continue" before sending larger bodies.
  headers = curl_slist_append(headers, "Expect:");
  if (!request.content_type.empty()) headers = curl_slist_append(headers, ("Content-Type: " + request.content_type).c_str());
  if (!options_.bearer_token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + options_.bearer_token).c_str());
  }
  for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (target.thrown) std::rethrow_exception(target.thrown);
  if (target.sink_refused) {
    return FailedPrecondition("the receiver stopped the answer of the server at " + options_.base_url);
  }
  if (rc != CURLE_OK) return CurlStatus(rc, options_.base_url, error);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  char* type = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) response.content_type = type;
  return response;
}

Result<HttpResponse> HttpClient::SendExpectOk(const HttpRequest& request) {
  MK_ASSIGN_OR_RETURN(HttpResponse response, Send(request));
  if (response.status < 200 || response.status > 299) return StatusFromResponse(response);
  return response;
}

Status StatusFromResponse(const HttpResponse& response) {
  std::string message = "the server answered HTTP " + std::to_string(response.status);
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
    const auto& e = doc["error"];
    if (e.contains("message") && e["message"].is_string()) message = e["message"].get<std::string>();
  }
  const long s = response.status;
  if (s == 401 || s == 403) return Status(ErrorCode::kPermissionDenied, message);
  if (s == 404) return NotFound(message);
  if (s == 409) return Status(ErrorCode::kAlreadyExists, message);
  if (s == 429 || s >= 500) return Status(ErrorCode::kUnavailable, message);
  return InvalidArgument(message);
}

}  // namespace mk::sync
