// Device-side bundle files: export of the outbox, import of the server's answer.
#include "bundle_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "apply_page.h"
#include "sync/protocol/bundle.h"
#include "sync/protocol/outbox.h"
#include "sync/protocol/wire.h"
#include "sync_status.h"

namespace mk::sync {
namespace {

namespace fs = std::filesystem;

std::string Errno() { return std::strerror(errno); }

// Temporary file beside `path`, write, fsync, rename over `path`.
Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return IoError("cannot create " + tmp + ": " + Errno());
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = Errno();
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write " + tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string why = Errno();
    ::close(fd);
    ::unlink(tmp.c_str());
    return IoError("cannot write " + tmp + " to the disk: " + why);
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return IoError("cannot write " + tmp + ": " + Errno());
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = Errno();
    ::unlink(tmp.c_str());
    return IoError("cannot replace " + path + ": " + why);
  }
  return Status::Ok();
}

Result<std::string> ReadBundleFile(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return InvalidArgument(path + " is a directory, not a bundle file");
  if (!fs::exists(path, ec)) return NotFound("the bundle file " + path + " does not exist");
  const auto size = fs::file_size(path, ec);
  if (ec) return IoError("cannot read " + path + ": " + ec.message());
  if (size > kMaxBundleFileBytes) {
    return InvalidArgument(path + " is larger than any bundle (" + std::to_string(size) + " bytes)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError("cannot read " + path);
  return text.str();
}

}  // namespace

Result<ExportedBundle> ExportDeviceBundle(store::Store& store, const SyncConfig& config, const std::string& path) {
  store::Database& db = store.db();
  MK_ASSIGN_OR_RETURN(const store::Centre centre, store.HomeCentre());
  MK_ASSIGN_OR_RETURN(const OutboxSummary summary, SummarizeOutbox(db));
  MK_ASSIGN_OR_RETURN(std::vector<OutboxEntry> entries,
                      ReadOutbox(db, 0, std::numeric_limits<int32_t>::max(), kMaxBundleChangeBytes));
  // Changes are numbered from first_seq on, so the bundle stops at a hole in the seqs.
  size_t n = entries.empty() ? 0 : 1;
  while (n < entries.size() && entries[n].seq == entries[n - 1].seq + 1) ++n;
  entries.resize(n);
  PushBatch batch;
  batch.first_seq = entries.empty() ? summary.last_seq + 1 : entries.front().seq;
  MK_ASSIGN_OR_RETURN(batch.clock_skew_ms, ReadMetaInt(db, kMetaClockSkew, 0));
  batch.changes.reserve(entries.size());
  for (OutboxEntry& e : entries) batch.changes.push_back(std::move(e.change));

  BundleHeader header;
  header.kind = BundleKind::kDeviceToServer;
  header.device_id = config.device_id;
  header.centre_id = centre.id;
  header.created_at_ms = store.clock().NowMs();
  const std::string bytes = EncodeBundle(header, EncodePushBatch(batch), BundleKeyHex(config.token));
  MK_RETURN_IF_ERROR(WriteFileAtomically(path, bytes));

  ExportedBundle out;
  out.changes = static_cast<int64_t>(batch.changes.size());
  out.first_seq = batch.first_seq;
  out.remaining = summary.waiting - out.changes;
  out.bytes = static_cast<int64_t>(bytes.size());
  return out;
}

Result<ImportedBundle> ImportServerBundle(store::Store& store, const SyncConfig& config, const std::string& path) {
  MK_ASSIGN_OR_RETURN(const std::string bytes, ReadBundleFile(path));
  auto parsed = ParseBundle(bytes);
  if (!parsed.ok()) return parsed.status().WithContext(path);
  const BundleHeader& header = parsed->header;
  if (header.kind != BundleKind::kServerToDevice) {
    return InvalidArgument(path + " is a bundle from a device for the server; import it on the server with "
                                  "'mintkiosk-server import-bundle'");
  }
  if (header.device_id != config.device_id) {
    return Status(ErrorCode::kPermissionDenied, path + " was made for device " + header.device_id +
                                                    ", not for this device (" + config.device_id + ")");
  }
  if (Status s = VerifyBundle(bytes, BundleKeyHex(config.token)); !s.ok()) return s.WithContext(path);
  MK_ASSIGN_OR_RETURN(const store::Centre centre, store.HomeCentre());
  if (header.centre_id != centre.id) {
    return Status(ErrorCode::kPermissionDenied, path + " holds data of centre " + header.centre_id +
                                                    ", but this device serves centre " + centre.id);
  }
  auto payload = OpenBundlePayload(parsed->payload, BundleKeyHex(config.token));
  if (!payload.ok()) return payload.status().WithContext(path);
  auto page = DecodePullPage(*payload);
  if (!page.ok()) return page.status().WithContext(path + ": the changes cannot be read; nothing was applied");
  PageApplyOptions options;
  options.acknowledge_outbox_to = header.acked_seq;
  auto outcome = ApplyPage(store, *page, options);
  if (!outcome.ok()) return outcome.status().WithContext(path + ": nothing was applied");
  ImportedBundle out;
  out.changes = static_cast<int64_t>(page->changes.size());
  out.applied = outcome->applied;
  out.pull_cursor = outcome->cursor;
  out.acknowledged_to = outcome->acknowledged_to;
  return out;
}

}  // namespace mk::sync
