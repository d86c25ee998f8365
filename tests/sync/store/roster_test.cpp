// The trainer's roster: the status state machine, counts, undo, early leave, notes, close and reopen.
#include <catch2/catch.hpp>

#include "store_fixture.h"
#include "sync/store/roster.h"
#include "sync/store/trainer_pins.h"

using namespace mk;
using mk::test::Count;
using store::AttendanceStatus;
using store::RosterStatus;

namespace {

constexpr int64_t kMinute = 60000;

void Enrol(test::StoreFixture& f, const std::string& person, store::EnrolmentSource source = store::EnrolmentSource::kImport) {
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
                   return store::InsertEnrolment(ctx, f.session_id, person, source).status();
                 }).ok());
}

store::RosterEntry EntryOf(test::StoreFixture& f, const std::string& person) {
  auto roster = store::ReadRoster(*f.store, f.session_id);
  REQUIRE(roster.ok());
  for (const store::RosterEntry& e : roster->entries) {
    if (e.person_id == person) return e;
  }
  FAIL("not on the roster");
  return {};
}

store::RosterCounts CountsOf(test::StoreFixture& f) {
  auto roster = store::ReadRoster(*f.store, f.session_id);
  REQUIRE(roster.ok());
  const store::RosterCounts& c = roster->counts;
  // The invariants of the header.
  CHECK(c.expected + c.walk_ins == static_cast<int>(roster->entries.size()));
  CHECK(c.present + c.late + c.excused + c.absent + c.not_marked == static_cast<int>(roster->entries.size()));
  return c;
}

int64_t Outbox(test::StoreFixture& f) { return Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'attendance'"); }

void SetCloseMarksAbsent(test::StoreFixture& f, bool on) {
  REQUIRE(f.store->db().Exec(std::string("UPDATE centres SET close_marks_absent = ") + (on ? "1" : "0")).ok());
}

}  // namespace

TEST_CASE("The roster lists enrolled people and walk-ins with live counts", "[store][roster]") {
  test::StoreFixture f;
  const std::string anna = f.AddPerson("Anna", "Müller");
  const std::string lukasz = f.AddPerson("Łukasz", "Nowak");
  const std::string mette = f.AddPerson("Mette", "Ørsted");
  const std::string outsider = f.AddPerson("Søren", "Ærøskøbing");
  Enrol(f, anna);
  Enrol(f, lukasz);
  Enrol(f, mette);
  (void)outsider;  // not enrolled: not on the roster

  auto roster = store::ReadRoster(*f.store, f.session_id);
  REQUIRE(roster.ok());
  REQUIRE(roster->entries.size() == 3);
  CHECK(roster->entries[0].last_name == "Müller");  // by last name
  CHECK(roster->entries[2].last_name == "Ørsted");
  store::RosterCounts c = CountsOf(f);
  CHECK(c.expected == 3);
  CHECK(c.not_marked == 3);

  f.clock.Advance(2 * kMinute);
  REQUIRE(f.store->CheckIn({f.session_id, anna, store::CheckInMethod::kKioskSearch}).ok());
  f.clock.Advance(20 * kMinute);
  REQUIRE(f.store->CheckIn({f.session_id, lukasz, store::CheckInMethod::kCode}).ok());
  store::WalkInRequest walk;
  walk.session_id = f.session_id;
  walk.person.first_name = "Zoë";
  walk.person.last_name = "Dvořák";
  walk.person.school = "Realschule Kassel";
  walk.consent = true;
  REQUIRE(f.store->RegisterWalkIn(walk).ok());

  c = CountsOf(f);
  CHECK(c.expected == 3);
  CHECK(c.walk_ins == 1);
  CHECK(c.present == 1);
  CHECK(c.late == 2);  // Łukasz and the walk-in came after 15 minutes
  CHECK(c.not_marked == 1);
  CHECK(EntryOf(f, anna).status == RosterStatus::kPresent);
  CHECK_FALSE(EntryOf(f, anna).record->by_trainer);
}

