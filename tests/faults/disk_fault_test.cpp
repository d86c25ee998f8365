// Fault injection on the device's disk: writes, syncs and truncates that fail (a dying disk) or
// find no space (a full disk) at every point of a check-in and of a sync, through FaultyVfs.
// What must hold: an acknowledged check-in is stored; a refused one says why in plain words;
// the file passes PRAGMA integrity_check; once the disk works again, the same store goes on and
// sync completes exactly once.
#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "faulty_vfs.h"
#include "sync/engine/sync_engine.h"
#include "tests/sync/engine/engine_fixture.h"
#include "tests/sync/store/store_fixture.h"

namespace mk {
namespace {

using faults::FaultyVfs;

const int kCodes[] = {SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_FULL};

std::string IntegrityCheck(const std::string& path) {
  auto db = store::Database::Open(path, {});
  REQUIRE(db.ok());
  auto st = db->Prepare("PRAGMA integrity_check");
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->ColumnText(0);
}

bool SaysWhy(const Status& status) {
  const std::string& m = status.message();
  return m.find("disk") != std::string::npos || m.find("I/O") != std::string::npos;
}

TEST_CASE("Check-ins on a failing disk: acknowledged means stored, a refusal says why, the file stays sound",
          "[faults][disk]") {
  FaultyVfs::Install();
  test::StoreFixture fx;
  std::vector<std::string> people;
  for (int i = 0; i < 36; ++i) people.push_back(fx.AddPerson("Jürgen", engine_test::LetterName(i)));

  std::set<std::string> acknowledged;
  int refused = 0;
  for (int k = 1; k <= 36; ++k) {
    const std::string& person = people[static_cast<size_t>(k - 1)];
    store::CheckInRequest request;
    request.session_id = fx.session_id;
    request.person_id = person;
    // The k-th write, sync or truncate of this check-in fails, and every one after it.
    FaultyVfs::Arm(fx.dir.path(), k, kCodes[k % 3]);
    auto first = fx.store->CheckIn(request);
    FaultyVfs::Disarm();
    if (first.ok()) {
      acknowledged.insert(person);
    } else {
      ++refused;
      INFO("k=" << k << ": " << first.status().message());
      CHECK(first.status().code() == ErrorCode::kIo);
      CHECK(SaysWhy(first.status()));
      if (kCodes[k % 3] == SQLITE_FULL) CHECK(first.status().message().find("full") != std::string::npos);
    }
    // The disk works again: the same store goes on, and the teacher who tried again is in.
    auto again = fx.store->CheckIn(request);
    INFO("k=" << k << ": " << (again.ok() ? std::string("ok") : again.status().message()));
    REQUIRE(again.ok());
    if (first.ok()) CHECK(again->already_checked_in);
  }
  // The failures hit every step of a check-in, not only its end.
  CHECK(refused >= 10);
  fx.store.reset();

  CHECK(IntegrityCheck(fx.db_path()) == "ok");
  auto reopened = store::Store::Open(fx.db_path(), &fx.clock);
  REQUIRE(reopened.ok());
  store::Database& db = (*reopened)->db();
  for (const std::string& person : people) {
    INFO(person);
    // Everyone is checked in once, and queued for sync in the same transaction.
    CHECK(test::Count(db, "SELECT count(*) FROM attendance WHERE person_id = '" + person + "'") == 1);
    CHECK(test::Count(db, "SELECT count(*) FROM sync_outbox WHERE tbl = 'attendance' AND key = '" + fx.session_id +
                              "|" + person + "'") >= 1);
  }
  CHECK(test::Count(db, "SELECT count(*) FROM attendance a WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE "
                        "o.tbl = 'attendance' AND o.key = a.session_id || '|' || a.person_id)") == 0);
}

TEST_CASE("Sync onto a failing or full disk stops with the reason, and the next sync completes exactly once",
          "[faults][disk][sync]") {
  FaultyVfs::Install();
  engine_test::SyncServer server;
  engine_test::Device teacher_desk(server);
  engine_test::Device kiosk(server);
  const std::string session = teacher_desk.AddRunningSession("Optik im Unterricht");
  for (int i = 0; i < 120; ++i) {
    teacher_desk.CheckIn(session, teacher_desk.AddPerson("Łukasz", engine_test::LetterName(i)));
  }

  // Push: the server applies a batch, then the device cannot record the acknowledgement (or
  // fails earlier). The next sync sends what is unacknowledged again; the server applies it once.
  for (int k : {1, 2, 4, 8, 16}) {
    INFO("push, failing from operation " << k);
    teacher_desk.CheckIn(session, teacher_desk.AddPerson("Ørsted", engine_test::LetterName(200 + k)));
    sync::SyncEngine engine(teacher_desk.store(), teacher_desk.Config());
    FaultyVfs::Arm(teacher_desk.dir(), k, kCodes[k % 3]);
    auto failed = engine.RunOnce();
    FaultyVfs::Disarm();
    if (!failed.ok()) {
      INFO(failed.status().message());
      CHECK(SaysWhy(failed.status()));
    }
    auto done = engine.RunOnce();
    INFO((done.ok() ? std::string("ok") : done.status().message()));
    REQUIRE(done.ok());
    CHECK(teacher_desk.Waiting() == 0);
  }
  const int64_t people = teacher_desk.Count("SELECT count(*) FROM people");
  const int64_t checked_in = teacher_desk.Count("SELECT count(*) FROM attendance");
  CHECK(server.Count("SELECT count(*) FROM attendance") == checked_in);

  // Pull: pages fail to be stored at every depth of the first sync of a new kiosk.
  for (int k : {1, 3, 9, 27, 81, 243}) {
    INFO("pull, failing from operation " << k);
    sync::SyncEngine engine(kiosk.store(), kiosk.Config());
    FaultyVfs::Arm(kiosk.dir(), k, kCodes[k % 3]);
    auto failed = engine.RunOnce();
    const int64_t failures = FaultyVfs::Failed();
    FaultyVfs::Disarm();
    if (!failed.ok()) {
      INFO(failed.status().message());
      CHECK(failures > 0);
      CHECK(SaysWhy(failed.status()));
    }
  }
  sync::SyncEngine engine(kiosk.store(), kiosk.Config());
  auto done = engine.RunOnce();
  INFO((done.ok() ? std::string("ok") : done.status().message()));
  REQUIRE(done.ok());
  CHECK(kiosk.Count("SELECT count(*) FROM people") == people);
  CHECK(kiosk.Count("SELECT count(*) FROM attendance") == checked_in);
  CHECK(kiosk.Hash() == server.Hash());
  sync::SyncEngine desk_engine(teacher_desk.store(), teacher_desk.Config());
  REQUIRE(desk_engine.RunOnce().ok());
  CHECK(teacher_desk.Hash() == server.Hash());
  kiosk.CloseStore();
  teacher_desk.CloseStore();
  CHECK(IntegrityCheck(kiosk.file("mintkiosk.db")) == "ok");
  CHECK(IntegrityCheck(teacher_desk.file("mintkiosk.db")) == "ok");
}

}  // namespace
}  // namespace mk
