// The trainer's roster of one session: who is expected, who came, the trainer's decisions,
// early leave, notes, and closing the session. A library over Store with no UI (the CLI and
// the trainer screens both use it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/common/time_zone.h"
#include "sync/store/store.h"

namespace mk::store {

// What the roster shows for one person. kNotMarked: enrolled, nobody has recorded anything yet
// (no attendance row, or a row without a check-in and without a trainer decision).
enum class RosterStatus { kNotMarked, kPresent, kLate, kExcused, kAbsent };
std::string_view ToCode(RosterStatus status);  // "not_marked", "present", ...

// The attendance row exactly as stored, with the columns the roster needs besides Attendance.
struct AttendanceRecord {
  Attendance attendance;
  bool by_trainer = false;  // status_by = 'trainer'
  UtcMs updated_at = 0;
  bool operator==(const AttendanceRecord& o) const;
};

struct RosterEntry {
  std::string person_id;
  std::string first_name;
  std::string last_name;
  std::string school;
  bool walk_in = false;  // enrolled at the door (enrolment source walk_in)
  RosterStatus status = RosterStatus::kNotMarked;
  std::optional<AttendanceRecord> record;  // nullopt: no attendance row
};

// Invariant: expected + walk_ins == entries; present + late + excused + absent + not_marked ==
// entries.
struct RosterCounts {
  int expected = 0;  // enrolled before the session (import, manual)
  int walk_ins = 0;
  int present = 0;
  int late = 0;
  int excused = 0;
  int absent = 0;
  int not_marked = 0;
};

// A session as the trainer sees it.
struct TrainerSession {
  SessionView view;
  std::string trainer_id;            // empty: no trainer named
  std::optional<UtcMs> closed_at;    // set while the session is closed
  bool close_marks_absent = true;    // the centre's setting: closing records the unmarked as absent
};

struct Roster {
  TrainerSession session;
  std::vector<RosterEntry> entries;  // by last name, first name
  RosterCounts counts;
};

// One change of the roster, enough to undo it: the row before (nullopt: there was none) and
// the row the change wrote.
struct RosterEdit {
  std::string session_id;
  std::string person_id;
  std::optional<AttendanceRecord> before;
  AttendanceRecord after;
};

struct CloseResult {
  UtcMs closed_at = 0;
  int marked_absent = 0;  // unmarked people the close recorded as absent
};

// Longest note a trainer may keep about one person, in characters.
inline constexpr size_t kMaxNoteChars = 500;

// Every write below is one IMMEDIATE transaction through Store::Write, so change capture
// queues it for sync in the same transaction; on any error nothing is written.
// Edits refuse (FailedPrecondition) while the session is closed, for people not on the
// session's roster (not enrolled) and for erased people; the message says what to do.
// A trainer's status is stored with status_by = 'trainer', which the sync merge prefers over
// any kiosk check-in.
// Thread safety: as Store (one thread per Store).

// The session's roster: enrolled people (walk-ins included) with their live status.
Result<Roster> ReadRoster(Store& store, const std::string& session_id);
// The session alone (trainer, closed_at); NotFound for an unknown id.
Result<TrainerSession> ReadTrainerSession(Store& store, const std::string& session_id);
// Sessions of `trainer_id` (every trainer's with an empty id) of the centre starting in
// [from_ms, to_ms), by start.
Result<std::vector<TrainerSession>> ListTrainerSessions(Store& store, const std::string& centre_id,
                                                        const std::string& trainer_id, UtcMs from_ms, UtcMs to_ms);

// Several changes of one person's row at once (the CLI's `mark`): applied in one transaction,
// all or nothing, in the order status, note, early leave, each checked as below.
struct RosterChange {
  std::optional<AttendanceStatus> status;
  std::optional<std::string> note;
  bool set_left_at = false;          // with left_at nullopt: clears the early leave
  std::optional<UtcMs> left_at;
};
Result<RosterEdit> ChangeRoster(Store& store, const std::string& session_id, const std::string& person_id,
                                const RosterChange& change);

// Sets the person's status as the trainer's decision. Marking the status a row has already
// by the trainer writes nothing (the edit's before and after are equal).
Result<RosterEdit> MarkStatus(Store& store, const std::string& session_id, const std::string& person_id,
                              AttendanceStatus status);
// Replaces the trainer's note (trimmed; at most kMaxNoteChars characters, valid UTF-8, no
// control characters). Personal data: an erasure blanks it. Refuses people not marked yet (a
// note belongs to a decision). Like every trainer edit it makes the row the trainer's
// (status_by 'trainer', the status unchanged).
Result<RosterEdit> SetNote(Store& store, const std::string& session_id, const std::string& person_id,
                           std::string_view note);
// Records (or, with nullopt, clears) when the person left early. REQUIRES nothing of the
// caller; refuses a time outside (start, end) of the session, before the person's check-in,
// and people who are not present or late.
Result<RosterEdit> SetLeftAt(Store& store, const std::string& session_id, const std::string& person_id,
                             std::optional<UtcMs> left_at);
// Puts the row back exactly as `edit.before` was (status, status_by, note, left_at, check-in),
// or, when there was no row, back to "not marked". Back to a kiosk's status (or not marked) is a
// withdrawal of the trainer's decision, which the sync merge orders with the trainer's decisions
// (sync_tables.h): every device ends with the kiosks' status again, unless a later decision came. Refuses (FailedPrecondition) when the row is
// no longer what the edit wrote (changed since, e.g. by a sync or on another device), so an
// undo never throws away someone else's change.
Status UndoEdit(Store& store, const RosterEdit& edit);

// Closes the session (sessions.closed_at = now). When the centre's close_marks_absent is 1,
// every person still not marked becomes absent (a trainer decision), in the same transaction.
// Refuses a session that is closed already or has not started yet.
Result<CloseResult> CloseSession(Store& store, const std::string& session_id);
// Opens a closed session again for edits. The absences the close recorded stay (they are
// decisions the trainer can change one by one).
Status ReopenSession(Store& store, const std::string& session_id);

// Parses "HH:MM" (or "H:MM") as a wall-clock time in `zone` (the centre's) on the local day the
// session starts; InvalidArgument with a message a person can act on otherwise.
Result<UtcMs> ParseSessionTime(const TrainerSession& session, const TimeZone& zone, std::string_view hh_mm);

}  // namespace mk::store