TEST_CASE("Roster statuses: every transition is a trainer decision, one row, queued for sync", "[store][roster]") {
  test::StoreFixture f;
  const std::string anna = f.AddPerson("Anna", "Müller");
  Enrol(f, anna);
  const AttendanceStatus all[] = {AttendanceStatus::kPresent, AttendanceStatus::kLate, AttendanceStatus::kExcused,
                                  AttendanceStatus::kAbsent};
  const RosterStatus shown[] = {RosterStatus::kPresent, RosterStatus::kLate, RosterStatus::kExcused, RosterStatus::kAbsent};
  for (size_t from = 0; from < 4; ++from) {
    for (size_t to = 0; to < 4; ++to) {
      REQUIRE(store::MarkStatus(*f.store, f.session_id, anna, all[from]).ok());
      const int64_t queued = Outbox(f);
      auto edit = store::MarkStatus(*f.store, f.session_id, anna, all[to]);
      REQUIRE(edit.ok());
      const store::RosterEntry e = EntryOf(f, anna);
      CHECK(e.status == shown[to]);
      REQUIRE(e.record);
      CHECK(e.record->by_trainer);
      CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance WHERE status_by = 'trainer'") == 1);
      // A change is queued by the same transaction; the same decision again writes nothing.
      CHECK(Outbox(f) == queued + (from == to ? 0 : 1));
    }
  }
  CHECK(Count(f.store->db(), "SELECT count(*) FROM attendance") == 1);
}

TEST_CASE("A trainer's decision stands against a later kiosk check-in, and the arrival is still recorded", "[store][roster]") {
  test::StoreFixture f;
  const std::string anna = f.AddPerson("Anna", "Müller");
  Enrol(f, anna);
  REQUIRE(store::MarkStatus(*f.store, f.session_id, anna, AttendanceStatus::kExcused).ok());
  f.clock.Advance(5 * kMinute);
  REQUIRE(f.store->CheckIn({f.session_id, anna, store::CheckInMethod::kKioskSearch}).ok());
  const store::RosterEntry e = EntryOf(f, anna);
  CHECK(e.status == RosterStatus::kExcused);
  CHECK(e.record->attendance.checked_in_at == test::kFixtureNowMs + 5 * kMinute);
}

TEST_CASE("Undo restores the previous row exactly, several steps back", "[store][roster]") {
  test::StoreFixture f;
  const std::string anna = f.AddPerson("Anna", "Müller");
  Enrol(f, anna);
  f.clock.Advance(3 * kMinute);
  REQUIRE(f.store->CheckIn({f.session_id, anna, store::CheckInMethod::kKioskSearch}).ok());
  const store::AttendanceRecord kiosk = *EntryOf(f, anna).record;
  CHECK_FALSE(kiosk.by_trainer);

  f.clock.Advance(kMinute);
  auto excused = store::MarkStatus(*f.store, f.session_id, anna, AttendanceStatus::kExcused);
  REQUIRE(excused.ok());
  f.clock.Advance(kMinute);
  auto note = store::SetNote(*f.store, f.session_id, anna, "  Kommt   morgen wieder ");
  REQUIRE(note.ok());
  CHECK(EntryOf(f, anna).record->attendance.note == "Kommt morgen wieder");

  REQUIRE(store::UndoEdit(*f.store, *note).ok());
  CHECK(EntryOf(f, anna).record->attendance.note.empty());
  CHECK(EntryOf(f, anna).status == RosterStatus::kExcused);
  REQUIRE(store::UndoEdit(*f.store, *excused).ok());
  const store::AttendanceRecord back = *EntryOf(f, anna).record;
  CHECK(back == kiosk);  // status, status_by 'kiosk', check-in, method, device, note, left_at
  CHECK(EntryOf(f, anna).status == RosterStatus::kPresent);
}

