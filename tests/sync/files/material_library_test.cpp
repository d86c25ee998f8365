// The material library on a real SQLite store and blob store: add, list with state, remove, and what it refuses.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "sync/files/material_library.h"
#include "tests/sync/store/store_fixture.h"

namespace mk {
namespace {

using sync::MaterialState;

struct LibraryFixture : test::StoreFixture {
  LibraryFixture() {
    auto lib = sync::MaterialLibrary::Open(*store, dir.File("files"));
    REQUIRE(lib.ok());
    library = std::make_unique<sync::MaterialLibrary>(std::move(*lib));
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    const std::string path = dir.File(name);
    test::WriteFile(path, bytes);
    return path;
  }
  std::unique_ptr<sync::MaterialLibrary> library;
};

TEST_CASE("A file added to a session is stored by its SHA-256, its row queued for sync, and ready here",
          "[files][materials]") {
  LibraryFixture f;
  const std::string path = f.Write("Arbeitsblatt Ørsted.pdf", "%PDF-1.4 Elektromagnetismus nach Ørsted");
  sync::AddMaterialRequest req;
  req.path = path;
  req.session_id = f.session_id;
  req.description = "Versuche mit der Kompassnadel";
  req.licence = "CC BY 4.0";
  req.purpose = "Arbeitsblatt";
  auto added = f.library->Add(req);
  INFO((added.ok() ? std::string() : added.status().message()));
  REQUIRE(added.ok());
  CHECK(added->title == "Arbeitsblatt Ørsted");
  CHECK(added->file_name == "Arbeitsblatt Ørsted.pdf");
  CHECK(added->media_type == "application/pdf");
  CHECK(added->course_id == f.course_id);
  CHECK(added->centre_id == f.centre_id);
  CHECK(added->sha256 == sync::Sha256Hex("%PDF-1.4 Elektromagnetismus nach Ørsted"));
  CHECK(test::ReadFile(f.library->blobs().BlobPath(added->sha256)) == "%PDF-1.4 Elektromagnetismus nach Ørsted");
  CHECK(test::Count(f.store->db(), "SELECT count(*) FROM sync_outbox WHERE tbl = 'materials'") == 1);

  auto list = f.library->ListSession(f.session_id);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].state == MaterialState::kReady);
  CHECK((*list)[0].percent == 100);
  CHECK((*list)[0].material.licence == "CC BY 4.0");

  // The same content again: a second material, one stored file.
  req.title = "Noch einmal";
  auto again = f.library->Add(req);
  REQUIRE(again.ok());
  CHECK(again->sha256 == added->sha256);
  REQUIRE(f.library->ListSession(f.session_id)->size() == 2);

  // Removing one keeps the file the other names; removing both deletes it.
  REQUIRE(f.library->Remove(added->id).ok());
  CHECK(access(f.library->blobs().BlobPath(added->sha256).c_str(), F_OK) == 0);
  REQUIRE(f.library->Remove(again->id).ok());
  CHECK(access(f.library->blobs().BlobPath(added->sha256).c_str(), F_OK) != 0);
  CHECK(f.library->ListSession(f.session_id)->empty());
  CHECK(f.library->Remove(again->id).code() == ErrorCode::kNotFound);
}

TEST_CASE("A course's material is listed for each of its sessions", "[files][materials]") {
  LibraryFixture f;
  sync::AddMaterialRequest req;
  req.path = f.Write("Skript.txt", "Optik");
  req.course_id = f.course_id;
  REQUIRE(f.library->Add(req).ok());
  auto list = f.library->ListSession(f.session_id);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK_FALSE((*list)[0].material.session_id.has_value());
  CHECK(f.library->ListCentre(f.centre_id)->size() == 1);
}

TEST_CASE("A material whose file is not here is waiting, downloading with a percentage, or failed with the reason",
          "[files][materials]") {
  LibraryFixture f;
  const std::string content(1000, 'x');
  const std::string sha = sync::Sha256Hex(content);
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    store::Material m;
    m.session_id = f.session_id;
    m.title = "Video Ærøskøbing";
    m.file_name = "video.mp4";
    m.size_bytes = 1000;
    m.sha256 = sha;
    return store::InsertMaterial(ctx, m).status();
  }).ok());
  auto state = [&] { return (*f.library->ListSession(f.session_id))[0]; };
  CHECK(state().state == MaterialState::kWaiting);
  CHECK(state().percent == 0);

  REQUIRE(f.library->blobs().AppendChunk(sha, 0, content.substr(0, 400)).ok());
  CHECK(state().state == MaterialState::kDownloading);
  CHECK(state().percent == 40);

  // All bytes, but not yet verified and moved into place: never ready, never 100 %.
  REQUIRE(f.library->blobs().AppendChunk(sha, 400, content.substr(400)).ok());
  CHECK(state().state == MaterialState::kDownloading);
  CHECK(state().percent == 99);

  REQUIRE(sync::RecordTransferFailures(f.dir.File("files"), {{sha, "the server's copy is damaged"}}).ok());
  CHECK(state().state == MaterialState::kFailed);
  CHECK(state().problem == "the server's copy is damaged");
  CHECK(f.library->ReadyFilePath(state().material).status().code() == ErrorCode::kFailedPrecondition);

  REQUIRE(f.library->blobs().Complete(sha, 1000).ok());
  CHECK(state().state == MaterialState::kReady);
  CHECK(state().percent == 100);
  REQUIRE(sync::RecordTransferFailures(f.dir.File("files"), {}).ok());
  CHECK(sync::TransferFailure(f.dir.File("files"), sha).empty());
}

