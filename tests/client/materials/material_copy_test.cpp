// Copying a session's materials to a folder: complete files under their names, and nothing half-written when the drive fails.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/materials/material_copy.h"
#include "materials_fixture.h"

namespace mk {
namespace {

using client::CopySessionMaterials;

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

// The real file system, except that writing fails after `budget` bytes (a full disk) or that
// Sync fails (a stick pulled out before the data reached it).
class FailingFileSystem : public platform::FileSystem {
 public:
  enum class Failure { kDiskFull, kPulledAtSync };
  FailingFileSystem(Failure failure, int64_t budget) : failure_(failure), budget_(budget) {}

  Result<std::vector<platform::DirEntry>> List(const std::string& d) override { return real().List(d); }
  bool IsDirectory(const std::string& p) override { return real().IsDirectory(p); }
  bool Exists(const std::string& p) override { return real().Exists(p); }
  std::vector<platform::Place> Places() override { return real().Places(); }
  Status RenameNoReplace(const std::string& a, const std::string& b) override { return real().RenameNoReplace(a, b); }
  Status Remove(const std::string& p) override { return real().Remove(p); }
  Status SyncDirectory(const std::string& d) override { return real().SyncDirectory(d); }
  Result<std::unique_ptr<platform::WritableFile>> CreateNew(const std::string& path) override {
    MK_ASSIGN_OR_RETURN(std::unique_ptr<platform::WritableFile> file, real().CreateNew(path));
    return std::unique_ptr<platform::WritableFile>(std::make_unique<File>(std::move(file), *this));
  }

 private:
  class File : public platform::WritableFile {
   public:
    File(std::unique_ptr<platform::WritableFile> f, FailingFileSystem& fs) : f_(std::move(f)), fs_(fs) {}
    Status Write(std::string_view bytes) override {
      if (fs_.failure_ == Failure::kDiskFull && static_cast<int64_t>(bytes.size()) > fs_.budget_) {
        (void)f_->Write(bytes.substr(0, static_cast<size_t>(fs_.budget_)));  // the part that fit
        fs_.budget_ = 0;
        return IoError("writing failed: the disk is full");
      }
      fs_.budget_ -= static_cast<int64_t>(bytes.size());
      return f_->Write(bytes);
    }
    Status Sync() override {
      if (fs_.failure_ == Failure::kPulledAtSync && fs_.budget_ < 0) {
        return Status(ErrorCode::kUnavailable, "writing failed: the drive stopped answering; was it removed?");
      }
      return f_->Sync();
    }
    Status Close() override { return f_->Close(); }

   private:
    std::unique_ptr<platform::WritableFile> f_;
    FailingFileSystem& fs_;
  };
  static platform::FileSystem& real() { return platform::FileSystem::Real(); }
  Failure failure_;
  int64_t budget_;
};

TEST_CASE("A session's materials are copied complete under their names; again changes nothing", "[materials][copy]") {
  test::MaterialsFixture f;
  f.Add(f.session_id, "Arbeitsblatt Ørsted.pdf", test::Pattern(300000, 1));
  f.Add(f.session_id, "Folien: Optik?.pdf", test::Pattern(1000, 2));
  f.Add(f.other_session_id, "Säuren.pdf", test::Pattern(100, 3));
  // A material whose file has not arrived on this device.
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    store::Material m;
    m.session_id = f.session_id;
    m.title = "Noch unterwegs";
    m.file_name = "unterwegs.mp4";
    m.size_bytes = 10;
    m.sha256 = sync::Sha256Hex("0123456789");
    return store::InsertMaterial(ctx, m).status();
  }).ok());
  test::TempDir stick;
  std::vector<client::CopyProgress> progress;
  auto report = CopySessionMaterials(*f.library, f.session_id, stick.path(), platform::FileSystem::Real(),
                                     [&](const client::CopyProgress& p) { progress.push_back(p); });
  INFO((report.ok() ? std::string() : report.status().message()));
  REQUIRE(report.ok());
  CHECK(report->written.size() == 2);
  REQUIRE(report->not_ready.size() == 1);
  CHECK(report->not_ready[0] == "Noch unterwegs");
  // FAT sticks refuse ':' and '?': the copy's name has '_' instead.
  CHECK(Names(stick.path()) == std::vector<std::string>{"Arbeitsblatt Ørsted.pdf", "Folien_ Optik_.pdf"});
  CHECK(test::ReadFile(stick.File("Arbeitsblatt Ørsted.pdf")) == test::Pattern(300000, 1));
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back().bytes_done == 301000);
  CHECK(progress.back().bytes_total == 301000);
  for (size_t i = 1; i < progress.size(); ++i) CHECK(progress[i].bytes_done >= progress[i - 1].bytes_done);

  auto again = CopySessionMaterials(*f.library, f.session_id, stick.path(), platform::FileSystem::Real());
  REQUIRE(again.ok());
  CHECK(again->written.empty());
  CHECK(again->already_there.size() == 2);

  // A different file of the same name is never replaced.
  test::WriteFile(stick.File("Arbeitsblatt Ørsted.pdf"), "mein eigenes");
  auto third = CopySessionMaterials(*f.library, f.session_id, stick.path(), platform::FileSystem::Real());
  REQUIRE(third.ok());
  CHECK(test::ReadFile(stick.File("Arbeitsblatt Ørsted.pdf")) == "mein eigenes");
  CHECK(test::ReadFile(stick.File("Arbeitsblatt Ørsted (2).pdf")) == test::Pattern(300000, 1));
}

