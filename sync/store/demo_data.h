// Deterministic demo data: a realistic MINT centre for the demo, the tests and the benchmarks.
#pragma once

#include <cstdint>
#include <string>

#include "store.h"
#include "sync/common/time_zone.h"

namespace mk::store {

struct DemoOptions {
  uint64_t seed = 20261127;
  int teachers = 2000;      // teachers with European names
  int trainers = 12;
  int64_t now_ms = 0;       // "today" and "this week" are taken from this instant
  TimeZone time_zone = TimeZone::Utc();  // the catalogue's zone (Europe/Berlin), loaded by the caller
  bool past_attendance = true;           // attendance records for sessions that have ended
};

struct DemoSummary {
  std::string centre_id;
  int courses = 0;
  int sessions = 0;
  int sessions_today = 0;
  int people = 0;
  int enrolments = 0;
  int partners = 0;
  bool already_present = false;  // the demo centre existed: nothing was written
};

// The IANA zone of the demo centre, to load before calling SeedDemo.
std::string DemoTimeZoneName();

// Seeds, in one transaction, the centre of assets/demo/catalogue.json: its partners and
// collaborations, 40 courses across the target groups, sessions Monday to Friday of the week of
// `now_ms` (several today, one of them running at `now_ms`), teachers and trainers, enrolments,
// and attendance for sessions already over. The same seed gives the same ids, names and
// assignments; only the session times follow `now_ms`. The centre becomes the device's centre.
// Seeding a store that holds the demo centre already changes nothing.
Result<DemoSummary> SeedDemo(Store& store, const DemoOptions& options);

}  // namespace mk::store
