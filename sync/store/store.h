// The local store of one device: the domain of its PD centre in one SQLite file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "change_capture.h"
#include "database.h"
#include "domain.h"
#include "search_index.h"
#include "sync/common/clock.h"
#include "sync/common/uuid.h"

namespace mk::store {

// What a write needs besides the connection: the time, new ids, and who writes.
// REQUIRES for every function taking a WriteContext: a write transaction is open on `db`.
struct WriteContext {
  Database& db;
  int64_t now_ms;
  UuidGenerator& ids;
  std::string device_id;
  std::string NewId() { return ids.Next(now_ms); }
};

struct CheckInRequest {
  std::string session_id;
  std::string person_id;
  CheckInMethod method = CheckInMethod::kKioskSearch;
  // Sessions are open for check-in from this long before their start until their end.
  int64_t opens_before_start_ms = 60 * 60 * 1000;
};

struct CheckInResult {
  Attendance attendance;
  bool already_checked_in = false;  // the person had checked in before: nothing was written
  bool enrolled_now = false;        // the person was not enrolled and has been enrolled
};

// A teacher who arrives without a registration. `person.centre_id` is taken from the session.
struct WalkInRequest {
  std::string session_id;
  Person person;           // first and last name, school, subjects, optional email
  bool consent = false;    // ticked the consent text; nothing is stored without it
};

struct WalkInResult {
  std::string person_id;
  bool person_existed = false;  // a matching person was found and reused
  CheckInResult check_in;
};

// One row of the attendance export.
struct AttendanceRow {
  SessionView session;
  Person person;
  std::optional<Attendance> attendance;  // nullopt: enrolled, no record yet
};

// Thread safety: a Store is used from one thread at a time. Several Store objects (in one or
// several processes) may open the same file at once; SQLite's locking and WAL serialise the
// writers, and every write below is one IMMEDIATE transaction.
// Durability: a write function returns only after its transaction is committed with
// synchronous=FULL, so an acknowledged check-in survives SIGKILL and power loss.
class Store {
 public:
  // Opens (creating if needed) the database file and migrates it to the current schema.
  // The first open gives the device its id (UUIDv7, kept in meta.device_id). Installs change
  // capture, so every write through this Store lands in the outbox in its own transaction
  // (ChangeCapture::Mode::kClockOnly: none does; only for a Store that merges changes recorded
  // elsewhere and never writes anything of its own).
  static Result<std::unique_ptr<Store>> Open(const std::string& path, Clock* clock,
                                             ChangeCapture::Mode capture = ChangeCapture::Mode::kRecord);

  Database& db() { return db_; }
  // Records every write of a replicated table in the outbox (installed by Open).
  ChangeCapture& capture() { return *capture_; }
  const std::string& device_id() const { return device_id_; }
  Clock& clock() { return *clock_; }

