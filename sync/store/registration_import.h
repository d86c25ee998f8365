// Registration import from the spreadsheets centres already keep (CSV from Excel or LibreOffice).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store.h"
#include "sync/common/text_encoding.h"
#include "sync/common/time_zone.h"

namespace mk::store {

// One row = one person registered for one session. A header row is required; columns are
// recognised by English or German names in any order and case (see docs/import.md):
//   first_name/Vorname, last_name/Nachname, school/Schule, email/E-Mail (optional),
//   subjects/Fächer (optional), course_code/Kursnummer and/or course_title/Kurstitel (or
//   course/Kurs for either), start/Beginn, end/Ende, room/Raum (optional),
//   date/Datum (optional: then start and end may be times only), consent/Einwilligung (optional).
// Separator (; , tab) and encoding (UTF-8 with or without BOM, Windows-1252) are detected;
// dates are ISO 8601 or German (27.11.2026 09:00) in the centre's time zone.
//
// The whole file is one transaction: on any error nothing is imported and the Status lists
// the problems (up to 20), each with file, line and column. Importing the same file again
// changes nothing: people are matched by email, or by first name, last name and school where
// there is no email; courses by code, else title; sessions by course and start.
struct ImportOptions {
  std::string centre_id;
  TimeZone time_zone = TimeZone::Utc();
  std::string file_label = "input";  // how errors name the file
};

struct ImportSummary {
  int rows = 0;
  int people_created = 0;
  int people_matched = 0;
  int courses_created = 0;
  int sessions_created = 0;
  int enrolments_created = 0;
  SourceEncoding encoding = SourceEncoding::kUtf8;
  char separator = ';';
  std::vector<std::string> ignored_columns;
};

inline constexpr size_t kMaxImportBytes = 32 * 1024 * 1024;
inline constexpr size_t kMaxImportRows = 200000;

Result<ImportSummary> ImportRegistrations(Store& store, std::string_view bytes, const ImportOptions& options);
// Reads the file (refusing files over kMaxImportBytes) and imports it.
Result<ImportSummary> ImportRegistrationsFile(Store& store, const std::string& path, ImportOptions options);

}  // namespace mk::store
