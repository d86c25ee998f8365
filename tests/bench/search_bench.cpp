// Benchmark: name search latency over 100 000 people, against a naive LIKE scan in the same run.
//
// Usage: mk_bench_search [--people N] [--rounds R] [--db PATH] [--json FILE]
// Builds (or reuses, with --db) a store with the demo centre and N teachers, then times every
// query of a fixed set R times and prints percentiles per query, in microseconds.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
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

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  mk::bench::Results results("search", argc, argv);
  int people = 100000;
  int rounds = 30;
  std::string db_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--people")) people = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--db")) db_path = argv[i + 1];
  }
  mk::test::TempDir dir;
  if (db_path.empty()) db_path = dir.File("bench.db");

  auto opened = mk::store::Store::Open(db_path, mk::SystemClock::Instance());
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return 1;
  }
  mk::store::Store& store = **opened;
  auto tz = mk::TimeZone::Load(mk::store::DemoTimeZoneName(), mk::platform::ZoneInfoDir());
  mk::store::DemoOptions opt;
  opt.teachers = people;
  opt.now_ms = mk::SystemClock::Instance()->NowMs();
  opt.time_zone = tz.ok() ? *tz : mk::TimeZone::Utc();
  opt.past_attendance = false;
  const auto seed_start = Clock::now();
  auto seeded = mk::store::SeedDemo(store, opt);
  if (!seeded.ok()) {
    std::fprintf(stderr, "%s\n", seeded.status().message().c_str());
    return 1;
  }
  const double seed_s = std::chrono::duration<double>(Clock::now() - seed_start).count();
  const std::string centre_id = seeded->centre_id;

  // Queries as typed at a door: 2 to 6 letters of a last name, umlauts and transliterations,
  // a first name with a last-name prefix, and misses.
  const std::vector<std::string> queries = {
      "mü", "mül", "müll", "mueller", "sch", "schm", "schäf", "gr", "groß", "gross", "ja", "jäg",
      "ko", "kow", "nowak", "ør", "orsted", "wiś", "wisn", "łuk", "lukasz", "anna", "anna m",
      "jo", "jonas sch", "so", "sören", "soeren", "be", "ber", "dv", "dvořák", "zz", "xyq", "ma", "maria k"};

  std::vector<std::vector<double>> fast(queries.size());
  std::vector<std::vector<double>> naive(queries.size());
  mk::store::SearchOptions sopt;
  sopt.centre_id = centre_id;
  auto naive_stmt = store.db().Prepare(
      "SELECT id, first_name, last_name, school FROM people WHERE centre_id = ?1 AND "
      "(last_name LIKE ?2 || '%' OR first_name LIKE ?2 || '%') ORDER BY last_name, first_name LIMIT 20");
  if (!naive_stmt.ok()) return 1;
  std::mt19937 rng(42);
  std::vector<size_t> order(queries.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  size_t hits_total = 0;
  for (int r = 0; r < rounds; ++r) {
    std::shuffle(order.begin(), order.end(), rng);
    for (size_t qi : order) {
      auto t0 = Clock::now();
      auto hits = store.Search(queries[qi], sopt);
      auto t1 = Clock::now();
      if (!hits.ok()) return 1;
      hits_total += hits->size();
      fast[qi].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());

      auto t2 = Clock::now();
      (void)naive_stmt->Reset();
      naive_stmt->Bind(1, centre_id).Bind(2, queries[qi]);
      size_t n = 0;
      while (*naive_stmt->Step()) ++n;
      auto t3 = Clock::now();
      naive[qi].push_back(std::chrono::duration<double, std::micro>(t3 - t2).count());
    }
  }

  std::vector<double> all_fast;
  std::vector<double> all_naive;
  for (size_t i = 0; i < queries.size(); ++i) {
    all_fast.insert(all_fast.end(), fast[i].begin(), fast[i].end());
    all_naive.insert(all_naive.end(), naive[i].begin(), naive[i].end());
  }
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("machine: %s\n", mk::bench::MachineDescription().c_str());
  std::printf("people: %d (+ %d trainers), seeded in %.1f s; queries: %zu x %d rounds = %zu; peak RSS %ld MB\n", people,
              opt.trainers, seed_s, queries.size(), rounds, all_fast.size(), ru.ru_maxrss / 1024);
  std::printf("%-12s %9s %9s %9s %9s | %s\n", "query", "p50 us", "p99 us", "max us", "naive p50", "hits(last round)");
  for (size_t i = 0; i < queries.size(); ++i) {
    auto hits = store.Search(queries[i], sopt);
    std::printf("%-12s %9.1f %9.1f %9.1f %9.1f | %zu\n", queries[i].c_str(), Percentile(fast[i], 50), Percentile(fast[i], 99),
                Percentile(fast[i], 100), Percentile(naive[i], 50), hits.ok() ? hits->size() : 0);
  }
  std::printf("ALL search: p50 %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us\n", Percentile(all_fast, 50),
              Percentile(all_fast, 90), Percentile(all_fast, 99), Percentile(all_fast, 100));
  std::printf("ALL naive LIKE (no folding, baseline): p50 %.1f us, p99 %.1f us\n", Percentile(all_naive, 50),
              Percentile(all_naive, 99));
  std::printf("ratio search/naive: p50 %.2f, p99 %.2f\n", Percentile(all_fast, 50) / Percentile(all_naive, 50),
              Percentile(all_fast, 99) / Percentile(all_naive, 99));
  using mk::bench::Better;
  const auto ms = [](std::vector<double> us) {
    for (double& v : us) v /= 1000.0;
    return us;
  };
  results.AddPercentiles("search", "search", ms(all_fast), "ms", Better::kLower);
  results.AddPercentiles("like", "baseline LIKE", ms(all_naive), "ms", Better::kNeither, {50, 99});
  results.Add("ratio_p50", "search p50 / LIKE p50", Percentile(all_fast, 50) / Percentile(all_naive, 50), "ratio",
              all_fast.size(), Better::kLower);
  results.Add("ratio_p99", "search p99 / LIKE p99", Percentile(all_fast, 99) / Percentile(all_naive, 99), "ratio",
              all_fast.size(), Better::kLower);
  results.Add("seed_s", "seeding the store", seed_s, "s", 1, Better::kLower);
  results.Add("peak_rss_mb", "peak RSS of the whole run", static_cast<double>(ru.ru_maxrss) / 1024.0, "MB", 1,
              Better::kLower);
  results.Note(mk::bench::Count(people) + " people, " + std::to_string(queries.size()) + " queries x " +
               std::to_string(rounds) + " rounds");
  (void)hits_total;
  return results.Write() ? 0 : 1;
}
