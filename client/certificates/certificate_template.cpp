// Certificate layout texts: parsing, placeholders and the built-in German and English templates.
#include "certificate_template.h"

#include <nlohmann/json.hpp>

#include "sync/common/text_encoding.h"
#include "sync/common/utf8.h"

namespace mk::embedded {
extern const std::string_view CertificateGerman;
extern const std::string_view CertificateEnglish;
}  // namespace mk::embedded

namespace mk::certificates {

const std::vector<std::string_view> kTemplateKeys = {
    "file_prefix", "decimal_separator", "title", "intro", "school", "took_part", "date", "hours",
    "accreditation", "note_late", "note_early", "note_reduced", "place_date", "trainer", "centre",
    "verification", "verification_hint"};

std::string CertificateTemplate::Fill(std::string_view key,
                                      const std::map<std::string, std::string, std::less<>>& values) const {
  auto it = texts.find(key);
  if (it == texts.end()) return std::string(key);
  const std::string& pattern = it->second;
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      const size_t close = pattern.find('}', i);
      if (close != std::string::npos) {
        auto v = values.find(std::string_view(pattern).substr(i + 1, close - i - 1));
        if (v != values.end()) {
          out += v->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += pattern[i++];
  }
  return out;
}

Result<CertificateTemplate> ParseCertificateTemplate(std::string_view json) {
  if (!IsValidUtf8(json)) return InvalidArgument("the certificate template is not UTF-8 text");
  nlohmann::json root = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) return InvalidArgument("the certificate template is not a JSON object");
  CertificateTemplate t;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "format") {
      if (!it->is_number_unsigned() || it->get<uint64_t>() != 1) return InvalidArgument("format must be 1");
      continue;
    }
    if (it.key() == "language") {
      if (!it->is_string() || (it->get<std::string>() != "de" && it->get<std::string>() != "en")) {
        return InvalidArgument("language must be \"de\" or \"en\"");
      }
      t.language = it->get<std::string>();
      continue;
    }
    bool known = false;
    for (std::string_view k : kTemplateKeys) known = known || k == it.key();
    if (!known) return InvalidArgument("unknown field '" + it.key() + "'");
    if (!it->is_string()) return InvalidArgument(it.key() + " must be a text in quotes");
    const std::string text = it->get<std::string>();
    if (std::string p = utf8::ProblemWithText(text, 400); !p.empty()) return InvalidArgument(it.key() + " " + p);
    t.texts[it.key()] = text;
  }
  if (t.language.empty()) return InvalidArgument("language is missing");
  for (std::string_view k : kTemplateKeys) {
    if (t.texts.find(k) == t.texts.end()) return InvalidArgument(std::string(k) + " is missing");
  }
  return t;
}

Result<CertificateTemplate> BuiltinCertificateTemplate(std::string_view language) {
  if (language == "de") return ParseCertificateTemplate(embedded::CertificateGerman);
  if (language == "en") return ParseCertificateTemplate(embedded::CertificateEnglish);
  return InvalidArgument("'" + std::string(language) + "' is not a certificate language (de or en)");
}

}  // namespace mk::certificates
