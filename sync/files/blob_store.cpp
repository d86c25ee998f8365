// BlobStore on POSIX files: streamed hashing, locked appends, verified renames; errno becomes Status here.
#include "blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>

#include "sync/common/text_encoding.h"
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <memory>

namespace mk::sync {
namespace {

constexpr size_t kIoPiece = 64 * 1024;
// How often AppendChunk and Complete reopen a partial file that was renamed or deleted by
// another writer between open and lock.
constexpr int kLockAttempts = 8;

void EnsureSodium() {
  static const int kInit = sodium_init();
  assert(kInit >= 0 && "libsodium failed to initialise");
  (void)kInit;
}

std::string Hex(const unsigned char* bytes, size_t n) { return HexLower(bytes, n); }

// The one place errno becomes a Status in this store.
Status ErrnoStatus(int err, const std::string& what, const std::string& path) {
  const std::string msg = what + " " + path + ": " + std::strerror(err);
  switch (err) {
    case ENOENT: return NotFound(msg);
    case ENOSPC:
    case EDQUOT: return IoError(msg + " (the disk is full; free some space and try again)");
    case EACCES:
    case EPERM:
    case EROFS: return IoError(msg + " (check the permissions of the data directory)");
    default: return IoError(msg);
  }
}

// An open file descriptor, closed on destruction (which also releases its flock).
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      Close();
      fd_ = o.fd_;
      o.fd_ = -1;
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Hands the descriptor over to the caller, who closes it.
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

Status EnsureDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoStatus(errno, "cannot create directory", path);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return IoError(path + " exists but is not a directory");
  return Status::Ok();
}

Status FsyncDir(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoStatus(errno, "cannot open directory", path);
  if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "cannot flush directory", path);
  return Status::Ok();
}

Status WriteAt(int fd, std::string_view bytes, int64_t offset, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset) + done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot write", path);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Reads up to `length` bytes from `offset` (fewer only at the end of the file).
Result<std::string> ReadAt(int fd, int64_t offset, size_t length, const std::string& path) {
  std::string out(length, '\0');
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset) + done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "cannot read", path);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

// SHA-256 of the first `size` bytes of `fd`, in pieces.
Result<std::string> HashOpenFile(int fd, int64_t size, const std::string& path) {
  EnsureSodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::string piece;
  for (int64_t offset = 0; offset < size;) {
    const size_t want = static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(kIoPiece), size - offset));
    MK_ASSIGN_OR_RETURN(piece, ReadAt(fd, offset, want, path));
    if (piece.empty()) return Corrupt(path + " became shorter while it was being checked");
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(piece.data()), piece.size());
    offset += static_cast<int64_t>(piece.size());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return Hex(digest, sizeof digest);
}

Status CheckSha(const std::string& sha256) {
  if (IsValidSha256(sha256)) return Status::Ok();
  return InvalidArgument("'" + sha256.substr(0, 80) + "' is not a SHA-256 (64 lower-case hex digits)");
}

// The partial file of a blob, open and exclusively locked, and still the file under its name
// (a Complete or a discard by another writer may have renamed or deleted the one we opened).
// `create`: create it when missing. An invalid Fd (and OK) when it does not exist.
Result<Fd> LockPartial(const std::string& path, bool create) {
  for (int attempt = 0; attempt < kLockAttempts; ++attempt) {
    Fd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600));
    if (!fd.valid()) {
      if (errno == ENOENT && !create) return Fd();
      return ErrnoStatus(errno, "cannot open", path);
    }
    while (::flock(fd.get(), LOCK_EX) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, "cannot lock", path);
    }
    struct stat by_fd {};
    struct stat by_name {};
    if (::fstat(fd.get(), &by_fd) != 0) return ErrnoStatus(errno, "cannot inspect", path);
    const int named = ::stat(path.c_str(), &by_name);
    if (named == 0 && by_name.st_ino == by_fd.st_ino && by_name.st_dev == by_fd.st_dev) return fd;
    if (named != 0 && errno != ENOENT) return ErrnoStatus(errno, "cannot inspect", path);
    if (named != 0 && !create) return Fd();  // gone while we waited
    // Replaced (or gone, and we may create it): lock whatever the name holds now.
  }
  return Status(ErrorCode::kBusy, "the partial file " + path + " keeps being replaced by another writer; try again");
}

