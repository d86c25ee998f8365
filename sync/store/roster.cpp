// The trainer's roster: reads, status decisions, notes, early leave, undo, close and reopen.
#include "roster.h"

#include "sync/common/utf8.h"

namespace mk::store {
namespace {

constexpr const char* kRecordColumns =
    "a.session_id, a.person_id, a.status, a.checked_in_at, a.method, a.device_id, a.left_at, a.note, "
    "a.status_by, a.updated_at";

AttendanceRecord RecordFromRow(const Statement& st, int first) {
  AttendanceRecord r;
  Attendance& a = r.attendance;
  a.session_id = st.ColumnText(first + 0);
  a.person_id = st.ColumnText(first + 1);
  a.status = ParseAttendanceStatus(st.ColumnText(first + 2)).value_or(AttendanceStatus::kAbsent);
  a.checked_in_at = st.ColumnOptionalInt(first + 3);
  a.method = ParseCheckInMethod(st.ColumnText(first + 4)).value_or(CheckInMethod::kTrainer);
  a.device_id = st.ColumnText(first + 5);
  a.left_at = st.ColumnOptionalInt(first + 6);
  a.note = st.ColumnText(first + 7);
  r.by_trainer = st.ColumnText(first + 8) == "trainer";
  r.updated_at = st.ColumnInt(first + 9);
  return r;
}

// A row nobody has decided on: no check-in, no trainer decision (an undone first mark). Stored
// as 'absent' by 'kiosk' without a check-in, which the merge takes as the withdrawal of the
// trainer's decision (sync_tables.h, IsAttendanceWithdrawal): any later check-in or decision
// wins over it, older decisions do not come back.
bool IsUnmarked(const AttendanceRecord& r) { return !r.by_trainer && !r.attendance.checked_in_at; }

RosterStatus StatusOf(const std::optional<AttendanceRecord>& r) {
  if (!r || IsUnmarked(*r)) return RosterStatus::kNotMarked;
  switch (r->attendance.status) {
    case AttendanceStatus::kPresent: return RosterStatus::kPresent;
    case AttendanceStatus::kLate: return RosterStatus::kLate;
    case AttendanceStatus::kExcused: return RosterStatus::kExcused;
    case AttendanceStatus::kAbsent: return RosterStatus::kAbsent;
  }
  return RosterStatus::kNotMarked;
}

Result<std::optional<AttendanceRecord>> ReadRecord(Database& db, const std::string& session_id,
                                                   const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kRecordColumns +
                                               " FROM attendance a WHERE a.session_id = ?1 AND a.person_id = ?2"));
  st.Bind(1, session_id).Bind(2, person_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<AttendanceRecord>();
  return std::optional<AttendanceRecord>(RecordFromRow(st, 0));
}

Result<TrainerSession> ReadTrainerSessionIn(Database& db, const std::string& session_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT s.id, s.course_id, s.starts_at, s.ends_at, s.room, c.title, c.code, coalesce(s.trainer_id, ''), "
      "s.closed_at, ce.close_marks_absent FROM sessions s JOIN courses c ON c.id = s.course_id "
      "JOIN centres ce ON ce.id = c.centre_id WHERE s.id = ?1"));
  st.Bind(1, session_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("no session with id " + session_id);
  TrainerSession t;
  t.view.session.id = st.ColumnText(0);
  t.view.session.course_id = st.ColumnText(1);
  t.view.session.starts_at = st.ColumnInt(2);
  t.view.session.ends_at = st.ColumnInt(3);
  t.view.session.room = st.ColumnText(4);
  t.view.course_title = st.ColumnText(5);
  t.view.course_code = st.ColumnText(6);
  t.trainer_id = st.ColumnText(7);
  t.closed_at = st.ColumnOptionalInt(8);
  t.close_marks_absent = st.ColumnInt(9) == 1;
  return t;
}

// Checks what every edit of one person's row needs and returns the row as it is.
Result<std::optional<AttendanceRecord>> PrepareEdit(WriteContext& ctx, const std::string& session_id,
                                                    const std::string& person_id, TrainerSession* session_out) {
  MK_ASSIGN_OR_RETURN(TrainerSession session, ReadTrainerSessionIn(ctx.db, session_id));
  if (session.closed_at) {
    return FailedPrecondition("the session '" + session.view.course_title +
                              "' is closed; reopen it to change the roster");
  }
  MK_ASSIGN_OR_RETURN(Person person, ReadPerson(ctx.db, person_id));
  if (person.erased_at) return FailedPrecondition("this person has been erased; the roster keeps no data about them");
  MK_ASSIGN_OR_RETURN(bool enrolled, [&]() -> Result<bool> {
    MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare("SELECT 1 FROM enrolments WHERE session_id = ?1 AND person_id = ?2"));
    st.Bind(1, session_id).Bind(2, person_id);
    return st.Step();
  }());
  if (!enrolled) {
    return FailedPrecondition(person.first_name + " " + person.last_name + " is not on the roster of '" +
                              session.view.course_title + "'; check them in at the kiosk or register them as a walk-in");
  }
  if (session_out) *session_out = session;
  return ReadRecord(ctx.db, session_id, person_id);
}

