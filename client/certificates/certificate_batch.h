// Certificates of a session (or one person) issued and written as PDF files into a folder.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/certificates/certificate_issue.h"
#include "platform/file_system.h"
#include "sync/store/store.h"

namespace mk::certificates {

struct BatchRequest {
  std::string session_id;
  std::optional<std::string> person_id;  // nullopt: every attendee
  std::string language = "de";           // "de" or "en"
  std::string out_dir;
  std::string font_dir;       // DejaVuSans.ttf, DejaVuSans-Bold.ttf
  std::string zoneinfo_dir;
};

struct WrittenCertificate {
  std::string person_id;
  std::string path;
  std::string verification_code;
  bool reissued = false;
};

struct BatchResult {
  std::vector<WrittenCertificate> written;
  std::vector<Refusal> refused;
};

// Checks the folder first (it must exist and be a folder: nothing is issued otherwise), issues
// (IssueCertificates), draws each PDF, and writes it to a hidden temporary name in the folder,
// synced, then renamed to its final name (replacing an earlier file of that name), so a
// folder never holds half a certificate. A failure (a full disk, a stick pulled out) stops the
// batch with the file system's message and the person it happened at; files written before it
// stay, the temporary file is removed. Thread safety: as Store (one thread).
Result<BatchResult> WriteCertificates(store::Store& store, const BatchRequest& request,
                                      platform::FileSystem& fs = platform::FileSystem::Real());

// A file name that every file system takes: / \ : * ? " < > | and control characters
// removed, spaces collapsed, no leading dot or space, no trailing dot or space, at most 180
// bytes (never cutting a UTF-8 character). UTF-8 letters stay as they are.
std::string SafeFileName(std::string_view text);

// "Teilnahmebescheinigung - Łukasz Ørsted-Müller - 2026-11-27.pdf"
std::string CertificateFileName(const CertificateData& data, const CertificateTemplate& tmpl);

}  // namespace mk::certificates