Result<int64_t> FileSize(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ErrnoStatus(errno, "cannot inspect", path);
  return static_cast<int64_t>(st.st_size);
}

// An exclusive flock on an open file, released on destruction (the file stays open).
class FileLock {
 public:
  static Result<FileLock> Take(int fd, const std::string& path) {
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) return ErrnoStatus(errno, "cannot lock", path);
    }
    return FileLock(fd);
  }
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock() {
    if (fd_ >= 0) ::flock(fd_, LOCK_UN);
  }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// Whether the open `fd` is still the file under `path` (not renamed away, deleted or replaced).
Result<bool> StillNamed(int fd, const std::string& path, int64_t* size) {
  struct stat by_fd {};
  struct stat by_name {};
  if (::fstat(fd, &by_fd) != 0) return ErrnoStatus(errno, "cannot inspect", path);
  if (size) *size = static_cast<int64_t>(by_fd.st_size);
  if (::stat(path.c_str(), &by_name) != 0) {
    if (errno == ENOENT) return false;
    return ErrnoStatus(errno, "cannot inspect", path);
  }
  return by_name.st_ino == by_fd.st_ino && by_name.st_dev == by_fd.st_dev;
}

Result<bool> Exists(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return ErrnoStatus(errno, "cannot inspect", path);
}

// The partial file `path` of `sha256`, locked by the caller, once `complete` (whether the blob
// is complete) has been read again under the lock: another writer may have finished the blob
// meanwhile (the empty file our open just created then goes). Otherwise the partial must hold
// exactly `offset` bytes; *partial_size (when given) says how many it holds. Returns that size.
Result<int64_t> CheckLockedPartial(const Fd& fd, const std::string& path, const std::string& sha256, bool complete,
                                   int64_t offset, int64_t* partial_size) {
  MK_ASSIGN_OR_RETURN(int64_t size, FileSize(fd.get(), path));
  if (complete) {
    if (size == 0) ::unlink(path.c_str());
    return Status(ErrorCode::kAlreadyExists, "the file " + sha256 + " is complete already");
  }
  if (partial_size) *partial_size = size;
  if (size != offset) {
    return FailedPrecondition("offset mismatch: the partial file " + sha256 + " holds " + std::to_string(size) +
                              " bytes, not " + std::to_string(offset));
  }
  return size;
}

}  // namespace