TEST_CASE("A full disk stops the copy with the file named and leaves no half file", "[materials][copy]") {
  test::MaterialsFixture f;
  f.Add(f.session_id, "A kurz.pdf", test::Pattern(1000, 1));
  f.Add(f.session_id, "B lang.mp4", test::Pattern(600000, 2));
  test::TempDir stick;
  FailingFileSystem full(FailingFileSystem::Failure::kDiskFull, 1000 + 300000);
  auto report = CopySessionMaterials(*f.library, f.session_id, stick.path(), full);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == ErrorCode::kIo);
  CHECK_THAT(report.status().message(), Catch::Contains("B lang.mp4") && Catch::Contains("full"));
  // The first file is complete; of the second there is nothing, not even the temporary file.
  CHECK(Names(stick.path()) == std::vector<std::string>{"A kurz.pdf"});
}

TEST_CASE("A stick pulled out before a file reached it leaves no file under that name", "[materials][copy]") {
  test::MaterialsFixture f;
  f.Add(f.session_id, "Skript.pdf", test::Pattern(5000, 1));
  test::TempDir stick;
  FailingFileSystem pulled(FailingFileSystem::Failure::kPulledAtSync, 0);
  auto report = CopySessionMaterials(*f.library, f.session_id, stick.path(), pulled);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == ErrorCode::kUnavailable);
  CHECK_THAT(report.status().message(), Catch::Contains("Skript.pdf") && Catch::Contains("removed"));
  CHECK(Names(stick.path()).empty());

  // A folder that is gone altogether.
  auto gone = CopySessionMaterials(*f.library, f.session_id, stick.File("nicht-da"), platform::FileSystem::Real());
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().code() == ErrorCode::kNotFound);
}

TEST_CASE("Copying onto a really full small drive (a tmpfs of 256 KiB) leaves only complete files", "[materials][copy]") {
  // A tmpfs of its own needs root and a private mount namespace (so nothing outside this test
  // process sees it); ctest runs each test case in a process of its own.
  if (::geteuid() != 0 || ::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    WARN("not root or no mount namespace here: covered by the simulated full disk above");
    return;
  }
  test::MaterialsFixture f;
  f.Add(f.session_id, "A klein.pdf", test::Pattern(100 * 1024, 1));
  f.Add(f.session_id, "B groß.mp4", test::Pattern(400 * 1024, 2));
  test::TempDir mount_point;
  if (::mount("tmpfs", mount_point.path().c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=256k,mode=0700") != 0) {
    WARN("tmpfs cannot be mounted here: covered by the simulated full disk above");
    return;
  }
  auto report = CopySessionMaterials(*f.library, f.session_id, mount_point.path(), platform::FileSystem::Real());
  const std::vector<std::string> names = Names(mount_point.path());
  const std::string first = test::ReadFile(mount_point.File("A klein.pdf"));
  ::umount2(mount_point.path().c_str(), MNT_DETACH);
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == ErrorCode::kIo);
  CHECK_THAT(report.status().message(), Catch::Contains("B groß.mp4") && Catch::Contains("disk is full"));
  CHECK(names == std::vector<std::string>{"A klein.pdf"});
  CHECK(first == test::Pattern(100 * 1024, 1));
}

TEST_CASE("Portable file names for FAT sticks", "[materials][copy]") {
  CHECK(client::PortableFileName("Übung: 1 <a|b>?.pdf") == "Übung_ 1 _a_b__.pdf");
  CHECK(client::PortableFileName("Notizen. ") == "Notizen");
  CHECK(client::PortableFileName("...") == "material");
}

}  // namespace
}  // namespace mk