TEST_CASE("Files that cannot be materials are refused with the file named, and nothing is written",
          "[files][materials]") {
  LibraryFixture f;
  auto outbox = [&] { return test::Count(f.store->db(), "SELECT count(*) FROM sync_outbox"); };
  const int64_t before = outbox();
  sync::AddMaterialRequest req;
  req.session_id = f.session_id;
  sync::MaterialFileProblem problem = sync::MaterialFileProblem::kNone;

  req.path = f.dir.File("fehlt.pdf");
  auto missing = f.library->Add(req);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == ErrorCode::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::Contains("fehlt.pdf"));

  const std::string folder = f.dir.File("Ordner");
  REQUIRE(::mkdir(folder.c_str(), 0700) == 0);
  CHECK_FALSE(sync::CheckMaterialFile(folder, nullptr, &problem).ok());
  CHECK(problem == sync::MaterialFileProblem::kFolder);
  req.path = folder;
  CHECK_THAT(f.library->Add(req).status().message(), Catch::Contains("Ordner") && Catch::Contains("folder"));

  const std::string secret = f.Write("geheim.pdf", "x");
  REQUIRE(::chmod(secret.c_str(), 0) == 0);
  if (::geteuid() != 0) {  // root reads anything
    CHECK_FALSE(sync::CheckMaterialFile(secret, nullptr, &problem).ok());
    CHECK(problem == sync::MaterialFileProblem::kUnreadable);
  }

  const std::string control = f.Write("Zeile\x01.pdf", "x");
  CHECK_FALSE(sync::CheckMaterialFile(control, nullptr, &problem).ok());
  CHECK(problem == sync::MaterialFileProblem::kBadName);
  const std::string backslash = f.Write("a\\b.pdf", "x");
  auto bad_name = sync::CheckMaterialFile(backslash, nullptr, &problem);
  CHECK(problem == sync::MaterialFileProblem::kBadName);
  CHECK_THAT(bad_name.message(), Catch::Contains("path separator"));

  // Above the limit: a sparse file, no disk needed.
  const std::string huge = f.dir.File("riesig.mp4");
  test::WriteFile(huge, "");
  REQUIRE(::truncate(huge.c_str(), sync::kMaxMaterialFileBytes + 1) == 0);
  auto too_large = sync::CheckMaterialFile(huge, nullptr, &problem);
  CHECK(problem == sync::MaterialFileProblem::kTooLarge);
  CHECK_THAT(too_large.message(), Catch::Contains("riesig.mp4") && Catch::Contains("2048.0 MiB"));

  // Fields: a title that is too long is refused before anything is copied.
  req.path = f.Write("gut.pdf", "gut");
  req.title = std::string(300, 'a');
  auto long_title = f.library->Add(req);
  REQUIRE_FALSE(long_title.ok());
  CHECK_THAT(long_title.status().message(), Catch::Contains("title"));
  CHECK(access(f.library->blobs().BlobPath(sync::Sha256Hex("gut")).c_str(), F_OK) != 0);

  // An unknown session: the file does not stay behind.
  req.title.clear();
  req.session_id = "keine-sitzung";
  auto unknown = f.library->Add(req);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == ErrorCode::kNotFound);
  CHECK(access(f.library->blobs().BlobPath(sync::Sha256Hex("gut")).c_str(), F_OK) != 0);

  CHECK(outbox() == before);
  CHECK(test::Count(f.store->db(), "SELECT count(*) FROM materials") == 0);
}

TEST_CASE("File names: separators, dots and control characters are refused, European letters are fine",
          "[files][materials]") {
  CHECK(store::ProblemWithFileName("Łukasz – Übung 1 (Ærø).pdf").empty());
  CHECK_FALSE(store::ProblemWithFileName("").empty());
  CHECK_FALSE(store::ProblemWithFileName("..").empty());
  CHECK_FALSE(store::ProblemWithFileName("a/b").empty());
  CHECK_FALSE(store::ProblemWithFileName("a\\b").empty());
  CHECK_FALSE(store::ProblemWithFileName("a\nb").empty());
  CHECK_FALSE(store::ProblemWithFileName("a\xE2\x80\xAE" "fdp.exe").empty());  // right-to-left override
  CHECK_FALSE(store::ProblemWithFileName(std::string(256, 'a')).empty());
  CHECK(store::MediaTypeForFileName("FOLIEN.PPTX") ==
        "application/vnd.openxmlformats-officedocument.presentationml.presentation");
  CHECK(store::MediaTypeForFileName("ohne") == "application/octet-stream");
}

}  // namespace
}  // namespace mk
