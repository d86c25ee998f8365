// Tests for search folding: the table of European letters and transliterations.
#include <catch2/catch.hpp>

#include "sync/common/search_fold.h"

using mk::FoldLatin;
using mk::SearchKey;

TEST_CASE("FoldLatin transliterates European letters", "[common][search]") {
  struct Row { const char* in; const char* out; };
  const Row rows[] = {
      {"Müller", "muller"},         {"Groß", "gross"},          {"Sören", "soren"},
      {"Łukasz", "lukasz"},         {"Ørsted", "orsted"},       {"Ærøskøbing", "aeroskobing"},
      {"ÄÖÜ äöü ẞ", "aou aou ss"},  {"Œuvre", "oeuvre"},        {"Ștefan Țurcanu", "stefan turcanu"},
      {"Dvořák", "dvorak"},         {"Kovács Zoltán", "kovacs zoltan"}, {"Þórður", "thordur"},
      {"Çağla", "cagla"},           {"Jiří Černý", "jiri cerny"},      {"Małgorzata Wiśniewska", "malgorzata wisniewska"},
      {"João Gonçalves", "joao goncalves"}, {"Siobhán Ó Briain", "siobhan o briain"}, {"Åsa", "asa"},
      {"Mu\xCC\x88ller", "muller"},  // decomposed ü (u + combining diaeresis)
  };
  for (const auto& r : rows) {
    INFO(r.in);
    CHECK(FoldLatin(r.in) == r.out);
  }
}

TEST_CASE("German and Nordic transliterations compare equal", "[common][search]") {
  CHECK(SearchKey("Müller") == SearchKey("Mueller"));
  CHECK(SearchKey("Müller") == SearchKey("Muller"));
  CHECK(SearchKey("MÜLLER") == SearchKey("mueller"));
  CHECK(SearchKey("Groß") == SearchKey("Gross"));
  CHECK(SearchKey("Sören") == SearchKey("Soeren"));
  CHECK(SearchKey("Jäger") == SearchKey("Jaeger"));
  CHECK(SearchKey("Ålborg") == SearchKey("Aalborg"));
  CHECK(SearchKey("Ærøskøbing") == SearchKey("aeroskobing"));
  CHECK(SearchKey("Łukasz") == SearchKey("lukasz"));
  CHECK(SearchKey("Ørsted") == SearchKey("orsted"));
  CHECK(SearchKey("Müller") != SearchKey("Miller"));
}

TEST_CASE("The key of a typed prefix is a prefix of the key of the word", "[common][search]") {
  const char* words[] = {"Mueller", "Müller-Lüdenscheidt", "Strasse", "Michael", "Soeren", "Ærøskøbing", "Isaac"};
  for (const char* w : words) {
    std::string word = w;
    std::string full = SearchKey(word);
    // Every byte prefix that ends on a character boundary.
    for (size_t n = 1; n <= word.size(); ++n) {
      if (n < word.size() && (static_cast<unsigned char>(word[n]) & 0xC0) == 0x80) continue;
      std::string key = SearchKey(word.substr(0, n));
      INFO(word << " prefix " << word.substr(0, n));
      CHECK(full.compare(0, key.size(), key) == 0);
    }
  }
}

TEST_CASE("Names split into words, joined forms included", "[common][search]") {
  using V = std::vector<std::string>;
  CHECK(mk::SearchKeysOfName("Anna-Lena Müller-Lüdenscheidt") ==
        V{"anna", "annalena", "lena", "ludenscheidt", "muller", "mullerludenscheidt"});
  CHECK(mk::SearchKeysOfName("Sean O'Brien") == V{"brien", "o", "obrien", "sean"});
  CHECK(mk::SearchKeysOfName("  ") == V{});
  CHECK(mk::SearchKeysOfQuery("mül  ANNA mül") == V{"mul", "anna"});
  CHECK(mk::SearchKeysOfQuery("O’Bri") == V{"o", "bri"});
}