// Writes the whole row (insert or replace of every column) so the row is exactly `r`.
Status WriteRecord(WriteContext& ctx, const AttendanceRecord& r) {
  const Attendance& a = r.attendance;
  MK_ASSIGN_OR_RETURN(Statement* st, ctx.db.Cached(
      "INSERT INTO attendance(session_id, person_id, status, checked_in_at, method, device_id, left_at, note, "
      "status_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
      "ON CONFLICT(session_id, person_id) DO UPDATE SET status = excluded.status, "
      "checked_in_at = excluded.checked_in_at, method = excluded.method, device_id = excluded.device_id, "
      "left_at = excluded.left_at, note = excluded.note, status_by = excluded.status_by, "
      "updated_at = excluded.updated_at"));
  st->Bind(1, a.session_id).Bind(2, a.person_id).Bind(3, ToCode(a.status)).Bind(4, a.checked_in_at)
      .Bind(5, ToCode(a.method)).Bind(6, a.device_id).Bind(7, a.left_at).Bind(8, a.note)
      .Bind(9, r.by_trainer ? "trainer" : "kiosk").Bind(10, r.updated_at);
  return st->Run().WithContext("writing the attendance record");
}

// The row a first edit of a person without a record starts from: not marked.
AttendanceRecord UnmarkedRecord(const WriteContext& ctx, const std::string& session_id, const std::string& person_id) {
  AttendanceRecord r;
  r.attendance.session_id = session_id;
  r.attendance.person_id = person_id;
  r.attendance.status = AttendanceStatus::kAbsent;
  r.attendance.method = CheckInMethod::kTrainer;
  r.attendance.device_id = ctx.device_id;
  r.by_trainer = false;
  r.updated_at = ctx.now_ms;
  return r;
}

// Runs one edit: `change` turns the current row (or a not-marked one) into the new row.
template <typename Fn>
Result<RosterEdit> Edit(Store& store, const std::string& session_id, const std::string& person_id, Fn&& change) {
  RosterEdit edit;
  Status s = store.Write([&](WriteContext& ctx) -> Status {
    TrainerSession session;
    MK_ASSIGN_OR_RETURN(edit.before, PrepareEdit(ctx, session_id, person_id, &session));
    AttendanceRecord next = edit.before ? *edit.before : UnmarkedRecord(ctx, session_id, person_id);
    MK_RETURN_IF_ERROR(change(session, next));
    edit.session_id = session_id;
    edit.person_id = person_id;
    if (edit.before && next == *edit.before) {
      edit.after = next;
      return Status::Ok();
    }
    next.updated_at = ctx.now_ms;
    edit.after = next;
    return WriteRecord(ctx, next);
  });
  if (!s.ok()) return s;
  return edit;
}

}  // namespace

std::string_view ToCode(RosterStatus status) {
  switch (status) {
    case RosterStatus::kNotMarked: return "not_marked";
    case RosterStatus::kPresent: return "present";
    case RosterStatus::kLate: return "late";
    case RosterStatus::kExcused: return "excused";
    case RosterStatus::kAbsent: return "absent";
  }
  return "not_marked";
}

bool AttendanceRecord::operator==(const AttendanceRecord& o) const {
  const Attendance& a = attendance;
  const Attendance& b = o.attendance;
  return a.session_id == b.session_id && a.person_id == b.person_id && a.status == b.status &&
         a.checked_in_at == b.checked_in_at && a.method == b.method && a.device_id == b.device_id &&
         a.left_at == b.left_at && a.note == b.note && by_trainer == o.by_trainer;
}

Result<TrainerSession> ReadTrainerSession(Store& store, const std::string& session_id) {
  return ReadTrainerSessionIn(store.db(), session_id);
}

Result<std::vector<TrainerSession>> ListTrainerSessions(Store& store, const std::string& centre_id,
                                                        const std::string& trainer_id, UtcMs from_ms, UtcMs to_ms) {
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
      "SELECT s.id FROM sessions s JOIN courses c ON c.id = s.course_id "
      "WHERE c.centre_id = ?1 AND (?2 = '' OR s.trainer_id = ?2) AND s.starts_at >= ?3 AND s.starts_at < ?4 "
      "ORDER BY s.starts_at, c.title, s.id"));
  st.Bind(1, centre_id).Bind(2, trainer_id).Bind(3, from_ms).Bind(4, to_ms);
  std::vector<std::string> ids;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    ids.push_back(st.ColumnText(0));
  }
  std::vector<TrainerSession> out;
  for (const std::string& id : ids) {
    MK_ASSIGN_OR_RETURN(TrainerSession t, ReadTrainerSessionIn(store.db(), id));
    out.push_back(std::move(t));
  }
  return out;
}

