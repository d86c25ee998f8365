// Small durable files: replaced whole or not at all, owner-only when asked, read back with clear errors.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "platform/file_io.h"
#include "tests/support/test_support.h"

using namespace mk;

namespace {

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("WriteFileDurably creates and replaces a file whole, with the asked permissions", "[platform]") {
  test::TempDir dir;
  const std::string path = dir.File("kiosk-pin");
  REQUIRE(platform::WriteFileDurably(path, "first Müller\n").ok());
  CHECK(test::ReadFile(path) == "first Müller\n");
  CHECK(ModeOf(path) == 0600);
  REQUIRE(platform::WriteFileDurably(path, "second Ærøskøbing\n").ok());
  CHECK(test::ReadFile(path) == "second Ærøskøbing\n");
  CHECK_FALSE(platform::FileExists(path + ".tmp"));  // no temporary file is left behind
  const std::string shared = dir.File("settings.json");
  REQUIRE(platform::WriteFileDurably(shared, "{}", platform::FileAccess::kShared).ok());
  CHECK((ModeOf(shared) & 0600) == 0600);
  CHECK((ModeOf(shared) & 0022) == 0);
  // An empty file is a file too.
  REQUIRE(platform::WriteFileDurably(dir.File("empty"), "").ok());
  CHECK(test::ReadFile(dir.File("empty")).empty());
}

TEST_CASE("WriteFileDurably leaves the old content and no temporary file when it cannot finish", "[platform]") {
  test::TempDir dir;
  // The target is a directory: the rename fails, nothing changes.
  const std::string target = dir.File("kiosk.json");
  std::filesystem::create_directory(target);
  Status s = platform::WriteFileDurably(target, "{}");
  CHECK(s.code() == ErrorCode::kIo);
  CHECK(s.message().find(target) != std::string::npos);
  CHECK(std::filesystem::is_directory(target));
  CHECK_FALSE(platform::FileExists(target + ".tmp"));
  // A directory that does not exist: an error naming the file, nothing created.
  const std::string missing = dir.File("no/such/dir/kiosk-pin");
  s = platform::WriteFileDurably(missing, "x");
  CHECK(s.code() == ErrorCode::kIo);
  CHECK(s.message().find("no/such/dir") != std::string::npos);
  // A stale temporary file of an earlier crash (other permissions) does not leak into the new file.
  const std::string pin = dir.File("kiosk-pin");
  test::WriteFile(pin + ".tmp", "half a hash");
  ::chmod((pin + ".tmp").c_str(), 0666);
  REQUIRE(platform::WriteFileDurably(pin, "hash\n").ok());
  CHECK(test::ReadFile(pin) == "hash\n");
  CHECK(ModeOf(pin) == 0600);
}

TEST_CASE("ReadSmallFile reads what is there and says what is wrong otherwise", "[platform]") {
  test::TempDir dir;
  auto missing = platform::ReadSmallFile(dir.File("nothing"));
  CHECK(missing.status().code() == ErrorCode::kNotFound);
  CHECK_FALSE(platform::FileExists(dir.File("nothing")));
  test::WriteFile(dir.File("pin"), "Łukasz\n");
  auto read = platform::ReadSmallFile(dir.File("pin"));
  REQUIRE(read.ok());
  CHECK(*read == "Łukasz\n");
  CHECK(platform::FileExists(dir.File("pin")));
  test::WriteFile(dir.File("big"), std::string(5000, 'x'));
  auto big = platform::ReadSmallFile(dir.File("big"), 4096);
  CHECK(big.status().code() == ErrorCode::kCorrupt);
  auto whole = platform::ReadSmallFile(dir.File("big"), 5000);
  REQUIRE(whole.ok());
  CHECK(whole->size() == 5000);
}
