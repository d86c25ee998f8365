// Tests for separator detection and CSV parsing of spreadsheet exports.
#include "sync/common/csv_reader.h"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "sync/common/text_encoding.h"

using namespace std::string_view_literals;

namespace {

using Fields = std::vector<std::string>;

struct ExpectedRecord {
  Fields fields;
  int line;
};

struct ParseCase {
  const char* what;
  std::string_view input;
  char separator;
  std::vector<ExpectedRecord> records;
};

struct ParseErrorCase {
  const char* what;
  std::string_view input;
  char separator;
  std::string message_start;
};

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

void CheckRecords(const std::vector<mk::CsvRecord>& got, const std::vector<ExpectedRecord>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("record " << i);
    CHECK(got[i].fields == want[i].fields);
    CHECK(got[i].line == want[i].line);
  }
}

}  // namespace

TEST_CASE("DetectSeparator picks the separator that splits the header most", "[common][import]") {
  struct Case {
    const char* what;
    std::string_view header;
    char separator;
  };
  const Case cases[] = {
      {"semicolon", "Name;Vorname;E-Mail"sv, ';'},
      {"comma", "Name,Vorname,E-Mail"sv, ','},
      {"tab", "Name\tVorname\tE-Mail"sv, '\t'},
      {"none", "Name"sv, 0},
      {"empty", ""sv, 0},
      {"more commas than semicolons", "a,b;c,d"sv, ','},
      {"more tabs", "a\tb;c\td"sv, '\t'},
      {"tie semicolon over comma", "a;b,c"sv, ';'},
      {"tie semicolon over tab", "a\tb;c"sv, ';'},
      {"tie comma over tab", "a\tb,c"sv, ','},
      {"separators inside quotes do not count", "\"a;b;c\",d"sv, ','},
      {"commas inside quoted semicolon headers", "\"Name, first\";\"Name, last\";\"x, y\""sv, ';'},
      {"empty trailing field", "a;b;"sv, ';'},
      {"stops at the first line break", "a;b\nc,d,e,f"sv, ';'},
      {"stops at CRLF", "a\tb\r\nc;d;e"sv, '\t'},
      {"line break inside quotes is not the end", "\"a\nb,c,d\";e"sv, ';'},
      {"literal quote in unquoted field", "Anna \"Ani;x\";y"sv, ';'},
      {"quote inside a cell opens nothing", "a \"b;c;d\",e"sv, ';'},
      {"commas in a quoted cell of a semicolon header", "Name;\"Nachname, Vorname, Titel\""sv, ';'},
      {"semicolons in a quoted cell of a comma header", "Name,\"a;b;c\""sv, ','},
      {"tabs in a quoted cell", "\"a\tb\tc\";d"sv, ';'},
      {"doubled quotes do not end the cell", "\"a \"\";b;c\",x,y"sv, ','},
      {"unterminated quote counts what came before", "a;b;\"c,d,e,f"sv, ';'},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(static_cast<int>(mk::DetectSeparator(c.header)) == static_cast<int>(c.separator));
  }
}