  // Runs `fn` inside one write transaction with a WriteContext, committing when it returns OK
  // and rolling back otherwise.
  template <typename Fn>
  Status Write(Fn&& fn) {
    MK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db_));
    MK_RETURN_IF_ERROR(capture_->CatchUp());
    WriteContext ctx{db_, clock_->NowMs(), ids_, device_id_};
    MK_RETURN_IF_ERROR(fn(ctx));
    return tx.Commit();
  }

  // --- centres (centre_store.cpp)
  Result<std::string> AddCentre(const Centre& centre);
  Result<std::vector<Centre>> ListCentres();
  Result<Centre> GetCentre(const std::string& id);
  // The centre this device serves: the one named by meta.home_centre_id, else the only
  // centre in the store. Fails with a message saying how to set one up when there is none.
  Result<Centre> HomeCentre();
  Status SetHomeCentre(const std::string& id);

  // --- courses and sessions (course_store.cpp)
  Result<std::vector<SessionView>> ListSessions(const std::string& centre_id, int64_t from_ms, int64_t to_ms);
  Result<SessionView> GetSession(const std::string& id);

  // --- people (person_store.cpp)
  Result<Person> GetPerson(const std::string& id);
  Result<std::optional<Person>> FindByParticipantCode(const std::string& centre_id, std::string_view code);
  Result<std::vector<PersonHit>> Search(std::string_view query, const SearchOptions& options);

  // --- attendance (attendance_store.cpp)
  // Records that a person arrived. Idempotent: a second check-in of the same person for the
  // same session changes nothing and reports already_checked_in. Refuses sessions that have
  // ended or are not open yet, with the session's times in the message. A person not enrolled
  // is enrolled in the same transaction (source walk_in for walk-ins, manual otherwise).
  // The status is late when the check-in comes more than the centre's late_after_minutes
  // after the start.
  Result<CheckInResult> CheckIn(const CheckInRequest& request);
  // Registers a teacher who arrives unregistered (walk_in.cpp): creates the person (consent
  // required, consent_at set), the enrolment (source walk_in) and the attendance (method
  // walk_in) in one transaction; all or nothing. Invalid input is refused with a message that
  // starts with the field ("first name ...", "consent ..."). A person of the centre with the
  // same email (or, without email, the same name and school) is reused, not duplicated.
  Result<WalkInResult> RegisterWalkIn(const WalkInRequest& request);
  // Whether the person is enrolled in the session (enrolment_store.cpp).
  Result<bool> IsEnrolled(const std::string& session_id, const std::string& person_id);
  Result<std::optional<Attendance>> GetAttendance(const std::string& session_id, const std::string& person_id);
  // Enrolled people and their attendance, of one session or (empty id) of every session of
  // the centre, ordered by session start, last name, first name.
  Result<std::vector<AttendanceRow>> AttendanceReport(const std::string& centre_id, const std::string& session_id);

 private:
  Store(Database db, Clock* clock, std::string device_id)
      : db_(std::move(db)), clock_(clock), device_id_(std::move(device_id)) {}

  Database db_;
  std::unique_ptr<ChangeCapture> capture_;  // declared after db_: uninstalled before it closes
  Clock* clock_;
  std::string device_id_;
  UuidGenerator ids_;
};

// --- writes usable inside a larger transaction (import, demo data, sync) -------------------

Result<std::string> InsertCentre(WriteContext& ctx, const Centre& centre);
Result<std::string> InsertPartner(WriteContext& ctx, const Partner& partner);
Result<std::string> InsertCollaboration(WriteContext& ctx, const Collaboration& collaboration);
// Inserts the course and its target groups (creating the natural-key target group rows).
Result<std::string> InsertCourse(WriteContext& ctx, const Course& course);
Result<std::string> InsertSession(WriteContext& ctx, const Session& session);
// Inserts the person (a participant code is generated when empty) and indexes the name.
Result<std::string> InsertPerson(WriteContext& ctx, const Person& person);
// Enrols; returns false when the enrolment existed already.
Result<bool> InsertEnrolment(WriteContext& ctx, const std::string& session_id, const std::string& person_id,
                             EnrolmentSource source);

// Check-in inside an open write transaction (Store::CheckIn and RegisterWalkIn use it).
Result<CheckInResult> CheckInWithin(WriteContext& ctx, const CheckInRequest& request);

// Reads used by the writers above and by the importer.
Result<SessionView> ReadSession(Database& db, const std::string& id);
Result<Person> ReadPerson(Database& db, const std::string& id);
Result<Centre> ReadCentre(Database& db, const std::string& id);
Result<std::optional<std::string>> FindCourseId(Database& db, const std::string& centre_id, std::string_view code,
                                                std::string_view title);
Result<std::optional<std::string>> FindSessionId(Database& db, const std::string& course_id, int64_t starts_at);
// An existing person of the centre with this email (case-insensitive), or, where `email` is
// empty, with the same first name, last name and school (case-insensitive) and no email.
Result<std::optional<std::string>> FindPersonId(Database& db, const std::string& centre_id,
                                                const std::optional<std::string>& email, std::string_view first_name,
                                                std::string_view last_name, std::string_view school);

// Validation shared by every way a person enters the store; the message names the field.
Status ValidatePerson(const Person& person);

}  // namespace mk::store
