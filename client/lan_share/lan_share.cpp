// LanShare on cpp-httplib: two routes, a rate limit per address, the session's closing watched.
#include "lan_share.h"

#include <httplib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "client/lan_share/share_page.h"
#include "sync/files/blob_store.h"
#include "sync/store/database.h"

namespace mk::client {

using i18n::Msg;

namespace {

constexpr int64_t kServePiece = 256 * 1024;

// Token buckets per client address; bounded (full buckets are forgotten first).
class AddressLimiter {
 public:
  AddressLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
  // True when `address` may make one more request; else *retry_s says when.
  bool Allow(const std::string& address, int* retry_s) {
    const double now = Now();
    std::lock_guard<std::mutex> lock(mu_);
    if (buckets_.size() > 4096) {
      for (auto it = buckets_.begin(); it != buckets_.end();) {
        it = Refill(it->second, now) >= burst_ ? buckets_.erase(it) : std::next(it);
      }
    }
    auto [it, inserted] = buckets_.try_emplace(address, Bucket{burst_, now});
    Bucket& b = it->second;
    b.tokens = Refill(b, now);
    b.at = now;
    if (b.tokens >= 1.0) {
      b.tokens -= 1.0;
      return true;
    }
    *retry_s = std::max(1, static_cast<int>((1.0 - b.tokens) / per_second_ + 0.999));
    return false;
  }

 private:
  struct Bucket {
    double tokens;
    double at;
  };
  static double Now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  double Refill(const Bucket& b, double now) const { return std::min(burst_, b.tokens + (now - b.at) * per_second_); }

  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mu_)
};

bool IsPlainId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
  });
}

std::optional<int64_t> ParseCount(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// One range of a file of `size` bytes (size > 0): "bytes=N-M", "bytes=N-" or "bytes=-N".
std::optional<std::pair<int64_t, int64_t>> ParseRange(const std::string& header, int64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.compare(0, kUnit.size(), kUnit) != 0) return std::nullopt;
  const std::string_view spec = std::string_view(header).substr(kUnit.size());
  const size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  if (dash == 0) {
    const auto n = ParseCount(spec.substr(1));
    if (!n || *n == 0) return std::nullopt;
    return std::make_pair(std::max<int64_t>(0, size - *n), size - 1);
  }
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

// RFC 6266: an ASCII fallback and the UTF-8 name.
std::string ContentDisposition(const std::string& name) {
  std::string ascii;
  for (unsigned char c : name) ascii.push_back(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? static_cast<char>(c) : '_');
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + UrlEncodeSegment(name);
}

void SetCommonHeaders(httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox allow-downloads");
}

// One connection held in memory: reads the given request, keeps what is written back.
class MemoryStream final : public httplib::Stream {
 public:
  MemoryStream(std::string_view request, std::string remote_addr)
      : request_(request), remote_addr_(std::move(remote_addr)) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const size_t n = std::min(size, request_.size() - read_);
    std::memcpy(ptr, request_.data() + read_, n);
    read_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    written_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = remote_addr_;
    port = 0;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = LanShareOptions::kDefaultPort;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  std::string& written() { return written_; }

 private:
  std::string_view request_;
  size_t read_ = 0;
  std::string remote_addr_;
  std::string written_;
};

// The HTTP server, able to answer a request held in memory as well as on its port.
class ShareHttpServer final : public httplib::Server {
 public:
  std::string Answer(std::string_view request, const std::string& remote_addr) {
    MemoryStream stream(request, remote_addr);
    bool closed = false;
    process_request(stream, /*close_connection=*/true, closed, nullptr);
    return std::move(stream.written());
  }
};

}  // namespace

struct LanShare::Impl {
  LanShareOptions options;
  i18n::Catalogue catalogue;
  std::unique_ptr<sync::BlobStore> blobs;
  std::mutex db_mu;
  std::unique_ptr<store::Database> db;  // GUARDED_BY(db_mu)
  AddressLimiter limiter;
  ShareHttpServer http;
  int port = 0;
  std::thread serve_thread;
  std::thread watch_thread;
  std::mutex watch_mu;
  std::condition_variable watch_cv;
  bool stopping = false;  // GUARDED_BY(watch_mu)
  std::atomic<bool> running{false};
  std::atomic<bool> serve_done{false};

