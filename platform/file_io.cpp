// POSIX implementation of the small-file helpers and the terminal's secret input.
#include "file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mk::platform {
namespace {

std::string Reason(int error) { return std::strerror(error); }

// The directory part of `path` ("." for a bare file name).
std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Writes all of `bytes`, retrying short writes and interrupted calls.
bool WriteAll(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status WriteFileDurably(const std::string& path, std::string_view bytes, FileAccess access) {
  const std::string tmp = path + ".tmp";
  const mode_t mode = access == FileAccess::kOwnerOnly ? 0600 : 0644;
  // A leftover from an earlier crash may have other permissions: start from a fresh file.
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return IoError("cannot create " + tmp + ": " + Reason(errno));
  if (!WriteAll(fd, bytes) || ::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return IoError("cannot write " + tmp + ": " + Reason(e));
  }
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot write " + tmp + ": " + Reason(e));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot replace " + path + ": " + Reason(e));
  }
  // The rename is durable only once the directory entry is on disk.
  const std::string dir = DirectoryOf(path);
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return IoError("cannot open " + dir + " to make " + path + " durable: " + Reason(errno));
  const bool synced = ::fsync(dir_fd) == 0;
  const int e = errno;
  ::close(dir_fd);
  if (!synced) return IoError("cannot make " + path + " durable in " + dir + ": " + Reason(e));
  return Status::Ok();
}

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return NotFound(path + " does not exist");
    return IoError("cannot read " + path + ": " + Reason(e));
  }
  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      return IoError("cannot read " + path + ": " + Reason(e));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > max_bytes) {
      ::close(fd);
      return Corrupt(path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return content;
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool StdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }

bool ReadSecretLine(std::istream& in, std::ostream& out, std::string_view prompt, std::string* line) {
  out << prompt << std::flush;
  termios old_mode{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (tty) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(in, *line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
    out << "\n";
  }
  return ok;
}

}  // namespace mk::platform