Result<Roster> ReadRoster(Store& store, const std::string& session_id) {
  Roster roster;
  MK_ASSIGN_OR_RETURN(roster.session, ReadTrainerSessionIn(store.db(), session_id));
  MK_ASSIGN_OR_RETURN(Statement st, store.db().Prepare(
      std::string("SELECT p.id, p.first_name, p.last_name, p.school, e.source, a.person_id IS NOT NULL, ") +
      kRecordColumns +
      " FROM enrolments e JOIN people p ON p.id = e.person_id "
      "LEFT JOIN attendance a ON a.session_id = e.session_id AND a.person_id = e.person_id "
      "WHERE e.session_id = ?1 AND p.erased_at IS NULL "
      "ORDER BY p.last_name COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"));
  st.Bind(1, session_id);
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    RosterEntry e;
    e.person_id = st.ColumnText(0);
    e.first_name = st.ColumnText(1);
    e.last_name = st.ColumnText(2);
    e.school = st.ColumnText(3);
    e.walk_in = st.ColumnText(4) == "walk_in";
    if (st.ColumnInt(5) != 0) e.record = RecordFromRow(st, 6);
    e.status = StatusOf(e.record);
    RosterCounts& c = roster.counts;
    (e.walk_in ? c.walk_ins : c.expected) += 1;
    switch (e.status) {
      case RosterStatus::kNotMarked: ++c.not_marked; break;
      case RosterStatus::kPresent: ++c.present; break;
      case RosterStatus::kLate: ++c.late; break;
      case RosterStatus::kExcused: ++c.excused; break;
      case RosterStatus::kAbsent: ++c.absent; break;
    }
    roster.entries.push_back(std::move(e));
  }
  return roster;
}

Result<RosterEdit> ChangeRoster(Store& store, const std::string& session_id, const std::string& person_id,
                                const RosterChange& change) {
  std::string note;
  if (change.note) {
    note = utf8::NormalizeSpaces(*change.note);
    if (std::string problem = utf8::ProblemWithText(note, kMaxNoteChars); !problem.empty()) {
      return InvalidArgument("note: " + problem);
    }
  }
  return Edit(store, session_id, person_id, [&](const TrainerSession& session, AttendanceRecord& r) -> Status {
    if (change.status) {
      r.attendance.status = *change.status;
      r.by_trainer = true;
      // Who is not there has not left early.
      if (*change.status == AttendanceStatus::kExcused || *change.status == AttendanceStatus::kAbsent) {
        r.attendance.left_at.reset();
      }
    }
    if (change.note) {
      if (StatusOf(r) == RosterStatus::kNotMarked && !change.status) {
        return FailedPrecondition("a note belongs to a decision: mark the person first (e.g. excused), then add the note");
      }
      r.attendance.note = note;
      // The trainer looked at the row: what it shows is now the trainer's decision.
      r.by_trainer = true;
    }
    if (change.set_left_at) {
      if (!change.left_at) {
        r.attendance.left_at.reset();
        return Status::Ok();
      }
      const RosterStatus status = StatusOf(r);
      if (status != RosterStatus::kPresent && status != RosterStatus::kLate) {
        return FailedPrecondition("only people who are present or late can leave early; mark them present first");
      }
      const Session& s = session.view.session;
      if (*change.left_at <= s.starts_at || *change.left_at >= s.ends_at) {
        return InvalidArgument("the time of leaving must lie inside the session (after its start, before its end)");
      }
      if (r.attendance.checked_in_at && *change.left_at <= *r.attendance.checked_in_at) {
        return InvalidArgument("the time of leaving must come after the person's check-in");
      }
      r.attendance.left_at = change.left_at;
      r.by_trainer = true;
    }
    return Status::Ok();
  });
}

Result<RosterEdit> MarkStatus(Store& store, const std::string& session_id, const std::string& person_id,
                              AttendanceStatus status) {
  RosterChange c;
  c.status = status;
  return ChangeRoster(store, session_id, person_id, c);
}

Result<RosterEdit> SetNote(Store& store, const std::string& session_id, const std::string& person_id,
                           std::string_view note) {
  RosterChange c;
  c.note = std::string(note);
  return ChangeRoster(store, session_id, person_id, c);
}

