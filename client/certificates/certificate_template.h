// The layout texts of a certificate of attendance in one language (assets/certificates/*.json).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sync/common/status.h"

namespace mk::certificates {

// Texts with {placeholders}; the fields are fixed (kTemplateKeys) and every one is required:
//   title, intro, school {school}, took_part, date {date} {times}, hours {hours},
//   accreditation {accreditation}, note_late {time}, note_early {time}, note_reduced {full},
//   place_date {place} {date}, trainer, centre, verification {code}, verification_hint {centre},
//   file_prefix (the start of file names), decimal_separator ("," or ".").
struct CertificateTemplate {
  std::string language;  // "de" / "en"
  std::map<std::string, std::string, std::less<>> texts;

  // The text of `key` with {name} replaced by the value of `name` in `values`.
  std::string Fill(std::string_view key, const std::map<std::string, std::string, std::less<>>& values = {}) const;
};

extern const std::vector<std::string_view> kTemplateKeys;

// Parses a template; errors name the field ("hours is missing", "line 4, column 2: ...").
Result<CertificateTemplate> ParseCertificateTemplate(std::string_view json);

// The built-in template of a language ("de" or "en"), compiled in from assets/certificates/.
Result<CertificateTemplate> BuiltinCertificateTemplate(std::string_view language);

}  // namespace mk::certificates