TEST_CASE("ParseCsv splits records and fields", "[common][import]") {
  const ParseCase cases[] = {
      {"empty input", ""sv, ';', {}},
      {"only blank lines", "\n\r\n\r\n\n"sv, ';', {}},
      {"only whitespace lines", "  \n\t\r\n \t \n"sv, ';', {}},
      {"one record, no line break", "a;b;c"sv, ';', {{{"a", "b", "c"}, 1}}},
      {"trailing LF", "a;b;c\n"sv, ';', {{{"a", "b", "c"}, 1}}},
      {"LF line ends", "a;b\nc;d\n"sv, ';', {{{"a", "b"}, 1}, {{"c", "d"}, 2}}},
      {"CRLF line ends", "a,b\r\nc,d\r\n"sv, ',', {{{"a", "b"}, 1}, {{"c", "d"}, 2}}},
      {"CR line ends", "a\tb\rc\td\r"sv, '\t', {{{"a", "b"}, 1}, {{"c", "d"}, 2}}},
      {"mixed line ends", "a\r\nb\nc\rd"sv, ';', {{{"a"}, 1}, {{"b"}, 2}, {{"c"}, 3}, {{"d"}, 4}}},
      {"blank lines skipped, lines kept", "\n\na;b\n\r\n\rc;d\n\n"sv, ';',
       {{{"a", "b"}, 3}, {{"c", "d"}, 6}}},
      {"whitespace line between records", "a\n   \nb"sv, ';', {{{"a"}, 1}, {{"b"}, 3}}},
      {"empty fields", "a;;b;"sv, ';', {{{"a", "", "b", ""}, 1}}},
      {"only a separator", ";"sv, ';', {{{"", ""}, 1}}},
      {"only separators then break", ";;\n"sv, ';', {{{"", "", ""}, 1}}},
      {"separator line is not blank", "\t\n"sv, '\t', {{{"", ""}, 1}}},
      {"surrounding spaces kept", " a ; b "sv, ';', {{{" a ", " b "}, 1}}},
      {"quoted separator", "\"a;b\";c"sv, ';', {{{"a;b", "c"}, 1}}},
      {"other separators are text", "a,b;c\td"sv, ';', {{{"a,b", "c\td"}, 1}}},
      {"doubled quotes", "\"say \"\"hi\"\"\";x"sv, ';', {{{"say \"hi\"", "x"}, 1}}},
      {"only a doubled quote", "\"\"\"\""sv, ';', {{{"\""}, 1}}},
      {"quoted empty field is a record", "\"\""sv, ';', {{{""}, 1}}},
      {"quoted empty fields", "\"\";\"\";"sv, ';', {{{"", "", ""}, 1}}},
      {"quoted last field, no break", "a;\"b\""sv, ';', {{{"a", "b"}, 1}}},
      {"quoted field then CRLF", "\"a\"\r\n\"b\"\r\n"sv, ';', {{{"a"}, 1}, {{"b"}, 2}}},
      {"quote inside unquoted field kept", "Anna \"Ani\" M\xC3\xBCller;x"sv, ';',
       {{{"Anna \"Ani\" Müller", "x"}, 1}}},
      {"trailing quote in unquoted field kept", "5\" floppy;x\"\"y"sv, ';',
       {{{"5\" floppy", "x\"\"y"}, 1}}},
      {"space before quote makes it literal", " \"a;b\""sv, ';', {{{" \"a", "b\""}, 1}}},
      {"embedded LF", "\"line1\nline2\";x\nnext;y"sv, ';',
       {{{"line1\nline2", "x"}, 1}, {{"next", "y"}, 3}}},
      {"embedded CRLF", "\"a\r\nb\";x\r\nc;d\r\n"sv, ';', {{{"a\r\nb", "x"}, 1}, {{"c", "d"}, 3}}},
      {"embedded CR", "\"a\rb\"\rc"sv, ';', {{{"a\rb"}, 1}, {{"c"}, 3}}},
      {"several embedded breaks", "h\n\"a\n\n\r\nb\";\"\n\"\nc"sv, ';',
       {{{"h"}, 1}, {{"a\n\n\r\nb", "\n"}, 2}, {{"c"}, 7}}},
      {"embedded separator and quotes", "\"x;\"\"y\"\"\nz\";w"sv, ';', {{{"x;\"y\"\nz", "w"}, 1}}},
      {"tab separator", "a\tb\t\tc"sv, '\t', {{{"a", "b", "", "c"}, 1}}},
      {"comma separator keeps semicolons", "a;b,c"sv, ',', {{{"a;b", "c"}, 1}}},
      {"no separator: one column", "a;b,c\td\n\"x\ny\"\n"sv, '\0', {{{"a;b,c\td"}, 1}, {{"x\ny"}, 2}}},
      {"no separator: NUL is text too", "a\0b"sv, '\0', {{{std::string("a\0b", 3)}, 1}}},
      {"UTF-8 names", "M\xC3\xBCller;\xC5\x81ukasz;\xC3\x86r\xC3\xB8sk\xC3\xB8" "bing;Gro\xC3\x9F"sv, ';',
       {{{"Müller", "Łukasz", "Ærøskøbing", "Groß"}, 1}}},
  };
  for (const ParseCase& c : cases) {
    INFO(c.what);
    const auto result = mk::ParseCsv(c.input, c.separator);
    REQUIRE(result.ok());
    CheckRecords(result.value(), c.records);
  }
}

TEST_CASE("ParseCsv reports malformed quoting with line and column", "[common][import]") {
  const ParseErrorCase cases[] = {
      {"unterminated quote", "a;b\nc;\"unterminated\nmore"sv, ';', "line 2, column 3: "},
      {"unterminated quote at start", "\""sv, ';', "line 1, column 1: "},
      {"unterminated after doubled quote", "x;\"a\"\""sv, ';', "line 1, column 3: "},
      {"unterminated column counts characters", "M\xC3\xBCller;\xC3\x86;\"x"sv, ';',
       "line 1, column 10: "},
      {"unterminated after a closed multi-line field", "\"a\nb\";c\n\n;\"d\ne"sv, ';',
       "line 4, column 2: "},
      {"text after closing quote", "\"a\"b;c"sv, ';', "line 1, column 4: "},
      {"space after closing quote", "x\n\"\xC3\x9C\" ;y"sv, ';', "line 2, column 4: "},
      {"text after quote on a later line of the field", "\"ab\ncd\"x"sv, ';',
       "line 2, column 4: "},
      {"text after quote after CRLF records", "a\r\nb\r\n\"c\"\"\"d"sv, ',', "line 3, column 6: "},
  };
  for (const ParseErrorCase& c : cases) {
    INFO(c.what);
    const auto result = mk::ParseCsv(c.input, c.separator);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == mk::ErrorCode::kInvalidArgument);
    CHECK(StartsWith(result.status().message(), c.message_start));
  }
}

TEST_CASE("ParseCsv error messages say what is wrong", "[common][import]") {
  const auto unterminated = mk::ParseCsv("\"abc"sv, ';');
  REQUIRE_FALSE(unterminated.ok());
  CHECK_THAT(unterminated.status().message(), Catch::Contains("never closed"));
  const auto after_quote = mk::ParseCsv("\"abc\"d"sv, ';');
  REQUIRE_FALSE(after_quote.ok());
  CHECK_THAT(after_quote.status().message(), Catch::Contains("after the closing quote"));
}

