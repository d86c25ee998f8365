// Registration import: every accepted variant, and every bad input leaving the store unchanged.
#include <catch2/catch.hpp>

#include "store_fixture.h"
#include "sync/store/registration_import.h"

using namespace mk;
using mk::test::Count;

namespace {

Result<store::ImportSummary> Import(test::StoreFixture& f, const std::string& bytes, const std::string& label = "anmeldungen.csv") {
  store::ImportOptions opt;
  opt.centre_id = f.centre_id;
  opt.time_zone = test::Berlin();
  opt.file_label = label;
  return store::ImportRegistrations(*f.store, bytes, opt);
}

int64_t StartOf(test::StoreFixture& f, const std::string& title) {
  return Count(f.store->db(), "SELECT s.starts_at FROM sessions s JOIN courses c ON c.id = s.course_id WHERE c.title = '" +
                                  title + "' ORDER BY s.starts_at LIMIT 1");
}

}  // namespace

TEST_CASE("Import: German headers, semicolons, German dates", "[store][import]") {
  test::StoreFixture f;
  const std::string csv =
      "Vorname;Nachname;Schule;E-Mail;Kurs;Beginn;Ende;Raum\n"
      "Jürgen;Müller;Gymnasium Eschwege;j.mueller@example.org;Genetik im Schülerlabor;01.12.2026 09:00;01.12.2026 12:30;Raum 1.16\n"
      "Łukasz;Wiśniewski;Szkoła Podstawowa Łódź;;Genetik im Schülerlabor;01.12.2026 09:00;01.12.2026 12:30;Raum 1.16\n"
      "Mette;Ørsted;Skole i Ærøskøbing;;PH-201;2.12.2026 9:00;2.12.2026 12:00;\n";
  auto r = Import(f, csv);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->rows == 3);
  CHECK(r->people_created == 3);
  CHECK(r->courses_created == 1);   // PH-201 exists already (by code)
  CHECK(r->sessions_created == 2);
  CHECK(r->enrolments_created == 3);
  CHECK(r->separator == ';');
  CHECK(r->encoding == SourceEncoding::kUtf8);
  // 09:00 in Berlin in December is 08:00 UTC.
  CHECK(StartOf(f, "Genetik im Schülerlabor") == 1'796'112'000'000);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE last_name = 'Ørsted' AND school = 'Skole i Ærøskøbing'") == 1);
}

TEST_CASE("Import: English headers, commas, BOM, ISO dates, quoted fields, CRLF", "[store][import]") {
  test::StoreFixture f;
  const std::string csv =
      "\xEF\xBB\xBF" "first_name,last_name,school,email,course_code,course_title,start,end,room\r\n"
      "Anna,Schmidt-Weiß,\"Schule \"\"Am Berg\"\", Witzenhausen\",anna@example.org,CH-7,Chemie der Batterie,2026-12-03T14:00,2026-12-03T16:00,Labor\r\n"
      "Karl,Groß,\"Realschule\r\nWitzenhausen\",,CH-7,Chemie der Batterie,2026-12-03 14:00,2026-12-03 16:00:00,Labor\r\n";
  auto r = Import(f, csv);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->encoding == SourceEncoding::kUtf8WithBom);
  CHECK(r->separator == ',');
  CHECK(r->people_created == 2);
  CHECK(r->sessions_created == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE last_name = 'Schmidt-Weiß' AND school = 'Schule \"Am Berg\", Witzenhausen'") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM courses WHERE code = 'CH-7' AND title = 'Chemie der Batterie'") == 1);
}

TEST_CASE("Import: tabs and Windows-1252 from Excel", "[store][import]") {
  test::StoreFixture f;
  // "Müller", "Groß", "Sören" and "Fröndenberg" in Windows-1252.
  const std::string csv =
      "Vorname\tNachname\tSchule\tKurs\tBeginn\tEnde\n"
      "S\xF6ren\tM\xFCller\tGesamtschule Fr\xF6ndenberg\tPH-201\t04.12.2026 09:00\t04.12.2026 12:00\n"
      "Karl\tGro\xDF\tGesamtschule Fr\xF6ndenberg\tPH-201\t04.12.2026 09:00\t04.12.2026 12:00\n";
  auto r = Import(f, csv);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->encoding == SourceEncoding::kWindows1252);
  CHECK(r->separator == '\t');
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE first_name = 'Sören' AND last_name = 'Müller' "
                             "AND school = 'Gesamtschule Fröndenberg'") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE last_name = 'Groß'") == 1);
  // And they are found by search.
  store::SearchOptions opt;
  opt.centre_id = f.centre_id;
  CHECK(f.store->Search("mueller", opt)->size() == 1);
}