TEST_CASE("Undo of a first mark returns the person to not marked", "[store][roster]") {
  test::StoreFixture f;
  const std::string anna = f.AddPerson("Anna", "Müller");
  Enrol(f, anna);
  auto edit = store::MarkStatus(*f.store, f.session_id, anna, AttendanceStatus::kPresent);
  REQUIRE(edit.ok());
  CHECK_FALSE(edit->before);
  CHECK(CountsOf(f).present == 1);
  REQUIRE(store::UndoEdit(*f.store, *edit).ok());
  CHECK(EntryOf(f, anna).status == RosterStatus::kNotMarked);
  CHECK(CountsOf(f).not_marked == 1);
  // A kiosk check-in afterwards counts as usual.
  REQUIRE(f.store->CheckIn({f.session_id, anna, store::CheckInMethod::kKioskSearch}).ok());
  CHECK(EntryOf(f, anna).status == RosterStatus::kPresent);
}

TEST_CASE("Undo refuses a row that changed since, and changes nothing", "[store][roster]") {
  test::StoreFixture f;
  const std::string anna = f.AddPerson("Anna", "Müller");
  Enrol(f, anna);
  auto first = store::MarkStatus(*f.store, f.session_id, anna, AttendanceStatus::kAbsent);
  REQUIRE(first.ok());
  f.clock.Advance(kMinute);
  REQUIRE(f.store->CheckIn({f.session_id, anna, store::CheckInMethod::kKioskSearch}).ok());  // the check-in time changed the row
  const std::string before = f.Dump();
  Status undo = store::UndoEdit(*f.store, *first);
  CHECK(undo.code() == ErrorCode::kFailedPrecondition);
  CHECK_THAT(undo.message(), Catch::Contains("changed since"));
  CHECK(f.Dump() == before);
}

TEST_CASE("Early leave must lie inside the session, after the check-in, for people who are there", "[store][roster]") {
  test::StoreFixture f;  // session 09:00-12:00 Berlin
  const std::string anna = f.AddPerson("Anna", "Müller");
  const std::string mette = f.AddPerson("Mette", "Ørsted");
  Enrol(f, anna);
  Enrol(f, mette);
  const TimeZone berlin = test::Berlin();
  auto session = store::ReadTrainerSession(*f.store, f.session_id);
  REQUIRE(session.ok());
  auto at = [&](const char* hh_mm) {
    auto t = store::ParseSessionTime(*session, berlin, hh_mm);
    REQUIRE(t.ok());
    return *t;
  };
  f.clock.Advance(10 * kMinute);
  REQUIRE(f.store->CheckIn({f.session_id, anna, store::CheckInMethod::kKioskSearch}).ok());  // 09:10
  const std::string before = f.Dump();

  CHECK(store::SetLeftAt(*f.store, f.session_id, anna, at("12:30")).status().code() == ErrorCode::kInvalidArgument);
  CHECK(store::SetLeftAt(*f.store, f.session_id, anna, at("12:00")).status().code() == ErrorCode::kInvalidArgument);
  CHECK(store::SetLeftAt(*f.store, f.session_id, anna, at("08:30")).status().code() == ErrorCode::kInvalidArgument);
  auto before_checkin = store::SetLeftAt(*f.store, f.session_id, anna, at("09:05"));
  CHECK_THAT(before_checkin.status().message(), Catch::Contains("after the person's check-in"));
  // Mette is not marked: she cannot have left.
  CHECK(store::SetLeftAt(*f.store, f.session_id, mette, at("11:00")).status().code() == ErrorCode::kFailedPrecondition);
  CHECK(f.Dump() == before);  // nothing half-written

  for (const char* bad : {"11", "25:00", "11:60", "1145", "11:5", "elf Uhr", ""}) {
    INFO(bad);
    CHECK(store::ParseSessionTime(*session, berlin, bad).status().code() == ErrorCode::kInvalidArgument);
  }

  auto left = store::SetLeftAt(*f.store, f.session_id, anna, at("11:15"));
  REQUIRE(left.ok());
  CHECK(EntryOf(f, anna).record->attendance.left_at == at("11:15"));
  CHECK(at("11:15") == test::kFixtureNowMs + (2 * 60 + 15) * kMinute);  // 11:15 Berlin = 10:15 UTC
  // Excused or absent people did not leave early: marking them clears it; clearing works too.
  REQUIRE(store::MarkStatus(*f.store, f.session_id, anna, AttendanceStatus::kAbsent).ok());
  CHECK_FALSE(EntryOf(f, anna).record->attendance.left_at);
  REQUIRE(store::MarkStatus(*f.store, f.session_id, anna, AttendanceStatus::kPresent).ok());
  REQUIRE(store::SetLeftAt(*f.store, f.session_id, anna, at("11:40")).ok());
  REQUIRE(store::SetLeftAt(*f.store, f.session_id, anna, std::nullopt).ok());
  CHECK_FALSE(EntryOf(f, anna).record->attendance.left_at);
}

