// BlobStore: course-material files on disk, addressed by their SHA-256, filled whole or chunk by chunk.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/common/status.h"

namespace mk::sync {

// True for exactly 64 lower-case hex digits: the only names the store builds paths from.
bool IsValidSha256(std::string_view sha256);
// The SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

struct BlobInfo {
  std::string sha256;
  int64_t size = 0;
};

// Layout under the store's directory (DATA/files on a device):
//   sha256/<first 2 hex>/<sha256>   complete blobs, verified, immutable
//   partial/<sha256>.part           a blob being received, appended in order
//   outgoing/<sha256>               empty marker: added here, not yet known complete on the server
//   tmp/                            files being copied in by AddFile
//
// Invariants:
// - A file under sha256/ has exactly the size and SHA-256 its name says: it gets there only by a
//   rename after verification (AddFile hashes while copying, Complete re-reads the partial).
// - Has() and Read() look only under sha256/: a partial file is never reported as available.
// - Every name is checked with IsValidSha256 before a path is built from it.
// - Memory is bounded: files are streamed in 64 KiB pieces, never read whole.
// Durability: AppendChunk returns after fsync, a PartialWriter's Flush likewise for what was
// appended before it; AddFile and Complete fsync the file and the directories of the rename, so
// a blob that was reported complete survives a power loss.
//
// Thread safety: any number of threads and processes may use the same directory at once.
// Appends (AppendChunk, each PartialWriter::Append) and completion of one blob are serialised
// by an exclusive lock (flock) on its partial file; complete blobs never change. A
// PartialWriter itself is used by one thread at a time.
class BlobStore {
 public:
  // Uses `dir` (creating it and its subdirectories, mode 0700).
  static Result<BlobStore> Open(const std::string& dir);

  const std::string& dir() const { return dir_; }

  // Copies the file at `path` into the store, hashing it on the way, and marks it outgoing
  // (this device has it; the server may not). Adding content the store has already changes
  // nothing but the marker.
  Result<BlobInfo> AddFile(const std::string& path);

  // Whether the complete, verified blob is here.
  Result<bool> Has(const std::string& sha256) const;
  // The size of a complete blob; kNotFound when it is not complete here.
  Result<int64_t> Size(const std::string& sha256) const;
  // Bytes of the partial file (0 when there is none).
  Result<int64_t> PartialSize(const std::string& sha256) const;

  // Appends `bytes` to the partial file, which must hold exactly `offset` bytes. Sets
  // *partial_size (when given) to the partial file's size after the call: the new size on
  // success, the offset to continue from when `offset` is wrong (then nothing is written and
  // the result is kFailedPrecondition, "offset mismatch"). kAlreadyExists when the blob is
  // complete already. Returns after the bytes are on disk (fsync).
  Status AppendChunk(const std::string& sha256, int64_t offset, std::string_view bytes,
                     int64_t* partial_size = nullptr);

  // Appends to the partial file of one blob piece by piece, for bytes that arrive in small
  // pieces over a while (the body of one download response), with one fsync per Flush instead
  // of one per piece. Made by OpenPartial; move-only; closing it does not flush.
  //
  // Each Append takes the partial file's lock for its own write only, so another writer of the
  // same blob (another process downloading it too) is never held up for a whole response; it
  // checks that the partial file is still the one under the blob's name and still ends where
  // this writer's last append ended. Bytes appended but not yet flushed are in the file (other
  // readers and Complete see them) but may be lost in a power cut; Complete's verification
  // catches whatever that leaves behind.
  class PartialWriter {
   public:
    PartialWriter(PartialWriter&& other) noexcept;
    PartialWriter& operator=(PartialWriter&& other) noexcept;
    PartialWriter(const PartialWriter&) = delete;
    PartialWriter& operator=(const PartialWriter&) = delete;
    ~PartialWriter();

    // Bytes the partial file holds after this writer's appends.
    int64_t size() const { return size_; }