TEST_CASE("ParseCsv refuses separators that cannot work", "[common][import]") {
  for (const char separator : {'"', '\n', '\r', static_cast<char>(0xC3)}) {
    INFO("separator " << static_cast<int>(separator));
    const auto result = mk::ParseCsv("a;b"sv, separator);
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().code() == mk::ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("ParseCsv handles a 1 MB field", "[common][import]") {
  const std::string big(1 << 20, 'x');
  SECTION("unquoted") {
    const auto result = mk::ParseCsv("a;" + big + ";b\n", ';');
    REQUIRE(result.ok());
    CheckRecords(result.value(), {{{"a", big, "b"}, 1}});
  }
  SECTION("quoted, with quotes and line breaks inside") {
    std::string quoted_text;
    std::string expected;
    for (int i = 0; i < (1 << 16); ++i) {
      quoted_text += "abcdefghij\"\"\r\n";
      expected += "abcdefghij\"\r\n";
    }
    const auto result = mk::ParseCsv("\"" + quoted_text + "\";z\nnext", ';');
    REQUIRE(result.ok());
    CheckRecords(result.value(), {{{expected, "z"}, 1}, {{"next"}, (1 << 16) + 2}});
  }
  SECTION("unterminated, error points at the opening quote") {
    const auto result = mk::ParseCsv("a;\"" + big, ';');
    REQUIRE_FALSE(result.ok());
    CHECK(StartsWith(result.status().message(), "line 1, column 3: "));
  }
  SECTION("text after quote at the end of a long line") {
    const auto result = mk::ParseCsv(big + ";\"q\"!", ';');
    REQUIRE_FALSE(result.ok());
    // 2^20 x, then ; " q " and the offending ! as the 1048581st character.
    CHECK(StartsWith(result.status().message(), "line 1, column 1048581: "));
  }
}

TEST_CASE("ParseCsv reads 100 000 records", "[common][import]") {
  std::string text = "Nummer;Name\r\n";
  for (int i = 0; i < 100000; ++i) text += std::to_string(i) + ";\"Person " + std::to_string(i) + "\"\r\n";
  const auto result = mk::ParseCsv(text, ';');
  REQUIRE(result.ok());
  const auto& records = result.value();
  REQUIRE(records.size() == 100001);
  CHECK(records[0].fields == Fields{"Nummer", "Name"});
  CHECK(records[12345].fields == Fields{"12344", "Person 12344"});
  CHECK(records[12345].line == 12346);
  CHECK(records.back().fields == Fields{"99999", "Person 99999"});
  CHECK(records.back().line == 100001);
}

TEST_CASE("ParseCsv stays linear on hostile input", "[common][import]") {
  constexpr std::size_t kSize = 1 << 20;
  SECTION("a million quotes") {
    const auto result = mk::ParseCsv(std::string(kSize, '"'), ';');
    REQUIRE(result.ok());
    CheckRecords(result.value(), {{{std::string(kSize / 2 - 1, '"')}, 1}});
  }
  SECTION("a million separators") {
    const auto result = mk::ParseCsv(std::string(kSize, ';'), ';');
    REQUIRE(result.ok());
    REQUIRE(result->size() == 1);
    CHECK(result->front().fields.size() == kSize + 1);
  }
  SECTION("a million line breaks") {
    const auto result = mk::ParseCsv(std::string(kSize, '\n') + "x", ';');
    REQUIRE(result.ok());
    CheckRecords(result.value(), {{{"x"}, static_cast<int>(kSize) + 1}});
  }
  SECTION("a million one-character quoted lines") {
    std::string text;
    for (std::size_t i = 0; i < kSize / 4; ++i) text += "\"\n\"\n";
    const auto result = mk::ParseCsv(text, ';');
    REQUIRE(result.ok());
    REQUIRE(result->size() == kSize / 4);
    CHECK(result->back().fields == Fields{"\n"});
  }
}

TEST_CASE("A Windows-1252 Excel export decodes, detects and parses", "[common][import]") {
  const auto decoded =
      mk::DecodeToUtf8("Name;Vorname;Ort\r\nM\xFCller;J\xFCrgen;\xC6r\xF8sk\xF8" "bing\r\n\"Gro\xDF\";\x93" "Ani\x94;\"a;b\"\r\n"sv);
  REQUIRE(decoded.ok());
  CHECK(decoded->encoding == mk::SourceEncoding::kWindows1252);
  const char separator = mk::DetectSeparator(decoded->utf8);
  CHECK(separator == ';');
  const auto records = mk::ParseCsv(decoded->utf8, separator);
  REQUIRE(records.ok());
  CheckRecords(records.value(), {{{"Name", "Vorname", "Ort"}, 1},
                                 {{"Müller", "Jürgen", "Ærøskøbing"}, 2},
                                 {{"Groß", "“Ani”", "a;b"}, 3}});
}
