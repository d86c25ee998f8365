// MaterialLibrary: a device's course materials, records and files together: add, list with this device's state, remove.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "blob_store.h"
#include "file_transfer.h"
#include "sync/common/status.h"
#include "sync/store/material_store.h"
#include "sync/store/store.h"

namespace mk::sync {

// The largest file a material may have: 2 GiB. Materials travel to every kiosk of the centre,
// over links of 64 kbit/s; a larger file (a whole video course) belongs on a USB stick, not here.
inline constexpr int64_t kMaxMaterialFileBytes = int64_t{2} << 30;

struct AddMaterialRequest {
  std::string path;                       // the file to add (a regular, readable file)
  std::optional<std::string> session_id;  // one of session and course
  std::optional<std::string> course_id;
  std::string title;        // empty: the file name without its extension
  std::string description;
  std::string licence;
  std::string purpose;
};

// What a material is on this device. Only kReady means the file can be opened: its complete
// copy is in the blob store, where it arrives only after its size and SHA-256 were verified.
enum class MaterialState {
  kReady,        // the verified file is here
  kDownloading,  // part of it is here (`have_bytes`)
  kWaiting,      // nothing of it is here yet; the next sync fetches it
  kFailed,       // the last transfer failed (`problem`); the next sync tries again
};
const char* MaterialStateName(MaterialState state);  // "ready", "downloading", "waiting", "failed"

struct MaterialStatus {
  store::Material material;
  MaterialState state = MaterialState::kWaiting;
  int64_t have_bytes = 0;  // bytes of the file on this device
  int percent = 0;         // 0..100; 100 only when ready
  std::string problem;     // kFailed: why, in English words a person can act on (the command line)
  // kFailed: why, as a stable code with its details, for screens that say it in their language.
  FileFailure problem_code = FileFailure::kNone;
  std::vector<std::string> problem_params;
};

// What is wrong with a file that cannot become a material (for screens that say it in the
// person's language).
enum class MaterialFileProblem { kNone, kMissing, kUnreadable, kFolder, kNotAFile, kTooLarge, kBadName };

// Why the file at `path` cannot become a material; OK when it can. Checks that it exists, is a
// regular file (not a folder, device or pipe), can be read, is at most kMaxMaterialFileBytes,
// and that its name is a valid material file name (store::ProblemWithFileName). The message
// names the file. Sets *size and *problem when given.
Status CheckMaterialFile(const std::string& path, int64_t* size = nullptr, MaterialFileProblem* problem = nullptr);

// Whether the file at `path` has exactly `size` bytes with this SHA-256 (read piece by piece).
bool FileHasSha256(const std::string& path, int64_t size, const std::string& sha256);

// The last component of a path ("a/b/Übung 1.pdf" -> "Übung 1.pdf").
std::string BaseName(const std::string& path);

// Thread safety: as the Store it works on (one thread at a time); the blob store may be shared
// with other threads and processes (the sync worker downloading).
class MaterialLibrary {
 public:
  // `files_dir` is the device's blob store (DATA/files, SyncConfig::files_dir).
  static Result<MaterialLibrary> Open(store::Store& store, const std::string& files_dir);

  // Adds one file: checks it (CheckMaterialFile) and the fields (store::ValidateMaterial),
  // copies it into the blob store (content-addressed: the same content twice is stored once)
  // and writes the row through the store's write path, so it syncs to every device of the
  // centre. Nothing is written when a check fails; a copy that fails leaves nothing in the
  // store; a row is written only once its file is complete here.
  Result<store::Material> Add(const AddMaterialRequest& request);

  // A session's materials (its own and its course's) with their state on this device.
  Result<std::vector<MaterialStatus>> ListSession(const std::string& session_id);
  // Every material of the centre with its state.
  Result<std::vector<MaterialStatus>> ListCentre(const std::string& centre_id);
  Result<MaterialStatus> StatusOf(const store::Material& material);

  // Deletes the material's row (a tombstone that syncs) and, when no other material names the
  // same file, the file on this device. kNotFound for an unknown id.
  Status Remove(const std::string& material_id);

  // The path of the material's verified file; kFailedPrecondition while it is not ready.
  Result<std::string> ReadyFilePath(const store::Material& material);

  BlobStore& blobs() { return blobs_; }
  store::Store& store() { return store_; }

 private:
  MaterialLibrary(store::Store& store, BlobStore blobs) : store_(store), blobs_(std::move(blobs)) {}
  store::Store& store_;
  BlobStore blobs_;
};

// Transfer failures of this device, kept beside the blob store (DATA/files/failed/<sha256>, one
// small JSON object each: {"code": FileFailureKey, "params": [...], "message": English text}) so
// that every process shows them: the sync engine records the failures of each complete file
// pass here, replacing those of the previous pass.
Status RecordFileFailures(const std::string& files_dir, const std::vector<FileProblem>& failures);
// The same for failures known only as English text (sha256, message): recorded as kOther.
Status RecordTransferFailures(const std::string& files_dir, const std::vector<std::pair<std::string, std::string>>& failures);
// The recorded failure of `sha256`; code kNone when there is none. A file of plain text (as
// versions before the codes wrote) reads as kOther with that text as the message.
FileProblem ReadTransferFailure(const std::string& files_dir, const std::string& sha256);
// The recorded failure's message, empty when there is none.
std::string TransferFailure(const std::string& files_dir, const std::string& sha256);

}  // namespace mk::sync
