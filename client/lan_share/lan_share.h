// LanShare: one session's materials served read-only over the centre's own network, with a web page for phones.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "client/i18n/catalogue.h"
#include "sync/common/status.h"

namespace mk::client {

struct LanShareOptions {
  std::string database_path;  // the device's store (DATA/mintkiosk.db), opened read-only
  std::string files_dir;      // the device's blob store (DATA/files)
  std::string session_id;     // the one session whose materials are served
  i18n::Language language = i18n::Language::kGerman;  // of the web page
  std::string bind_address = "0.0.0.0";  // every interface: phones on the centre's Wi-Fi
  int port = kDefaultPort;               // 0: any free port
  // Per client address: a bucket of `burst` requests refilled at `requests_per_second`.
  double requests_per_second = 5;
  double burst = 40;
  int max_connections = 8;  // served at once; more wait
  int timeout_s = 20;       // read and write timeout against stalled phones

  static constexpr int kDefaultPort = 8471;
};

// What it serves, and nothing else:
//   GET /                  the page: course, room, and per ready material its title,
//                          description, licence, purpose, file name, size and a download link
//   GET /f/{id}/{name}     the file of a ready material of the session whose file name is
//                          {name} (percent-encoded), as an attachment; one Range "bytes=N-M",
//                          "bytes=N-" or "bytes=-N" gives 206 (416 for anything else)
// (HEAD as GET.) Everything else is 404; other methods 405. Nothing is looked up by a path on
// disk: {id} is looked up among the session's materials in the store and the file comes from
// the blob store by its SHA-256, so "..", encoded slashes, absolute paths and other sessions'
// ids lead nowhere. Blob files that are symbolic links are refused. No people, no listings.
// Too many requests from one address get 429 with Retry-After. When the session is closed
// (sessions.closed_at set, also by a sync), requests get 410 and the share stops.
//
// Thread safety: Start, Stop, running and the destructor belong to one thread (the UI thread);
// requests are served on the share's own threads, each with the store opened read-only.
class LanShare {
 public:
  // Binds and starts serving (returns once the port is bound). kNotFound for an unknown
  // session, kFailedPrecondition for a closed one, kUnavailable when the port is taken.
  static Result<std::unique_ptr<LanShare>> Start(const LanShareOptions& options);
  ~LanShare();  // Stop()
  LanShare(const LanShare&) = delete;
  LanShare& operator=(const LanShare&) = delete;

  int port() const;
  const std::string& session_id() const;
  // False once stopped: by Stop, or because the session was found closed.
  bool running() const;
  // Checks the session now and stops the share when it is closed (the share checks by itself
  // on every request and every few seconds). Returns running().
  bool CheckSession();
  // Stops listening, lets the requests in flight finish, joins the threads. Idempotent.
  void Stop();

  // Answers `request`, the raw bytes of one HTTP request as read from a connection of
  // `remote_addr`, through the same parsing, routing, checks and rate limit as the port, and
  // returns the raw answer (status line, headers, body). Used to test and fuzz what the share
  // does with any bytes a phone can send, without a socket. Safe while the share serves.
  std::string AnswerRaw(std::string_view request, const std::string& remote_addr = "127.0.0.1");

  struct Impl;

 private:
  explicit LanShare(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mk::client
