// A trainer's roster decision wins over a kiosk's check-in after sync through a real server
// process, in either order; a session's close travels too.
#include <catch2/catch.hpp>

#include "engine_fixture.h"
#include "sync/store/roster.h"

namespace mk::engine_test {
namespace {

struct Centre {
  SyncServer server;
  Device kiosk{server};
  Device trainer{server};
  std::string session;
  std::string anna;

  Centre() {
    session = kiosk.AddRunningSession("Magnetismus nach Ørsted");
    anna = kiosk.AddPerson("Anna", "Müller");
    Status s = kiosk.store().Write([&](store::WriteContext& ctx) -> Status {
      return store::InsertEnrolment(ctx, session, anna, store::EnrolmentSource::kImport).status();
    });
    REQUIRE(s.ok());
    kiosk.CloseStore();
    Sync(kiosk);
    Sync(trainer);  // the trainer's tablet knows the session and Anna
  }

  static void Sync(Device& d) {
    d.CloseStore();
    auto r = d.Cli({"sync"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }

  // Anna's attendance on a device as "status by" (e.g. "excused trainer").
  static std::string AnnaOn(Device& d) {
    return std::to_string(d.Count("SELECT count(*) FROM attendance")) + " " +
           std::to_string(d.Count("SELECT count(*) FROM attendance WHERE status = 'excused' AND status_by = 'trainer'")) +
           " " + std::to_string(d.Count("SELECT count(*) FROM attendance WHERE checked_in_at IS NOT NULL"));
  }

  void Mark(const char* status) {
    trainer.CloseStore();
    auto r = trainer.Cli({"mark", "--session", session, "--person", anna, "--status", status});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }

  void ExpectExcusedByTrainerEverywhere() {
    // One record, excused by the trainer, and the kiosk's arrival kept, on both devices and the server.
    CHECK(AnnaOn(kiosk) == "1 1 1");
    CHECK(AnnaOn(trainer) == "1 1 1");
    CHECK(server.Count("SELECT count(*) FROM attendance") == 1);
    CHECK(server.Count("SELECT count(*) FROM attendance WHERE status = 'excused' AND status_by = 'trainer' "
                       "AND checked_in_at IS NOT NULL") == 1);
    CHECK(kiosk.Hash() == trainer.Hash());
    CHECK(kiosk.Hash() == server.Hash());
    // The roster shows it so on the kiosk, too.
    kiosk.CloseStore();
    auto roster = kiosk.Cli({"roster", "--session", session});
    INFO(roster.err);
    REQUIRE(roster.exit_code == 0);
    CHECK_THAT(roster.out, Catch::StartsWith(anna + "\texcused\ttrainer\t"));
  }
};

TEST_CASE("A trainer's decision made after a kiosk check-in wins on every device after sync", "[engine][roster]") {
  Centre c;
  // The kiosk checks Anna in (present); the trainer, offline and unaware, marks her excused.
  c.kiosk.CheckIn(c.session, c.anna);
  c.kiosk.CloseStore();
  c.Mark("excused");
  Centre::Sync(c.kiosk);
  Centre::Sync(c.trainer);
  Centre::Sync(c.kiosk);
  c.ExpectExcusedByTrainerEverywhere();
}

TEST_CASE("A kiosk check-in arriving after the trainer's decision does not overturn it", "[engine][roster]") {
  Centre c;
  // The trainer decides first and syncs; the kiosk, not synced since, checks Anna in later.
  c.Mark("excused");
  Centre::Sync(c.trainer);
  c.kiosk.CheckIn(c.session, c.anna);
  c.kiosk.CloseStore();
  CHECK(c.kiosk.Count("SELECT count(*) FROM attendance WHERE status IN ('present', 'late') AND status_by = 'kiosk'") == 1);
  Centre::Sync(c.kiosk);
  Centre::Sync(c.trainer);
  c.ExpectExcusedByTrainerEverywhere();
}

TEST_CASE("Closing a session on the trainer's device reaches the kiosk with the absences", "[engine][roster]") {
  Centre c;
  c.trainer.CloseStore();
  auto closed = c.trainer.Cli({"close", "--session", c.session});
  INFO(closed.out << closed.err);
  REQUIRE(closed.exit_code == 0);
  CHECK_THAT(closed.out, Catch::Contains("1 people not marked were recorded as absent"));
  Centre::Sync(c.trainer);
  Centre::Sync(c.kiosk);
  CHECK(c.kiosk.Count("SELECT count(*) FROM sessions WHERE closed_at IS NOT NULL") == 1);
  CHECK(c.kiosk.Count("SELECT count(*) FROM attendance WHERE status = 'absent' AND status_by = 'trainer'") == 1);
  CHECK(c.kiosk.Hash() == c.server.Hash());
}

TEST_CASE("An undone decision is undone on every device after sync, also when it had gone up already",
          "[engine][roster]") {
  Centre c;
  const std::string lukasz = c.kiosk.AddPerson("Łukasz", "Nowak");
  Status enrolled = c.kiosk.store().Write([&](store::WriteContext& ctx) -> Status {
    return store::InsertEnrolment(ctx, c.session, lukasz, store::EnrolmentSource::kImport).status();
  });
  REQUIRE(enrolled.ok());
  c.kiosk.CheckIn(c.session, c.anna);  // Anna came (a kiosk's status); Łukasz is not marked
  Centre::Sync(c.kiosk);
  Centre::Sync(c.trainer);

  // The trainer marks both by mistake; the decisions reach the server and the kiosk.
  auto anna_excused = store::MarkStatus(c.trainer.store(), c.session, c.anna, store::AttendanceStatus::kExcused);
  auto lukasz_present = store::MarkStatus(c.trainer.store(), c.session, lukasz, store::AttendanceStatus::kPresent);
  REQUIRE(anna_excused.ok());
  REQUIRE(lukasz_present.ok());
  Centre::Sync(c.trainer);
  Centre::Sync(c.kiosk);
  CHECK(c.kiosk.Count("SELECT count(*) FROM attendance WHERE status_by = 'trainer'") == 2);

  // ...and undoes both: back to the kiosk's status and to not marked, everywhere.
  REQUIRE(store::UndoEdit(c.trainer.store(), *lukasz_present).ok());
  REQUIRE(store::UndoEdit(c.trainer.store(), *anna_excused).ok());
  Centre::Sync(c.trainer);
  Centre::Sync(c.kiosk);
  for (Device* d : {&c.kiosk, &c.trainer}) {
    CHECK(d->Count("SELECT count(*) FROM attendance WHERE status_by = 'trainer'") == 0);
    CHECK(d->Count("SELECT count(*) FROM attendance WHERE status IN ('present', 'late') AND checked_in_at IS NOT NULL") == 1);
    CHECK(d->Count("SELECT count(*) FROM attendance WHERE status = 'absent' AND checked_in_at IS NULL") == 1);
  }
  CHECK(c.server.Count("SELECT count(*) FROM attendance WHERE status_by = 'trainer'") == 0);
  CHECK(c.kiosk.Hash() == c.trainer.Hash());
  CHECK(c.kiosk.Hash() == c.server.Hash());

  // A device that syncs for the first time gets the same roster...
  Device tablet(c.server);
  Centre::Sync(tablet);
  CHECK(tablet.Hash() == c.server.Hash());
  // ...while a kiosk check-in after the undo counts as usual.
  c.kiosk.CheckIn(c.session, lukasz);
  Centre::Sync(c.kiosk);
  Centre::Sync(c.trainer);
  CHECK(c.trainer.Count("SELECT count(*) FROM attendance WHERE status IN ('present', 'late') AND status_by = 'kiosk'") == 2);
  CHECK(c.kiosk.Hash() == c.trainer.Hash());
}

TEST_CASE("A decision made offline before another device's undo stays withdrawn, in any order of sync",
          "[engine][roster]") {
  Centre c;
  Device tablet(c.server);
  Centre::Sync(tablet);
  // The tablet, offline, marks Anna absent first; later the trainer marks her present and undoes it.
  auto absent = store::MarkStatus(tablet.store(), c.session, c.anna, store::AttendanceStatus::kAbsent);
  REQUIRE(absent.ok());
  tablet.CloseStore();
  auto present = store::MarkStatus(c.trainer.store(), c.session, c.anna, store::AttendanceStatus::kPresent);
  REQUIRE(present.ok());
  REQUIRE(store::UndoEdit(c.trainer.store(), *present).ok());
  c.trainer.CloseStore();
  SECTION("the undo reaches the server first") {
    Centre::Sync(c.trainer);
    Centre::Sync(tablet);
  }
  SECTION("the older decision reaches the server first") {
    Centre::Sync(tablet);
    Centre::Sync(c.trainer);
  }
  Centre::Sync(tablet);
  Centre::Sync(c.kiosk);
  // The undo is the latest word: nobody's decision stands, Anna is not marked on every device.
  for (Device* d : {&c.kiosk, &c.trainer, &tablet}) {
    CHECK(d->Count("SELECT count(*) FROM attendance WHERE status_by = 'kiosk' AND checked_in_at IS NULL") == 1);
  }
  CHECK(c.kiosk.Hash() == c.trainer.Hash());
  CHECK(tablet.Hash() == c.server.Hash());
  CHECK(c.kiosk.Hash() == c.server.Hash());
}

TEST_CASE("The roster commands refuse bad input with a clear message and change nothing", "[engine][roster]") {
  Centre c;
  Device& d = c.trainer;
  d.CloseStore();
  const std::string before = d.Hash();
  auto bad_status = d.Cli({"mark", "--session", c.session, "--person", c.anna, "--status", "krank"});
  CHECK(bad_status.exit_code == 2);
  CHECK_THAT(bad_status.err, Catch::Contains("--status takes present, late, excused or absent"));
  auto bad_time = d.Cli({"mark", "--session", c.session, "--person", c.anna, "--status", "present", "--left-at", "25:00"});
  CHECK(bad_time.exit_code == 2);
  CHECK_THAT(bad_time.err, Catch::Contains("write it as HH:MM"));
  auto outside = d.Cli({"mark", "--session", c.session, "--person", c.anna, "--status", "present", "--left-at", "00:00"});  // before the start (a session begun 30 min ago)
  CHECK(outside.exit_code == 1);
  CHECK_THAT(outside.err, Catch::Contains("inside the session"));
  auto nothing = d.Cli({"mark", "--session", c.session, "--person", c.anna});
  CHECK(nothing.exit_code == 2);
  auto teacher_pin = d.Cli({"trainer", "pin", "set", "--person", c.anna});
  CHECK(teacher_pin.exit_code == 1);
  CHECK_THAT(teacher_pin.err, Catch::Contains("is a teacher, not a trainer"));
  auto no_session = d.Cli({"roster", "--session", "0000-no-such-session"});
  CHECK(no_session.exit_code == 1);
  CHECK(d.Hash() == before);  // all or nothing: the status of the refused --left-at was not written either

  auto ok = d.Cli({"mark", "--session", c.session, "--person", c.anna, "--status", "excused", "--note", "Zug fällt aus"});
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  auto roster = d.Cli({"roster", "--session", c.session});
  CHECK_THAT(roster.out, Catch::Contains("\texcused\ttrainer\t"));
  CHECK_THAT(roster.out, Catch::Contains("Müller\tAnna\t"));
  CHECK_THAT(roster.out, Catch::Contains("Zug fällt aus"));
  CHECK_THAT(roster.out, Catch::Contains("#\texpected 1\twalk_ins 0\tpresent 0\tlate 0\texcused 1"));
}

}  // namespace
}  // namespace mk::engine_test
