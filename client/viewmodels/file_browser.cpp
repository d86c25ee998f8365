// FileBrowser: listing, places and navigation; every notice a catalogue id.
#include "file_browser.h"

#include <algorithm>

#include "client/i18n/catalogue.h"

namespace mk::client {

using i18n::Msg;

void FileBrowser::Open(BrowseFor mode, const std::string& start_dir) {
  mode_ = mode;
  open_ = true;
  places_ = fs_.Places();
  std::string start = start_dir;
  if (start.empty() || !fs_.IsDirectory(start)) {
    start.clear();
    for (const platform::Place& p : places_) {
      if (p.removable) {
        start = p.path;
        break;
      }
    }
    if (start.empty() && !places_.empty()) start = places_.front().path;
    if (start.empty()) start.assign(1, '/');
  }
  GoTo(start);
}

void FileBrowser::GoTo(const std::string& dir) {
  auto listed = fs_.List(dir);
  if (!listed.ok()) {
    notice_ = {Msg("This folder cannot be opened: {0}"), {dir}, true};
    return;
  }
  dir_ = dir;
  notice_ = {};
  entries_ = std::move(*listed);
  if (mode_ == BrowseFor::kFolder) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [](const platform::DirEntry& e) { return !e.is_dir; }),
                   entries_.end());
  }
}

std::optional<std::string> FileBrowser::Activate(size_t index) {
  if (index >= entries_.size()) return std::nullopt;
  const platform::DirEntry entry = entries_[index];
  std::string path = dir_;
  if (path.empty() || path.back() != '/') path.push_back('/');
  path.append(entry.name);
  if (entry.is_dir) {
    GoTo(path);
    return std::nullopt;
  }
  if (mode_ != BrowseFor::kFile) return std::nullopt;
  open_ = false;
  return path;
}

void FileBrowser::GoToPlace(size_t index) {
  if (index < places_.size()) GoTo(places_[index].path);
}

void FileBrowser::Up() {
  if (can_go_up()) GoTo(platform::ParentDirectory(dir_));
}

void FileBrowser::Refresh() {
  places_ = fs_.Places();
  GoTo(dir_);
}

}  // namespace mk::client
