// Bundles: the file format (signed, refused when damaged) and the server's import-bundle and export-bundle.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "sync/protocol/bundle.h"
#include "sync/server/secret.h"
#include "sync_helpers.h"
#include "tests/integration/sqlite_probe.h"

namespace mk::server_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

const std::string kKey = server::HashSecret("a device token");

sync::BundleHeader Header(sync::BundleKind kind, const std::string& device, const std::string& centre) {
  sync::BundleHeader h;
  h.kind = kind;
  h.device_id = device;
  h.centre_id = centre;
  h.created_at_ms = 1764230400000;
  h.acked_seq = 17;
  return h;
}

TEST_CASE("bundle format: what is written is read back and verified", "[server][sync]") {
  // The length from the array itself, with the NUL inside and without the terminating one (a
  // counted 24 read a byte past this 23-byte literal).
  static constexpr char kPayload[] = "\x28\xb5\x2f\xfd binary \0 payload\n";
  const std::string payload(kPayload, sizeof kPayload - 1);
  const std::string bytes =
      sync::EncodeBundle(Header(sync::BundleKind::kServerToDevice, "dev-1", "centre-1"), payload, kKey);
  CHECK(bytes.rfind("MINTKIOSK-BUNDLE 1\n{", 0) == 0);
  auto parsed = sync::ParseBundle(bytes);
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  CHECK(parsed->header.kind == sync::BundleKind::kServerToDevice);
  CHECK(parsed->header.device_id == "dev-1");
  CHECK(parsed->header.centre_id == "centre-1");
  CHECK(parsed->header.created_at_ms == 1764230400000);
  CHECK(parsed->header.acked_seq == 17);
  CHECK(parsed->header.version == sync::kProtocolVersion);
  CHECK(sync::VerifyBundle(bytes, kKey).ok());
  // The payload is sealed: not readable in the file, opened only with the device's key.
  CHECK(parsed->payload != payload);
  CHECK(bytes.find("binary") == std::string::npos);
  auto opened = sync::OpenBundlePayload(parsed->payload, kKey);
  REQUIRE(opened.ok());
  CHECK(*opened == payload);
  CHECK(sync::OpenBundlePayload(parsed->payload, server::HashSecret("another token")).status().code() ==
        ErrorCode::kPermissionDenied);

  // Another device's key, any flipped byte, a cut file: refused.
  Status other = sync::VerifyBundle(bytes, server::HashSecret("another token"));
  CHECK(other.code() == ErrorCode::kPermissionDenied);
  CHECK(Contains(other.message(), "signature"));
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::string flipped = bytes;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    CHECK_FALSE(sync::VerifyBundle(flipped, kKey).ok());
  }
  CHECK_FALSE(sync::VerifyBundle(bytes.substr(0, bytes.size() - 1), kKey).ok());
  CHECK(sync::VerifyBundle(bytes, "not hex").code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("bundle format: damaged files are refused with a message that says what is wrong", "[server][sync]") {
  const std::string good = sync::EncodeBundle(Header(sync::BundleKind::kDeviceToServer, "dev-1", "centre-1"), "payload", kKey);
  const std::string mac(32, 'M');
  auto with_header = [&](const std::string& header_line) { return "MINTKIOSK-BUNDLE 1\n" + header_line + "\npayload" + mac; };
  const nlohmann::json base = {{"version", 1}, {"kind", "device_to_server"}, {"device_id", "d"}, {"centre_id", "c"},
                               {"created_at_ms", 1}, {"acked_seq", 0}};
  auto without = [&](const char* field) {
    nlohmann::json h = base;
    h.erase(field);
    return with_header(h.dump());
  };
  auto with = [&](const char* field, const nlohmann::json& value) {
    nlohmann::json h = base;
    h[field] = value;
    return with_header(h.dump());
  };
  struct Case {
    const char* name;
    std::string bytes;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"empty file", "", "not a mintkiosk bundle"},
      {"wrong magic", "MINTKIOSK-BUNDEL 1\n" + good.substr(19), "not a mintkiosk bundle"},
      {"a zip file", "PK\x03\x04" + good, "not a mintkiosk bundle"},
      {"unknown version", "MINTKIOSK-BUNDLE 2\n" + good.substr(19), "version '2'"},
      {"shorter than the signature", good.substr(0, 30), "truncated"},
      {"header cut", good.substr(0, 40), "truncated"},
      {"header not JSON", with_header("{not json"), "not a JSON object"},
      {"header a list", with_header("[1,2]"), "not a JSON object"},
      {"no kind", without("kind"), "no 'kind'"},
      {"unknown kind", with("kind", "sideways"), "kind 'sideways' is unknown"},
      {"no device", without("device_id"), "no 'device_id'"},
      {"no centre", without("centre_id"), "no 'centre_id'"},
      {"device not text", with("device_id", 5), "'device_id' is not text"},
      {"header version 3", with("version", 3), "version 3"},
      {"negative seq", with("acked_seq", -1), "negative"},
      {"no created_at_ms", without("created_at_ms"), "no 'created_at_ms'"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto parsed = sync::ParseBundle(c.bytes);
    REQUIRE_FALSE(parsed.ok());
    INFO(parsed.status().message());
    CHECK(Contains(parsed.status().message(), c.message));
  }
}

// A device of centre A with the roster of its centre on the server.
struct BundleSetup {
  ServerFixture f;
  EnrolledDevice a1;
  EnrolledDevice a2;
  EnrolledDevice b1;
  std::string session;
  std::vector<std::string> people;
  BundleSetup() {
    a1 = f.Enroll(f.centre_a(), "Kiosk ohne Netz");
    a2 = f.Enroll(f.centre_a(), "Kiosk 2");
    b1 = f.Enroll(f.centre_b());
    ImportRoster(f, f.centre_a(), "Robotik", {{"Jan", "Kowalski"}, {"Eva", "Lindqvist"}, {"Ana", "Horvat"}});
    const auto changes = PullAll(f, a2.token);
    session = KeysOf(changes, "sessions").at(0);
    people = KeysOf(changes, "people");
  }
  // A device->server bundle file of `device` claiming `centre`, holding `batch`.
  std::string WriteDeviceBundle(const std::string& name, const EnrolledDevice& device, const std::string& centre,
                                const sync::PushBatch& batch) {
    const std::string path = f.dir().File(name);
    test::WriteFile(path, sync::EncodeBundle(Header(sync::BundleKind::kDeviceToServer, device.id, centre),
                                             sync::EncodePushBatch(batch), server::HashSecret(device.token)));
    return path;
  }
};

TEST_CASE("import-bundle applies a device's bundle like a push, and a second import changes nothing", "[server][sync]") {
  BundleSetup s;
  int64_t a2_cursor = 0;
  PullAll(s.f, s.a2.token, 0, &a2_cursor);
  const sync::PushBatch batch = Batch(1, {CheckIn(s.session, s.people[0], s.a1.id, Stamp(0, 1)),
                                          CheckIn(s.session, s.people[1], s.a1.id, Stamp(0, 2))});
  const std::string file = s.WriteDeviceBundle("kiosk.mkb", s.a1, s.f.centre_a(), batch);

  auto first = test::ServerCli(s.f.data_dir(), {"import-bundle", file});
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(Contains(first.out, "2 changes applied, 0 skipped"));
  CHECK(Contains(first.out, s.a1.id));
  const std::string state = SyncState(s.f);

  auto second = test::ServerCli(s.f.data_dir(), {"import-bundle", file});
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(Contains(second.out, "0 changes applied, 2 skipped"));
  CHECK(SyncState(s.f) == state);

  // The other kiosk gets the check-ins over the network, once.
  auto changes = PullAll(s.f, s.a2.token, a2_cursor);
  CHECK(KeysOf(changes, "attendance").size() == 2);
  CHECK(changes.size() == 2);
  // And the kiosk's own pushes continue from there when it gets a connection.
  auto r = Push(s.f, s.a1.token, Batch(3, {CheckIn(s.session, s.people[2], s.a1.id, Stamp(0, 3))}));
  CHECK(r.status == 200);
}

TEST_CASE("import-bundle refuses a bundle that was changed, is not the device's, or reaches into another centre", "[server][sync]") {
  BundleSetup s;
  const sync::PushBatch batch = Batch(1, {CheckIn(s.session, s.people[0], s.a1.id, Stamp(0, 1))});
  const std::string good = s.WriteDeviceBundle("good.mkb", s.a1, s.f.centre_a(), batch);
  const std::string state = SyncState(s.f);

  std::string bytes = test::ReadFile(good);
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x04);
  test::WriteFile(s.f.dir().File("flipped.mkb"), flipped);
  test::WriteFile(s.f.dir().File("cut.mkb"), bytes.substr(0, bytes.size() - 40));

  // Signed with device A1's key, but saying it holds data of centre B.
  const std::string as_b = s.WriteDeviceBundle("as-b.mkb", s.a1, s.f.centre_b(), batch);
  // A1's own centre in the header, but a change of centre B inside.
  ImportRoster(s.f, s.f.centre_b(), "Astronomie", {{"Marie", "Dubois"}});
  const auto b_changes = PullAll(s.f, s.b1.token);
  const std::string session_b = KeysOf(b_changes, "sessions").at(0);
  const std::string person_b = KeysOf(b_changes, "people").at(0);
  const std::string smuggled = s.WriteDeviceBundle("smuggled.mkb", s.a1, s.f.centre_a(),
                                                   Batch(1, {batch.changes[0], CheckIn(session_b, person_b, s.a1.id, Stamp(0, 2))}));
  // Made with B1's key but claiming to be A1's.
  const std::string path_forged = s.f.dir().File("forged.mkb");
  test::WriteFile(path_forged, sync::EncodeBundle(Header(sync::BundleKind::kDeviceToServer, s.a1.id, s.f.centre_a()),
                                                  sync::EncodePushBatch(batch), server::HashSecret(s.b1.token)));
  // A bundle the server wrote for a device.
  const std::string outgoing = s.f.dir().File("outgoing.mkb");
  REQUIRE(test::ServerCli(s.f.data_dir(), {"export-bundle", "--device", s.a1.id, outgoing}).exit_code == 0);
  const std::string state_b = SyncState(s.f);

  struct Case {
    const char* name;
    std::string file;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"a flipped byte", s.f.dir().File("flipped.mkb"), "signature"},
      {"cut short", s.f.dir().File("cut.mkb"), ""},
      {"claims another centre", as_b, "belongs to centre " + s.f.centre_a()},
      {"a change of another centre inside", smuggled, "nothing was applied"},
      {"another device's key", path_forged, "signature"},
      {"a server-to-device bundle", outgoing, "server imports only bundles a device made"},
      {"a file that is no bundle", s.f.dir().File("Robotik-3.csv"), "not a mintkiosk bundle"},
      {"a file that does not exist", s.f.dir().File("missing.mkb"), "cannot open"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto r = test::ServerCli(s.f.data_dir(), {"import-bundle", c.file});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(Contains(r.err, c.message));
    CHECK(SyncState(s.f) == state_b);
  }
  (void)state;

  // A revoked device's bundles are refused too.
  REQUIRE(test::ServerCli(s.f.data_dir(), {"device", "revoke", s.a1.id}).exit_code == 0);
  auto revoked = test::ServerCli(s.f.data_dir(), {"import-bundle", good});
  CHECK(revoked.exit_code == 1);
  CHECK(Contains(revoked.err, "revoked"));
  CHECK(SyncState(s.f) == state_b);

  CHECK(test::ServerCli(s.f.data_dir(), {"import-bundle"}).exit_code == 2);
  CHECK(test::ServerCli(s.f.data_dir(), {"import-bundle", good, good}).exit_code == 2);
}