TEST_CASE("Notes are checked text, and nobody outside the roster can be marked", "[store][roster]") {
  test::StoreFixture f;
  const std::string anna = f.AddPerson("Anna", "Müller");
  const std::string outsider = f.AddPerson("Søren", "Ærøskøbing");
  Enrol(f, anna);
  const std::string before = f.Dump();
  CHECK(store::SetNote(*f.store, f.session_id, anna, std::string(501, 'x')).status().code() == ErrorCode::kInvalidArgument);
  CHECK(store::SetNote(*f.store, f.session_id, anna, "bad\x01note").status().code() == ErrorCode::kInvalidArgument);
  auto outside = store::MarkStatus(*f.store, f.session_id, outsider, AttendanceStatus::kPresent);
  CHECK(outside.status().code() == ErrorCode::kFailedPrecondition);
  CHECK_THAT(outside.status().message(), Catch::Contains("Søren Ærøskøbing is not on the roster"));
  CHECK(store::MarkStatus(*f.store, "no-such-session", anna, AttendanceStatus::kPresent).status().code() ==
        ErrorCode::kNotFound);
  CHECK(f.Dump() == before);

  // A note belongs to a decision: not on someone not marked, but together with one.
  CHECK(store::SetNote(*f.store, f.session_id, anna, "Ruft an").status().code() == ErrorCode::kFailedPrecondition);
  CHECK(f.Dump() == before);
  store::RosterChange change;
  change.status = AttendanceStatus::kExcused;
  change.note = "Ruft an, kommt später (Zug)";
  REQUIRE(store::ChangeRoster(*f.store, f.session_id, anna, change).ok());
  CHECK(EntryOf(f, anna).status == RosterStatus::kExcused);
  CHECK(EntryOf(f, anna).record->attendance.note == "Ruft an, kommt später (Zug)");
  // A note on a kiosk's check-in makes the row the trainer's, with the kiosk's status.
  const std::string mette = f.AddPerson("Mette", "Ørsted");
  Enrol(f, mette);
  REQUIRE(f.store->CheckIn({f.session_id, mette, store::CheckInMethod::kKioskSearch}).ok());
  REQUIRE(store::SetNote(*f.store, f.session_id, mette, "Bringt Messgeräte mit").ok());
  CHECK(EntryOf(f, mette).status == RosterStatus::kPresent);
  CHECK(EntryOf(f, mette).record->by_trainer);
}

