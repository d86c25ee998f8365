// Draws one certificate of attendance as a PDF (Cairo's PDF surface, DejaVu fonts embedded).
#pragma once

#include <string>

#include "client/certificates/certificate_issue.h"
#include "client/certificates/certificate_template.h"
#include "sync/common/status.h"

namespace mk::certificates {

// A4 portrait, one page, in the template's language; dates and times in the centre's time
// zone (data.time_zone, read from `zoneinfo_dir`). Fonts: DejaVuSans.ttf and
// DejaVuSans-Bold.ttf from `font_dir`, loaded with FreeType and embedded (subset) by Cairo, so
// every European name prints and the PDF reads the same anywhere. Returns the PDF's bytes.
// Thread safety: may be called from several threads (the FreeType faces are shared under a
// lock).
Result<std::string> RenderCertificatePdf(const CertificateData& data, const CertificateTemplate& tmpl,
                                         const std::string& font_dir, const std::string& zoneinfo_dir);

}  // namespace mk::certificates
