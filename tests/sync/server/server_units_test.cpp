// Unit tests of the server's small parts: codes and tokens, the rate limiter, durations, strict JSON.
#include <catch2/catch.hpp>

#include "sync/server/api_json.h"
#include "sync/server/rate_limiter.h"
#include "sync/server/secret.h"
#include "sync/server/server_cli.h"
#include "sync/server/server_schema.h"
#include "sync/store/schema.h"
#include "tests/sync/store/store_fixture.h"

namespace mk::server {
namespace {

TEST_CASE("enrolment codes: typed forms normalise, look-alikes and wrong lengths do not", "[server]") {
  CHECK(NormalizeEnrolmentCode("k7qx2-mht9c") == "K7QX2MHT9C");
  CHECK(NormalizeEnrolmentCode(" K7QX2 MHT9C ") == "K7QX2MHT9C");
  CHECK(NormalizeEnrolmentCode("K7QX2MHT9") == "");
  CHECK(NormalizeEnrolmentCode("K7QX2MHT9CC") == "");
  CHECK(NormalizeEnrolmentCode("K7QX2-MHT90") == "");  // 0 is not in the alphabet
  CHECK(NormalizeEnrolmentCode("K7QX2-MHTIC") == "");  // nor I
  CHECK(NormalizeEnrolmentCode("") == "");
  for (int i = 0; i < 100; ++i) CHECK(NormalizeEnrolmentCode(NewEnrolmentCode()).size() == kEnrolmentCodeLetters);
}

TEST_CASE("device tokens are 64 hex digits, distinct, and hashed", "[server]") {
  const std::string a = NewDeviceToken();
  const std::string b = NewDeviceToken();
  CHECK(LooksLikeDeviceToken(a));
  CHECK(a != b);
  CHECK_FALSE(LooksLikeDeviceToken(a.substr(1)));
  CHECK_FALSE(LooksLikeDeviceToken(std::string(64, 'g')));
  CHECK(HashSecret("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(HashSecret(a) != a);
}

TEST_CASE("rate limiter: a burst, then refusals, then refill with time", "[server]") {
  RateLimiter limiter(2, 3);  // 2 per second, bursts of 3
  int64_t now = 1000000;
  for (int i = 0; i < 3; ++i) CHECK(limiter.Allow("a", now));
  int64_t retry = 0;
  CHECK_FALSE(limiter.Allow("a", now, &retry));
  CHECK(retry >= 1);
  CHECK(limiter.Allow("b", now));  // keys are independent
  now += 500;                      // half a second: one token back
  CHECK(limiter.Allow("a", now));
  CHECK_FALSE(limiter.Allow("a", now));
  RateLimiter off(0, 1);
  for (int i = 0; i < 1000; ++i) CHECK(off.Allow("x", now));
}

TEST_CASE("rate limiter: memory stays bounded by forgetting idle keys", "[server]") {
  RateLimiter limiter(1, 2, 100);
  int64_t now = 0;
  for (int i = 0; i < 1000; ++i) CHECK(limiter.Allow("k" + std::to_string(i), now + i * 10000));
}

TEST_CASE("durations for --ttl", "[server]") {
  CHECK(ParseDuration("24h") == int64_t{24} * 3600 * 1000);
  CHECK(ParseDuration("30m") == int64_t{30} * 60 * 1000);
  CHECK(ParseDuration("7d") == int64_t{7} * 24 * 3600 * 1000);
  CHECK(ParseDuration("90s") == 90000);
  CHECK_FALSE(ParseDuration("h"));
  CHECK_FALSE(ParseDuration("24"));
  CHECK_FALSE(ParseDuration("-5m"));
  CHECK_FALSE(ParseDuration("1.5h"));
}

TEST_CASE("strict request bodies", "[server]") {
  const std::map<std::string, FieldRule> rules = {{"code", {true, 10}}, {"name", {false, 5}}};
  std::map<std::string, std::string> out;
  CHECK_FALSE(ParseStringObject(R"({"code":"abc"})", rules, &out));
  CHECK(out["code"] == "abc");
  CHECK(ParseStringObject(R"({"code":"abc","x":1})", rules, &out)->code == "unknown_field");
  CHECK(ParseStringObject(R"({"code":1})", rules, &out)->code == "wrong_type");
  std::map<std::string, std::string> fresh;
  CHECK(ParseStringObject(R"({"name":"a"})", rules, &fresh)->code == "missing_field");
  CHECK(ParseStringObject(R"({"code":"abc","name":"Müller"})", rules, &out)->code == "field_too_long");
  CHECK_FALSE(ParseStringObject(R"({"code":"abc","name":"Müll"})", rules, &out));
  CHECK(ParseStringObject("{\"code\":\"\xff\"}", rules, &out)->code == "invalid_utf8");
  CHECK(ParseStringObject(R"({"code":"abc")", rules, &out)->code == "malformed_json");
  CHECK(ParseStringObject(R"([[[[[["a"]]]]]])", rules, &out)->code == "malformed_json");
  CHECK(ParseStringObject(R"({"code":"[[[[[[[["})", rules, &out).has_value() == false);  // brackets in strings are text
  CHECK(ParseStringObject("", rules, &out)->code == "empty_body");
  CHECK(ErrorBody("x", "bad \xff byte").find("\"code\":\"x\"") != std::string::npos);
}

}  // namespace
}  // namespace mk::server

namespace mk::server {
namespace {

using test::Count;

TEST_CASE("server schema 4 rebuilds the log with its rows, indexes and seq counter", "[server][schema]") {
  test::TempDir dir;
  auto opened = store::Database::Open(dir.File("server.db"));
  REQUIRE(opened.ok());
  store::Database& db = *opened;
  REQUIRE(store::Migrate(db).ok());
  REQUIRE(MigrateServerSchema(db, 3).ok());
  REQUIRE(db.Exec(R"sql(
    INSERT INTO sync_log(centre_id, origin, tbl, key, op, hlc, device_time, fields) VALUES
      ('c1', 'd1', 'people', 'p1', 'u', 10, 1, '{"last_name":"Müller"}'),
      ('c1', 'd1', 'attendance', 's1|p1', 'u', 11, 1, '{}'),
      ('c1', 'd2', 'people', 'p2', 'e', 12, 1, '{}');
    DELETE FROM sync_log WHERE seq = 3;
  )sql").ok());
  REQUIRE(MigrateServerSchema(db).ok());
  auto integrity = db.IntegrityCheck();
  REQUIRE(integrity.ok());
  CHECK(*integrity == "ok");
  CHECK(Count(db, "SELECT count(*) FROM sync_log WHERE fields = '{\"last_name\":\"Müller\"}' AND seq = 1") == 1);
  CHECK(Count(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('sync_log_by_centre', 'sync_log_by_row')") == 2);
  CHECK(Count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'sync_log_v4'") == 0);
  // A device's cursor never sees a seq twice: the next entry comes after the deleted one.
  REQUIRE(db.Exec("INSERT INTO sync_log(centre_id, origin, tbl, key, op, hlc, device_time, fields) "
                  "VALUES ('c1', 'd1', 'people', 'p3', 'u', 13, 1, '{}')").ok());
  CHECK(Count(db, "SELECT max(seq) FROM sync_log") == 4);
  CHECK_FALSE(db.Exec("INSERT INTO sync_log(centre_id, origin, tbl, key, op, hlc, device_time, fields) "
                      "VALUES ('c1', 'd1', 'people', 'p3', 'x', 13, 1, '{}')").ok());
  CHECK(Count(db, "SELECT value FROM meta WHERE key = 'server_schema_version'") == kServerSchemaVersion);
}

}  // namespace
}  // namespace mk::server
