// Tests for UUIDv7 ids and typable codes.
#include <catch2/catch.hpp>

#include <set>

#include "sync/common/uuid.h"

TEST_CASE("UUIDv7 ids are well-formed, versioned and strictly increasing", "[common]") {
  mk::UuidGenerator gen;
  std::string prev;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    // The clock stalls and steps back now and then: order must hold anyway.
    const int64_t ms = 1'790'000'000'000 + (i / 100) - (i % 7 == 0 ? 5 : 0);
    std::string id = gen.Next(ms);
    REQUIRE(mk::IsUuid(id));
    CHECK(id[14] == '7');
    CHECK((id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b'));
    if (!prev.empty()) CHECK(id > prev);
    prev = id;
    seen.insert(id);
  }
  CHECK(seen.size() == 2000);
}

TEST_CASE("Two generators at the same millisecond do not collide", "[common]") {
  mk::UuidGenerator a, b;
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.insert(a.Next(1'790'000'000'000));
    ids.insert(b.Next(1'790'000'000'000));
  }
  CHECK(ids.size() == 2000);
}

TEST_CASE("IsUuid and deterministic ids", "[common]") {
  CHECK(mk::IsUuid(mk::DeterministicUuid(1, 2)));
  CHECK(mk::DeterministicUuid(1, 2) == mk::DeterministicUuid(1, 2));
  CHECK(mk::DeterministicUuid(1, 2) != mk::DeterministicUuid(1, 3));
  CHECK_FALSE(mk::IsUuid("not-a-uuid"));
  CHECK_FALSE(mk::IsUuid("0190f5c2-7a3b-7cde-8f01-23456789abcg"));
  CHECK_FALSE(mk::IsUuid("0190f5c2-7a3b-7cde-8f01-23456789abc"));
}

TEST_CASE("Random codes avoid look-alike characters", "[common]") {
  for (int i = 0; i < 200; ++i) {
    std::string code = mk::RandomCode(8);
    REQUIRE(code.size() == 8);
    CHECK(code.find_first_of("0O1Il") == std::string::npos);
  }
}
