// The HTTP layer: routes, bearer-token auth scoped to the device's centre, limits, JSON errors, access log.
#include "api_server.h"

#include <httplib.h>

#include <sys/socket.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>

#include "api_json.h"
#include "http_reply.h"
#include "file_routes.h"
#include "secret.h"
#include "sync_routes.h"
#include "sync/common/utf8.h"
#include "sync/common/uuid.h"

namespace mk::server {
namespace {

using httplib::Request;
using httplib::Response;
using Clk = std::chrono::steady_clock;

constexpr int kListenBacklog = 1024;

// What the access log needs to know about the request a worker thread is handling. Each
// request is handled start to finish on one worker thread, so a thread_local is enough.
struct RequestTrace {
  Clk::time_point start;
  bool started = false;
  bool body_on_get = false;  // a GET (or similar) arrived with a body; see the pre-routing handler
  std::string device_id;
};
thread_local RequestTrace tl_trace;


// The stable code for a status httplib produced by itself (bad request line, body too large...).
std::pair<const char*, const char*> DefaultError(int status) {
  switch (status) {
    case 400: return {"bad_request", "the request is not valid HTTP"};
    case 404: return {"not_found", "no such endpoint; the API lives under /v1/ (see GET /v1/health)"};
    case 405: return {"method_not_allowed", "this endpoint does not take this method"};
    case 413: return {"body_too_large", "the request body is larger than this server accepts"};
    case 414: return {"uri_too_long", "the request URI is longer than this server accepts"};
    case 416: return {"bad_range", "the requested range cannot be served"};
    case 431: return {"headers_too_large", "the request headers are larger than this server accepts"};
    case 503: return {"unavailable", "the server is busy; try again shortly"};
    default: return {status < 500 ? "bad_request" : "internal", status < 500 ? "the request was refused" : "the server failed; see its log"};
  }
}

bool IsJsonContentType(const std::string& value) {
  std::string lower;
  for (char ch : value) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  const std::string_view kJson = "application/json";
  if (lower.compare(0, kJson.size(), kJson) != 0) return false;
  const std::string_view rest = std::string_view(lower).substr(kJson.size());
  return rest.empty() || rest.front() == ';' || rest.front() == ' ';
}

std::optional<int64_t> ParseMs(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;  // also out of range
  return value;
}

std::string UtcStamp(int64_t ms) {
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

// Only printable ASCII reaches the log: a hostile path cannot forge log lines.
std::string LogSafe(std::string_view text, size_t max) {
  std::string out;
  for (char ch : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(ch);
    out.push_back(u > 0x20 && u < 0x7F ? ch : '?');
  }
  if (text.size() > max) out += "...";
  return out.empty() ? "-" : out;
}

}  // namespace

// The route handlers, with the server's storage, clock and limiters at hand.
class ApiServer::Handlers {
 public:
  explicit Handlers(ApiServer& s) : s_(s) {}

  void Health(const Request&, Response& res) {
    SendJson(res, 200, {{"status", "ok"}, {"version", s_.options_.version}, {"api", "v1"},
                        {"time", s_.clock_.NowMs()}, {"requests_in_flight", s_.in_flight_.load()}});
  }

