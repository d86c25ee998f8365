// Copying a session's materials to a folder (a USB stick): durable, never a half file under a final name.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "platform/file_system.h"
#include "sync/common/status.h"
#include "sync/files/material_library.h"

namespace mk::client {

struct CopyProgress {
  int file_index = 0;  // the file being copied (0-based) of file_count
  int file_count = 0;
  std::string file_name;
  int64_t bytes_done = 0;  // of all files together
  int64_t bytes_total = 0;
};
using CopyProgressFn = std::function<void(const CopyProgress&)>;

struct CopyReport {
  std::vector<std::string> written;        // file names written into the folder
  std::vector<std::string> already_there;  // identical files found there (same name, same content)
  std::vector<std::string> not_ready;      // titles of materials not complete on this device
  int64_t bytes_written = 0;
};

// The name a material's file gets in a folder that may be on a FAT or exFAT stick: the stored
// file name with characters those refuse (: * ? " < > |) as '_', and no trailing dots or spaces.
std::string PortableFileName(const std::string& file_name);

// Copies every ready material of the session into `target_dir`, one file after the other:
// each is written to a hidden temporary name in that folder, fsync'ed, renamed to its final
// name (never replacing a file: a different file of that name makes "name (2).pdf"), and the
// folder fsync'ed. A file of the same name and size whose content is the same is left as it
// is. When writing fails (a full disk, a stick pulled out), the temporary file is removed, the
// files finished before stay complete, and the error says which file and why. Materials not
// yet complete on this device are skipped and listed. `cancel` (may be null) stops between
// pieces; the current file's temporary file is removed (kUnavailable "stopped").
// Memory: one piece of 256 KiB.
Result<CopyReport> CopySessionMaterials(sync::MaterialLibrary& library, const std::string& session_id,
                                        const std::string& target_dir, platform::FileSystem& fs,
                                        const CopyProgressFn& progress = {},
                                        const std::atomic<bool>* cancel = nullptr);

}  // namespace mk::client
