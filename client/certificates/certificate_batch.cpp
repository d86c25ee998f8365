// Issuing a session's certificates and writing them as PDF files, each whole or not at all.
#include "certificate_batch.h"

#include <cstdio>
#include <set>

#include "client/certificates/certificate_pdf.h"
#include "platform/paths.h"
#include "sync/common/time_zone.h"
#include "sync/common/utf8.h"

namespace mk::certificates {
namespace {

Status WriteOne(platform::FileSystem& fs, const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string tmp = platform::JoinPath(dir, "." + name + ".part");
  const std::string final_path = platform::JoinPath(dir, name);
  if (fs.Exists(tmp)) MK_RETURN_IF_ERROR(fs.Remove(tmp));
  auto file = fs.CreateNew(tmp);
  if (!file.ok()) return file.status();
  Status s = (*file)->Write(bytes);
  if (s.ok()) s = (*file)->Sync();
  const Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (s.ok() && fs.Exists(final_path)) s = fs.Remove(final_path);
  if (s.ok()) s = fs.RenameNoReplace(tmp, final_path);
  if (!s.ok()) {
    (void)fs.Remove(tmp);  // best effort: the error to report is the first one
    return s;
  }
  return Status::Ok();
}

}  // namespace

std::string SafeFileName(std::string_view text) {
  std::string kept;
  for (size_t pos = 0; pos < text.size();) {
    const char32_t cp = utf8::DecodeNext(text, &pos);
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      kept += ' ';
      continue;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) continue;
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) continue;
    switch (cp) {
      case '/': case '\\': case ':': case '*': case '?': case '"': case '<': case '>': case '|': continue;
      default: utf8::Append(&kept, cp);
    }
  }
  std::string out = utf8::NormalizeSpaces(kept);
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
  // At most 180 bytes: most file systems allow 255, and room is left for " (2)" and ".part".
  while (out.size() > 180) {
    out = std::string(utf8::Truncate(out, utf8::Length(out) - 1));
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string CertificateFileName(const CertificateData& d, const CertificateTemplate& tmpl) {
  std::string date;
  if (auto zone = TimeZone::Load(d.time_zone, platform::ZoneInfoDir()); zone.ok()) {
    const CivilTime t = zone->ToCivil(d.starts_at / 1000);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.year, t.month, t.day);
    date = buf;
  }
  std::string base = SafeFileName(tmpl.Fill("file_prefix") + " - " + d.first_name + " " + d.last_name +
                                  (date.empty() ? "" : " - " + date));
  if (base.empty()) base = "certificate";
  return base;  // without ".pdf": the batch adds it after making the name unique
}

Result<BatchResult> WriteCertificates(store::Store& store, const BatchRequest& request, platform::FileSystem& fs) {
  if (request.out_dir.empty()) return InvalidArgument("no output folder given");
  if (!fs.IsDirectory(request.out_dir)) {
    if (fs.Exists(request.out_dir)) return InvalidArgument("the output folder " + request.out_dir + " is not a folder");
    return NotFound("the output folder " + request.out_dir + " does not exist (create it first)");
  }
  MK_ASSIGN_OR_RETURN(CertificateTemplate tmpl, BuiltinCertificateTemplate(request.language));
  MK_ASSIGN_OR_RETURN(IssueOutcome outcome, IssueCertificates(store, {request.session_id, request.person_id}, tmpl));
  BatchResult result;
  result.refused = outcome.refused;
  std::set<std::string> used;
  for (const CertificateData& d : outcome.issued) {
    const std::string base = CertificateFileName(d, tmpl);
    std::string name = base + ".pdf";
    for (int n = 2; used.count(name) > 0; ++n) name = base + " (" + std::to_string(n) + ").pdf";
    used.insert(name);
    auto pdf = RenderCertificatePdf(d, tmpl, request.font_dir, request.zoneinfo_dir);
    if (!pdf.ok()) return pdf.status();
    const std::string who = utf8::NormalizeSpaces(d.first_name + " " + d.last_name);
    if (Status s = WriteOne(fs, request.out_dir, name, *pdf); !s.ok()) {
      return s.WithContext("the certificate of " + who + " (" + std::to_string(result.written.size()) +
                           " written before it)");
    }
    result.written.push_back({d.person_id, platform::JoinPath(request.out_dir, name), d.verification_code, d.reissued});
  }
  if (!result.written.empty()) MK_RETURN_IF_ERROR(fs.SyncDirectory(request.out_dir));
  return result;
}

}  // namespace mk::certificates
