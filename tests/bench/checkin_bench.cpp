// Benchmark: durable check-in latency (commit with synchronous=FULL) against the same check-ins
// without waiting for the disk, measured in the same run.
//
// Usage: mk_bench_checkin [--checkins N] [--json FILE]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "platform/paths.h"
#include "sync/common/clock.h"
#include "sync/store/demo_data.h"
#include "sync/store/store.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/test_support.h"

namespace {

using mk::bench::Percentile;

using SteadyClock = std::chrono::steady_clock;

// Seeds a store whose session runs now and times one check-in per teacher.
std::vector<double> Measure(const std::string& path, int checkins, bool durable) {
  auto opened = mk::store::Store::Open(path, mk::SystemClock::Instance());
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    std::exit(1);
  }
  mk::store::Store& store = **opened;
  auto tz = mk::TimeZone::Load(mk::store::DemoTimeZoneName(), mk::platform::ZoneInfoDir());
  mk::store::DemoOptions opt;
  opt.teachers = checkins;
  opt.now_ms = mk::SystemClock::Instance()->NowMs();
  opt.time_zone = tz.ok() ? *tz : mk::TimeZone::Utc();
  opt.past_attendance = false;
  auto seeded = mk::store::SeedDemo(store, opt);
  if (!seeded.ok()) std::exit(1);
  if (!durable) (void)store.db().Exec("PRAGMA synchronous=OFF");
  // The session running now (the demo has one) and every teacher.
  auto session = store.db().Prepare("SELECT id FROM sessions WHERE starts_at <= ?1 AND ends_at > ?1 LIMIT 1");
  session->Bind(1, opt.now_ms);
  (void)session->Step();
  const std::string session_id = session->ColumnText(0);
  auto people = store.db().Prepare("SELECT id FROM people WHERE kind = 'teacher' ORDER BY id");
  std::vector<std::string> ids;
  while (*people->Step()) ids.push_back(people->ColumnText(0));
  std::vector<double> us;
  us.reserve(ids.size());
  for (const std::string& id : ids) {
    const auto t0 = SteadyClock::now();
    auto r = store.CheckIn({session_id, id, mk::store::CheckInMethod::kKioskSearch});
    const auto t1 = SteadyClock::now();
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().message().c_str());
      std::exit(1);
    }
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  mk::bench::Results results("checkin", argc, argv);
  int checkins = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--checkins")) checkins = std::atoi(argv[i + 1]);
  }
  mk::test::TempDir dir;
  const std::vector<double> durable = Measure(dir.File("durable.db"), checkins, true);
  const std::vector<double> fast = Measure(dir.File("nosync.db"), checkins, false);
  std::printf("machine: %s\n", mk::bench::MachineDescription().c_str());
  std::printf("check-ins: %d, each one transaction (session and person checked, enrolment, attendance)\n", checkins);
  std::printf("durable (synchronous=FULL): p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us\n", Percentile(durable, 50),
              Percentile(durable, 90), Percentile(durable, 99), Percentile(durable, 100));
  std::printf("baseline (synchronous=OFF, not durable): p50 %.0f us, p99 %.0f us\n", Percentile(fast, 50),
              Percentile(fast, 99));
  std::printf("ratio durable/baseline: p50 %.1f, p99 %.1f\n", Percentile(durable, 50) / Percentile(fast, 50),
              Percentile(durable, 99) / Percentile(fast, 99));
  using mk::bench::Better;
  const auto ms = [](std::vector<double> us) {
    for (double& v : us) v /= 1000.0;
    return us;
  };
  results.AddPercentiles("durable", "durable check-in", ms(durable), "ms", Better::kLower);
  results.AddPercentiles("nosync", "baseline synchronous=OFF", ms(fast), "ms", Better::kNeither, {50, 99});
  results.Add("ratio_p50", "durable p50 / baseline p50", Percentile(durable, 50) / Percentile(fast, 50), "ratio",
              durable.size(), Better::kLower);
  results.Add("ratio_p99", "durable p99 / baseline p99", Percentile(durable, 99) / Percentile(fast, 99), "ratio",
              durable.size(), Better::kLower);
  results.Note(std::to_string(checkins) + " check-ins per store, each one durable transaction");
  return results.Write() ? 0 : 1;
}