TEST_CASE("Import: a separate date column, subjects, consent, odd header spelling", "[store][import]") {
  test::StoreFixture f;
  const std::string csv =
      "VORNAME;nachname;Schule;Fächer;Kurstitel;Datum;Von;Bis;Einwilligung\n"
      "Zofia;Kowalczyk;Grundschule Uslar;Mathe, Physik;Bruchrechnung anschaulich;2026-12-07;9:00;12:00;ja\n"
      "Ana;Popescu;Grundschule Uslar;Informatik/MINT;Bruchrechnung anschaulich;07.12.2026;13:00;15:00;nein\n";
  auto r = Import(f, csv);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->sessions_created == 2);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE last_name = 'Kowalczyk' AND subjects = 'mathematics,physics' "
                             "AND consent_data = 1 AND consent_at IS NOT NULL") == 1);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people WHERE last_name = 'Popescu' AND "
                             "subjects = 'computer_science,interdisciplinary_stem' AND consent_data = 0") == 1);
}

TEST_CASE("Import: one person in several rows is one person with several enrolments", "[store][import]") {
  test::StoreFixture f;
  const std::string csv =
      "Vorname;Nachname;Schule;E-Mail;Kurs;Beginn;Ende\n"
      "Anna;Müller;Gymnasium A;anna@example.org;Optik;2026-12-01T09:00;2026-12-01T12:00\n"
      "Anna;Mueller;Gymnasium B;ANNA@example.org;Optik;2026-12-08T09:00;2026-12-08T12:00\n"   // same email
      "Jonas;Weber;Realschule C;;Optik;2026-12-01T09:00;2026-12-01T12:00\n"
      "Jonas;Weber;Realschule C;;Optik;2026-12-08T09:00;2026-12-08T12:00\n"                   // same name and school
      "Jonas;Weber;Realschule D;;Optik;2026-12-08T09:00;2026-12-08T12:00\n";                  // another Jonas Weber
  auto r = Import(f, csv);
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(r->people_created == 3);
  CHECK(r->people_matched == 2);
  CHECK(r->enrolments_created == 5);
  CHECK(Count(f.store->db(), "SELECT count(*) FROM people") == 3);
}

TEST_CASE("Import: the same file twice changes nothing", "[store][import]") {
  test::StoreFixture f;
  const std::string csv =
      "Vorname;Nachname;Schule;E-Mail;Kurs;Beginn;Ende;Raum\n"
      "Jürgen;Müller;Gymnasium Eschwege;j@example.org;Genetik;01.12.2026 09:00;01.12.2026 12:30;Raum 1.16\n"
      "Lena;Jäger;Gymnasium Eschwege;;Genetik;01.12.2026 09:00;01.12.2026 12:30;Raum 1.16\n";
  REQUIRE(Import(f, csv).ok());
  const std::string after_first = f.Dump();
  f.clock.Advance(3600 * 1000);
  auto again = Import(f, csv);
  REQUIRE(again.ok());
  CHECK(again->people_created == 0);
  CHECK(again->courses_created == 0);
  CHECK(again->sessions_created == 0);
  CHECK(again->enrolments_created == 0);
  CHECK(f.Dump() == after_first);
}