  explicit Impl(const LanShareOptions& o) : options(o), limiter(o.requests_per_second, o.burst) {}

  struct SessionInfo {
    std::string course_id;
    std::string course_title;
    std::string room;
    bool closed = false;
  };

  // REQUIRES: db_mu held.
  Result<std::optional<SessionInfo>> ReadSession() {
    MK_ASSIGN_OR_RETURN(store::Statement st,
                        db->Prepare("SELECT s.course_id, c.title, s.room, s.closed_at IS NOT NULL FROM sessions s "
                                    "JOIN courses c ON c.id = s.course_id WHERE s.id = ?1"));
    st.Bind(1, options.session_id);
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return std::optional<SessionInfo>();
    return std::optional<SessionInfo>(SessionInfo{st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnInt(3) != 0});
  }

  struct Shared {
    SharedMaterial material;
    std::string sha256;
  };

  bool BlobReady(const std::string& sha256, int64_t size) {
    if (!sync::IsValidSha256(sha256)) return false;
    struct stat st {};
    // The blob itself, never what a link in its place points to.
    if (::lstat(blobs->BlobPath(sha256).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    return st.st_size == size;
  }

  // REQUIRES: db_mu held. The session's ready materials; with `only_id`, just that one.
  Result<std::vector<Shared>> ReadyMaterials(const SessionInfo& session, const std::string* only_id) {
    std::string sql =
        "SELECT id, title, description, licence, purpose, file_name, size_bytes, sha256 FROM materials "
        "WHERE (session_id = ?1 OR (session_id IS NULL AND course_id = ?2))";
    if (only_id) sql += " AND id = ?3";
    sql += " ORDER BY title COLLATE NOCASE, created_at, id";
    MK_ASSIGN_OR_RETURN(store::Statement st, db->Prepare(sql));
    st.Bind(1, options.session_id).Bind(2, session.course_id);
    if (only_id) st.Bind(3, *only_id);
    std::vector<Shared> out;
    for (;;) {
      MK_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      Shared s;
      s.material.id = st.ColumnText(0);
      s.material.title = st.ColumnText(1);
      s.material.description = st.ColumnText(2);
      s.material.licence = st.ColumnText(3);
      s.material.purpose = st.ColumnText(4);
      s.material.file_name = st.ColumnText(5);
      s.material.size_bytes = st.ColumnInt(6);
      s.sha256 = st.ColumnText(7);
      if (BlobReady(s.sha256, s.material.size_bytes)) out.push_back(std::move(s));
    }
    return out;
  }

  void SendPage(httplib::Response& res, int status, const std::string& html) {
    res.status = status;
    SetCommonHeaders(res);
    res.set_header("Cache-Control", "no-store");
    res.set_content(html, "text/html; charset=utf-8");
  }

  void SendMessage(httplib::Response& res, int status, const char* message_id) {
    SendPage(res, status, RenderMessagePage(catalogue.Translate(message_id), catalogue));
  }

  // The session as a request sees it; answers the request itself (and returns nullopt) when
  // the session is gone or closed.
  std::optional<SessionInfo> SessionForRequest(httplib::Response& res) {
    auto session = ReadSession();
    if (!session.ok()) {
      SendMessage(res, 503, Msg("The materials cannot be read right now. Please try again in a moment."));
      return std::nullopt;
    }
    if (!*session || (*session)->closed) {
      SendMessage(res, 410, Msg("This session has ended; its materials are no longer shared here."));
      StopSoon();
      return std::nullopt;
    }
    return **session;
  }

  void HandlePage(httplib::Response& res) {
    std::lock_guard<std::mutex> lock(db_mu);
    auto session = SessionForRequest(res);
    if (!session) return;
    auto materials = ReadyMaterials(*session, nullptr);
    if (!materials.ok()) {
      return SendMessage(res, 503, Msg("The materials cannot be read right now. Please try again in a moment."));
    }
    SharePageContent content;
    content.course_title = session->course_title;
    content.room = session->room;
    for (Shared& s : *materials) content.materials.push_back(std::move(s.material));
    SendPage(res, 200, RenderSharePage(content, catalogue));
  }

  void HandleFile(const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1].str();
    const std::string name = req.matches[2].str();  // httplib decoded the path before matching
    Shared file;
    {
      std::lock_guard<std::mutex> lock(db_mu);
      auto session = SessionForRequest(res);
      if (!session) return;
      if (!IsPlainId(id)) return SendMessage(res, 404, Msg("There is no such material here."));
      auto found = ReadyMaterials(*session, &id);
      if (!found.ok()) {
        return SendMessage(res, 503, Msg("The materials cannot be read right now. Please try again in a moment."));
      }
      if (found->empty() || found->front().material.file_name != name) {
        return SendMessage(res, 404, Msg("There is no such material here."));
      }
      file = std::move(found->front());
    }
    const int64_t total = file.material.size_bytes;
    std::vector<httplib::Range>& ranges = const_cast<httplib::Request&>(req).ranges;
    ranges.clear();
    SetCommonHeaders(res);
    res.set_header("Content-Disposition", ContentDisposition(file.material.file_name));
    res.set_header("Accept-Ranges", "bytes");
    res.set_header("Cache-Control", "private, max-age=3600");
    if (req.has_header("Range") && total > 0) {
      const auto range = ParseRange(req.get_header_value("Range"), total);
      if (!range) {
        res.set_header("Content-Range", "bytes */" + std::to_string(total));
        res.status = 416;
        return;
      }
      ranges.emplace_back(range->first, range->second);
      res.status = 206;
    } else {
      res.status = 200;
    }
    if (total == 0) return res.set_content("", "application/octet-stream");
    sync::BlobStore* blobs_ptr = blobs.get();
    const std::string sha256 = file.sha256;
    res.set_content_provider(static_cast<size_t>(total), "application/octet-stream",
                             [blobs_ptr, sha256](size_t offset, size_t length, httplib::DataSink& sink) {
                               auto piece = blobs_ptr->Read(sha256, static_cast<int64_t>(offset),
                                                            std::min<int64_t>(static_cast<int64_t>(length), kServePiece));
                               if (!piece.ok() || piece->empty()) return false;
                               return sink.write(piece->data(), piece->size());
                             });
  }

  // Stops listening from any thread (a request that found the session closed); Stop joins.
  void StopSoon() {
    running.store(false);
    {
      std::lock_guard<std::mutex> lock(watch_mu);
      stopping = true;
    }
    watch_cv.notify_all();
    http.stop();
  }

  bool Check() {
    if (!running.load()) return false;
    std::lock_guard<std::mutex> lock(db_mu);
    auto session = ReadSession();
    if (session.ok() && (!*session || (*session)->closed)) StopSoon();
    return running.load();
  }
};

LanShare::LanShare(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LanShare::~LanShare() { Stop(); }

Result<std::unique_ptr<LanShare>> LanShare::Start(const LanShareOptions& options) {
  auto impl = std::make_unique<Impl>(options);
  Impl* s = impl.get();
  MK_ASSIGN_OR_RETURN(s->catalogue, i18n::Catalogue::Builtin(options.language));
  MK_ASSIGN_OR_RETURN(sync::BlobStore blobs, sync::BlobStore::Open(options.files_dir));
  s->blobs = std::make_unique<sync::BlobStore>(std::move(blobs));
  store::Database::Options db_options;
  db_options.read_only = true;
  db_options.busy_timeout_ms = 2000;
  MK_ASSIGN_OR_RETURN(store::Database db, store::Database::Open(options.database_path, db_options));
  s->db = std::make_unique<store::Database>(std::move(db));
  {
    MK_ASSIGN_OR_RETURN(std::optional<Impl::SessionInfo> session, s->ReadSession());
    if (!session) return NotFound("session '" + options.session_id + "' does not exist on this device");
    if (session->closed) return FailedPrecondition("the session is closed; its materials are no longer shared");
  }

  httplib::Server& h = s->http;
  const size_t workers = static_cast<size_t>(std::max(1, options.max_connections));
  h.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  h.set_payload_max_length(1024);
  h.set_read_timeout(options.timeout_s, 0);
  h.set_write_timeout(options.timeout_s, 0);
  h.set_keep_alive_timeout(5);
  h.set_keep_alive_max_count(50);
  h.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  h.set_pre_routing_handler([s](const httplib::Request& req, httplib::Response& res) {
    int retry_s = 1;
    if (!s->limiter.Allow(req.remote_addr, &retry_s)) {
      res.set_header("Retry-After", std::to_string(retry_s));
      s->SendMessage(res, 429, Msg("Too many requests from this device. Please wait a moment and try again."));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      res.set_header("Allow", "GET, HEAD");
      s->SendMessage(res, 405, Msg("Materials can only be downloaded here."));
      return httplib::Server::HandlerResponse::Handled;
    }
    // httplib cuts every answer to the Range it parsed; only a file answers a range, and it
    // checks the header itself.
    if (req.path.rfind("/f/", 0) != 0) const_cast<httplib::Request&>(req).ranges.clear();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  h.Get("/", [s](const httplib::Request&, httplib::Response& res) { s->HandlePage(res); });
  h.Get(R"(/f/([^/]{1,64})/([^/]{1,255}))",
        [s](const httplib::Request& req, httplib::Response& res) { s->HandleFile(req, res); });
  h.set_error_handler(httplib::Server::Handler([s](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) s->SendMessage(res, 404, Msg("There is no such material here."));
  }));
  h.set_exception_handler([s](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    s->SendMessage(res, 500, Msg("The materials cannot be read right now. Please try again in a moment."));
  });

  if (options.port == 0) {
    s->port = h.bind_to_any_port(options.bind_address);
    if (s->port <= 0) return Status(ErrorCode::kUnavailable, "cannot listen on " + options.bind_address);
  } else {
    if (!h.bind_to_port(options.bind_address, options.port)) {
      return Status(ErrorCode::kUnavailable, "cannot share on port " + std::to_string(options.port) +
                                                 ": another program uses it");
    }
    s->port = options.port;
  }
  s->running.store(true);
  s->serve_thread = std::thread([s] {
    s->http.listen_after_bind();
    s->running.store(false);
    s->serve_done.store(true);
  });
  s->watch_thread = std::thread([s] {
    std::unique_lock<std::mutex> lock(s->watch_mu);
    while (!s->stopping) {
      // The session can be closed on another device and arrive by sync: look every few seconds.
      if (s->watch_cv.wait_for(lock, std::chrono::seconds(3), [s] { return s->stopping; })) break;
      lock.unlock();
      s->Check();
      lock.lock();
    }
  });
  return std::unique_ptr<LanShare>(new LanShare(std::move(impl)));
}

int LanShare::port() const { return impl_->port; }
const std::string& LanShare::session_id() const { return impl_->options.session_id; }
bool LanShare::running() const { return impl_->running.load(); }
bool LanShare::CheckSession() { return impl_->Check(); }

std::string LanShare::AnswerRaw(std::string_view request, const std::string& remote_addr) {
  return impl_->http.Answer(request, remote_addr);
}

void LanShare::Stop() {
  if (!impl_) return;
  impl_->StopSoon();
  // listen_after_bind may not have entered its loop yet, and stop() does nothing before it
  // has: ask until the serving thread is done (it is, at most a few yields later).
  if (impl_->serve_thread.joinable()) {
    while (!impl_->serve_done.load()) {
      if (impl_->http.is_running()) impl_->http.stop();
      std::this_thread::yield();
    }
    impl_->serve_thread.join();
  }
  if (impl_->watch_thread.joinable()) impl_->watch_thread.join();
}

}  // namespace mk::client
