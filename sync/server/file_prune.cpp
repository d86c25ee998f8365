// PruneMaterialFiles: the server's files of materials no longer there, centre by centre.
#include "file_prune.h"

#include <sys/stat.h>

#include <optional>
#include <set>
#include <vector>

#include "file_routes.h"
#include "sync/files/blob_store.h"
#include "sync/store/database.h"

namespace mk::server {
namespace {

Result<std::set<std::string>> NamedFiles(store::Database& db, const std::string& centre_id) {
  MK_ASSIGN_OR_RETURN(store::Statement st, db.Prepare("SELECT DISTINCT sha256 FROM materials WHERE centre_id = ?1"));
  st.Bind(1, centre_id);
  std::set<std::string> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.insert(st.ColumnText(0));
  }
}

}  // namespace

Result<PruneFilesReport> PruneMaterialFiles(const std::string& data_dir) {
  store::Database::Options options;
  options.read_only = true;
  MK_ASSIGN_OR_RETURN(store::Database db, store::Database::Open(data_dir + "/server.db", options));
  std::vector<std::string> centres;
  {
    MK_ASSIGN_OR_RETURN(store::Statement st, db.Prepare("SELECT id FROM centres ORDER BY id"));
    for (;;) {
      MK_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      centres.push_back(st.ColumnText(0));
    }
  }
  PruneFilesReport report;
  for (const std::string& centre_id : centres) {
    const std::string dir = data_dir + "/files/" + centre_id;
    struct stat st {};
    if (!IsSafeCentreId(centre_id) || ::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    MK_ASSIGN_OR_RETURN(sync::BlobStore blobs, sync::BlobStore::Open(dir));
    std::optional<std::set<std::string>> named;
    Status read;
    auto pruned = blobs.Prune([&](const std::string& sha256) {
      if (!named) {
        auto found = NamedFiles(db, centre_id);
        if (found.ok()) {
          named = std::move(*found);
        } else {
          read = found.status();
          named.emplace();
        }
      }
      return !read.ok() || named->count(sha256) > 0;  // nothing is deleted when the materials could not be read
    });
    MK_RETURN_IF_ERROR(read.WithContext("the materials of centre " + centre_id));
    if (!pruned.ok()) return pruned.status().WithContext("the files of centre " + centre_id);
    ++report.centres;
    report.files += pruned->files;
    report.bytes += pruned->bytes;
  }
  return report;
}

}  // namespace mk::server
