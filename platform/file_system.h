// FileSystem: the folders and files the trainer picks and writes to (USB sticks), behind an interface tests can fake.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sync/common/status.h"

namespace mk::platform {

struct DirEntry {
  std::string name;
  bool is_dir = false;
  int64_t size = 0;  // files only
};

// A place worth offering first in a file browser: the home folder, a removable drive.
struct Place {
  std::string path;
  std::string label;  // the folder's own name ("INTENSO", "Home")
  bool removable = false;
};

// A new file being written. Every error is a Status whose message says what happened in words
// a person can act on, mapped from errno in one place (file_system.cpp), with a code screens
// can tell apart: kIo the drive is full (or the file too large for it), kUnavailable the drive
// or folder is gone (a USB stick pulled out), kPermissionDenied read-only or not allowed,
// kAlreadyExists a file of that name is there. Closing without Sync does not make the bytes
// durable.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Write(std::string_view bytes) = 0;
  virtual Status Sync() = 0;   // fsync: the bytes are on the device
  virtual Status Close() = 0;  // also reports errors the device gives only at close
};

// Thread safety: the real file system may be used from any thread; fakes say their own.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The entries of a folder, folders first, then by name; hidden entries (".x") left out.
  // Symbolic links are followed for the kind and size.
  virtual Result<std::vector<DirEntry>> List(const std::string& dir) = 0;
  // Whether `path` is an existing folder.
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Places to start from: the home folder, then mounted removable drives (on Linux every
  // folder /media/*, /media/*/* and /run/media/*/* that is a mount point).
  virtual std::vector<Place> Places() = 0;

  // Creates `path`, which must not exist (mode 0644).
  virtual Result<std::unique_ptr<WritableFile>> CreateNew(const std::string& path) = 0;
  // Renames within one folder; `to` must not exist (never replaces a file).
  virtual Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // fsync of a folder, so a rename in it is durable.
  virtual Status SyncDirectory(const std::string& dir) = 0;

  // The operating system's file system.
  static FileSystem& Real();
};

// The parent folder of `path` ("/" for "/media"); `path` itself for "/".
std::string ParentDirectory(const std::string& path);

}  // namespace mk::platform
