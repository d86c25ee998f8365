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

TEST_CASE("The outbox read as a push batch holds the same changes as the outbox read whole", "[protocol][capture]") {
  TempDir dir;
  SimServer server(dir.path());
  auto kiosk = NewDevice(dir.path(), "kiosk");
  REQUIRE(server.Pull(*kiosk).ok());
  store::Database& db = kiosk->store->db();
  for (size_t i = 0; i < 6; ++i) {
    store::CheckInRequest req;
    req.session_id = server.session_id();
    req.person_id = server.people()[i];
    REQUIRE(kiosk->store->CheckIn(req).ok());
  }
  REQUIRE(kiosk->store->Write([&](store::WriteContext& ctx) -> Status {
    auto st = ctx.db.Prepare("UPDATE people SET school = 'Skole \"Ærøskøbing\"\\Ørsted', last_name = 'Łukasz-Müller' "
                             "WHERE id = ?1");
    MK_RETURN_IF_ERROR(st.status());
    st->Bind(1, server.people()[2]);
    return st->Run();
  }).ok());
  // An entry whose text the copy does not take (spaces) is parsed instead.
  REQUIRE(db.Exec("UPDATE sync_outbox SET fields = replace(fields, ',', ' , ') WHERE seq = (SELECT min(seq) + 2 FROM sync_outbox)").ok());

  auto whole = sync::ReadOutbox(db, 0, 100, SIZE_MAX);
  REQUIRE(whole.ok());
  REQUIRE(whole->size() == 7);
  auto batch = sync::ReadOutboxBatch(db, 0, 100, SIZE_MAX);
  REQUIRE(batch.ok());
  CHECK(batch->first_seq == whole->front().seq);
  REQUIRE(batch->writer.count() == whole->size());
  auto decoded = sync::DecodePushBatch(batch->writer.Encode(batch->first_seq, 0, batch->writer.count()));
  REQUIRE(decoded.ok());
  for (size_t i = 0; i < whole->size(); ++i) {
    CAPTURE(i);
    CHECK(decoded->changes[i] == (*whole)[i].change);
  }

  // After a cursor, up to a limit, and never across a hole in the seqs.
  auto after = sync::ReadOutboxBatch(db, whole->front().seq, 3, SIZE_MAX);
  REQUIRE(after.ok());
  CHECK(after->first_seq == whole->front().seq + 1);
  CHECK(after->writer.count() == 3);
  REQUIRE(db.Exec("DELETE FROM sync_outbox WHERE seq = " + std::to_string(whole->front().seq + 4)).ok());
  auto holed = sync::ReadOutboxBatch(db, 0, 100, SIZE_MAX);
  REQUIRE(holed.ok());
  CHECK(holed->writer.count() == 4);
  // A small byte limit still gives one entry.
  auto small = sync::ReadOutboxBatch(db, 0, 100, 1);
  REQUIRE(small.ok());
  CHECK(small->writer.count() == 1);

  // A damaged entry is refused with its seq, as ReadOutbox refuses it.
  REQUIRE(db.Exec("UPDATE sync_outbox SET fields = '{\"status\":' WHERE seq = " + std::to_string(whole->front().seq + 1)).ok());
  auto damaged = sync::ReadOutboxBatch(db, 0, 100, SIZE_MAX);
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().message() == "outbox entry " + std::to_string(whole->front().seq + 1) +
                                          " has fields that are not a JSON object");
  CHECK(sync::ReadOutbox(db, 0, 100, SIZE_MAX).status().message() == damaged.status().message());
  // Nothing waits after the last one.
  auto none = sync::ReadOutboxBatch(db, whole->back().seq, 100, SIZE_MAX);
  REQUIRE(none.ok());
  CHECK(none->first_seq == 0);
  CHECK(none->writer.count() == 0);
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
