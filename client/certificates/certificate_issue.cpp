// The hours rule, eligibility and verification codes of certificates of attendance.
#include "certificate_issue.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "platform/paths.h"
#include "sync/common/time_zone.h"
#include "sync/common/utf8.h"
#include "sync/common/uuid.h"

namespace mk::certificates {
namespace {

using store::Statement;

std::string Percent(double share) { return std::to_string(static_cast<int>(std::floor(share * 100 + 1e-9))) + " %"; }

std::string HoursText(double h) { return FormatHours(h, "."); }

std::string Clock(const TimeZone& zone, store::UtcMs at) {
  const CivilTime t = zone.ToCivil(at / 1000);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", t.hour, t.minute);
  return buf;
}

std::string NewCode() {
  const std::string raw = RandomCode(10);
  return raw.substr(0, 5) + "-" + raw.substr(5);
}

struct Row {
  store::Person person;
  std::optional<store::Attendance> attendance;
};

}  // namespace

AttendedTime ComputeAttendedTime(const store::Session& session, const store::Attendance& a) {
  AttendedTime t;
  t.session_ms = session.ends_at - session.starts_at;
  int64_t from = session.starts_at;
  int64_t to = session.ends_at;
  if (a.checked_in_at && *a.checked_in_at > session.starts_at) {
    from = std::min(*a.checked_in_at, session.ends_at);
    t.late_arrival = *a.checked_in_at;
  }
  if (a.left_at && *a.left_at < session.ends_at) {
    to = std::max(*a.left_at, session.starts_at);
    t.early_leave = *a.left_at;
  }
  t.attended_ms = std::max<int64_t>(0, to - from);
  return t;
}

double CertifiedHours(int64_t attended_ms) {
  const int64_t quarters = attended_ms / (15 * 60 * 1000);
  return static_cast<double>(quarters) / 4.0;
}

std::string FormatHours(double hours, std::string_view decimal_separator) {
  const int64_t quarters = static_cast<int64_t>(std::llround(hours * 4));
  std::string out = std::to_string(quarters / 4);
  static const char* kFractions[] = {"", "25", "5", "75"};
  if (quarters % 4 != 0) out += std::string(decimal_separator) + kFractions[quarters % 4];
  return out;
}

std::string PlaceFromAddress(std::string_view address) {
  const std::string a = utf8::NormalizeSpaces(address);
  if (a.empty()) return {};
  const size_t comma = a.rfind(',');
  std::string last = utf8::NormalizeSpaces(comma == std::string::npos ? a : a.substr(comma + 1));
  // "37213 Witzenhausen", "D-37213 Witzenhausen": the postcode goes.
  const size_t space = last.find(' ');
  if (space != std::string::npos && std::any_of(last.begin(), last.begin() + static_cast<long>(space),
                                                [](char c) { return c >= '0' && c <= '9'; })) {
    last = last.substr(space + 1);
  }
  return last;
}

Result<IssueOutcome> IssueCertificates(store::Store& store, const IssueRequest& request, const CertificateTemplate& tmpl) {
  MK_ASSIGN_OR_RETURN(store::SessionView session, store.GetSession(request.session_id));
  MK_ASSIGN_OR_RETURN(Statement course, store.db().Prepare(
      "SELECT c.centre_id, c.accreditation, coalesce(p.first_name, ''), coalesce(p.last_name, '') "
      "FROM sessions s JOIN courses c ON c.id = s.course_id "
      "LEFT JOIN people p ON p.id = s.trainer_id AND p.erased_at IS NULL WHERE s.id = ?1"));
  course.Bind(1, request.session_id);
  MK_ASSIGN_OR_RETURN(bool has_course, course.Step());
  if (!has_course) return NotFound("no session with id " + request.session_id);
  const std::string centre_id = course.ColumnText(0);
  const std::string accreditation = course.ColumnText(1);
  const std::string trainer = utf8::NormalizeSpaces(course.ColumnText(2) + " " + course.ColumnText(3));
  MK_ASSIGN_OR_RETURN(store::Centre centre, store.GetCentre(centre_id));
  auto zone = TimeZone::Load(centre.time_zone, platform::ZoneInfoDir());
  if (!zone.ok()) return zone.status().WithContext("the time zone of centre '" + centre.name + "'");

  MK_ASSIGN_OR_RETURN(Statement people, store.db().Prepare(
      "SELECT p.id, p.first_name, p.last_name, p.school, p.erased_at, "
      "a.status, a.checked_in_at, a.left_at, (a.person_id IS NOT NULL) "
      "FROM enrolments e JOIN people p ON p.id = e.person_id "
      "LEFT JOIN attendance a ON a.session_id = e.session_id AND a.person_id = e.person_id "
      "WHERE e.session_id = ?1 AND (?2 = '' OR p.id = ?2) ORDER BY p.last_name, p.first_name, p.id"));
  people.Bind(1, request.session_id).Bind(2, request.person_id.value_or(""));
  std::vector<Row> rows;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, people.Step());
    if (!row) break;
    Row r;
    r.person.id = people.ColumnText(0);
    r.person.first_name = people.ColumnText(1);
    r.person.last_name = people.ColumnText(2);
    r.person.school = people.ColumnText(3);
    r.person.erased_at = people.ColumnOptionalInt(4);
    if (people.ColumnInt(8) != 0) {
      store::Attendance a;
      a.status = store::ParseAttendanceStatus(people.ColumnText(5)).value_or(store::AttendanceStatus::kPresent);
      a.checked_in_at = people.ColumnOptionalInt(6);
      a.left_at = people.ColumnOptionalInt(7);
      r.attendance = a;
    }
    rows.push_back(std::move(r));
  }
  if (request.person_id && rows.empty()) {
    return NotFound("the person " + *request.person_id + " is not enrolled in the session '" + session.course_title + "'");
  }

  IssueOutcome out;
  const double full_hours = static_cast<double>(session.session.ends_at - session.session.starts_at) / 3600000.0;
  for (const Row& r : rows) {
    const std::string name = utf8::NormalizeSpaces(r.person.first_name + " " + r.person.last_name);
    if (r.person.erased_at) {
      out.refused.push_back({r.person.id, "", "this person has been erased: no certificate", RefusalKind::kErased});
      continue;
    }
    if (!r.attendance) {
      out.refused.push_back({r.person.id, name, "no attendance recorded (did not check in)", RefusalKind::kNoAttendance});
      continue;
    }
    if (r.attendance->status == store::AttendanceStatus::kAbsent ||
        r.attendance->status == store::AttendanceStatus::kExcused) {
      out.refused.push_back({r.person.id, name,
                             std::string("marked ") + std::string(store::ToCode(r.attendance->status)) + " by the trainer",
                             r.attendance->status == store::AttendanceStatus::kAbsent ? RefusalKind::kAbsent
                                                                                      : RefusalKind::kExcused});
      continue;
    }
    const AttendedTime t = ComputeAttendedTime(session.session, *r.attendance);
    const double share = t.session_ms > 0 ? static_cast<double>(t.attended_ms) / static_cast<double>(t.session_ms) : 0;
    if (t.attended_ms <= 0 || share + 1e-9 < centre.min_attendance_share) {
      Refusal below{r.person.id, name,
                    "attended " + HoursText(CertifiedHours(t.attended_ms)) + " of " + HoursText(CertifiedHours(t.session_ms)) +
                        " hours (" + Percent(share) + "), below the centre's minimum of " +
                        Percent(centre.min_attendance_share),
                    RefusalKind::kBelowMinimum};
      below.attended_hours = CertifiedHours(t.attended_ms);
      below.session_hours = CertifiedHours(t.session_ms);
      below.share_percent = static_cast<int>(std::floor(share * 100 + 1e-9));
      below.minimum_percent = static_cast<int>(std::floor(centre.min_attendance_share * 100 + 1e-9));
      out.refused.push_back(std::move(below));
      continue;
    }
    CertificateData d;
    d.person_id = r.person.id;
    d.first_name = r.person.first_name;
    d.last_name = r.person.last_name;
    d.school = r.person.school;
    d.session_id = session.session.id;
    d.course_title = session.course_title;
    d.accreditation = accreditation;
    d.starts_at = session.session.starts_at;
    d.ends_at = session.session.ends_at;
    d.centre_name = centre.name;
    d.place = PlaceFromAddress(centre.address);
    d.time_zone = centre.time_zone;
    d.trainer_name = trainer;
    d.hours = CertifiedHours(t.attended_ms);
    d.full_hours = full_hours;
    d.late_arrival = t.late_arrival;
    d.early_leave = t.early_leave;
    std::vector<std::string> notes;
    if (t.late_arrival) notes.push_back(tmpl.Fill("note_late", {{"time", Clock(*zone, *t.late_arrival)}}));
    if (t.early_leave) notes.push_back(tmpl.Fill("note_early", {{"time", Clock(*zone, *t.early_leave)}}));
    if (!notes.empty()) {
      notes.push_back(tmpl.Fill("note_reduced", {{"full", FormatHours(CertifiedHours(t.session_ms),
                                                                       tmpl.Fill("decimal_separator"))}}));
    }
    for (const std::string& n : notes) d.note += (d.note.empty() ? "" : " ") + n;
    out.issued.push_back(std::move(d));
  }

  const Status written = store.Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Statement find, ctx.db.Prepare(
        "SELECT verification_code, issued_at FROM certificates WHERE session_id = ?1 AND person_id = ?2 "
        "ORDER BY issued_at, id LIMIT 1"));
    MK_ASSIGN_OR_RETURN(Statement taken, ctx.db.Prepare("SELECT 1 FROM certificates WHERE verification_code = ?1"));
    MK_ASSIGN_OR_RETURN(Statement ins, ctx.db.Prepare(
        "INSERT INTO certificates(id, session_id, person_id, hours_attended, language, verification_code, issued_at, note) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    for (CertificateData& d : out.issued) {
      MK_RETURN_IF_ERROR(find.Reset());
      find.Bind(1, d.session_id).Bind(2, d.person_id);
      MK_ASSIGN_OR_RETURN(bool existing, find.Step());
      if (existing) {
        d.verification_code = find.ColumnText(0);
        d.issued_at = find.ColumnInt(1);
        d.reissued = true;
        continue;
      }
      // 31^10 codes: a clash is next to impossible, but a code must never name two certificates.
      for (int attempt = 0; attempt < 8 && d.verification_code.empty(); ++attempt) {
        const std::string code = NewCode();
        MK_RETURN_IF_ERROR(taken.Reset());
        taken.Bind(1, code);
        MK_ASSIGN_OR_RETURN(bool clash, taken.Step());
        if (!clash) d.verification_code = code;
      }
      if (d.verification_code.empty()) return Internal("could not find an unused verification code");
      d.issued_at = ctx.now_ms;
      MK_RETURN_IF_ERROR(ins.Reset());
      ins.Bind(1, ctx.NewId()).Bind(2, d.session_id).Bind(3, d.person_id).Bind(4, d.hours).Bind(5, tmpl.language)
          .Bind(6, d.verification_code).Bind(7, d.issued_at).Bind(8, d.note);
      MK_RETURN_IF_ERROR(ins.Run().WithContext("recording the certificate"));
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return out;
}

}  // namespace mk::certificates
