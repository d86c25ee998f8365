// POSIX implementation of the path helpers.
#include "paths.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mk::platform {

std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/') return JoinPath(xdg, "mintkiosk");
  if (const char* home = std::getenv("HOME"); home && *home) return JoinPath(JoinPath(home, ".local/share"), "mintkiosk");
  return "mintkiosk-data";
}

std::string ZoneInfoDir() {
  if (const char* dir = std::getenv("TZDIR"); dir && *dir) return dir;
  return "/usr/share/zoneinfo";
}

Status EnsureDirectory(const std::string& dir) {
  if (dir.empty()) return InvalidArgument("the data directory is empty");
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return IoError("cannot create directory " + partial + ": " + std::strerror(errno));
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return IoError(dir + " exists but is not a directory");
  return Status::Ok();
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

}  // namespace mk::platform
