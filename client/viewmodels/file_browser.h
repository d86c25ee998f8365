// FileBrowser: the built-in file browser's state (folders, files, USB sticks), over platform::FileSystem.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/viewmodels/notice.h"
#include "platform/file_system.h"

namespace mk::client {

enum class BrowseFor { kFile, kFolder };

// Thread safety: one thread (the UI thread). Invariant: entries() is the listing of dir() as
// last read (folders only when browsing for a folder); places() lists the home folder and the
// removable drives mounted when the browser was opened or refreshed.
class FileBrowser {
 public:
  explicit FileBrowser(platform::FileSystem& fs) : fs_(fs) {}

  // Opens at `start_dir` when it is a folder, else at the first removable drive, else at the
  // first place, else at "/".
  void Open(BrowseFor mode, const std::string& start_dir = "");
  void Close() { open_ = false; }
  bool open() const { return open_; }
  BrowseFor mode() const { return mode_; }

  const std::string& dir() const { return dir_; }
  const std::vector<platform::DirEntry>& entries() const { return entries_; }
  const std::vector<platform::Place>& places() const { return places_; }
  // Why the folder could not be listed; empty otherwise.
  const Notice& notice() const { return notice_; }

  // A folder entry goes into it (nullopt); a file entry, when browsing for a file, is the
  // choice: its path is returned and the browser closes.
  std::optional<std::string> Activate(size_t index);
  void GoTo(const std::string& dir);
  void GoToPlace(size_t index);
  bool can_go_up() const { return dir_ != "/"; }
  void Up();
  void Refresh();

 private:
  platform::FileSystem& fs_;
  bool open_ = false;
  BrowseFor mode_ = BrowseFor::kFile;
  std::string dir_ = "/";
  std::vector<platform::DirEntry> entries_;
  std::vector<platform::Place> places_;
  Notice notice_;
};

}  // namespace mk::client