bool IsValidSha256(std::string_view sha256) {
  if (sha256.size() != 64) return false;
  return std::all_of(sha256.begin(), sha256.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string Sha256Hex(std::string_view bytes) {
  EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return Hex(digest, sizeof digest);
}

Result<BlobStore> BlobStore::Open(const std::string& dir) {
  if (dir.empty()) return InvalidArgument("the file store needs a directory");
  // Parents first, as EnsureDirectory does for the data directory.
  for (size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
    const std::string parent = dir.substr(0, pos);
    if (::mkdir(parent.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoStatus(errno, "cannot create directory", parent);
  }
  for (const char* sub : {"", "/sha256", "/partial", "/outgoing", "/tmp"}) MK_RETURN_IF_ERROR(EnsureDir(dir + sub));
  return BlobStore(dir);
}

std::string BlobStore::BlobPath(const std::string& sha256) const {
  assert(IsValidSha256(sha256) && "BlobPath needs a checked SHA-256");
  return dir_ + "/sha256/" + sha256.substr(0, 2) + "/" + sha256;
}

std::string BlobStore::PartialPath(const std::string& sha256) const {
  assert(IsValidSha256(sha256) && "PartialPath needs a checked SHA-256");
  return dir_ + "/partial/" + sha256 + ".part";
}

Result<bool> BlobStore::Has(const std::string& sha256) const {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  struct stat st {};
  if (::stat(BlobPath(sha256).c_str(), &st) == 0) return S_ISREG(st.st_mode);
  if (errno == ENOENT) return false;
  return ErrnoStatus(errno, "cannot inspect", BlobPath(sha256));
}

Result<int64_t> BlobStore::Size(const std::string& sha256) const {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  struct stat st {};
  if (::stat(BlobPath(sha256).c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("the file " + sha256 + " is not complete in " + dir_);
    return ErrnoStatus(errno, "cannot inspect", BlobPath(sha256));
  }
  return static_cast<int64_t>(st.st_size);
}

Result<int64_t> BlobStore::PartialSize(const std::string& sha256) const {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  struct stat st {};
  if (::stat(PartialPath(sha256).c_str(), &st) == 0) return static_cast<int64_t>(st.st_size);
  if (errno == ENOENT) return int64_t{0};
  return ErrnoStatus(errno, "cannot inspect", PartialPath(sha256));
}

Status BlobStore::MoveIntoPlace(const std::string& from, const std::string& sha256) {
  const std::string prefix_dir = dir_ + "/sha256/" + sha256.substr(0, 2);
  struct stat st {};
  const bool new_prefix = ::stat(prefix_dir.c_str(), &st) != 0;
  MK_RETURN_IF_ERROR(EnsureDir(prefix_dir));
  if (new_prefix) MK_RETURN_IF_ERROR(FsyncDir(dir_ + "/sha256"));
  const std::string to = BlobPath(sha256);
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus(errno, "cannot move " + from + " to", to);
  MK_RETURN_IF_ERROR(FsyncDir(prefix_dir));
  const size_t slash = from.rfind('/');
  return FsyncDir(from.substr(0, slash));
}

Result<BlobInfo> BlobStore::AddFile(const std::string& path) {
  EnsureSodium();
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) return ErrnoStatus(errno, "cannot open", path);
  struct stat st {};
  if (::fstat(in.get(), &st) != 0) return ErrnoStatus(errno, "cannot inspect", path);
  if (!S_ISREG(st.st_mode)) return InvalidArgument(path + " is not a regular file");

  std::string tmp = dir_ + "/tmp/add-XXXXXX";
  Fd out(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!out.valid()) return ErrnoStatus(errno, "cannot create a temporary file in", dir_ + "/tmp");
  // Removes the temporary file on every return but the one after the rename.
  struct RemoveOnExit {
    const std::string& path;
    bool keep = false;
    ~RemoveOnExit() {
      if (!keep) ::unlink(path.c_str());
    }
  } remove_tmp{tmp};

  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  int64_t size = 0;
  std::string piece;
  for (;;) {
    MK_ASSIGN_OR_RETURN(piece, ReadAt(in.get(), size, kIoPiece, path));
    if (piece.empty()) break;
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(piece.data()), piece.size());
    MK_RETURN_IF_ERROR(WriteAt(out.get(), piece, size, tmp));
    size += static_cast<int64_t>(piece.size());
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  BlobInfo info{Hex(digest, sizeof digest), size};

  // Marked before it is in place: Prune passes over a marked blob, so a file being added is
  // never deleted before its material's row names it. A marker whose blob never arrives (the
  // move failed) names nothing to upload and is harmless.
  MK_RETURN_IF_ERROR(MarkOutgoing(info.sha256));
  MK_ASSIGN_OR_RETURN(bool have, Has(info.sha256));
  if (!have) {
    if (::fsync(out.get()) != 0) return ErrnoStatus(errno, "cannot flush", tmp);
    MK_RETURN_IF_ERROR(MoveIntoPlace(tmp, info.sha256));
    remove_tmp.keep = true;
  }
  return info;
}

Status BlobStore::AppendChunk(const std::string& sha256, int64_t offset, std::string_view bytes,
                              int64_t* partial_size) {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  if (offset < 0) return InvalidArgument("a chunk offset cannot be negative");
  MK_ASSIGN_OR_RETURN(bool have, Has(sha256));
  if (have) return Status(ErrorCode::kAlreadyExists, "the file " + sha256 + " is complete already");
  const std::string path = PartialPath(sha256);
  if (bytes.empty()) {
    MK_ASSIGN_OR_RETURN(int64_t size, PartialSize(sha256));
    if (partial_size) *partial_size = size;
    if (size != offset) {
      return FailedPrecondition("offset mismatch: the partial file " + sha256 + " holds " + std::to_string(size) +
                                " bytes, not " + std::to_string(offset));
    }
    return Status::Ok();
  }
  MK_ASSIGN_OR_RETURN(Fd fd, LockPartial(path, /*create=*/true));
  // Complete() of another writer may have finished the blob while we waited for the lock.
  MK_ASSIGN_OR_RETURN(have, Has(sha256));
  MK_RETURN_IF_ERROR(CheckLockedPartial(fd, path, sha256, have, offset, partial_size).status());
  MK_RETURN_IF_ERROR(WriteAt(fd.get(), bytes, offset, path));
  if (::fsync(fd.get()) != 0) {
    const int err = errno;
    // What reached the file is unknown: cut back to the last known good size.
    (void)!::ftruncate(fd.get(), static_cast<off_t>(offset));
    return ErrnoStatus(err, "cannot flush", path);
  }
  if (offset == 0) MK_RETURN_IF_ERROR(FsyncDir(dir_ + "/partial"));
  if (partial_size) *partial_size = offset + static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

BlobStore::PartialWriter::PartialWriter(std::string sha256, std::string path, std::string partial_dir,
                                        std::string blob_path, int fd, int64_t size)
    : sha256_(std::move(sha256)),
      path_(std::move(path)),
      partial_dir_(std::move(partial_dir)),
      blob_path_(std::move(blob_path)),
      fd_(fd),
      size_(size),
      flushed_(size) {}

BlobStore::PartialWriter::PartialWriter(PartialWriter&& other) noexcept
    : sha256_(std::move(other.sha256_)),
      path_(std::move(other.path_)),
      partial_dir_(std::move(other.partial_dir_)),
      blob_path_(std::move(other.blob_path_)),
      fd_(other.fd_),
      size_(other.size_),
      flushed_(other.flushed_),
      dir_synced_(other.dir_synced_) {
  other.fd_ = -1;
}

BlobStore::PartialWriter& BlobStore::PartialWriter::operator=(PartialWriter&& other) noexcept {
  if (this != &other) {
    Close();
    sha256_ = std::move(other.sha256_);
    path_ = std::move(other.path_);
    partial_dir_ = std::move(other.partial_dir_);
    blob_path_ = std::move(other.blob_path_);
    fd_ = other.fd_;
    size_ = other.size_;
    flushed_ = other.flushed_;
    dir_synced_ = other.dir_synced_;
    other.fd_ = -1;
  }
  return *this;
}

BlobStore::PartialWriter::~PartialWriter() { Close(); }

void BlobStore::PartialWriter::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status BlobStore::PartialWriter::Append(std::string_view bytes) {
  if (fd_ < 0) return Internal("the writer of the partial file " + sha256_ + " was moved from");
  if (bytes.empty()) return Status::Ok();
  MK_ASSIGN_OR_RETURN(FileLock lock, FileLock::Take(fd_, path_));
  // Complete() of another writer, or the same content added whole, finished the blob.
  MK_ASSIGN_OR_RETURN(bool complete, Exists(blob_path_));
  if (complete) return Status(ErrorCode::kAlreadyExists, "the file " + sha256_ + " is complete already");
  int64_t held = 0;
  MK_ASSIGN_OR_RETURN(bool ours, StillNamed(fd_, path_, &held));
  if (!ours) {
    return FailedPrecondition("the partial file " + sha256_ +
                              " was replaced or deleted by another writer; continue from what it holds now");
  }
  if (held != size_) {
    return FailedPrecondition("offset mismatch: the partial file " + sha256_ + " holds " + std::to_string(held) +
                              " bytes, not " + std::to_string(size_));
  }
  Status written = WriteAt(fd_, bytes, size_, path_);
  if (!written.ok()) {
    // A part may have reached the file: cut back to where this append started.
    (void)!::ftruncate(fd_, static_cast<off_t>(size_));
    return written;
  }
  size_ += static_cast<int64_t>(bytes.size());
  return Status::Ok();
}

Status BlobStore::PartialWriter::Flush() {
  if (fd_ < 0) return Internal("the writer of the partial file " + sha256_ + " was moved from");
  if (size_ == flushed_ && dir_synced_) return Status::Ok();
  if (::fsync(fd_) != 0) {
    const int err = errno;
    // What reached the disk is unknown: cut back to the last flushed size, unless the file is
    // no longer ours or another writer has appended after this one's bytes.
    auto lock = FileLock::Take(fd_, path_);
    int64_t held = 0;
    auto ours = StillNamed(fd_, path_, &held);
    if (lock.ok() && ours.ok() && *ours && held == size_) (void)!::ftruncate(fd_, static_cast<off_t>(flushed_));
    size_ = flushed_;
    return ErrnoStatus(err, "cannot flush", path_);
  }
  flushed_ = size_;
  if (!dir_synced_) {
    MK_RETURN_IF_ERROR(FsyncDir(partial_dir_));
    dir_synced_ = true;
  }
  return Status::Ok();
}

Result<BlobStore::PartialWriter> BlobStore::OpenPartial(const std::string& sha256, int64_t offset,
                                                        int64_t* partial_size) {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  if (offset < 0) return InvalidArgument("a partial file offset cannot be negative");
  MK_ASSIGN_OR_RETURN(bool have, Has(sha256));
  if (have) return Status(ErrorCode::kAlreadyExists, "the file " + sha256 + " is complete already");
  const std::string path = PartialPath(sha256);
  MK_ASSIGN_OR_RETURN(Fd fd, LockPartial(path, /*create=*/true));
  MK_ASSIGN_OR_RETURN(have, Has(sha256));
  MK_ASSIGN_OR_RETURN(const int64_t size, CheckLockedPartial(fd, path, sha256, have, offset, partial_size));
  ::flock(fd.get(), LOCK_UN);
  PartialWriter writer(sha256, path, dir_ + "/partial", BlobPath(sha256), fd.release(), size);
  // A file started here may be new: its directory entry goes to disk with the first Flush.
  writer.dir_synced_ = offset != 0;
  return writer;
}

Status BlobStore::Complete(const std::string& sha256, int64_t expected_size) {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  if (expected_size < 0) return InvalidArgument("a file size cannot be negative");
  const std::string path = PartialPath(sha256);
  MK_ASSIGN_OR_RETURN(Fd fd, LockPartial(path, /*create=*/false));
  MK_ASSIGN_OR_RETURN(bool have, Has(sha256));
  if (have) {
    if (fd.valid()) ::unlink(path.c_str());  // a leftover of a transfer someone else finished
    return Status::Ok();
  }
  if (!fd.valid()) {
    if (expected_size != 0) return NotFound("no partial file " + sha256 + " to complete in " + dir_);
    // The empty file: nothing was ever appended, so create it.
    MK_ASSIGN_OR_RETURN(fd, LockPartial(path, /*create=*/true));
  }
  MK_ASSIGN_OR_RETURN(int64_t size, FileSize(fd.get(), path));
  if (size < expected_size) {
    return FailedPrecondition("the file " + sha256 + " is not finished: " + std::to_string(size) + " of " +
                              std::to_string(expected_size) + " bytes are here");
  }
  auto discard = [&](const std::string& why) {
    ::unlink(path.c_str());
    (void)FsyncDir(dir_ + "/partial");
    return Corrupt("the received file " + sha256 + " " + why + "; the partial file was deleted and the transfer "
                   "starts again");
  };
  if (size > expected_size) {
    return discard("has " + std::to_string(size) + " bytes where " + std::to_string(expected_size) + " were expected");
  }
  MK_ASSIGN_OR_RETURN(std::string actual, HashOpenFile(fd.get(), size, path));
  if (actual != sha256) return discard("has the SHA-256 " + actual + ", not the one it was sent under");
  if (::fsync(fd.get()) != 0) return ErrnoStatus(errno, "cannot flush", path);
  // Renamed while still locked: a writer waiting for the lock then sees the name gone.
  return MoveIntoPlace(path, sha256);
}

Status BlobStore::DiscardPartial(const std::string& sha256) {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  const std::string path = PartialPath(sha256);
  MK_ASSIGN_OR_RETURN(Fd fd, LockPartial(path, /*create=*/false));
  if (!fd.valid()) return Status::Ok();
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "cannot delete", path);
  return FsyncDir(dir_ + "/partial");
}

namespace {

// The names in the directory `path`; an empty list when there is none (or a file of that name).
Result<std::vector<std::string>> DirectoryNames(const std::string& path) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
  if (!dir) {
    if (errno == ENOENT || errno == ENOTDIR) return std::vector<std::string>();
    return ErrnoStatus(errno, "cannot list", path);
  }
  std::vector<std::string> out;
  errno = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") out.push_back(std::move(name));
  }
  if (errno != 0) return ErrnoStatus(errno, "cannot list", path);
  return out;
}

// Deletes the regular file at `path` and counts it; a file gone meanwhile is not an error.
Status DeleteCounted(const std::string& path, BlobStore::PruneReport* report) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoStatus(errno, "cannot inspect", path);
  }
  if (!S_ISREG(st.st_mode)) return Status::Ok();
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoStatus(errno, "cannot delete", path);
  }
  ++report->files;
  report->bytes += static_cast<int64_t>(st.st_size);
  return Status::Ok();
}

}  // namespace

