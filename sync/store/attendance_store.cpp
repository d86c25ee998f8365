// Enrolments and attendance: the durable check-in and the attendance report.
#include "store.h"

namespace mk::store {
namespace {

constexpr const char* kAttendanceColumns =
    "session_id, person_id, status, checked_in_at, method, device_id, left_at, note";

Attendance AttendanceFromRow(const Statement& st, int first) {
  Attendance a;
  a.session_id = st.ColumnText(first + 0);
  a.person_id = st.ColumnText(first + 1);
  a.status = ParseAttendanceStatus(st.ColumnText(first + 2)).value_or(AttendanceStatus::kPresent);
  a.checked_in_at = st.ColumnOptionalInt(first + 3);
  a.method = ParseCheckInMethod(st.ColumnText(first + 4)).value_or(CheckInMethod::kKioskSearch);
  a.device_id = st.ColumnText(first + 5);
  a.left_at = st.ColumnOptionalInt(first + 6);
  a.note = st.ColumnText(first + 7);
  return a;
}

Result<std::optional<Attendance>> ReadAttendance(Database& db, const std::string& session_id,
                                                 const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kAttendanceColumns +
                                               " FROM attendance WHERE session_id = ?1 AND person_id = ?2"));
  st.Bind(1, session_id).Bind(2, person_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Attendance>();
  return std::optional<Attendance>(AttendanceFromRow(st, 0));
}

std::string Minutes(int64_t ms) { return std::to_string(ms / 60000); }

}  // namespace

Result<bool> InsertEnrolment(WriteContext& ctx, const std::string& session_id, const std::string& person_id,
                             EnrolmentSource source) {
  MK_ASSIGN_OR_RETURN(Statement* st, ctx.db.Cached(
      "INSERT OR IGNORE INTO enrolments(session_id, person_id, source, created_at) VALUES (?1, ?2, ?3, ?4)"));
  st->Bind(1, session_id).Bind(2, person_id).Bind(3, ToCode(source)).Bind(4, ctx.now_ms);
  MK_RETURN_IF_ERROR(st->Run().WithContext("enrolling a person"));
  return ctx.db.Changes() > 0;
}

Result<CheckInResult> Store::CheckIn(const CheckInRequest& request) {
  CheckInResult result;
  Status s = Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(result, CheckInWithin(ctx, request));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return result;
}