  void Enroll(const Request& req, Response& res) {
    if (tl_trace.body_on_get) return SendError(res, 405, "method_not_allowed", "enrolment is a POST request");
    if (req.body.size() > s_.options_.max_body_bytes) {  // httplib reads up to the (larger) push limit
      return SendError(res, 413, "body_too_large", DefaultError(413).second);
    }
    if (!IsJsonContentType(req.get_header_value("Content-Type"))) {
      return SendError(res, 415, "unsupported_media_type", "send the request body as Content-Type: application/json");
    }
    auto parsed = ParseEnrolmentRequest(req.body);
    if (const BodyError* problem = std::get_if<BodyError>(&parsed)) {
      return SendError(res, 400, problem->code, problem->message);
    }
    const EnrolmentRequestBody& request = std::get<EnrolmentRequestBody>(parsed);
    const std::string& code = request.code;
    const std::string& name = request.device_name;
    const std::string& proposed_id = request.proposed_id;
    // Only attempts that could hit a code count: typos in the request cost nothing, guesses do.
    int64_t retry = 0;
    if (!s_.enrol_limiter_.Allow("enrol:" + req.remote_addr, s_.clock_.NowMs(), &retry)) {
      res.set_header("Retry-After", std::to_string(retry));
      return SendError(res, 429, "rate_limited",
                       "too many enrolment attempts from this address; wait " + std::to_string(retry) +
                           " s, then type the code again carefully");
    }
    const std::string token = NewDeviceToken();
    auto redeemed =
        s_.storage_.RedeemEnrolmentCode(HashSecret(code), HashSecret(token), name, proposed_id, s_.clock_.NowMs());
    if (!redeemed.ok()) return StorageFailure(res, redeemed.status());
    switch (redeemed->outcome) {
      case RedeemOutcome::kUnknown:
        return SendError(res, 403, "enrolment_code_unknown",
                         "this enrolment code is not known to the server; check it, or ask the administrator for a new one");
      case RedeemOutcome::kUsed:
        return SendError(res, 403, "enrolment_code_used",
                         "this enrolment code has been used already; each code enrols one device, ask for a new one");
      case RedeemOutcome::kExpired:
        return SendError(res, 403, "enrolment_code_expired",
                         "this enrolment code has expired; ask the administrator for a new one");
      case RedeemOutcome::kOk:
        break;
    }
    const DeviceRecord& device = redeemed->device;
    tl_trace.device_id = device.id;
    auto centre = s_.storage_.FindCentre(device.centre_id);
    if (!centre.ok()) return StorageFailure(res, centre.status());
    if (!*centre) return StorageFailure(res, Internal("the centre of a new device vanished"));
    SendJson(res, 201, {{"device_id", device.id}, {"token", token}, {"centre", CentreJson(**centre)}});
  }

  void Device(const Request& req, Response& res) {
    auto device = Authenticate(req, res, false);
    if (!device) return;
    SendJson(res, 200, DeviceJson(*device));
  }

  void Centre(const Request& req, Response& res) {
    auto device = Authenticate(req, res, false);
    if (!device) return;
    SendCentre(res, *device, device->centre_id);
  }

  void CentreById(const Request& req, Response& res) {
    auto device = Authenticate(req, res, false);
    if (!device) return;
    SendCentre(res, *device, req.matches[1].str());
  }

  void Sessions(const Request& req, Response& res) {
    auto device = Authenticate(req, res, true);
    if (!device) return;
    int64_t from = INT64_MIN / 2;
    int64_t to = INT64_MAX / 2;
    for (const auto& [name, value] : req.params) {
      std::optional<int64_t> ms = ParseMs(value);
      if (name != "from" && name != "to") {
        return SendError(res, 400, "unknown_parameter",
                         "unknown query parameter '" + LogSafe(name, 40) + "'; allowed: from, to");
      }
      if (!ms) {
        return SendError(res, 400, "invalid_parameter",
                         "'" + name + "' must be a time in UTC milliseconds since 1970, such as 1764230400000");
      }
      (name == "from" ? from : to) = *ms;
    }
    if (from > to) return SendError(res, 400, "invalid_parameter", "'from' is after 'to'");
    auto sessions = s_.storage_.ListSessions(device->centre_id, from, to);
    if (!sessions.ok()) return StorageFailure(res, sessions.status());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : *sessions) list.push_back(SessionJson(v));
    SendJson(res, 200, {{"centre_id", device->centre_id}, {"sessions", std::move(list)}});
  }

  // For route modules in their own files (file_routes): the same checks as every endpoint here.
  std::optional<DeviceRecord> AuthenticateRequest(const Request& req, Response& res, bool query_allowed) {
    return Authenticate(req, res, query_allowed);
  }

  void SessionById(const Request& req, Response& res) {
    auto device = Authenticate(req, res, false);
    if (!device) return;
    auto session = s_.storage_.FindSession(device->centre_id, req.matches[1].str());
    if (!session.ok()) return StorageFailure(res, session.status());
    if (!*session) return SendError(res, 404, "not_found", "this centre has no session with that id");
    SendJson(res, 200, SessionJson(**session));
  }

