// The file-transfer fixture: devices over the real server, material rows written with plain SQL.
#include "file_fixture.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <random>

#include "sync/store/schema.h"

namespace mk::files_test {

std::string TestBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    const uint64_t v = rng();
    for (size_t b = 0; b < 8 && i + b < n; ++b) out[i + b] = static_cast<char>((v >> (8 * b)) & 0xFF);
  }
  return out;
}

Device::Device(server_test::ServerFixture& server, const std::string& centre_id, const std::string& name)
    : enrolled_(server.Enroll(centre_id, name)) {
  auto blobs = sync::BlobStore::Open(dir_.File("files"));
  INFO(blobs.status().message());
  REQUIRE(blobs.ok());
  blobs_ = std::make_unique<sync::BlobStore>(std::move(*blobs));
  auto db = store::Database::Open(dir_.File("mintkiosk.db"));
  INFO(db.status().message());
  REQUIRE(db.ok());
  db_ = std::make_unique<store::Database>(std::move(*db));
  Status migrated = store::Migrate(*db_);
  INFO(migrated.message());
  REQUIRE(migrated.ok());
  auto st = db_->Prepare("INSERT INTO centres(id, name, created_at, updated_at) VALUES (?1, 'Zentrum', 0, 0)");
  REQUIRE(st.ok());
  st->Bind(1, centre_id);
  REQUIRE(st->Run().ok());
}

std::unique_ptr<sync::HttpClient> Device::Client(const std::string& base_url) {
  sync::HttpClientOptions options;
  options.base_url = base_url;
  options.bearer_token = enrolled_.token;
  return std::make_unique<sync::HttpClient>(options);
}

sync::BlobInfo Device::AddFile(const std::string& bytes) {
  const std::string path = dir_.File("upload-" + std::to_string(++files_) + ".bin");
  test::WriteFile(path, bytes);
  auto info = blobs_->AddFile(path);
  INFO(info.status().message());
  REQUIRE(info.ok());
  return *info;
}

void Device::AddMaterial(const std::string& sha256, int64_t size) {
  auto st = db_->Prepare(
      "INSERT INTO materials(id, centre_id, title, file_name, size_bytes, sha256, created_at, updated_at) "
      "VALUES (?1, ?2, 'Arbeitsblatt', 'arbeitsblatt.pdf', ?3, ?4, 0, 0)");
  REQUIRE(st.ok());
  st->Bind(1, "m-" + std::to_string(++files_) + "-" + sha256.substr(0, 8))
      .Bind(2, enrolled_.centre_id)
      .Bind(3, size)
      .Bind(4, sha256);
  Status s = st->Run();
  INFO(s.message());
  REQUIRE(s.ok());
}

void AddServerMaterial(server_test::ServerFixture& server, const std::string& centre_id, const std::string& sha256,
                       int64_t size) {
  static int counter = 0;
  server.Execute("INSERT INTO materials(id, centre_id, title, file_name, size_bytes, sha256, created_at, updated_at) "
                 "VALUES ('srv-m-" + std::to_string(++counter) + "', '" + centre_id + "', 'Arbeitsblatt', "
                 "'arbeitsblatt.pdf', " + std::to_string(size) + ", '" + sha256 + "', 0, 0)");
}

std::string ServerBlobPath(server_test::ServerFixture& server, const std::string& centre_id,
                           const std::string& sha256) {
  return server.data_dir() + "/files/" + centre_id + "/sha256/" + sha256.substr(0, 2) + "/" + sha256;
}

std::string ServerPartialPath(server_test::ServerFixture& server, const std::string& centre_id,
                              const std::string& sha256) {
  return server.data_dir() + "/files/" + centre_id + "/partial/" + sha256 + ".part";
}

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace mk::files_test
