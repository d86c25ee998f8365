// POSIX implementation of the server-process and raw-socket test helpers.
#include "server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace mk::test {
namespace {

constexpr auto kWaitLimit = std::chrono::seconds(30);

}  // namespace

ServerProcess::ServerProcess(const std::string& data_dir, const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {BinPath("mintkiosk-server"), "--data", data_dir, "serve", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  // Built before fork: the child of a threaded process should only exec.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(err_pipe[1], 2);
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
    }
    // The test runner may block signals; the server must start with a clean mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  reader_ = std::thread([this, fd = err_pipe[0]] { ReadLoop(fd); });

  const std::string marker = "listening on ";
  std::unique_lock<std::mutex> lock(mu_);
  const bool ready = changed_.wait_for(lock, kWaitLimit, [&] {
    const size_t at = log_.find(marker);
    return eof_ || (at != std::string::npos && log_.find('\n', at) != std::string::npos);
  });
  const size_t at = log_.find(marker);
  if (!ready || at == std::string::npos) {
    lock.unlock();
    // The destructor does not run when the constructor throws: end the process and the reader
    // here (a joinable std::thread destroyed as a member would call std::terminate).
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    reader_.join();
    throw std::runtime_error("mintkiosk-server did not start:\n" + Log());
  }
  url_ = log_.substr(at + marker.size(), log_.find('\n', at) - at - marker.size());
  port_ = std::stoi(url_.substr(url_.rfind(':') + 1));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::ReadLoop(int fd) {
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> lock(mu_);
    if (n <= 0) {
      eof_ = true;
      changed_.notify_all();
      break;
    }
    log_.append(buf, static_cast<size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
}

void ServerProcess::Signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int ServerProcess::Stop(int sig) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool ServerProcess::WaitForLog(const std::string& text) {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, kWaitLimit, [&] { return log_.find(text) != std::string::npos || eof_; }) &&
         log_.find(text) != std::string::npos;
}

std::string ServerProcess::Log() {
  std::lock_guard<std::mutex> lock(mu_);
  return log_;
}

ProcessResult ServerCli(const std::string& data_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinPath("mintkiosk-server"), "--data", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

ProcessResult ClientCli(const std::string& data_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinPath("mintkiosk"), "--data", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv);
}

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  timeval tv{30, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::string RawConnection::ReadUntilClosed() {
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string RawConnection::ReadResponse() {
  std::string out;
  char buf[16384];
  size_t header_end = std::string::npos;
  size_t want = std::string::npos;
  for (;;) {
    if (header_end == std::string::npos && (header_end = out.find("\r\n\r\n")) != std::string::npos) {
      size_t length = 0;
      std::string lower;
      for (size_t i = 0; i < header_end; ++i) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(out[i]))));
      const size_t cl = lower.find("content-length:");
      if (cl != std::string::npos) length = std::stoul(out.substr(cl + 15));
      want = header_end + 4 + length;
    }
    if (want != std::string::npos && out.size() >= want) return out.substr(0, want);
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

int StatusOf(const std::string& raw) {
  if (raw.compare(0, 5, "HTTP/") != 0) return 0;
  const size_t sp = raw.find(' ');
  if (sp == std::string::npos) return 0;
  return std::atoi(raw.c_str() + sp + 1);
}

}  // namespace mk::test