 private:
  // The device behind the request's bearer token, after the checks every authenticated endpoint
  // shares; nullopt after answering the request with the error.
  std::optional<DeviceRecord> Authenticate(const Request& req, Response& res, bool query_allowed) {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.empty()) {
      Unauthorized(res, "unauthorized",
                   "this request needs 'Authorization: Bearer TOKEN'; enrol the device with 'mintkiosk enroll'");
      return std::nullopt;
    }
    const std::string token = header.compare(0, kBearer.size(), kBearer) == 0 ? header.substr(kBearer.size()) : "";
    std::optional<DeviceRecord> device;
    if (LooksLikeDeviceToken(token)) {
      auto found = s_.storage_.FindDeviceByTokenHash(HashSecret(token));
      if (!found.ok()) {
        StorageFailure(res, found.status());
        return std::nullopt;
      }
      device = std::move(*found);
    }
    if (!device) {
      Unauthorized(res, "unauthorized", "this token is not known to the server; enrol the device again");
      return std::nullopt;
    }
    tl_trace.device_id = device->id;
    if (device->revoked_at) {
      Unauthorized(res, "device_revoked",
                   "this device was revoked by the server's administrator; enrol it again with a new code");
      return std::nullopt;
    }
    const int64_t now = s_.clock_.NowMs();
    int64_t retry = 0;
    if (!s_.device_limiter_.Allow(device->id, now, &retry)) {
      res.set_header("Retry-After", std::to_string(retry));
      SendError(res, 429, "rate_limited", "this device sends too many requests; wait " + std::to_string(retry) + " s");
      return std::nullopt;
    }
    if (!query_allowed && !req.params.empty()) {
      SendError(res, 400, "unknown_parameter", "this endpoint takes no query parameters");
      return std::nullopt;
    }
    if (Status touched = s_.storage_.TouchDevice(*device, now); !touched.ok()) {
      // Only bookkeeping failed; the request itself can still be answered.
      s_.WriteLog("warning: recording that device " + device->id + " was seen: " + touched.message());
    }
    return device;
  }

  void SendCentre(Response& res, const DeviceRecord& device, const std::string& requested_id) {
    // Another centre's id gets the same answer as an id that exists nowhere.
    if (requested_id != device.centre_id) return SendError(res, 404, "not_found", "no centre with that id");
    auto centre = s_.storage_.FindCentre(device.centre_id);
    if (!centre.ok()) return StorageFailure(res, centre.status());
    if (!*centre) return SendError(res, 404, "not_found", "no centre with that id");
    SendJson(res, 200, CentreJson(**centre));
  }

  void Unauthorized(Response& res, std::string_view code, std::string_view message) {
    res.set_header("WWW-Authenticate", "Bearer");
    SendError(res, 401, code, message);
  }

  void StorageFailure(Response& res, const Status& status) {
    s_.WriteLog("error: storage: " + status.message());
    if (status.code() == ErrorCode::kBusy) {
      res.set_header("Retry-After", "1");
      return SendError(res, 503, "unavailable", "the server's storage is busy; try again shortly");
    }
    SendError(res, 500, "internal", "the server failed to read or write its storage; the administrator finds the "
                                    "reason in the server's log");
  }

  ApiServer& s_;
};

ApiServer::ApiServer(ServerStorage& storage, Clock& clock, ApiOptions options, std::ostream& log)
    : storage_(storage),
      clock_(clock),
      options_(std::move(options)),
      log_(log),
      device_limiter_(options_.device_rate_per_s, options_.device_burst),
      enrol_limiter_(options_.enrol_rate_per_min / 60.0, options_.enrol_burst),
      handlers_(std::make_unique<Handlers>(*this)) {}

ApiServer::~ApiServer() = default;

bool ApiServer::tls() const { return !options_.tls_cert_file.empty(); }

void ApiServer::WriteLog(const std::string& line) {
  std::lock_guard<std::mutex> lock(log_mu_);
  log_ << line << '\n';
  log_.flush();
}