Result<BlobStore::PruneReport> BlobStore::Prune(const std::function<bool(const std::string& sha256)>& keep) {
  // First the whole listing, then the questions (see the header).
  std::vector<std::string> complete;  // paths
  std::vector<std::string> complete_sha;
  MK_ASSIGN_OR_RETURN(std::vector<std::string> prefixes, DirectoryNames(dir_ + "/sha256"));
  for (const std::string& prefix : prefixes) {
    const std::string sub = dir_ + "/sha256/" + prefix;
    MK_ASSIGN_OR_RETURN(std::vector<std::string> names, DirectoryNames(sub));
    for (std::string& name : names) {
      if (!IsValidSha256(name) || name.compare(0, 2, prefix) != 0) continue;
      complete.push_back(sub + "/" + name);
      complete_sha.push_back(std::move(name));
    }
  }
  constexpr std::string_view kPart = ".part";
  std::vector<std::string> partial_sha;
  MK_ASSIGN_OR_RETURN(std::vector<std::string> partials, DirectoryNames(dir_ + "/partial"));
  for (const std::string& name : partials) {
    if (name.size() <= kPart.size() || name.compare(name.size() - kPart.size(), kPart.size(), kPart) != 0) continue;
    std::string sha256 = name.substr(0, name.size() - kPart.size());
    if (IsValidSha256(sha256)) partial_sha.push_back(std::move(sha256));
  }
  MK_ASSIGN_OR_RETURN(std::vector<std::string> outgoing, Outgoing());  // sorted
  auto take = [&](const std::string& sha256) {
    return !std::binary_search(outgoing.begin(), outgoing.end(), sha256) && !keep(sha256);
  };
  PruneReport report;
  for (size_t i = 0; i < complete.size(); ++i) {
    if (take(complete_sha[i])) MK_RETURN_IF_ERROR(DeleteCounted(complete[i], &report));
  }
  for (const std::string& sha256 : partial_sha) {
    if (!take(sha256)) continue;
    // Under the partial file's lock, as every writer and Complete take it.
    struct stat st {};
    if (::lstat(PartialPath(sha256).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    MK_RETURN_IF_ERROR(DiscardPartial(sha256));
    ++report.files;
    report.bytes += static_cast<int64_t>(st.st_size);
  }
  return report;
}

Result<std::string> BlobStore::Read(const std::string& sha256, int64_t offset, int64_t length) const {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  if (offset < 0 || length < 0) return InvalidArgument("a read needs a non-negative offset and length");
  const std::string path = BlobPath(sha256);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return NotFound("the file " + sha256 + " is not complete in " + dir_);
    return ErrnoStatus(errno, "cannot open", path);
  }
  MK_ASSIGN_OR_RETURN(int64_t size, FileSize(fd.get(), path));
  if (offset > size) {
    return InvalidArgument("offset " + std::to_string(offset) + " is past the end of the file " + sha256 + " (" +
                           std::to_string(size) + " bytes)");
  }
  const int64_t want = std::min({length, kMaxReadBytes, size - offset});
  return ReadAt(fd.get(), offset, static_cast<size_t>(want), path);
}

Result<std::vector<std::string>> BlobStore::Outgoing() const {
  const std::string path = dir_ + "/outgoing";
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
  if (!dir) return ErrnoStatus(errno, "cannot list", path);
  std::vector<std::string> out;
  errno = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string name = entry->d_name;
    if (IsValidSha256(name)) out.push_back(std::move(name));  // anything else is not ours
  }
  if (errno != 0) return ErrnoStatus(errno, "cannot list", path);
  std::sort(out.begin(), out.end());
  return out;
}

Status BlobStore::MarkOutgoing(const std::string& sha256) {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  const std::string path = dir_ + "/outgoing/" + sha256;
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (!fd.valid()) return ErrnoStatus(errno, "cannot create", path);
  return FsyncDir(dir_ + "/outgoing");
}

Status BlobStore::ClearOutgoing(const std::string& sha256) {
  MK_RETURN_IF_ERROR(CheckSha(sha256));
  const std::string path = dir_ + "/outgoing/" + sha256;
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoStatus(errno, "cannot delete", path);
  }
  return FsyncDir(dir_ + "/outgoing");
}

}  // namespace mk::sync
