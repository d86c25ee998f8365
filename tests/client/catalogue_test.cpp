// The catalogues: every message the client uses is translated in German and English; dates per language.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <cctype>
#include <set>
#include <sstream>

#include "client/i18n/catalogue.h"
#include "client/i18n/date_format.h"

using namespace mk;
using i18n::Catalogue;
using i18n::Language;

namespace {

// Undoes the C escapes a message id may use in source (\" \\ \n).
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      out.push_back(s[i] == 'n' ? '\n' : s[i]);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// Reads the C string literal starting at code[*pos] (the opening quote) and advances past it.
std::string ReadLiteral(const std::string& code, size_t* pos) {
  std::string raw;
  size_t i = *pos + 1;
  while (i < code.size() && code[i] != '"') {
    if (code[i] == '\\' && i + 1 < code.size()) raw.push_back(code[i++]);
    raw.push_back(code[i++]);
  }
  *pos = i + 1;
  return Unescape(raw);
}

size_t SkipSpace(const std::string& code, size_t pos) {
  while (pos < code.size() && (code[pos] == ' ' || code[pos] == '\n' || code[pos] == '\t')) ++pos;
  return pos;
}

// Every message id in Tr("..."), Msg("...") and Format("...") calls of the kiosk's sources
// (adjacent string literals joined as the compiler joins them), with full-line comments dropped.
std::set<std::string> MessageIdsInSources() {
  std::set<std::string> ids;
  for (const char* dir : {"client/screens", "client/viewmodels", "client/i18n", "client/lan_share"}) {
    for (const auto& entry : std::filesystem::directory_iterator(std::string(MK_SOURCE_DIR) + "/" + dir)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".cpp" && ext != ".h") continue;
      std::ifstream in(entry.path());
      std::string code;
      for (std::string line; std::getline(in, line);) {
        const size_t first = line.find_first_not_of(" \t");
        if (first != std::string::npos && line.compare(first, 2, "//") == 0) continue;
        code += line + "\n";
      }
      for (const std::string call : {"Tr(", "Msg(", "Format("}) {
        for (size_t at = code.find(call); at != std::string::npos; at = code.find(call, at + 1)) {
          if (at > 0 && (std::isalnum(static_cast<unsigned char>(code[at - 1])) || code[at - 1] == '_')) continue;
          size_t pos = SkipSpace(code, at + call.size());
          if (pos >= code.size() || code[pos] != '"') continue;
          std::string id;
          while (pos < code.size() && code[pos] == '"') {
            id += ReadLiteral(code, &pos);
            pos = SkipSpace(code, pos);
          }
          ids.insert(id);
        }
      }
    }
  }
  return ids;
}

}  // namespace

TEST_CASE("Both built-in catalogues load", "[i18n]") {
  for (Language l : {Language::kGerman, Language::kEnglish}) {
    auto c = Catalogue::Builtin(l);
    INFO(c.status().message());
    REQUIRE(c.ok());
    CHECK(c->size() > 50);
    CHECK(c->language() == l);
  }
  auto de = Catalogue::Builtin(Language::kGerman);
  REQUIRE(de.ok());
  CHECK(de->Translate("Check in") == "Einchecken");
  CHECK(de->Translate("month", "March") == "März");
  CHECK(de->Translate("an id nobody translated") == "an id nobody translated");
  CHECK(de->Format("Welcome, {0}!", {"Anna M."}) == "Willkommen, Anna M.!");
}

TEST_CASE("Every message the kiosk shows is translated in German and English", "[i18n]") {
  const std::set<std::string> ids = MessageIdsInSources();
  REQUIRE(ids.size() > 60);
  // A message the extraction must see: one written as two adjacent literals.
  CHECK(ids.count("I agree that this centre stores my name, school, subjects and (if given) email address to record my "
                  "attendance and to issue my certificate of attendance. I can ask for my data to be erased at any time.") == 1);
  for (Language l : {Language::kGerman, Language::kEnglish}) {
    auto c = Catalogue::Builtin(l);
    REQUIRE(c.ok());
    for (const std::string& id : ids) {
      INFO(std::string(i18n::LanguageCode(l)) << ".po lacks: " << id);
      CHECK(c->Has("", id));
    }
    for (int d = 0; d < 7; ++d) CHECK(c->Has("weekday", i18n::WeekdayName(d)));
    for (int m = 1; m <= 12; ++m) CHECK(c->Has("month", i18n::MonthName(m)));
  }
}

TEST_CASE("Dates and times follow the language", "[i18n]") {
  auto de = Catalogue::Builtin(Language::kGerman);
  auto en = Catalogue::Builtin(Language::kEnglish);
  REQUIRE(de.ok());
  REQUIRE(en.ok());
  const CivilTime t{2026, 11, 27, 9, 2, 0};
  CHECK(i18n::FormatLongDate(*de, t) == "Freitag, 27. November 2026");
  CHECK(i18n::FormatLongDate(*en, t) == "Friday, 27 November 2026");
  CHECK(i18n::FormatLongDate(*de, CivilTime{2027, 3, 1, 0, 0, 0}) == "Montag, 1. März 2027");
  CHECK(i18n::FormatTime(*de, t) == "09:02");
  CHECK(i18n::FormatTime(*en, t) == "09:02");
  CHECK(i18n::FormatTimeRange(*en, t, CivilTime{2026, 11, 27, 12, 0, 0}) == "09:02\xE2\x80\x93" "12:00");
}

TEST_CASE("Placeholders are filled and unknown ones stay", "[i18n]") {
  CHECK(i18n::FormatPlaceholders("{0} in {1}", {"Anna", "Raum 1"}) == "Anna in Raum 1");
  CHECK(i18n::FormatPlaceholders("{2} {0}", {"a"}) == "{2} a");
  CHECK(i18n::FormatPlaceholders("{", {}) == "{");
  CHECK(i18n::ParseLanguage("de") == Language::kGerman);
  CHECK_FALSE(i18n::ParseLanguage("fr"));
}