Status ApiServer::Bind() {
  if (tls()) {
    auto ssl = std::make_unique<httplib::SSLServer>(options_.tls_cert_file.c_str(), options_.tls_key_file.c_str());
    if (!ssl->is_valid()) {
      return InvalidArgument("cannot load the TLS certificate '" + options_.tls_cert_file + "' and key '" +
                             options_.tls_key_file + "' (PEM files, the key matching the certificate, readable)");
    }
    http_ = std::move(ssl);
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& h = *http_;
  const size_t workers = static_cast<size_t>(std::max(1, options_.max_connections));
  h.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  // The largest body any endpoint takes; the others check their own smaller limit.
  h.set_payload_max_length(std::max(options_.max_body_bytes, options_.max_sync_body_bytes));
  h.set_read_timeout(options_.read_timeout_s, 0);
  h.set_write_timeout(options_.write_timeout_s, 0);
  h.set_keep_alive_timeout(options_.keep_alive_timeout_s);
  h.set_keep_alive_max_count(static_cast<size_t>(std::max(1, options_.keep_alive_max_requests)));
  h.set_tcp_nodelay(true);
  // httplib 0.11 listens with a backlog of 5: a burst of connections (a centre's kiosks coming
  // back online together, the benchmark's 200 clients) overflows it, and a dropped handshake
  // costs the client up to 30 s of SYN-ACK retransmissions. The socket is remembered here and
  // listen() is called again after binding with a real backlog (Linux updates it in place).
  int listen_fd = -1;
  h.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd = sock;
  });

  h.set_pre_routing_handler([this](const Request& req, Response&) {
    in_flight_.fetch_add(1);
    tl_trace.start = Clk::now();
    tl_trace.started = true;
    tl_trace.body_on_get = false;
    tl_trace.device_id.clear();
    // httplib reads a body only for POST, PUT, PATCH and DELETE; the body of a GET would stay on
    // the socket and be parsed as the next request (a desync behind a proxy). Such requests are
    // turned into POSTs so that the body is read (within the size limit) and then refused by the
    // catch-all POST route. The Request is httplib's own non-const object, so this is sound.
    const bool reads_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                            req.method == "DELETE";
    const bool has_body = req.has_header("Transfer-Encoding") ||
                          (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
    if (!reads_body && has_body) {
      tl_trace.body_on_get = true;
      const_cast<Request&>(req).method = "POST";
    }
    // httplib cuts every answer to the Range it parsed from the request (before this handler),
    // JSON answers and errors included, so a Range header would truncate them. Only the file
    // content route (GET /v1/files/{sha256}/content, file_routes.cpp) serves ranges, and it
    // checks them itself; every other request is answered whole, as HTTP allows for a Range a
    // server does not support.
    constexpr std::string_view kFilesPrefix = "/v1/files/";
    constexpr std::string_view kContentSuffix = "/content";
    const std::string_view path = req.path;
    const bool file_content =
        (req.method == "GET" || req.method == "HEAD") && path.size() > kFilesPrefix.size() + kContentSuffix.size() &&
        path.substr(0, kFilesPrefix.size()) == kFilesPrefix &&
        path.substr(path.size() - kContentSuffix.size()) == kContentSuffix &&
        path.substr(kFilesPrefix.size(), path.size() - kFilesPrefix.size() - kContentSuffix.size()).find('/') ==
            std::string_view::npos;
    if (!file_content) const_cast<Request&>(req).ranges.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  h.set_error_handler(httplib::Server::Handler([](const Request&, Response& res) {
    if (res.body.empty()) {
      auto [code, message] = DefaultError(res.status);
      res.set_content(ErrorBody(code, message), "application/json");
    }
  }));
  h.set_exception_handler([this](const Request&, Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    WriteLog("error: a handler threw: " + what);
    SendError(res, 500, "internal", "the server failed on this request; the administrator finds the reason in its log");
  });
  h.set_logger([this](const Request& req, const Response& res) {
    std::string duration = "-";
    if (tl_trace.started) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clk::now() - tl_trace.start).count();
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2fms", static_cast<double>(us) / 1000.0);
      duration = buf;
    }
    // Method and path only: query strings, headers (tokens) and bodies (codes) stay out.
    WriteLog(UtcStamp(clock_.NowMs()) + " " + LogSafe(req.method, 16) + " " + LogSafe(req.path, 200) + " " +
             std::to_string(res.status) + " " + std::to_string(res.body.empty() ? res.content_length_ : res.body.size()) + "B " + duration + " device=" +
             (tl_trace.device_id.empty() ? "-" : tl_trace.device_id));
    if (tl_trace.started) in_flight_.fetch_sub(1);
    tl_trace.started = false;
    tl_trace.device_id.clear();
  });

  Handlers* hs = handlers_.get();
  h.Get("/v1/health", [hs](const Request& q, Response& r) { hs->Health(q, r); });
  h.Post("/v1/enroll", [hs](const Request& q, Response& r) { hs->Enroll(q, r); });
  h.Get("/v1/device", [hs](const Request& q, Response& r) { hs->Device(q, r); });
  h.Get("/v1/centre", [hs](const Request& q, Response& r) { hs->Centre(q, r); });
  h.Get(R"(/v1/centres/([^/]{1,200}))", [hs](const Request& q, Response& r) { hs->CentreById(q, r); });
  h.Get("/v1/sessions", [hs](const Request& q, Response& r) { hs->Sessions(q, r); });
  h.Get(R"(/v1/sessions/([^/]{1,200}))", [hs](const Request& q, Response& r) { hs->SessionById(q, r); });
  sync_routes_ = std::make_unique<SyncRoutes>(storage_, clock_, options_.max_sync_body_bytes);
  sync_routes_->Register(
      h, [hs](const Request& q, Response& r, bool query) { return hs->AuthenticateRequest(q, r, query); },
      [this](const std::string& line) { WriteLog(line); }, [] { return tl_trace.body_on_get; });
  if (!options_.data_dir.empty()) {
    const int64_t max_chunk = std::min<int64_t>(FileRoutes::kMaxChunkBytes, static_cast<int64_t>(options_.max_body_bytes));
    auto files = FileRoutes::Open(options_.data_dir, max_chunk);
    if (!files.ok()) return files.status();
    file_routes_ = std::move(*files);
    file_routes_->Register(
        h, [hs](const Request& q, Response& r, bool query) { return hs->AuthenticateRequest(q, r, query); },
        [this](const std::string& line) { WriteLog(line); });
  }
  h.Post(".*", [](const Request&, Response& r) {
    if (tl_trace.body_on_get) return SendError(r, 400, "unexpected_body", "this endpoint takes no request body");
    SendError(r, 404, "not_found", "no such endpoint for POST; the API lives under /v1/ (see GET /v1/health)");
  });

  if (options_.port == 0) {
    port_ = h.bind_to_any_port(options_.host);
    if (port_ <= 0) return Status(ErrorCode::kUnavailable, "cannot listen on " + options_.host + " (any port)");
  } else {
    if (!h.bind_to_port(options_.host, options_.port)) {
      return Status(ErrorCode::kUnavailable, "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                                                 " (is another server running there, or is the address wrong?)");
    }
    port_ = options_.port;
  }
  if (listen_fd >= 0) ::listen(listen_fd, kListenBacklog);
  return Status::Ok();
}

Status ApiServer::Serve() {
  assert(http_ && "ApiServer::Serve needs a successful Bind()");
  {
    std::lock_guard<std::mutex> lock(serve_mu_);
    if (stop_requested_) return Status::Ok();
    serving_ = true;
  }
  const bool clean = http_->listen_after_bind();
  {
    std::lock_guard<std::mutex> lock(serve_mu_);
    serving_ = false;
  }
  serve_cv_.notify_all();
  (void)clean;  // false after stop() too: the listening socket was closed on purpose
  return Status::Ok();
}

void ApiServer::Stop() {
  {
    std::lock_guard<std::mutex> lock(serve_mu_);
    stop_requested_ = true;
    if (!serving_) return;
  }
  for (;;) {
    if (http_->is_running()) {
      http_->stop();
      return;
    }
    std::unique_lock<std::mutex> lock(serve_mu_);
    if (serve_cv_.wait_for(lock, std::chrono::milliseconds(5), [&] { return !serving_; })) return;
  }
}

}  // namespace mk::server