TEST_CASE("export-bundle writes the centre's log for one device, signed for it", "[server][sync]") {
  BundleSetup s;
  // Kiosk 2 checks someone in over the network; Kiosk 1 (offline) sent a bundle before.
  REQUIRE(Push(s.f, s.a2.token, Batch(1, {CheckIn(s.session, s.people[0], s.a2.id, Stamp(0, 1))})).status == 200);
  const std::string in = s.WriteDeviceBundle("in.mkb", s.a1, s.f.centre_a(),
                                             Batch(1, {CheckIn(s.session, s.people[1], s.a1.id, Stamp(0, 2)),
                                                       CheckIn(s.session, s.people[2], s.a1.id, Stamp(0, 3))}));
  REQUIRE(test::ServerCli(s.f.data_dir(), {"import-bundle", in}).exit_code == 0);

  const std::string out = s.f.dir().File("for-kiosk-1.mkb");
  test::WriteFile(out, "an older bundle");
  auto r = test::ServerCli(s.f.data_dir(), {"export-bundle", "--device", s.a1.id, out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(Contains(r.out, "Wrote " + out));
  CHECK(Contains(r.out, "applied up to 2"));

  const std::string bytes = test::ReadFile(out);
  REQUIRE(sync::VerifyBundle(bytes, server::HashSecret(s.a1.token)).ok());
  CHECK_FALSE(sync::VerifyBundle(bytes, server::HashSecret(s.a2.token)).ok());
  auto parsed = sync::ParseBundle(bytes);
  REQUIRE(parsed.ok());
  CHECK(parsed->header.kind == sync::BundleKind::kServerToDevice);
  CHECK(parsed->header.device_id == s.a1.id);
  CHECK(parsed->header.centre_id == s.f.centre_a());
  CHECK(parsed->header.acked_seq == 2);
  auto payload = sync::OpenBundlePayload(parsed->payload, server::HashSecret(s.a1.token));
  REQUIRE(payload.ok());
  // Sealed: no name of the roster can be read in the file itself.
  CHECK(bytes.find("Schule am See") == std::string::npos);
  auto page = sync::DecodePullPage(*payload);
  REQUIRE(page.ok());
  CHECK_FALSE(page->more);
  CHECK(page->cursor == LogCount(s.f));
  // The roster and Kiosk 2's check-in, without Kiosk 1's own check-ins or anything of centre B.
  CHECK(KeysOf(page->changes, "people").size() == 3);
  const auto attendance = KeysOf(page->changes, "attendance");
  CHECK(attendance == std::vector<std::string>{s.session + "|" + s.people[0]});
  for (const auto& c : page->changes) CHECK(c.key != s.f.centre_b());
  // What a network pull from the start gives, in one file.
  CHECK(page->changes == PullAll(s.f, s.a1.token));

  // No temporary file is left beside it.
  CHECK(test::ReadFile(out + ".tmp").empty());

  auto unknown = test::ServerCli(s.f.data_dir(), {"export-bundle", "--device", "01a00000-0000-7000-8000-000000000000", out});
  CHECK(unknown.exit_code == 1);
  CHECK(Contains(unknown.err, "no device with id"));
  CHECK(test::ServerCli(s.f.data_dir(), {"export-bundle", out}).exit_code == 2);
  REQUIRE(test::ServerCli(s.f.data_dir(), {"device", "revoke", s.a2.id}).exit_code == 0);
  auto revoked = test::ServerCli(s.f.data_dir(), {"export-bundle", "--device", s.a2.id, out});
  CHECK(revoked.exit_code == 1);
  CHECK(Contains(revoked.err, "revoked"));
}

}  // namespace
}  // namespace mk::server_test
