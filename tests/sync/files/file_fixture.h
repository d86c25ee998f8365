// Fixture of the file-transfer tests: the real server with material rows, devices with blob stores and stores.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sync/files/blob_store.h"
#include "sync/files/file_transfer.h"
#include "sync/store/database.h"
#include "sync/transport/http_client.h"
#include "tests/sync/server/server_fixture.h"
#include "tests/support/test_support.h"

namespace mk::files_test {

// `n` bytes from a fixed seed: the same file on every run.
std::string TestBytes(size_t n, uint64_t seed);

// One enrolled device: its data directory with a blob store (DIR/files) and a local store
// (DIR/mintkiosk.db, the device schema) holding material rows.
class Device {
 public:
  Device(server_test::ServerFixture& server, const std::string& centre_id, const std::string& name);

  const server_test::EnrolledDevice& enrolled() const { return enrolled_; }
  sync::BlobStore& blobs() { return *blobs_; }
  store::Database& db() { return *db_; }
  const std::string& dir() const { return dir_.path(); }

  // A client for the server at `base_url` (the server itself or a link emulator in front of it).
  std::unique_ptr<sync::HttpClient> Client(const std::string& base_url);
  // Writes `bytes` to a file in the device's directory and adds it to the blob store.
  sync::BlobInfo AddFile(const std::string& bytes);
  // A material row for the file in the local store (as the record sync would bring it).
  void AddMaterial(const std::string& sha256, int64_t size);

 private:
  test::TempDir dir_;
  server_test::EnrolledDevice enrolled_;
  std::unique_ptr<sync::BlobStore> blobs_;
  std::unique_ptr<store::Database> db_;
  int files_ = 0;
};

// A material row of `centre_id` in the server's database (as a record push would bring it).
void AddServerMaterial(server_test::ServerFixture& server, const std::string& centre_id, const std::string& sha256,
                       int64_t size);
// Where the server keeps the centre's complete and partial copies of a file.
std::string ServerBlobPath(server_test::ServerFixture& server, const std::string& centre_id,
                           const std::string& sha256);
std::string ServerPartialPath(server_test::ServerFixture& server, const std::string& centre_id,
                              const std::string& sha256);
bool FileExists(const std::string& path);

}  // namespace mk::files_test
