// Deleting the server's copies of course-material files that no material names any more.
#pragma once

#include <cstdint>
#include <string>

#include "sync/common/status.h"

namespace mk::server {

struct PruneFilesReport {
  int centres = 0;    // centres whose file directory was looked through
  int files = 0;      // complete files and partial uploads deleted
  int64_t bytes = 0;
};

// For every centre of `data_dir`/server.db with a file directory (`data_dir`/files/<centre
// id>/, see FileRoutes), deletes the complete files and partial uploads that no material of
// that centre names: the files of materials deleted on a device and synced since. Directories
// of names that are not a centre's id are left alone. The materials of a centre are read after
// its directory was listed (BlobStore::Prune), so a file uploaded meanwhile for a material
// that was just pushed stays; it may run while the server serves.
Result<PruneFilesReport> PruneMaterialFiles(const std::string& data_dir);

}  // namespace mk::server
