// Writes the attendance report as spreadsheet-safe CSV.
#include "attendance_export.h"

#include <cstdio>

namespace mk::store {
namespace {

std::string Cell(std::string_view value) {
  std::string v(value);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
    v.insert(v.begin(), '\'');
  }
  if (v.find_first_of(";\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  q += '"';
  return q;
}

std::string LocalTime(const TimeZone& tz, std::optional<int64_t> ms) {
  if (!ms) return {};
  const CivilTime t = tz.ToCivil(*ms / 1000 - (*ms % 1000 < 0 ? 1 : 0));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
  return buf;
}

}  // namespace

Status ExportAttendanceCsv(Store& store, const ExportOptions& options, std::ostream& out) {
  if (!options.session_id.empty()) MK_RETURN_IF_ERROR(store.GetSession(options.session_id).status());
  MK_ASSIGN_OR_RETURN(std::vector<AttendanceRow> rows, store.AttendanceReport(options.centre_id, options.session_id));
  static constexpr const char* kEnglish[] = {"session_id", "course_code", "course_title", "session_start",
                                             "session_end", "room", "person_id", "first_name", "last_name",
                                             "school", "email", "status", "checked_in_at", "method", "left_at", "note"};
  static constexpr const char* kGerman[] = {"Termin-ID", "Kursnummer", "Kurstitel", "Beginn", "Ende", "Raum",
                                            "Personen-ID", "Vorname", "Nachname", "Schule", "E-Mail", "Status",
                                            "Angemeldet um", "Art", "Gegangen um", "Notiz"};
  const auto& headers = options.german_headers ? kGerman : kEnglish;
  out << "\xEF\xBB\xBF";
  for (size_t i = 0; i < std::size(kEnglish); ++i) out << (i ? ";" : "") << headers[i];
  out << "\r\n";
  const TimeZone& tz = options.time_zone;
  for (const AttendanceRow& r : rows) {
    const Attendance* a = r.attendance ? &*r.attendance : nullptr;
    out << Cell(r.session.session.id) << ';' << Cell(r.session.course_code) << ';' << Cell(r.session.course_title)
        << ';' << LocalTime(tz, r.session.session.starts_at) << ';' << LocalTime(tz, r.session.session.ends_at) << ';'
        << Cell(r.session.session.room) << ';' << Cell(r.person.id) << ';' << Cell(r.person.first_name) << ';'
        << Cell(r.person.last_name) << ';' << Cell(r.person.school) << ';' << Cell(r.person.email.value_or("")) << ';'
        << (a ? ToCode(a->status) : "") << ';' << (a ? LocalTime(tz, a->checked_in_at) : "") << ';'
        << (a ? ToCode(a->method) : "") << ';' << (a ? LocalTime(tz, a->left_at) : "") << ';'
        << (a ? Cell(a->note) : "") << "\r\n";
  }
  out.flush();
  if (!out) return IoError("writing the export failed (is the disk full or the pipe closed?)");
  return Status::Ok();
}

}  // namespace mk::store