    // Appends `bytes` at size(). Nothing is written and size() stays when: the blob became
    // complete meanwhile (kAlreadyExists); another writer appended to, replaced or deleted the
    // partial file since (kFailedPrecondition, "offset mismatch" or "replaced": continue from
    // PartialSize()); the disk refused (kIo; the partial file is cut back to size()).
    Status Append(std::string_view bytes);

    // Puts everything appended so far on disk (fsync; the directory too when this writer
    // created the file). On failure the partial file is cut back to what the last successful
    // Flush left (size() with it) and the error is kIo.
    Status Flush();

   private:
    friend class BlobStore;
    PartialWriter(std::string sha256, std::string path, std::string partial_dir, std::string blob_path, int fd,
                  int64_t size);
    void Close();

    std::string sha256_;
    std::string path_;
    std::string partial_dir_;
    std::string blob_path_;
    int fd_ = -1;
    int64_t size_ = 0;
    int64_t flushed_ = 0;  // what the last Flush left on disk
    bool dir_synced_ = true;  // false while the file this writer created is not in a flushed directory
  };

  // A PartialWriter for `sha256` whose partial file must hold exactly `offset` bytes (created,
  // empty, when `offset` is 0 and there is none). Errors as AppendChunk: kAlreadyExists when
  // the blob is complete; kFailedPrecondition "offset mismatch" when the partial file holds
  // another number of bytes, which *partial_size (when given) then says.
  Result<PartialWriter> OpenPartial(const std::string& sha256, int64_t offset, int64_t* partial_size = nullptr);

  // Verifies that the partial file has `expected_size` bytes and the SHA-256 of its name, and
  // only then moves it into place. A partial with the right hash but too few bytes is kept
  // (kFailedPrecondition: not finished); too many bytes or a wrong hash delete it (kCorrupt:
  // the transfer must start again). OK when the blob is complete already.
  Status Complete(const std::string& sha256, int64_t expected_size);

  // Deletes the partial file, if any.
  Status DiscardPartial(const std::string& sha256);

  // Up to `length` bytes (at most kMaxReadBytes) of a complete blob from `offset`; fewer at
  // the end of the blob. kNotFound when the blob is not complete here; kInvalidArgument when
  // `offset` is past the end.
  static constexpr int64_t kMaxReadBytes = 4 * 1024 * 1024;
  Result<std::string> Read(const std::string& sha256, int64_t offset, int64_t length) const;

  // The outgoing markers: blobs added on this device that the server has not confirmed yet.
  Result<std::vector<std::string>> Outgoing() const;
  Status MarkOutgoing(const std::string& sha256);
  Status ClearOutgoing(const std::string& sha256);

  // What Prune deleted.
  struct PruneReport {
    int files = 0;        // complete blobs and partial files
    int64_t bytes = 0;
  };
  // Deletes every complete blob and partial file whose SHA-256 `keep` refuses, except those
  // marked outgoing: AddFile marks a blob before it moves it into place, so a file being added
  // is never taken. `keep` is asked only after the whole store has been listed, so a caller
  // that reads what to keep at its first question also keeps every file that arrives for it
  // meanwhile (a file that arrives after the listing is not looked at). Anything under the
  // store whose name is not a SHA-256 is left alone. A
  // writer appending to a partial file that is deleted meanwhile finds it replaced (see
  // PartialWriter::Append) and starts again. Deletions are not synced to disk one by one: one
  // lost in a power cut is made again by the next Prune.
  Result<PruneReport> Prune(const std::function<bool(const std::string& sha256)>& keep);

  // Paths, for tests and diagnostics. REQUIRES: IsValidSha256(sha256).
  std::string BlobPath(const std::string& sha256) const;
  std::string PartialPath(const std::string& sha256) const;

 private:
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}
  Status MoveIntoPlace(const std::string& from, const std::string& sha256);

  std::string dir_;
};

}  // namespace mk::sync
