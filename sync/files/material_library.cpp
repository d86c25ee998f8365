// MaterialLibrary: checks a file, stores it content-addressed, writes its row; states from the blob store.
#include "material_library.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "sync/common/text_encoding.h"

namespace mk::sync {
namespace {

std::string Quoted(const std::string& text) { return "'" + text + "'"; }

std::string FailedDir(const std::string& files_dir) { return files_dir + "/failed"; }

std::string MegaBytes(int64_t bytes) {
  const int64_t tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MiB";
}

}  // namespace

const char* MaterialStateName(MaterialState state) {
  switch (state) {
    case MaterialState::kReady: return "ready";
    case MaterialState::kDownloading: return "downloading";
    case MaterialState::kWaiting: return "waiting";
    case MaterialState::kFailed: return "failed";
  }
  return "waiting";
}

bool FileHasSha256(const std::string& path, int64_t size, const std::string& sha256) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != size) {
    ::close(fd);
    return false;
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::vector<unsigned char> buf(64 * 1024);
  int64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    crypto_hash_sha256_update(&state, buf.data(), static_cast<unsigned long long>(n));
    total += n;
  }
  ::close(fd);
  if (total != size) return false;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  return HexLower(digest, sizeof digest) == sha256;
}

std::string BaseName(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

Status CheckMaterialFile(const std::string& path, int64_t* size, MaterialFileProblem* problem) {
  MaterialFileProblem ignored = MaterialFileProblem::kNone;
  MaterialFileProblem& kind = problem ? *problem : ignored;
  kind = MaterialFileProblem::kNone;
  const std::string name = BaseName(path);
  if (path.empty()) {
    kind = MaterialFileProblem::kMissing;
    return InvalidArgument("no file given");
  }
  if (std::string p = store::ProblemWithFileName(name); !p.empty()) {
    kind = MaterialFileProblem::kBadName;
    return InvalidArgument("the file " + Quoted(path) + " cannot be a material: its name " + p);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT || e == ENOTDIR) {
      kind = MaterialFileProblem::kMissing;
      return NotFound("the file " + Quoted(path) + " does not exist");
    }
    kind = MaterialFileProblem::kUnreadable;
    if (e == EACCES || e == EPERM) return PermissionDenied("the file " + Quoted(path) + " cannot be read (no permission)");
    return IoError("the file " + Quoted(path) + " cannot be read: " + std::strerror(e));
  }
  struct stat st {};
  const int rc = ::fstat(fd, &st);
  const int e = errno;
  ::close(fd);
  if (rc != 0) {
    kind = MaterialFileProblem::kUnreadable;
    return IoError("the file " + Quoted(path) + " cannot be read: " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    kind = MaterialFileProblem::kFolder;
    return InvalidArgument(Quoted(path) + " is a folder; add the files in it one by one");
  }
  if (!S_ISREG(st.st_mode)) {
    kind = MaterialFileProblem::kNotAFile;
    return InvalidArgument(Quoted(path) + " is not an ordinary file (a device, pipe or socket)");
  }
  if (st.st_size > kMaxMaterialFileBytes) {
    kind = MaterialFileProblem::kTooLarge;
    return InvalidArgument("the file " + Quoted(path) + " is too large (" + MegaBytes(st.st_size) +
                           "; a material may have at most " + MegaBytes(kMaxMaterialFileBytes) + ")");
  }
  if (size) *size = st.st_size;
  return Status::Ok();
}

Result<MaterialLibrary> MaterialLibrary::Open(store::Store& store, const std::string& files_dir) {
  MK_ASSIGN_OR_RETURN(BlobStore blobs, BlobStore::Open(files_dir));
  return MaterialLibrary(store, std::move(blobs));
}

Result<store::Material> MaterialLibrary::Add(const AddMaterialRequest& request) {
  int64_t size = 0;
  MK_RETURN_IF_ERROR(CheckMaterialFile(request.path, &size));
  store::Material m;
  m.session_id = request.session_id;
  m.course_id = request.course_id;
  m.file_name = BaseName(request.path);
  m.title = request.title;
  if (m.title.empty()) {
    const size_t dot = m.file_name.rfind('.');
    m.title = dot == std::string::npos || dot == 0 ? m.file_name : m.file_name.substr(0, dot);
  }
  m.description = request.description;
  m.licence = request.licence;
  m.purpose = request.purpose;
  m.media_type = store::MediaTypeForFileName(m.file_name);
  m.size_bytes = size;
  m.sha256 = std::string(64, '0');  // checked with the fields now, replaced by the real hash below
  if (Status s = store::ValidateMaterial(m); !s.ok()) return s.WithContext(m.file_name);

  MK_ASSIGN_OR_RETURN(BlobInfo blob, blobs_.AddFile(request.path));
  m.sha256 = blob.sha256;
  m.size_bytes = blob.size;
  store::Material written = m;
  Status st = store_.Write([&](store::WriteContext& ctx) -> Status {
    if (blob.size > kMaxMaterialFileBytes) {
      return InvalidArgument("the file " + Quoted(request.path) + " grew beyond " + MegaBytes(kMaxMaterialFileBytes) +
                             " while it was added");
    }
    MK_ASSIGN_OR_RETURN(std::string id, store::InsertMaterial(ctx, m));
    MK_ASSIGN_OR_RETURN(std::optional<store::Material> row, store::ReadMaterial(ctx.db, id));
    if (!row) return Internal("the material just added is gone");
    written = *row;
    return Status::Ok();
  });
  if (!st.ok()) {
    // No row names the file now unless another material does: then it stays, else it goes.
    auto count = store::CountMaterialsWithFile(store_.db(), blob.sha256);
    if (count.ok() && *count == 0) {
      ::unlink(blobs_.BlobPath(blob.sha256).c_str());
      (void)blobs_.ClearOutgoing(blob.sha256);
    }
    return st;
  }
  return written;
}

Result<MaterialStatus> MaterialLibrary::StatusOf(const store::Material& material) {
  MaterialStatus out;
  out.material = material;
  if (!IsValidSha256(material.sha256)) {
    out.state = MaterialState::kFailed;
    out.problem = "the material names no valid file";
    out.problem_code = FileFailure::kNoValidFile;
    return out;
  }
  auto size = blobs_.Size(material.sha256);
  if (size.ok()) {
    if (*size == material.size_bytes) {
      out.state = MaterialState::kReady;
      out.have_bytes = *size;
      out.percent = 100;
      return out;
    }
    out.state = MaterialState::kFailed;
    out.problem = "the file here has " + std::to_string(*size) + " bytes, the material says " +
                  std::to_string(material.size_bytes);
    out.problem_code = FileFailure::kSizeMismatch;
    out.problem_params = {std::to_string(*size), std::to_string(material.size_bytes)};
    return out;
  }
  if (size.status().code() != ErrorCode::kNotFound) return size.status();
  MK_ASSIGN_OR_RETURN(int64_t partial, blobs_.PartialSize(material.sha256));
  out.have_bytes = std::min(partial, material.size_bytes);
  if (material.size_bytes > 0) {
    // Never 100 before the file is verified and in place.
    out.percent = static_cast<int>(std::min<int64_t>(99, out.have_bytes * 100 / material.size_bytes));
  }
  FileProblem failure = ReadTransferFailure(blobs_.dir(), material.sha256);
  if (failure.code != FileFailure::kNone) {
    out.state = MaterialState::kFailed;
    out.problem = std::move(failure.message);
    out.problem_code = failure.code;
    out.problem_params = std::move(failure.params);
  } else {
    out.state = partial > 0 ? MaterialState::kDownloading : MaterialState::kWaiting;
  }
  return out;
}

namespace {
template <typename Lib>
Result<std::vector<MaterialStatus>> WithStates(Lib& lib, const std::vector<store::Material>& materials) {
  std::vector<MaterialStatus> out;
  out.reserve(materials.size());
  for (const store::Material& m : materials) {
    MK_ASSIGN_OR_RETURN(MaterialStatus s, lib.StatusOf(m));
    out.push_back(std::move(s));
  }
  return out;
}
}  // namespace

Result<std::vector<MaterialStatus>> MaterialLibrary::ListSession(const std::string& session_id) {
  MK_ASSIGN_OR_RETURN(std::vector<store::Material> materials, store::ListSessionMaterials(store_.db(), session_id));
  return WithStates(*this, materials);
}

Result<std::vector<MaterialStatus>> MaterialLibrary::ListCentre(const std::string& centre_id) {
  MK_ASSIGN_OR_RETURN(std::vector<store::Material> materials, store::ListCentreMaterials(store_.db(), centre_id));
  return WithStates(*this, materials);
}

Status MaterialLibrary::Remove(const std::string& material_id) {
  if (material_id.empty()) return NotFound("no material given");
  std::string sha256;
  MK_RETURN_IF_ERROR(store_.Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(std::optional<store::Material> row, store::ReadMaterial(ctx.db, material_id));
    if (!row) return NotFound("material '" + material_id + "' does not exist on this device");
    sha256 = row->sha256;
    return store::DeleteMaterial(ctx, material_id);
  }));
  MK_ASSIGN_OR_RETURN(int64_t others, store::CountMaterialsWithFile(store_.db(), sha256));
  if (others == 0 && IsValidSha256(sha256)) {
    if (::unlink(blobs_.BlobPath(sha256).c_str()) != 0 && errno != ENOENT) {
      return IoError("the material is removed, but its file could not be deleted: " + std::string(std::strerror(errno)));
    }
    MK_RETURN_IF_ERROR(blobs_.ClearOutgoing(sha256));
    MK_RETURN_IF_ERROR(blobs_.DiscardPartial(sha256));
  }
  return Status::Ok();
}

