// Records before files: a file transfer gives way to new records after the chunk in flight.
#include <catch2/catch.hpp>

#include <atomic>

#include "engine_fixture.h"
#include "sync/engine/sync_engine.h"
#include "sync/files/blob_store.h"

namespace mk::engine_test {
namespace {

TEST_CASE("A file transfer yields to new records, and resumes at the next run", "[engine][files]") {
  SyncServer server;
  Device kiosk(server);
  const std::string session = kiosk.AddRunningSession("Optik im Schülerlabor");
  const std::string person = kiosk.AddPerson("Łukasz", "Müller");

  // A trainer's material of 1 MiB on this device: its row is a record, its content a file.
  std::string content(1 << 20, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 2654435761u) >> 13);
  test::WriteFile(kiosk.file("experimente.pdf"), content);
  auto blobs = sync::BlobStore::Open(kiosk.file("files"));
  REQUIRE(blobs.ok());
  auto blob = blobs->AddFile(kiosk.file("experimente.pdf"));
  REQUIRE(blob.ok());
  REQUIRE(kiosk.store().Write([&](store::WriteContext& ctx) -> Status {
    auto st = ctx.db.Prepare(
        "INSERT INTO materials(id, centre_id, session_id, title, file_name, media_type, size_bytes, sha256, "
        "created_at, updated_at) VALUES (?1, ?2, ?3, 'Experimente zur Optik', 'experimente.pdf', "
        "'application/pdf', ?4, ?5, ?6, ?6)");
    MK_RETURN_IF_ERROR(st.status());
    st->Bind(1, ctx.NewId()).Bind(2, kiosk.centre_id()).Bind(3, session).Bind(4, blob->size).Bind(5, blob->sha256)
        .Bind(6, ctx.now_ms);
    return st->Run();
  }).ok());
  kiosk.CheckIn(session, person);

  sync::SyncEngine engine(kiosk.store(), kiosk.Config());
  // New records arrived while the files were due: the records go up, the file waits.
  std::atomic<bool> records_arrived{true};
  auto first = engine.RunOnce(nullptr, nullptr, &records_arrived);
  INFO((first.ok() ? std::string() : first.status().message()));
  REQUIRE(first.ok());
  CHECK(first->files_yielded);
  CHECK(first->files_uploaded == 0);
  CHECK(kiosk.Waiting() == 0);
  CHECK(server.Count("SELECT count(*) FROM attendance") == 1);
  CHECK(server.Count("SELECT count(*) FROM materials") == 1);

  std::atomic<bool> quiet{false};
  auto second = engine.RunOnce(nullptr, nullptr, &quiet);
  REQUIRE(second.ok());
  CHECK_FALSE(second->files_yielded);
  CHECK(second->files_uploaded == 1);
}

}  // namespace
}  // namespace mk::engine_test
