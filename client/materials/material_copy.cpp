// CopySessionMaterials: blob store -> temporary file -> fsync -> rename, one material at a time.
#include "material_copy.h"

#include <algorithm>

#include "sync/files/blob_store.h"

namespace mk::client {
namespace {

constexpr int64_t kPiece = 256 * 1024;

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

// "Übung.pdf" -> "Übung (2).pdf"
std::string NumberedName(const std::string& name, int n) {
  const size_t dot = name.rfind('.');
  const std::string suffix = " (" + std::to_string(n) + ")";
  if (dot == std::string::npos || dot == 0) return name + suffix;
  return name.substr(0, dot) + suffix + name.substr(dot);
}

}  // namespace

std::string PortableFileName(const std::string& file_name) {
  std::string out;
  for (char c : file_name) {
    switch (c) {
      case ':': case '*': case '?': case '"': case '<': case '>': case '|': out.push_back('_'); break;
      default: out.push_back(c);
    }
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  if (out.empty()) out = "material";
  return out;
}

Result<CopyReport> CopySessionMaterials(sync::MaterialLibrary& library, const std::string& session_id,
                                        const std::string& target_dir, platform::FileSystem& fs,
                                        const CopyProgressFn& progress, const std::atomic<bool>* cancel) {
  if (!fs.IsDirectory(target_dir)) {
    return NotFound("the folder " + target_dir + " does not exist (is the USB stick plugged in?)");
  }
  MK_ASSIGN_OR_RETURN(std::vector<sync::MaterialStatus> materials, library.ListSession(session_id));
  CopyReport report;
  std::vector<const sync::MaterialStatus*> ready;
  CopyProgress p;
  for (const sync::MaterialStatus& m : materials) {
    if (m.state != sync::MaterialState::kReady) {
      report.not_ready.push_back(m.material.title);
      continue;
    }
    ready.push_back(&m);
    p.bytes_total += m.material.size_bytes;
  }
  p.file_count = static_cast<int>(ready.size());
  if (progress) progress(p);
  sync::BlobStore& blobs = library.blobs();
  for (size_t i = 0; i < ready.size(); ++i) {
    const store::Material& m = ready[i]->material;
    p.file_index = static_cast<int>(i);
    const std::string base = PortableFileName(m.file_name);
    p.file_name = base;
    if (progress) progress(p);
    // The final name: the material's, or a numbered one beside a different file of that name.
    std::string name = base;
    bool skip = false;
    for (int n = 2; fs.Exists(JoinPath(target_dir, name)); ++n) {
      if (sync::FileHasSha256(JoinPath(target_dir, name), m.size_bytes, m.sha256)) {
        skip = true;
        break;
      }
      if (n > 999) return Status(ErrorCode::kAlreadyExists, "too many files named like " + base + " in " + target_dir);
      name = NumberedName(base, n);
    }
    if (skip) {
      report.already_there.push_back(name);
      p.bytes_done += m.size_bytes;
      if (progress) progress(p);
      continue;
    }
    const std::string final_path = JoinPath(target_dir, name);
    const std::string temp_path = JoinPath(target_dir, ".mintkiosk-" + m.sha256.substr(0, 16) + ".part");
    (void)fs.Remove(temp_path);  // a leftover of an earlier copy that was cut off
    auto context = [&](const Status& s) { return s.WithContext("copying '" + m.title + "' (" + name + ")"); };
    MK_ASSIGN_OR_RETURN(std::unique_ptr<platform::WritableFile> out, [&]() -> Result<std::unique_ptr<platform::WritableFile>> {
      auto f = fs.CreateNew(temp_path);
      if (!f.ok()) return context(f.status());
      return f;
    }());
    auto abandon = [&](const Status& s) -> Status {
      (void)out->Close();
      (void)fs.Remove(temp_path);
      return s;
    };
    for (int64_t offset = 0; offset < m.size_bytes; offset += kPiece) {
      if (cancel && cancel->load()) return abandon(Status(ErrorCode::kUnavailable, "stopped"));
      auto piece = blobs.Read(m.sha256, offset, std::min(kPiece, m.size_bytes - offset));
      if (!piece.ok()) return abandon(context(piece.status()));
      if (piece->empty()) return abandon(context(Corrupt("the stored file is shorter than its material says")));
      if (Status s = out->Write(*piece); !s.ok()) return abandon(context(s));
      p.bytes_done += static_cast<int64_t>(piece->size());
      report.bytes_written += static_cast<int64_t>(piece->size());
      if (progress) progress(p);
    }
    if (Status s = out->Sync(); !s.ok()) return abandon(context(s));
    if (Status s = out->Close(); !s.ok()) {
      (void)fs.Remove(temp_path);
      return context(s);
    }
    if (Status s = fs.RenameNoReplace(temp_path, final_path); !s.ok()) {
      (void)fs.Remove(temp_path);
      return context(s);
    }
    if (Status s = fs.SyncDirectory(target_dir); !s.ok()) return context(s);
    report.written.push_back(name);
  }
  return report;
}

}  // namespace mk::client