Result<std::string> MaterialLibrary::ReadyFilePath(const store::Material& material) {
  MK_ASSIGN_OR_RETURN(MaterialStatus s, StatusOf(material));
  if (s.state != MaterialState::kReady) {
    return FailedPrecondition("the file of '" + material.title + "' is not complete on this device yet");
  }
  return blobs_.BlobPath(material.sha256);
}

Status RecordTransferFailures(const std::string& files_dir,
                              const std::vector<std::pair<std::string, std::string>>& failures) {
  std::vector<FileProblem> problems;
  problems.reserve(failures.size());
  for (const auto& [sha256, message] : failures) problems.push_back({sha256, message, FileFailure::kOther, {}});
  return RecordFileFailures(files_dir, problems);
}

Status RecordFileFailures(const std::string& files_dir, const std::vector<FileProblem>& failures) {
  const std::string dir = FailedDir(files_dir);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError("cannot create " + dir + ": " + std::strerror(errno));
  }
  // Forget the previous pass's failures, then write this pass's.
  if (DIR* d = ::opendir(dir.c_str())) {
    std::vector<std::string> old;
    while (dirent* e = ::readdir(d)) {
      if (IsValidSha256(e->d_name)) old.emplace_back(e->d_name);
    }
    ::closedir(d);
    for (const std::string& name : old) ::unlink((dir + "/" + name).c_str());
  }
  for (const FileProblem& failure : failures) {
    if (!IsValidSha256(failure.sha256)) continue;
    const std::string path = dir + "/" + failure.sha256;
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return IoError("cannot write " + tmp + ": " + std::strerror(errno));
    nlohmann::json record = {{"code", FileFailureKey(failure.code == FileFailure::kNone ? FileFailure::kOther : failure.code)},
                             {"params", nlohmann::json::array()},
                             {"message", failure.message.substr(0, 1000)}};
    for (size_t i = 0; i < failure.params.size() && i < 4; ++i) record["params"].push_back(failure.params[i].substr(0, 100));
    // A message cut inside a UTF-8 sequence is written with a replacement character.
    const std::string text = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const ssize_t n = ::write(fd, text.data(), text.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(text.size()) || ::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      return IoError("cannot write " + path);
    }
  }
  return Status::Ok();
}

FileProblem ReadTransferFailure(const std::string& files_dir, const std::string& sha256) {
  FileProblem out{sha256, "", FileFailure::kNone, {}};
  if (!IsValidSha256(sha256)) return out;
  const int fd = ::open((FailedDir(files_dir) + "/" + sha256).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[8192];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return out;
  const std::string text(buf, static_cast<size_t>(n));
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  const auto code = doc.is_object() ? doc.find("code") : doc.end();
  if (!doc.is_object() || code == doc.end() || !code->is_string()) {
    // Plain text, as recorded before failures had codes.
    out.code = FileFailure::kOther;
    out.message = text.substr(0, 1024);
    return out;
  }
  out.code = FileFailureFromKey(code->get<std::string>());
  if (auto message = doc.find("message"); message != doc.end() && message->is_string()) out.message = message->get<std::string>();
  if (auto params = doc.find("params"); params != doc.end() && params->is_array()) {
    for (const auto& p : *params) {
      if (p.is_string()) out.params.push_back(p.get<std::string>());
    }
  }
  return out;
}

std::string TransferFailure(const std::string& files_dir, const std::string& sha256) {
  return ReadTransferFailure(files_dir, sha256).message;
}

}  // namespace mk::sync