Result<RosterEdit> SetLeftAt(Store& store, const std::string& session_id, const std::string& person_id,
                             std::optional<UtcMs> left_at) {
  RosterChange c;
  c.set_left_at = true;
  c.left_at = left_at;
  return ChangeRoster(store, session_id, person_id, c);
}

Status UndoEdit(Store& store, const RosterEdit& edit) {
  return store.Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(std::optional<AttendanceRecord> now, PrepareEdit(ctx, edit.session_id, edit.person_id, nullptr));
    if (!now || !(*now == edit.after)) {
      return FailedPrecondition("this entry has changed since (on another device or by a sync); it was not undone");
    }
    AttendanceRecord back = edit.before ? *edit.before : UnmarkedRecord(ctx, edit.session_id, edit.person_id);
    if (!edit.before) {
      // Not marked again, keeping what the edit did not touch.
      back.attendance.device_id = now->attendance.device_id;
      back.attendance.method = now->attendance.method;
    }
    if (back == *now) return Status::Ok();
    back.updated_at = ctx.now_ms;
    return WriteRecord(ctx, back);
  });
}

Result<CloseResult> CloseSession(Store& store, const std::string& session_id) {
  CloseResult result;
  Status s = store.Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(TrainerSession session, ReadTrainerSessionIn(ctx.db, session_id));
    if (session.closed_at) return FailedPrecondition("the session '" + session.view.course_title + "' is closed already");
    if (ctx.now_ms < session.view.session.starts_at) {
      return FailedPrecondition("the session '" + session.view.course_title + "' has not started yet");
    }
    if (session.close_marks_absent) {
      MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
          std::string("SELECT e.person_id, a.person_id IS NOT NULL, ") + kRecordColumns +
          " FROM enrolments e JOIN people p ON p.id = e.person_id "
          "LEFT JOIN attendance a ON a.session_id = e.session_id AND a.person_id = e.person_id "
          "WHERE e.session_id = ?1 AND p.erased_at IS NULL ORDER BY e.person_id"));
      st.Bind(1, session_id);
      std::vector<AttendanceRecord> to_mark;
      for (;;) {
        MK_ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row) break;
        std::optional<AttendanceRecord> record;
        if (st.ColumnInt(1) != 0) record = RecordFromRow(st, 2);
        if (StatusOf(record) != RosterStatus::kNotMarked) continue;
        AttendanceRecord r = record ? *record : UnmarkedRecord(ctx, session_id, st.ColumnText(0));
        r.attendance.status = AttendanceStatus::kAbsent;
        r.by_trainer = true;
        r.updated_at = ctx.now_ms;
        to_mark.push_back(std::move(r));
      }
      for (const AttendanceRecord& r : to_mark) MK_RETURN_IF_ERROR(WriteRecord(ctx, r));
      result.marked_absent = static_cast<int>(to_mark.size());
    }
    MK_ASSIGN_OR_RETURN(Statement close, ctx.db.Prepare("UPDATE sessions SET closed_at = ?1, updated_at = ?1 WHERE id = ?2"));
    close.Bind(1, ctx.now_ms).Bind(2, session_id);
    MK_RETURN_IF_ERROR(close.Run().WithContext("closing the session"));
    result.closed_at = ctx.now_ms;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return result;
}

Status ReopenSession(Store& store, const std::string& session_id) {
  return store.Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(TrainerSession session, ReadTrainerSessionIn(ctx.db, session_id));
    if (!session.closed_at) return FailedPrecondition("the session '" + session.view.course_title + "' is open");
    MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare("UPDATE sessions SET closed_at = NULL, updated_at = ?1 WHERE id = ?2"));
    st.Bind(1, ctx.now_ms).Bind(2, session_id);
    return st.Run().WithContext("reopening the session");
  });
}

Result<UtcMs> ParseSessionTime(const TrainerSession& session, const TimeZone& zone, std::string_view hh_mm) {
  const std::string text = utf8::NormalizeSpaces(hh_mm);
  int hour = -1;
  int minute = -1;
  size_t colon = text.find(':');
  auto digits = [](std::string_view d, int* out) {
    if (d.empty() || d.size() > 2) return false;
    int v = 0;
    for (char c : d) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  };
  if (colon == std::string::npos || !digits(std::string_view(text).substr(0, colon), &hour) ||
      !digits(std::string_view(text).substr(colon + 1), &minute) || text.size() - colon - 1 != 2 || hour > 23 ||
      minute > 59) {
    return InvalidArgument("'" + text + "' is not a time; write it as HH:MM, e.g. 11:45");
  }
  CivilTime day = zone.ToCivil(session.view.session.starts_at / 1000);
  day.hour = hour;
  day.minute = minute;
  day.second = 0;
  return zone.FromCivil(day) * 1000;
}

}  // namespace mk::store
