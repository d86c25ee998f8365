// A material added on one device reaches a second device through the real server, verified by its SHA-256.
#include <catch2/catch.hpp>

#include "engine_fixture.h"
#include "sync/files/blob_store.h"
#include "tests/support/server_process.h"

namespace mk::engine_test {
namespace {

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

TEST_CASE("A material added on the trainer's device is ready on a kiosk after sync, with the same SHA-256",
          "[engine][files][materials]") {
  SyncServer server;
  Device trainer(server);
  Device kiosk(server);
  const std::string session = trainer.AddRunningSession("Magnetismus nach Ørsted");
  trainer.CloseStore();

  // 300 KiB: several chunks on the way up and down.
  std::string content(300 * 1024, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 2654435761u) >> 11);
  test::WriteFile(trainer.file("Versuch Ørsted – Kompass.pdf"), content);
  const std::string sha = sync::Sha256Hex(content);

  auto added = trainer.Cli({"material", "add", "--session", session, trainer.file("Versuch Ørsted – Kompass.pdf"),
                            "--licence", "CC BY-SA 4.0", "--purpose", "Versuchsanleitung", "--description",
                            "Kompassnadel über einem stromdurchflossenen Draht"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  const auto row = Fields(added.out.substr(0, added.out.find('\n')));
  REQUIRE(row.size() == 4);
  CHECK(row[1] == sha);
  CHECK(row[2] == "Versuch Ørsted – Kompass.pdf");

  auto up = trainer.Cli({"sync"});
  INFO(up.out << up.err);
  REQUIRE(up.exit_code == 0);

  // The kiosk gets the record first and the file in the same sync; before that, nothing.
  auto before = kiosk.Cli({"material", "list"});
  REQUIRE(before.exit_code == 0);
  CHECK(before.out.empty());
  auto down = kiosk.Cli({"sync"});
  INFO(down.out << down.err);
  REQUIRE(down.exit_code == 0);
  auto listed = kiosk.Cli({"material", "list", "--session", session});
  INFO(listed.err);
  REQUIRE(listed.exit_code == 0);
  const auto fields = Fields(listed.out.substr(0, listed.out.find('\n')));
  REQUIRE(fields.size() == 10);
  CHECK(fields[1] == "ready");
  CHECK(fields[2] == "100");
  CHECK(fields[3] == std::to_string(content.size()));
  CHECK(fields[4] == sha);
  CHECK(fields[5] == "Versuch Ørsted – Kompass.pdf");
  CHECK(fields[6] == "Versuch Ørsted – Kompass");
  CHECK(fields[7] == "CC BY-SA 4.0");
  CHECK(fields[8] == "Versuchsanleitung");

  // The kiosk's copy is the trainer's file, byte for byte.
  auto blobs = sync::BlobStore::Open(kiosk.file("files"));
  REQUIRE(blobs.ok());
  const std::string copy = test::ReadFile(blobs->BlobPath(sha));
  CHECK(copy.size() == content.size());
  CHECK(sync::Sha256Hex(copy) == sha);

  // And it can be handed out from there: exported into a folder with its name.
  test::TempDir stick;
  auto exported = kiosk.Cli({"material", "export", "--session", session, "--to", stick.path()});
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(sync::Sha256Hex(test::ReadFile(stick.File("Versuch Ørsted – Kompass.pdf"))) == sha);
}

TEST_CASE("A kiosk shows a material as waiting while its file is not on the server yet", "[engine][files][materials]") {
  SyncServer server;
  Device trainer(server);
  Device kiosk(server);
  const std::string session = trainer.AddRunningSession("Elektrizität");
  trainer.CloseStore();
  test::WriteFile(trainer.file("Folien.pdf"), std::string(50 * 1024, 'F'));
  REQUIRE(trainer.Cli({"material", "add", "--session", session, trainer.file("Folien.pdf")}).exit_code == 0);
  // Only the record goes up: the server has no file for it yet (the trainer's sync was cut
  // before the file pass). Simulated by pushing the record through a bundle-free path: the
  // trainer's outgoing marker is removed so its sync sends no file.
  auto blobs = sync::BlobStore::Open(trainer.file("files"));
  REQUIRE(blobs.ok());
  REQUIRE(blobs->ClearOutgoing(sync::Sha256Hex(std::string(50 * 1024, 'F'))).ok());
  REQUIRE(trainer.Cli({"sync"}).exit_code == 0);

  auto down = kiosk.Cli({"sync"});
  INFO(down.out << down.err);
  REQUIRE(down.exit_code == 0);
  auto listed = kiosk.Cli({"material", "list", "--session", session});
  REQUIRE(listed.exit_code == 0);
  const auto fields = Fields(listed.out.substr(0, listed.out.find('\n')));
  REQUIRE(fields.size() == 10);
  CHECK(fields[1] == "waiting");
  CHECK(fields[2] == "0");
}

TEST_CASE("A material removed on the trainer's device leaves the kiosk's disk at its next sync unless another names it",
          "[engine][files][materials]") {
  SyncServer server;
  Device trainer(server);
  Device kiosk(server);
  const std::string session = trainer.AddRunningSession("Wärmelehre in Ærøskøbing");
  trainer.CloseStore();
  const std::string shared(40 * 1024, 'S');
  const std::string own(60 * 1024, 'O');
  test::WriteFile(trainer.file("Arbeitsblatt Müller.pdf"), shared);
  test::WriteFile(trainer.file("Kopie für Łukasz.pdf"), shared);  // the same content under another name
  test::WriteFile(trainer.file("Lösungen.pdf"), own);
  auto add = [&](const std::string& name) {
    auto added = trainer.Cli({"material", "add", "--session", session, trainer.file(name)});
    INFO(added.err);
    REQUIRE(added.exit_code == 0);
    return Fields(added.out.substr(0, added.out.find('\n')))[0];
  };
  const std::string sheet = add("Arbeitsblatt Müller.pdf");
  add("Kopie für Łukasz.pdf");
  const std::string answers = add("Lösungen.pdf");
  REQUIRE(trainer.Cli({"sync"}).exit_code == 0);
  auto down = kiosk.Cli({"sync"});
  INFO(down.out << down.err);
  REQUIRE(down.exit_code == 0);
  auto blobs = sync::BlobStore::Open(kiosk.file("files"));
  REQUIRE(blobs.ok());
  REQUIRE(blobs->Has(sync::Sha256Hex(shared)).value());
  REQUIRE(blobs->Has(sync::Sha256Hex(own)).value());

  // The trainer removes the answers and one of the two copies.
  REQUIRE(trainer.Cli({"material", "remove", answers}).exit_code == 0);
  REQUIRE(trainer.Cli({"material", "remove", sheet}).exit_code == 0);
  auto up = trainer.Cli({"sync"});
  INFO(up.out << up.err);
  REQUIRE(up.exit_code == 0);

  auto next = kiosk.Cli({"sync"});
  INFO(next.out << next.err);
  REQUIRE(next.exit_code == 0);
  CHECK(next.out.find("1 file of removed course materials deleted here (61440 bytes).") != std::string::npos);
  CHECK_FALSE(blobs->Has(sync::Sha256Hex(own)).value());
  CHECK(blobs->Has(sync::Sha256Hex(shared)).value());  // "Kopie für Łukasz.pdf" still names it
  auto listed = kiosk.Cli({"material", "list", "--session", session});
  REQUIRE(listed.exit_code == 0);
  CHECK(listed.out.find("Kopie für Łukasz.pdf\t") != std::string::npos);
  CHECK(listed.out.find("Lösungen.pdf") == std::string::npos);
  CHECK(listed.out.find("ready") != std::string::npos);

  // Nothing more to delete the next time.
  auto again = kiosk.Cli({"sync"});
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("deleted here") == std::string::npos);

  // The server keeps its copy until the administrator prunes; then only the named one stays.
  auto server_blobs = sync::BlobStore::Open(server.data_dir() + "/files/" + server.centre_id());
  REQUIRE(server_blobs.ok());
  REQUIRE(server_blobs->Has(sync::Sha256Hex(own)).value());
  // The real command, while the server serves.
  auto pruned = test::ServerCli(server.data_dir(), {"prune-files"});
  INFO(pruned.err);
  REQUIRE(pruned.exit_code == 0);
  CHECK(pruned.out == "Deleted 1 file of removed course materials (61440 bytes) in 1 centre\n");
  CHECK_FALSE(server_blobs->Has(sync::Sha256Hex(own)).value());
  CHECK(server_blobs->Has(sync::Sha256Hex(shared)).value());
  auto twice = test::ServerCli(server.data_dir(), {"prune-files"});
  REQUIRE(twice.exit_code == 0);
  CHECK(twice.out == "Deleted 0 files of removed course materials (0 bytes) in 1 centre\n");
  auto wrong = test::ServerCli(server.data_dir(), {"prune-files", "now"});
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("'prune-files' takes no words") != std::string::npos);

  // A kiosk that comes later still gets the file that stayed, whole.
  Device late(server);
  auto first = late.Cli({"sync"});
  INFO(first.out << first.err);
  REQUIRE(first.exit_code == 0);
  auto late_blobs = sync::BlobStore::Open(late.file("files"));
  REQUIRE(late_blobs.ok());
  CHECK(late_blobs->Read(sync::Sha256Hex(shared), 0, 1 << 20).value() == shared);
  CHECK_FALSE(late_blobs->Has(sync::Sha256Hex(own)).value());
}

}  // namespace
}  // namespace mk::engine_test
