// Test helper: a real mintkiosk-server process on 127.0.0.1, started, watched and stopped by the tests.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace mk::test {

// `mintkiosk-server --data DIR serve --listen 127.0.0.1:0 EXTRA...`. The constructor returns once
// the server printed "listening on URL" (it is accepting connections then); it throws when the
// server exits or says nothing for 30 s. stderr is collected on a thread so the access log never
// blocks the server.
class ServerProcess {
 public:
  ServerProcess(const std::string& data_dir, const std::vector<std::string>& extra_args = {});
  ~ServerProcess();  // kills the server if it still runs
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  const std::string& url() const { return url_; }  // "http://127.0.0.1:PORT" (https with TLS)
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  void Signal(int sig);
  // Sends `sig` and waits for the exit; the exit code, or -1 when a signal killed it.
  int Stop(int sig);
  // Waits (at most 30 s) until stderr contains `text`; false when it never did.
  bool WaitForLog(const std::string& text);
  std::string Log();

 private:
  void ReadLoop(int fd);

  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::string log_;   // GUARDED_BY(mu_)
  bool eof_ = false;  // GUARDED_BY(mu_)
};

// mintkiosk-server --data DIR ARGS...
ProcessResult ServerCli(const std::string& data_dir, const std::vector<std::string>& args);
// mintkiosk --data DIR ARGS...
ProcessResult ClientCli(const std::string& data_dir, const std::vector<std::string>& args);

// One TCP connection to 127.0.0.1:port for bytes no HTTP library would send.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  // False when the peer has closed the connection.
  bool Send(const std::string& bytes);
  // Reads until the peer closes (or 30 s pass): everything received.
  std::string ReadUntilClosed();
  // Reads one HTTP response (headers and a Content-Length body); empty when the peer closed first.
  std::string ReadResponse();

 private:
  int fd_ = -1;
};

// The status code of a raw HTTP response ("HTTP/1.1 400 Bad Request..." -> 400), 0 if none.
int StatusOf(const std::string& raw_response);

}  // namespace mk::test