Result<CheckInResult> CheckInWithin(WriteContext& ctx, const CheckInRequest& request) {
  CheckInResult result;
  Status s = [&]() -> Status {
    MK_ASSIGN_OR_RETURN(SessionView session, ReadSession(ctx.db, request.session_id));
    MK_ASSIGN_OR_RETURN(Person person, ReadPerson(ctx.db, request.person_id));
    if (person.erased_at) return NotFound("no person with id " + request.person_id);
    MK_ASSIGN_OR_RETURN(Statement centre_of, ctx.db.Prepare("SELECT centre_id FROM courses WHERE id = ?1"));
    centre_of.Bind(1, session.session.course_id);
    MK_ASSIGN_OR_RETURN(bool has_course, centre_of.Step());
    if (!has_course || centre_of.ColumnText(0) != person.centre_id) {
      return FailedPrecondition("this person belongs to another centre than the session");
    }
    MK_ASSIGN_OR_RETURN(Centre centre, ReadCentre(ctx.db, person.centre_id));

    MK_ASSIGN_OR_RETURN(std::optional<Attendance> existing, ReadAttendance(ctx.db, request.session_id, request.person_id));
    if (existing && existing->checked_in_at) {
      result.attendance = *existing;
      result.already_checked_in = true;
      return Status::Ok();
    }
    const int64_t now = ctx.now_ms;
    if (now >= session.session.ends_at) {
      return FailedPrecondition("the session '" + session.course_title + "' has already ended");
    }
    if (now < session.session.starts_at - request.opens_before_start_ms) {
      return FailedPrecondition("check-in for '" + session.course_title + "' opens " +
                                Minutes(request.opens_before_start_ms) + " minutes before it starts");
    }
    const EnrolmentSource source =
        request.method == CheckInMethod::kWalkIn ? EnrolmentSource::kWalkIn : EnrolmentSource::kManual;
    MK_ASSIGN_OR_RETURN(result.enrolled_now, InsertEnrolment(ctx, request.session_id, request.person_id, source));

    Attendance a;
    a.session_id = request.session_id;
    a.person_id = request.person_id;
    a.status = now > session.session.starts_at + int64_t{centre.late_after_minutes} * 60000 ? AttendanceStatus::kLate
                                                                                             : AttendanceStatus::kPresent;
    a.checked_in_at = now;
    a.method = request.method;
    a.device_id = ctx.device_id;
    if (existing) {
      // A trainer marked the person (e.g. excused or absent) before they arrived: the arrival
      // is recorded, the trainer's note is kept.
      a.note = existing->note;
      a.left_at = existing->left_at;
    }
    // Prepared once per connection: preparing a write of a replicated table also compiles the
    // change-capture triggers. A trainer's decision on the record stands (the sync merge rule).
    MK_ASSIGN_OR_RETURN(Statement* st, ctx.db.Cached(
        "INSERT INTO attendance(session_id, person_id, status, checked_in_at, method, device_id, left_at, note, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT(session_id, person_id) DO UPDATE SET "
        "status = CASE WHEN attendance.status_by = 'trainer' THEN attendance.status ELSE excluded.status END, "
        "checked_in_at = excluded.checked_in_at, "
        "method = excluded.method, device_id = excluded.device_id, updated_at = excluded.updated_at"));
    st->Bind(1, a.session_id).Bind(2, a.person_id).Bind(3, ToCode(a.status)).Bind(4, a.checked_in_at)
        .Bind(5, ToCode(a.method)).Bind(6, a.device_id).Bind(7, a.left_at).Bind(8, a.note).Bind(9, now);
    MK_RETURN_IF_ERROR(st->Run().WithContext("recording the check-in"));
    result.attendance = a;
    return Status::Ok();
  }();
  if (!s.ok()) return s;
  return result;
}

Result<std::optional<Attendance>> Store::GetAttendance(const std::string& session_id, const std::string& person_id) {
  return ReadAttendance(db_, session_id, person_id);
}

Result<std::vector<AttendanceRow>> Store::AttendanceReport(const std::string& centre_id, const std::string& session_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db_.Prepare(
      "SELECT s.id, s.course_id, s.starts_at, s.ends_at, s.room, c.title, c.code, "
      "p.id, p.first_name, p.last_name, p.school, p.email, p.participant_code, "
      "a.session_id, a.person_id, a.status, a.checked_in_at, a.method, a.device_id, a.left_at, a.note "
      "FROM enrolments e JOIN sessions s ON s.id = e.session_id JOIN courses c ON c.id = s.course_id "
      "JOIN people p ON p.id = e.person_id "
      "LEFT JOIN attendance a ON a.session_id = e.session_id AND a.person_id = e.person_id "
      "WHERE c.centre_id = ?1 AND (?2 = '' OR s.id = ?2) AND p.erased_at IS NULL "
      "ORDER BY s.starts_at, s.id, p.last_name, p.first_name, p.id"));
  st.Bind(1, centre_id).Bind(2, session_id);
  std::vector<AttendanceRow> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    AttendanceRow r;
    r.session.session.id = st.ColumnText(0);
    r.session.session.course_id = st.ColumnText(1);
    r.session.session.starts_at = st.ColumnInt(2);
    r.session.session.ends_at = st.ColumnInt(3);
    r.session.session.room = st.ColumnText(4);
    r.session.course_title = st.ColumnText(5);
    r.session.course_code = st.ColumnText(6);
    r.person.id = st.ColumnText(7);
    r.person.first_name = st.ColumnText(8);
    r.person.last_name = st.ColumnText(9);
    r.person.school = st.ColumnText(10);
    r.person.email = st.ColumnOptionalText(11);
    r.person.participant_code = st.ColumnText(12);
    if (!st.ColumnIsNull(13)) r.attendance = AttendanceFromRow(st, 13);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace mk::store