TEST_CASE("Import: bad input names file, line and column and imports nothing", "[store][import]") {
  struct Case {
    const char* what;
    std::string csv;
    std::vector<std::string> expected;  // fragments of the message
  };
  const std::string h = "Vorname;Nachname;Schule;E-Mail;Kurs;Beginn;Ende\n";
  const std::string ok_row = "Anna;Müller;Gymnasium;;Optik;01.12.2026 09:00;01.12.2026 12:00\n";
  const std::vector<Case> cases = {
      {"an impossible date", h + ok_row + "Karl;Groß;Schule;;Optik;31.02.2026 09:00;31.02.2026 12:00\n",
       {"anmeldungen.csv, line 3, column 'Beginn'", "31.02.2026"}},
      {"an end before the start", h + "Karl;Groß;Schule;;Optik;01.12.2026 12:00;01.12.2026 09:00\n",
       {"line 2, column 'Ende'", "ends before it starts"}},
      {"a date without time", h + "Karl;Groß;Schule;;Optik;01.12.2026;01.12.2026 12:00\n",
       {"line 2, column 'Beginn'", "no time of day"}},
      {"a two-digit year", h + "Karl;Groß;Schule;;Optik;01.12.26 09:00;01.12.26 12:00\n", {"line 2, column 'Beginn'"}},
      {"a broken email", h + ok_row + ok_row + "Karl;Groß;Schule;karl(at)example;Optik;01.12.2026 09:00;01.12.2026 12:00\n",
       {"line 4, column 'E-Mail'", "not an email address"}},
      {"an empty last name", h + "Karl;;Schule;;Optik;01.12.2026 09:00;01.12.2026 12:00\n",
       {"line 2, column 'Nachname'", "last name is empty"}},
      {"an emoji in a name", h + "Karl 😀;Groß;Schule;;Optik;01.12.2026 09:00;01.12.2026 12:00\n",
       {"line 2, column 'Vorname'", "not a letter"}},
      {"an unknown subject", "Vorname;Nachname;Schule;Fächer;Kurs;Beginn;Ende\nKarl;Groß;Schule;Kochen;Optik;01.12.2026 09:00;01.12.2026 12:00\n",
       {"line 2, column 'Fächer'", "'Kochen' is not a subject"}},
      {"a missing column", "Vorname;Nachname;Kurs;Beginn;Ende\nKarl;Groß;Optik;01.12.2026 09:00;01.12.2026 12:00\n",
       {"line 1", "school (Schule) is missing"}},
      {"no course column", "Vorname;Nachname;Schule;Beginn;Ende\nKarl;Groß;S;01.12.2026 09:00;01.12.2026 12:00\n",
       {"line 1", "course column is missing"}},
      {"a column twice", "Vorname;Nachname;Schule;Kurs;Beginn;Ende;Vorname\n", {"line 1", "appears twice"}},
      {"too many fields", h + "Karl;Groß;Schule;;Optik;01.12.2026 09:00;01.12.2026 12:00;extra;more\n", {"line 2", "9 fields"}},
      {"an unterminated quote", h + "Karl;\"Groß;Schule;;Optik;01.12.2026 09:00;01.12.2026 12:00\n", {"anmeldungen.csv", "line 2"}},
      {"a header only", h, {"no registrations"}},
      {"an empty file", "", {"line 1", "no header row"}},
      {"UTF-16", std::string("\xFF\xFE", 2) + "V\0o\0r\0", {"UTF-16"}},
      {"an unknown course code", "Vorname;Nachname;Schule;Kursnummer;Beginn;Ende\nKarl;Groß;S;XX-1;01.12.2026 09:00;01.12.2026 12:00\n",
       {"line 2", "unknown course code 'XX-1'"}},
      {"a control character", h + "Karl;Gro\x01ß;Schule;;Optik;01.12.2026 09:00;01.12.2026 12:00\n", {"line 2", "control character"}},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.what) {
      test::StoreFixture f;
      const std::string before = f.Dump();
      auto r = Import(f, c.csv);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == ErrorCode::kInvalidArgument);
      for (const auto& fragment : c.expected) CHECK_THAT(r.status().message(), Catch::Contains(fragment));
      CHECK(f.Dump() == before);
    }
  }
}

TEST_CASE("Import: many problems are listed together, up to a limit", "[store][import]") {
  test::StoreFixture f;
  std::string csv = "Vorname;Nachname;Schule;Kurs;Beginn;Ende\n";
  for (int i = 0; i < 30; ++i) csv += "Karl;;Schule;Optik;01.12.2026 09:00;01.12.2026 12:00\n";
  auto r = Import(f, csv);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains("30 problems"));
  CHECK_THAT(r.status().message(), Catch::Contains("line 21"));
  CHECK_THAT(r.status().message(), Catch::Contains("and 10 more"));
}

TEST_CASE("Import: a file on disk, and a missing file", "[store][import]") {
  test::StoreFixture f;
  const std::string path = f.dir.File("Anmeldungen Ærø.csv");
  test::WriteFile(path, "Vorname;Nachname;Schule;Kurs;Beginn;Ende\nKarl;Groß;S;Optik;01.12.2026 09:00;01.12.2026 12:00\n");
  store::ImportOptions opt;
  opt.centre_id = f.centre_id;
  opt.time_zone = test::Berlin();
  CHECK(store::ImportRegistrationsFile(*f.store, path, opt).ok());
  auto missing = store::ImportRegistrationsFile(*f.store, f.dir.File("nope.csv"), opt);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.status().message(), Catch::Contains("nope.csv"));
  auto directory = store::ImportRegistrationsFile(*f.store, f.dir.path(), opt);
  REQUIRE_FALSE(directory.ok());
  CHECK_THAT(directory.status().message(), Catch::Contains("is not a file"));
}
