// Attendance as CSV that opens correctly in German Excel (UTF-8 with BOM, ';', CRLF).
#pragma once

#include <ostream>
#include <string>

#include "store.h"
#include "sync/common/time_zone.h"

namespace mk::store {

struct ExportOptions {
  std::string centre_id;
  std::string session_id;  // empty: every session of the centre
  TimeZone time_zone = TimeZone::Utc();
  bool german_headers = false;
};

// One row per enrolled person and session: session and course, the person, the attendance
// status ("" when nothing is recorded yet), local check-in time and method. Times are local
// "YYYY-MM-DD HH:MM" in the centre's zone, which Excel reads as date-times in every locale.
// Cells that a spreadsheet would run as a formula (= + - @ at the start) are prefixed with '.
Status ExportAttendanceCsv(Store& store, const ExportOptions& options, std::ostream& out);

}  // namespace mk::store
