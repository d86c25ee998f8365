// A store in a temporary directory with a fake clock and a small centre, for store tests.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sync/common/clock.h"
#include "sync/common/time_zone.h"
#include "sync/store/store.h"
#include "tests/support/test_support.h"

namespace mk::test {

// 2026-11-27 08:00 UTC = 09:00 in Berlin, a Friday.
inline constexpr int64_t kFixtureNowMs = 1'795'766'400'000;

TimeZone Berlin();

// The single integer a query returns (count(*) and the like).
int64_t Count(store::Database& db, const std::string& sql);

struct StoreFixture {
  StoreFixture();
  TempDir dir;
  FakeClock clock{kFixtureNowMs};
  std::unique_ptr<store::Store> store;
  std::string centre_id;
  std::string course_id;
  std::string session_id;  // 09:00-12:00 Berlin today: running at kFixtureNowMs
  std::string db_path() const { return dir.File("mintkiosk.db"); }

  // Adds a person to the centre and returns the id.
  std::string AddPerson(const std::string& first, const std::string& last, const std::string& school = "Gymnasium Eschwege",
                        std::optional<std::string> email = std::nullopt);
  // A canonical dump of every domain table, to compare stores or detect any change.
  std::string Dump();
};

}  // namespace mk::test
