// The POSIX file system behind platform::FileSystem: listing, removable drives, durable new files.
#include "file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mk::platform {
namespace {

// errno as words a person holding a USB stick can act on: the one place this mapping lives.
Status ErrnoStatus(int e, const std::string& what, const std::string& path) {
  const std::string where = " (" + path + ")";
  switch (e) {
    case ENOSPC:
    case EDQUOT:
      return IoError(what + ": the disk is full" + where);
    case EFBIG:
      return IoError(what + ": the file is too large for this drive" + where);
    case EIO:
    case ENODEV:
    case ENXIO:
    case ESHUTDOWN:
      return Status(ErrorCode::kUnavailable, what + ": the drive stopped answering; was it removed?" + where);
    case ENOENT:
    case ENOTDIR:
      return Status(ErrorCode::kUnavailable, what + ": the folder is no longer there; was the drive removed?" + where);
    case EROFS:
      return PermissionDenied(what + ": the drive is read-only" + where);
    case EACCES:
    case EPERM:
      return PermissionDenied(what + ": no permission to write there" + where);
    case EEXIST:
      return Status(ErrorCode::kAlreadyExists, what + ": a file of that name exists already" + where);
    default:  // not "full": the screens say kIo means exactly that
      return Status(ErrorCode::kFailedPrecondition, what + ": " + std::strerror(e) + where);
  }
}

class PosixFile : public WritableFile {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  Status Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "writing failed", path_);
      }
      if (n == 0) return ErrnoStatus(ENOSPC, "writing failed", path_);
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }
  Status Sync() override {
    if (::fsync(fd_) != 0) return ErrnoStatus(errno, "writing failed", path_);
    return Status::Ok();
  }
  Status Close() override {
    const int fd = fd_;
    fd_ = -1;
    if (fd >= 0 && ::close(fd) != 0) return ErrnoStatus(errno, "writing failed", path_);
    return Status::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

bool IsMountPoint(const std::string& path) {
  struct stat self {};
  struct stat parent {};
  if (::stat(path.c_str(), &self) != 0 || !S_ISDIR(self.st_mode)) return false;
  if (::stat(ParentDirectory(path).c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

std::vector<std::string> SubDirectories(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(path);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

class PosixFileSystem : public FileSystem {
 public:
  Result<std::vector<DirEntry>> List(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return ErrnoStatus(errno, "cannot open the folder", dir);
    std::vector<DirEntry> out;
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.empty() || name[0] == '.') continue;
      struct stat st {};
      if (::stat((dir == "/" ? "/" + name : dir + "/" + name).c_str(), &st) != 0) continue;
      if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) continue;
      out.push_back({name, S_ISDIR(st.st_mode), S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : 0});
      if (out.size() >= 10000) break;  // bounded: a folder of a million files shows its first ones
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) {
      if (a.is_dir != b.is_dir) return a.is_dir;
      return a.name < b.name;
    });
    return out;
  }

  bool IsDirectory(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  bool Exists(const std::string& path) override {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
  }

  std::vector<Place> Places() override {
    std::vector<Place> out;
    if (const char* home = std::getenv("HOME"); home && *home && IsDirectory(home)) {
      out.push_back({home, "Home", false});
    }
    auto add_drive = [&out](const std::string& path) {
      for (const Place& p : out) {
        if (p.path == path) return;
      }
      const size_t slash = path.rfind('/');
      out.push_back({path, path.substr(slash + 1), true});
    };
    // /media/LABEL (Debian's usbmount and udisks with a shared /media), /media/USER/LABEL and
    // /run/media/USER/LABEL (udisks2 per user).
    for (const std::string& a : SubDirectories("/media")) {
      if (IsMountPoint(a)) {
        add_drive(a);
        continue;
      }
      for (const std::string& b : SubDirectories(a)) {
        if (IsMountPoint(b)) add_drive(b);
      }
    }
    for (const std::string& user : SubDirectories("/run/media")) {
      for (const std::string& drive : SubDirectories(user)) {
        if (IsMountPoint(drive)) add_drive(drive);
      }
    }
    return out;
  }

  Result<std::unique_ptr<WritableFile>> CreateNew(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return ErrnoStatus(errno, "cannot create the file", path);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixFile>(fd, path));
  }

  Status RenameNoReplace(const std::string& from, const std::string& to) override {
#ifdef SYS_renameat2
    if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
      return Status::Ok();
    }
    // FAT and exFAT drives on older kernels do not know the flag: check and rename instead.
    if (errno != EINVAL && errno != ENOSYS) return ErrnoStatus(errno, "cannot rename the file", to);
#endif
    if (Exists(to)) return ErrnoStatus(EEXIST, "cannot rename the file", to);
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus(errno, "cannot rename the file", to);
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "cannot delete the file", path);
    return Status::Ok();
  }

  Status SyncDirectory(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "cannot open the folder", dir);
    const int rc = ::fsync(fd);
    const int e = errno;
    ::close(fd);
    // Some file systems (FAT over FUSE) refuse fsync on a folder: the file itself was synced.
    if (rc != 0 && e != EINVAL && e != ENOTSUP) return ErrnoStatus(e, "writing the folder failed", dir);
    return Status::Ok();
  }
};

}  // namespace

FileSystem& FileSystem::Real() {
  static PosixFileSystem* fs = new PosixFileSystem();  // never destroyed: used until exit
  return *fs;
}

std::string ParentDirectory(const std::string& path) {
  if (path.empty() || path == "/") return "/";
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

}  // namespace mk::platform
