// Change capture: every write of a replicated table lands in the outbox in its own transaction.
#include <catch2/catch.hpp>

#include "sim.h"
#include "sync/protocol/outbox.h"

namespace mk::test {
namespace {

TEST_CASE("A check-in is recorded in the outbox by the same transaction", "[protocol][capture]") {
  TempDir dir;
  SimServer server(dir.path());
  auto kiosk = NewDevice(dir.path(), "kiosk");
  REQUIRE(server.Pull(*kiosk).ok());
  CHECK(Count(kiosk->store->db(), "SELECT count(*) FROM sync_outbox") == 0);  // pulled rows are not echoed

  store::CheckInRequest req;
  req.session_id = server.session_id();
  req.person_id = server.people()[0];
  REQUIRE(kiosk->store->CheckIn(req).ok());
  auto entries = sync::ReadOutbox(kiosk->store->db(), 0, 100, SIZE_MAX);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  const sync::Change& c = (*entries)[0].change;
  CHECK(c.table == "attendance");
  CHECK(c.key == server.session_id() + "|" + server.people()[0]);
  CHECK(c.fields["status"] == "present");
  CHECK(c.fields["status_by"] == "kiosk");
  CHECK(c.device_time_ms == kSimNowMs);
  CHECK(c.hlc > 0);

  // A second check-in writes nothing, so nothing is queued either.
  REQUIRE(kiosk->store->CheckIn(req).ok());
  CHECK(Count(kiosk->store->db(), "SELECT count(*) FROM sync_outbox") == 1);
}

TEST_CASE("An edit records only the fields that changed, and a rolled back write nothing", "[protocol][capture]") {
  TempDir dir;
  SimServer server(dir.path());
  auto kiosk = NewDevice(dir.path(), "kiosk");
  REQUIRE(server.Pull(*kiosk).ok());
  const std::string person = server.people()[1];
  REQUIRE(kiosk->store->Write([&](store::WriteContext& ctx) -> Status {
    auto st = ctx.db.Prepare("UPDATE people SET school = 'Liceum Kraków', last_name = last_name WHERE id = ?1");
    MK_RETURN_IF_ERROR(st.status());
    st->Bind(1, person);
    return st->Run();
  }).ok());
  Status failed = kiosk->store->Write([&](store::WriteContext& ctx) -> Status {
    MK_RETURN_IF_ERROR(ctx.db.Exec("UPDATE people SET school = 'never stored'"));
    return InvalidArgument("the caller changed its mind");
  });
  CHECK_FALSE(failed.ok());
  auto entries = sync::ReadOutbox(kiosk->store->db(), 0, 100, SIZE_MAX);
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 1);
  CHECK((*entries)[0].change.fields == nlohmann::json({{"school", "Liceum Kraków"}}));
}

TEST_CASE("Stamps never go backwards, also across a restart with the wall clock set back", "[protocol][capture]") {
  TempDir dir;
  HlcStamp before = 0;
  {
    FakeClock clock(kSimNowMs);
    auto s = store::Store::Open(dir.File("d.db"), &clock);
    REQUIRE(s.ok());
    store::Centre centre;
    centre.name = "Zentrum";
    REQUIRE((*s)->AddCentre(centre).ok());
    auto entries = sync::ReadOutbox((*s)->db(), 0, 100, SIZE_MAX);
    REQUIRE(entries.ok());
    REQUIRE(!entries->empty());
    before = entries->back().change.hlc;
  }
  FakeClock earlier(kSimNowMs - 24 * 3600 * 1000);
  auto s = store::Store::Open(dir.File("d.db"), &earlier);
  REQUIRE(s.ok());
  store::Centre centre;
  centre.name = "Zentrum 2";
  REQUIRE((*s)->AddCentre(centre).ok());
  auto entries = sync::ReadOutbox((*s)->db(), 0, 100, SIZE_MAX);
  REQUIRE(entries.ok());
  CHECK(entries->back().change.hlc > before);
  // The device time is kept as data, as the device saw it.
  CHECK(entries->back().change.device_time_ms == kSimNowMs - 24 * 3600 * 1000);
}

}  // namespace
}  // namespace mk::test
