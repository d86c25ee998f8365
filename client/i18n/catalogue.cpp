// The message catalogue.
#include "catalogue.h"

#include <vector>

#include "po_file.h"

// Embedded at build time by mk_embed_text (client/i18n/CMakeLists.txt).
namespace mk::embedded {
extern const std::string_view PoGerman;
extern const std::string_view PoEnglish;
}  // namespace mk::embedded

namespace mk::i18n {

std::string_view LanguageCode(Language language) { return language == Language::kGerman ? "de" : "en"; }

std::optional<Language> ParseLanguage(std::string_view code) {
  if (code == "de" || code == "DE" || code == "De") return Language::kGerman;
  if (code == "en" || code == "EN" || code == "En") return Language::kEnglish;
  return std::nullopt;
}

Result<Catalogue> Catalogue::FromPo(std::string_view po_text, Language language) {
  MK_ASSIGN_OR_RETURN(std::vector<PoEntry> entries, ParsePo(po_text));
  Catalogue c;
  c.language_ = language;
  for (PoEntry& e : entries) {
    if (e.id.empty() || e.fuzzy || e.str.empty()) continue;
    c.messages_[{std::move(e.context), std::move(e.id)}] = std::move(e.str);
  }
  return c;
}

Result<Catalogue> Catalogue::Builtin(Language language) {
  auto c = FromPo(language == Language::kGerman ? embedded::PoGerman : embedded::PoEnglish, language);
  if (!c.ok()) return c.status().WithContext(std::string("the built-in catalogue ") + std::string(LanguageCode(language)) + ".po");
  return c;
}

std::string_view Catalogue::Translate(std::string_view id) const { return Translate({}, id); }

std::string_view Catalogue::Translate(std::string_view context, std::string_view id) const {
  auto it = messages_.find(std::pair<std::string, std::string>(context, id));
  if (it == messages_.end()) return id;
  return it->second;
}

bool Catalogue::Has(std::string_view context, std::string_view id) const {
  return messages_.count(std::pair<std::string, std::string>(context, id)) > 0;
}

std::string Catalogue::Format(std::string_view id, std::initializer_list<std::string_view> args) const {
  return FormatPlaceholders(Translate(id), std::vector<std::string_view>(args));
}

std::string Catalogue::Format(std::string_view id, const std::vector<std::string>& args) const {
  return FormatPlaceholders(Translate(id), std::vector<std::string_view>(args.begin(), args.end()));
}

std::string FormatPlaceholders(std::string_view pattern, const std::vector<std::string_view>& list) {
  std::string out;
  out.reserve(pattern.size() + 32);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 1] >= '0' && pattern[i + 1] <= '9' &&
        pattern[i + 2] == '}') {
      const size_t index = static_cast<size_t>(pattern[i + 1] - '0');
      if (index < list.size()) {
        out += list[index];
        i += 2;
        continue;
      }
    }
    out.push_back(pattern[i]);
  }
  return out;
}

}  // namespace mk::i18n
