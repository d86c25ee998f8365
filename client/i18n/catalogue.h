// Translated text for the kiosk: one catalogue per language, read from the embedded .po files.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/common/status.h"

namespace mk::i18n {

enum class Language { kGerman, kEnglish };

// "de" / "en"; ParseLanguage accepts those (any case) and returns nullopt otherwise.
std::string_view LanguageCode(Language language);
std::optional<Language> ParseLanguage(std::string_view code);

// Marks a message id in code that is translated later (view-models hand ids to the screens).
// The catalogue test extracts the ids of every Msg("...") and Tr("...") in client/.
constexpr const char* Msg(const char* id) { return id; }

// Message id -> translation. Immutable after construction; thread-safe to read.
class Catalogue {
 public:
  Catalogue() = default;
  // Builds a catalogue from the text of a .po file. Fuzzy and empty translations are left
  // out, so the id itself (English) shows instead of nothing.
  static Result<Catalogue> FromPo(std::string_view po_text, Language language);
  // The catalogue of `language` compiled into the program (assets/i18n/*.po).
  static Result<Catalogue> Builtin(Language language);

  Language language() const { return language_; }

  // The translation of `id`, or `id` itself when the catalogue has none.
  std::string_view Translate(std::string_view id) const;
  std::string_view Translate(std::string_view context, std::string_view id) const;
  bool Has(std::string_view context, std::string_view id) const;
  size_t size() const { return messages_.size(); }

  // The translation with {0}, {1}, ... replaced by `args` (unknown placeholders stay).
  std::string Format(std::string_view id, std::initializer_list<std::string_view> args) const;
  std::string Format(std::string_view id, const std::vector<std::string>& args) const;

 private:
  Language language_ = Language::kEnglish;
  std::map<std::pair<std::string, std::string>, std::string, std::less<>> messages_;  // (context, id)
};

// Replaces {0}, {1}, ... in `pattern` by `args`.
std::string FormatPlaceholders(std::string_view pattern, const std::vector<std::string_view>& args);

}  // namespace mk::i18n
