// The .po reader: entries, contexts, escapes, continued strings, and clear errors.
#include <catch2/catch.hpp>

#include "client/i18n/po_file.h"

using mk::i18n::ParsePo;

TEST_CASE("A .po file gives its entries with contexts and escapes", "[i18n]") {
  const char* text =
      "# a comment\n"
      "msgid \"\"\n"
      "msgstr \"\"\n"
      "\"Language: de\\n\"\n"
      "\n"
      "#: client/screens/home_screen.cpp:12\n"
      "msgid \"Check in\"\n"
      "msgstr \"Einchecken\"\n"
      "\n"
      "msgctxt \"month\"\n"
      "msgid \"May\"\n"
      "msgstr \"Mai\"\n"
      "\n"
      "msgid \"\"\n"
      "\"Say \\\"hi\\\"\\n\"\n"
      "\"and\\tgo \\\\ \\101\"\n"
      "msgstr \"Sag \\\"hallo\\\"\"\n"
      "\n"
      "#, fuzzy\n"
      "msgid \"Maybe\"\n"
      "msgstr \"Vielleicht\"\n";
  auto entries = ParsePo(text);
  INFO(entries.status().message());
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 5);
  CHECK((*entries)[0].id.empty());
  CHECK((*entries)[0].str == "Language: de\n");
  CHECK((*entries)[1].id == "Check in");
  CHECK((*entries)[1].str == "Einchecken");
  CHECK((*entries)[1].context.empty());
  CHECK((*entries)[2].context == "month");
  CHECK((*entries)[2].str == "Mai");
  CHECK((*entries)[3].id == "Say \"hi\"\nand\tgo \\ A");
  CHECK((*entries)[3].str == "Sag \"hallo\"");
  CHECK((*entries)[4].fuzzy);
  CHECK_FALSE((*entries)[1].fuzzy);
}

TEST_CASE("A broken .po file is refused with the line", "[i18n]") {
  struct Case {
    const char* text;
    const char* mention;
  };
  const Case cases[] = {
      {"msgstr \"x\"\n", "line 1: msgstr without msgid"},
      {"msgid \"a\"\n", "has no msgstr"},
      {"msgid \"a\"\nmsgstr \"b\n", "line 2"},
      {"msgid \"a\"\nmsgstr \"b\\q\"\n", "unknown escape"},
      {"msgid \"a\"\nmsgid_plural \"as\"\n", "plural"},
      {"msgid \"a\"\nmsgstr \"b\"\nbogus \"c\"\n", "line 3: unknown keyword"},
      {"\"stray\"\n", "continues nothing"},
  };
  for (const Case& c : cases) {
    auto r = ParsePo(c.text);
    INFO(c.text);
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().message().find(c.mention) != std::string::npos);
  }
}

TEST_CASE("A .po file with a BOM and CRLF line ends reads the same", "[i18n]") {
  auto r = ParsePo("\xEF\xBB\xBFmsgid \"Done\"\r\nmsgstr \"Fertig\"\r\n");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].str == "Fertig");
}