TEST_CASE("Closing marks the unmarked absent when the centre says so, and locks the roster", "[store][roster]") {
  for (const bool marks_absent : {true, false}) {
    DYNAMIC_SECTION("close_marks_absent = " << marks_absent) {
      test::StoreFixture f;
      SetCloseMarksAbsent(f, marks_absent);
      const std::string anna = f.AddPerson("Anna", "Müller");
      const std::string lukasz = f.AddPerson("Łukasz", "Nowak");
      const std::string mette = f.AddPerson("Mette", "Ørsted");
      const std::string zoe = f.AddPerson("Zoë", "Dvořák");
      for (const std::string& p : {anna, lukasz, mette, zoe}) Enrol(f, p);
      REQUIRE(f.store->CheckIn({f.session_id, anna, store::CheckInMethod::kKioskSearch}).ok());
      REQUIRE(store::MarkStatus(*f.store, f.session_id, lukasz, AttendanceStatus::kExcused).ok());
      // A row that is not marked (a first mark, undone).
      auto mark = store::MarkStatus(*f.store, f.session_id, zoe, AttendanceStatus::kPresent);
      REQUIRE(mark.ok());
      REQUIRE(store::UndoEdit(*f.store, *mark).ok());

      f.clock.Advance(3 * 3600 * 1000);  // after the end
      auto closed = store::CloseSession(*f.store, f.session_id);
      REQUIRE(closed.ok());
      CHECK(closed->marked_absent == (marks_absent ? 2 : 0));
      auto session = store::ReadTrainerSession(*f.store, f.session_id);
      REQUIRE(session.ok());
      CHECK(session->closed_at == f.clock.NowMs());
      const store::RosterCounts c = CountsOf(f);
      CHECK(c.present == 1);
      CHECK(c.excused == 1);
      CHECK(c.absent == (marks_absent ? 2 : 0));
      CHECK(c.not_marked == (marks_absent ? 0 : 2));
      if (marks_absent) {
        CHECK(EntryOf(f, zoe).record->by_trainer);
      }
      // Closed: no edits, no second close; reopening allows edits again.
      const std::string before = f.Dump();
      auto refused = store::MarkStatus(*f.store, f.session_id, mette, AttendanceStatus::kPresent);
      CHECK(refused.status().code() == ErrorCode::kFailedPrecondition);
      CHECK_THAT(refused.status().message(), Catch::Contains("is closed"));
      CHECK(store::CloseSession(*f.store, f.session_id).status().code() == ErrorCode::kFailedPrecondition);
      CHECK(f.Dump() == before);
      REQUIRE(store::ReopenSession(*f.store, f.session_id).ok());
      CHECK_FALSE(store::ReadTrainerSession(*f.store, f.session_id)->closed_at);
      CHECK(store::MarkStatus(*f.store, f.session_id, mette, AttendanceStatus::kPresent).ok());
      CHECK(store::ReopenSession(*f.store, f.session_id).code() == ErrorCode::kFailedPrecondition);
      // The close travels: the session's closed_at change and the absences are in the outbox.
      CHECK(Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'sessions' AND fields LIKE '%closed_at%'") >= 2);
    }
  }
}

TEST_CASE("A session that has not started cannot be closed", "[store][roster]") {
  test::StoreFixture f;
  f.clock.Set(test::kFixtureNowMs - 30 * kMinute);
  auto closed = store::CloseSession(*f.store, f.session_id);
  CHECK(closed.status().code() == ErrorCode::kFailedPrecondition);
  CHECK_THAT(closed.status().message(), Catch::Contains("has not started yet"));
}

TEST_CASE("Trainers are listed without teachers, and PIN hashes are for trainers only", "[store][roster]") {
  test::StoreFixture f;
  const std::string teacher = f.AddPerson("Anna", "Müller");
  store::Person trainer;
  trainer.centre_id = f.centre_id;
  trainer.kind = store::PersonKind::kTrainer;
  trainer.first_name = "Jana";
  trainer.last_name = "Ørsted";
  std::string trainer_id;
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
                   MK_ASSIGN_OR_RETURN(trainer_id, store::InsertPerson(ctx, trainer));
                   return Status::Ok();
                 }).ok());
  auto list = store::ListTrainers(*f.store, f.centre_id);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].first_name == "Jana");
  CHECK_FALSE((*list)[0].has_pin);
  CHECK(store::SetTrainerPinHash(*f.store, teacher, "$argon2id$x").code() == ErrorCode::kFailedPrecondition);
  REQUIRE(store::SetTrainerPinHash(*f.store, trainer_id, "$argon2id$x").ok());
  CHECK((*store::ListTrainers(*f.store, f.centre_id))[0].has_pin);
  CHECK(**store::TrainerPinHash(*f.store, trainer_id) == "$argon2id$x");
  CHECK(Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'trainer_pins'") == 1);
}
