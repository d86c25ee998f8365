// Fault injection on time: a device whose clock is set a day back, or runs a year ahead, while
// it works offline and syncs. Ordering uses the hybrid clock, the wall time is kept as data, and
// the device's status says plainly when its clock is off.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "sync/common/clock.h"
#include "sync/engine/sync_engine.h"
#include "tests/sync/engine/engine_fixture.h"

namespace mk {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

void SetSchool(store::Store& store, const std::string& person_id, const std::string& school) {
  const Status written = store.Write([&](store::WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(store::Statement st, ctx.db.Prepare("UPDATE people SET school = ?1, updated_at = ?2 WHERE id = ?3"));
    st.Bind(1, school).Bind(2, ctx.now_ms).Bind(3, person_id);
    return st.Run();
  });
  INFO(written.message());
  REQUIRE(written.ok());
}

void SyncOnce(store::Store& store, const sync::SyncConfig& config) {
  sync::SyncEngine engine(store, config);
  auto report = engine.RunOnce();
  INFO((report.ok() ? std::string("ok") : report.status().message()));
  REQUIRE(report.ok());
}

std::string School(store::Store& store, const std::string& person_id) {
  auto st = store.db().Prepare("SELECT school FROM people WHERE id = ?1");
  REQUIRE(st.ok());
  st->Bind(1, person_id);
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->ColumnText(0);
}

TEST_CASE("A device clock set a day back: its later edit still wins, and its wall time stays data",
          "[faults][clock]") {
  engine_test::SyncServer server;
  engine_test::Device desk(server);
  engine_test::Device kiosk(server);
  const std::string person = desk.AddPerson("Jürgen", "Müller");
  SyncOnce(desk.store(), desk.Config());
  SyncOnce(kiosk.store(), kiosk.Config());
  desk.CloseStore();

  FakeClock clock(SystemClock::Instance()->NowMs());
  auto store = store::Store::Open(desk.file("mintkiosk.db"), &clock);
  REQUIRE(store.ok());
  SetSchool(**store, person, "Schule am Berg");
  clock.Advance(-kDayMs);  // someone sets the date back a day, offline
  SetSchool(**store, person, "Schule am See, Ærøskøbing");
  SyncOnce(**store, desk.Config());
  SyncOnce(kiosk.store(), kiosk.Config());

  CHECK(School(kiosk.store(), person) == "Schule am See, Ærøskøbing");
  CHECK(School(**store, person) == "Schule am See, Ærøskøbing");
  CHECK(kiosk.Hash() == server.Hash());
  // The wall time of the last edit is kept as it was read (a day back), its stamp orders it.
  CHECK(server.Count("SELECT count(*) FROM sync_log WHERE tbl = 'people' AND key = '" + person +
                     "' AND device_time < (hlc >> 16) - " + std::to_string(kDayMs / 2)) >= 1);
  // The skew measured at the sync says how far off the device is.
  CHECK(engine_test::QueryInt((*store)->db(), "SELECT value FROM meta WHERE key = 'sync.clock_skew_ms'") >
        kDayMs - 3600 * 1000);
  store->reset();
  const auto status = desk.Cli({"status"});
  INFO(status.out << status.err);
  CHECK(status.exit_code == 0);
  CHECK(engine_test::Contains(status.out, "behind"));
}

TEST_CASE("A device clock a year ahead: its data arrives, the others keep real time, all converge",
          "[faults][clock]") {
  engine_test::SyncServer server;
  engine_test::Device desk(server);
  engine_test::Device kiosk(server);
  const std::string person = desk.AddPerson("Łukasz", "Ørsted");
  SyncOnce(desk.store(), desk.Config());
  SyncOnce(kiosk.store(), kiosk.Config());
  desk.CloseStore();

  FakeClock clock(SystemClock::Instance()->NowMs() + 365 * kDayMs);
  {
    auto store = store::Store::Open(desk.file("mintkiosk.db"), &clock);
    REQUIRE(store.ok());
    SetSchool(**store, person, "Zukunftsschule");
    const std::string walk_in = [&] {
      std::string id;
      const Status written = (*store)->Write([&](store::WriteContext& ctx) -> Status {
        store::Person p;
        p.centre_id = desk.centre_id();
        p.first_name = "Anna";
        p.last_name = "Åberg";
        p.school = "Skole i morgen";
        p.participant_code = "FUTURE-1";
        MK_ASSIGN_OR_RETURN(id, store::InsertPerson(ctx, p));
        return Status::Ok();
      });
      REQUIRE(written.ok());
      return id;
    }();
    // Nothing is refused for the clock: the changes go up and come down on the other kiosk.
    SyncOnce(**store, desk.Config());
    CHECK(desk.Waiting() == 0);
    SyncOnce(kiosk.store(), kiosk.Config());
    CHECK(School(kiosk.store(), person) == "Zukunftsschule");
    CHECK(kiosk.Count("SELECT count(*) FROM people WHERE id = '" + walk_in + "'") == 1);
  }
  // The kiosk observed stamps a year ahead but did not move its own clock there.
  const int64_t kiosk_clock_ms = static_cast<int64_t>(kiosk.store().capture().hlc().Last() >> 16);
  CHECK(kiosk_clock_ms < SystemClock::Instance()->NowMs() + kDayMs);

  // The status of the device says its clock is off, in plain words.
  const auto status = desk.Cli({"status"});
  INFO(status.out << status.err);
  CHECK(status.exit_code == 0);
  CHECK(engine_test::Contains(status.out, "ahead"));

  // Later edits on the kiosk, and everyone converges on one value.
  SetSchool(kiosk.store(), person, "Schule am Fluss");
  SyncOnce(kiosk.store(), kiosk.Config());
  SyncOnce(desk.store(), desk.Config());
  SyncOnce(kiosk.store(), kiosk.Config());
  CHECK(School(kiosk.store(), person) == School(desk.store(), person));
  CHECK(kiosk.Hash() == server.Hash());
  CHECK(desk.Hash() == server.Hash());
}

}  // namespace
}  // namespace mk
