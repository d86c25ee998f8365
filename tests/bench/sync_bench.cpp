// Sync benchmark with the real programs: a mintkiosk-server process, devices enrolled with the
// mintkiosk CLI, and `mintkiosk sync` through a counting TCP proxy (tests/support/link_emulator)
// on loopback.
//
// Reports (docs/benchmarks.md):
//   - bytes on the wire per check-in (all bytes both ways, HTTP headers included) for batches
//     of 1, 100 and 10 000 check-ins;
//   - check-ins per second pushed by one device and pulled by a second one: for the batches of
//     1 and 100 through the whole `mintkiosk sync` process (every repetition); for the batch of
//     10 000 measured two ways on alternate repetitions: the sync engine in this process talking HTTP straight to the
//     server (what a kiosk's sync worker does: SyncEngine::RunOnce on an open store), and the
//     whole `mintkiosk sync` process through the counting proxy (process start, opening the
//     store, the sync, exit); with, as the baseline of the same repetition, plain INSERTs of the
//     same 10 000 attendance rows in one durable transaction on a copy of the pulling device's
//     store (what any sync would at least have to write there);
//   - the first sync of a new device with a centre of 20 000 people: time and peak RSS.
// Every figure is given as p10, median and p90 over --reps repetitions (the rates of the batch
// of 10 000 over half of them each), every repetition on fresh data directories.
//
// Usage: mk_bench_sync [--people N] [--reps R] [--json FILE]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "sync/common/civil_time.h"
#include "sync/engine/sync_config.h"
#include "sync/engine/sync_engine.h"
#include "sync/store/store.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/link_emulator.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace mk::bench {
namespace {

using Clk = std::chrono::steady_clock;

struct ChildRun {
  int exit_code = -1;
  double seconds = 0;
  double peak_rss_mb = 0;
  std::string err;
};

// Runs a program and measures its wall time and peak resident memory (wait4).
ChildRun RunMeasured(const std::vector<std::string>& argv) {
  ChildRun r;
  std::fflush(stdout);
  int err_pipe[2];
  if (pipe(err_pipe) != 0) return r;
  const auto start = Clk::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(err_pipe[1], 2);
    close(err_pipe[0]);
    close(err_pipe[1]);
    if (freopen("/dev/null", "w", stdout) == nullptr) _exit(127);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(err_pipe[1]);
  char buf[4096];
  ssize_t n;
  while ((n = read(err_pipe[0], buf, sizeof buf)) > 0) r.err.append(buf, static_cast<size_t>(n));
  close(err_pipe[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  r.seconds = std::chrono::duration<double>(Clk::now() - start).count();
  r.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string Iso(int64_t ms) {
  const CivilTime t = UnixToCivilAsUtc(ms / 1000);
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02dZ", t.year, t.month, t.day, t.hour, t.minute);
  return out;
}

std::string Must(const test::ProcessResult& r, const std::string& what) {
  if (r.exit_code != 0) {
    std::cerr << what << " failed: " << r.err << "\n";
    std::exit(1);
  }
  return r.out;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// A server with one centre whose one running session has `people` registered teachers.
struct Centre {
  test::TempDir dir;
  std::string server_dir = dir.File("server");
  std::string centre_id;
  std::unique_ptr<test::ServerProcess> server;

  explicit Centre(int people) {
    centre_id = Trim(Must(test::ServerCli(server_dir, {"centre", "add", "--name", "MINT-Zentrum Ærøskøbing"}), "centre add"));
    std::string csv = "Vorname;Nachname;Schule;Kurs;Beginn;Ende;Einwilligung\n";
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string start = Iso(now - 10 * 60 * 1000), end = Iso(now + 4 * 3600 * 1000);
    const char* first[] = {"Jürgen", "Łukasz", "Anna", "Zoë", "Maja", "Hans", "Ørsted", "Søren"};
    const char* last[] = {"Müller", "Nowak", "Ørsted", "Brontë", "Søndergaard", "Schmidt", "Weiß", "Kowalski"};
    for (int i = 0; i < people; ++i) {
      std::string suffix;
      for (int v = i; v > 0; v /= 26) suffix += static_cast<char>('a' + v % 26);
      csv += std::string(first[i % 8]) + ";" + last[(i / 8) % 8] + "-" + suffix + ";Schule " + suffix +
             ";Optik im Schülerlabor;" + start + ";" + end + ";ja\n";
    }
    test::WriteFile(dir.File("roster.csv"), csv);
    Must(test::ServerCli(server_dir, {"import", "registrations", dir.File("roster.csv"), "--centre", centre_id}), "import");
    server = std::make_unique<test::ServerProcess>(server_dir);
  }

  // A new device enrolled with the centre, reaching the server through `proxy_port`.
  std::string Enrol(const std::string& name, int proxy_port) {
    const std::string code = Trim(Must(test::ServerCli(server_dir, {"enroll", "--centre", centre_id}), "enroll code"));
    const std::string data = dir.File(name);
    Must(test::ClientCli(data, {"enroll", "--server", "http://127.0.0.1:" + std::to_string(proxy_port), "--code", code,
                                "--name", name}),
         "enroll");
    return data;
  }
};

// Checks in the first `count` people of the device's only session, in-process (as the kiosk does).
void CheckIn(const std::string& data_dir, int count) {
  SystemClock* clock = SystemClock::Instance();
  auto store = store::Store::Open(data_dir + "/mintkiosk.db", clock);
  if (!store.ok()) std::exit(1);
  auto st = (*store)->db().Prepare("SELECT session_id, person_id FROM enrolments ORDER BY person_id LIMIT ?1");
  st->Bind(1, static_cast<int64_t>(count));
  std::vector<std::pair<std::string, std::string>> pairs;
  while (*st->Step()) pairs.emplace_back(st->ColumnText(0), st->ColumnText(1));
  for (auto& [session, person] : pairs) {
    store::CheckInRequest req;
    req.session_id = session;
    req.person_id = person;
    auto r = (*store)->CheckIn(req);
    if (!r.ok()) {
      std::cerr << "check-in failed: " << r.status().message() << "\n";
      std::exit(1);
    }
  }
}

ChildRun Sync(const std::string& data_dir) {
  ChildRun r = RunMeasured({test::BinPath("mintkiosk"), "--data", data_dir, "sync"});
  if (r.exit_code != 0) {
    std::cerr << "mintkiosk sync failed: " << r.err << "\n";
    std::exit(1);
  }
  return r;
}

// One sync by the engine in this process, straight to `server_url` (the store is opened before
// the clock starts, as the kiosk's worker has it open): its wall time in seconds.
double EngineSync(const std::string& data_dir, const std::string& server_url, const sync::SyncEngineOptions& options,
                  int64_t* pushed, int64_t* pulled) {
  auto store = store::Store::Open(data_dir + "/mintkiosk.db", SystemClock::Instance());
  auto config = sync::LoadSyncConfig(data_dir);
  if (!store.ok() || !config.ok()) std::exit(1);
  config->server_url = server_url;
  sync::SyncEngine engine(**store, *config, options);
  const auto start = Clk::now();
  auto report = engine.RunOnce();
  const double seconds = std::chrono::duration<double>(Clk::now() - start).count();
  if (!report.ok()) {
    std::cerr << "engine sync failed: " << report.status().message() << "\n";
    std::exit(1);
  }
  *pushed = report->changes_sent;
  *pulled = report->changes_received;
  return seconds;
}

// The baseline: the attendance rows of `from_dir`'s store that `into_dir`'s store lacks, written
// with plain INSERTs in one transaction (synchronous=FULL, as every store) into a copy of the
// latter. Returns rows per second.
double PlainInsertRate(const std::string& from_dir, const std::string& into_dir, const std::string& scratch) {
  auto from = store::Database::Open(from_dir + "/mintkiosk.db");
  if (!from.ok()) std::exit(1);
  struct Row {
    std::string session, person, method, device;
    int64_t at = 0;
  };
  std::vector<Row> rows;
  auto st = from->Prepare("SELECT session_id, person_id, method, device_id, checked_in_at FROM attendance");
  while (*st->Step()) rows.push_back({st->ColumnText(0), st->ColumnText(1), st->ColumnText(2), st->ColumnText(3), st->ColumnInt(4)});
  {
    auto into = store::Database::Open(into_dir + "/mintkiosk.db");  // the last close checkpoints the WAL
    if (!into.ok()) std::exit(1);
  }
  test::WriteFile(scratch, test::ReadFile(into_dir + "/mintkiosk.db"));
  auto db = store::Database::Open(scratch);
  if (!db.ok()) std::exit(1);
  auto stmt = db->Prepare(
      "INSERT OR IGNORE INTO attendance(session_id, person_id, status, checked_in_at, method, device_id, updated_at) "
      "VALUES (?1, ?2, 'present', ?3, ?4, ?5, ?3)");
  const auto start = Clk::now();
  if (!db->Exec("BEGIN IMMEDIATE").ok()) std::exit(1);
  int64_t inserted = 0;
  for (const Row& r : rows) {
    stmt->Bind(1, r.session).Bind(2, r.person).Bind(3, r.at).Bind(4, r.method).Bind(5, r.device);
    if (!stmt->Run().ok() || !stmt->Reset().ok()) std::exit(1);
    inserted += db->Changes();
  }
  if (!db->Exec("COMMIT").ok()) std::exit(1);
  return static_cast<double>(inserted) / std::chrono::duration<double>(Clk::now() - start).count();
}

void Report(const std::string& what, std::vector<double> v, const std::string& unit) {
  std::printf("| %-52s | %10.2f | %10.2f | %10.2f | %s |\n", what.c_str(), Percentile(v, 10), Percentile(v, 50),
              Percentile(v, 90), unit.c_str());
}

}  // namespace
}  // namespace mk::bench

int main(int argc, char** argv) {
  using namespace mk;
  using namespace mk::bench;
  Results results("sync", argc, argv);
  int people = 20000;
  int reps = 10;
  // --engine-only: every repetition pushes and pulls the 10 000 through the engine, nothing else
  // (a quick comparison of engine options; the other figures stay empty).
  bool engine_only = false;
  sync::SyncEngineOptions engine_options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--engine-only") == 0) engine_only = true;
    if (i + 1 >= argc) continue;
    if (std::strcmp(argv[i], "--people") == 0) people = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--pipeline") == 0) {
      engine_options.pipeline_batch_changes = static_cast<size_t>(std::atol(argv[i + 1]));
    }
  }
  std::printf("machine: %s\npeople in the centre: %d, repetitions: %d\n\n", MachineDescription().c_str(), people, reps);
  std::vector<double> bytes_1, bytes_100, bytes_10k, push_rate, pull_rate, first_s, first_rss, empty_bytes;
  // Small batches through the whole `sync` (check-ins per second = batch / wall time of the process).
  std::vector<double> push_rate_1, pull_rate_1, push_rate_100, pull_rate_100;
  std::vector<double> engine_push, engine_pull, insert_rate, engine_push_ratio, engine_pull_ratio, cli_push_ratio,
      cli_pull_ratio;
  for (int rep = 0; rep < reps; ++rep) {
    Centre centre(people);
    test::LinkEmulator link(centre.server->port(), test::LinkProfile{});
    const std::string a = centre.Enrol("kiosk-a", link.port());
    const std::string b = centre.Enrol("kiosk-b", link.port());

    // First sync of a new device: the whole roster comes down.
    ChildRun first = Sync(a);
    first_s.push_back(first.seconds);
    first_rss.push_back(first.peak_rss_mb);
    Sync(b);

    // Baseline: a sync with nothing to do (one push-less pull round trip).
    auto before = link.Stats();
    auto after = before;
    if (!engine_only) {
      Sync(a);
      after = link.Stats();
      empty_bytes.push_back(static_cast<double>(after.bytes_to_server + after.bytes_to_client -
                                                before.bytes_to_server - before.bytes_to_client));
    }

    // The batch of 10 000 goes through the whole CLI on even repetitions and through the engine
    // in this process on odd ones (a centre of 20 000 people has room for one such batch).
    const bool engine_rep = engine_only || rep % 2 == 1;
    int done = 0;
    for (auto [batch, out] : {std::pair{1, &bytes_1}, std::pair{100, &bytes_100}, std::pair{10000, &bytes_10k}}) {
      if (engine_only || done + batch > people) break;
      if (batch == 10000 && engine_rep) break;
      // Check-ins of people not checked in yet: the first `done + batch`, of which `done` exist.
      CheckIn(a, done + batch);
      done += batch;
      before = link.Stats();
      ChildRun push = Sync(a);
      after = link.Stats();
      const double bytes = static_cast<double>(after.bytes_to_server + after.bytes_to_client - before.bytes_to_server -
                                               before.bytes_to_client);
      out->push_back(bytes / batch);
      if (batch < 10000) {
        // b pulls the batch, and so catches up before the 10 000 below.
        ChildRun pull = Sync(b);
        (batch == 1 ? push_rate_1 : push_rate_100).push_back(batch / push.seconds);
        (batch == 1 ? pull_rate_1 : pull_rate_100).push_back(batch / pull.seconds);
      }
      if (batch == 10000) {
        const double insert = PlainInsertRate(a, b, centre.dir.File("baseline.db"));
        insert_rate.push_back(insert);
        ChildRun pull = Sync(b);
        push_rate.push_back(batch / push.seconds);
        pull_rate.push_back(batch / pull.seconds);
        cli_push_ratio.push_back(batch / push.seconds / insert);
        cli_pull_ratio.push_back(batch / pull.seconds / insert);
      }
    }
    // The batch of 10 000 pushed and pulled by the engine in this process, straight to the
    // server; the baseline writes the same rows into a copy of the pulling device's store.
    const int engine_batch = 10000;
    if (!engine_rep || done + engine_batch > people) continue;
    CheckIn(a, done + engine_batch);
    done += engine_batch;
    const double insert = PlainInsertRate(a, b, centre.dir.File("baseline.db"));
    insert_rate.push_back(insert);
    int64_t pushed = 0, pulled = 0, ignored = 0;
    const double push_s = EngineSync(a, centre.server->url(), engine_options, &pushed, &ignored);
    const double pull_s = EngineSync(b, centre.server->url(), engine_options, &ignored, &pulled);
    if (pushed != engine_batch || pulled != engine_batch) {
      std::cerr << "the engine moved " << pushed << " up and " << pulled << " down, not " << engine_batch << "\n";
      return 1;
    }
    engine_push.push_back(engine_batch / push_s);
    engine_pull.push_back(engine_batch / pull_s);
    engine_push_ratio.push_back(engine_batch / push_s / insert);
    engine_pull_ratio.push_back(engine_batch / pull_s / insert);
  }
  std::printf("| %-52s | %10s | %10s | %10s | unit |\n", "measure", "p10", "median", "p90");
  std::printf("|%s|%s|%s|%s|---|\n", std::string(54, '-').c_str(), std::string(12, '-').c_str(),
              std::string(12, '-').c_str(), std::string(12, '-').c_str());
  Report("bytes on the wire per check-in, batch of 1", bytes_1, "bytes");
  Report("bytes on the wire per check-in, batch of 100", bytes_100, "bytes");
  Report("bytes on the wire per check-in, batch of 10 000", bytes_10k, "bytes");
  Report("bytes of a sync with nothing to do (baseline)", empty_bytes, "bytes");
  Report("check-ins pushed per second (10 000, engine in-process)", engine_push, "1/s");
  Report("check-ins pulled per second by a 2nd device (engine)", engine_pull, "1/s");
  Report("baseline: plain INSERT of those rows, durable (rows/s)", insert_rate, "1/s");
  Report("engine push rate / baseline", engine_push_ratio, "ratio");
  Report("engine pull rate / baseline", engine_pull_ratio, "ratio");
  Report("check-ins pushed per second (1, whole `sync`)", push_rate_1, "1/s");
  Report("check-ins pulled per second by a 2nd device (1, whole)", pull_rate_1, "1/s");
  Report("check-ins pushed per second (100, whole `sync`)", push_rate_100, "1/s");
  Report("check-ins pulled per second by a 2nd device (100, whole)", pull_rate_100, "1/s");
  Report("check-ins pushed per second (10 000, whole `sync`)", push_rate, "1/s");
  Report("check-ins pulled per second by a 2nd device (whole)", pull_rate, "1/s");
  Report("whole `sync` push rate / baseline", cli_push_ratio, "ratio");
  Report("whole `sync` pull rate / baseline", cli_pull_ratio, "ratio");
  Report("first sync of a new device (whole roster)", first_s, "s");
  Report("peak RSS of that first sync", first_rss, "MB");

  // The median and the slow end of each measure.
  const auto add = [&](const std::string& key, const std::string& label, const std::vector<double>& v,
                       const std::string& unit, Better better) {
    results.Add(key + "_p50", label + ", median", Percentile(v, 50), unit, v.size(), better);
    if (better == Better::kHigher) {
      results.Add(key + "_p10", label + ", p10 (slow end)", Percentile(v, 10), unit, v.size(), better);
    } else {
      results.Add(key + "_p90", label + ", p90", Percentile(v, 90), unit, v.size(), better);
    }
  };
  add("bytes_1", "bytes per check-in, batch of 1", bytes_1, "B", Better::kLower);
  add("bytes_100", "bytes per check-in, batch of 100", bytes_100, "B", Better::kLower);
  add("bytes_10000", "bytes per check-in, batch of 10 000", bytes_10k, "B", Better::kLower);
  add("bytes_empty", "bytes of a sync with nothing to do", empty_bytes, "B", Better::kLower);
  add("engine_push", "check-ins pushed per second, batch of 10 000, engine in-process", engine_push, "1/s",
      Better::kHigher);
  add("engine_pull", "check-ins pulled per second by a 2nd device, batch of 10 000, engine", engine_pull, "1/s",
      Better::kHigher);
  add("insert", "baseline: plain INSERT of the same rows, durable", insert_rate, "rows/s", Better::kNeither);
  add("engine_push_ratio", "engine push / baseline", engine_push_ratio, "ratio", Better::kHigher);
  add("engine_pull_ratio", "engine pull / baseline", engine_pull_ratio, "ratio", Better::kHigher);
  add("cli_push_1", "check-ins pushed per second, batch of 1, whole `mintkiosk sync`", push_rate_1, "1/s",
      Better::kHigher);
  add("cli_pull_1", "check-ins pulled per second, batch of 1, whole `mintkiosk sync`", pull_rate_1, "1/s",
      Better::kHigher);
  add("cli_push_100", "check-ins pushed per second, batch of 100, whole `mintkiosk sync`", push_rate_100, "1/s",
      Better::kHigher);
  add("cli_pull_100", "check-ins pulled per second, batch of 100, whole `mintkiosk sync`", pull_rate_100, "1/s",
      Better::kHigher);
  add("cli_push", "check-ins pushed per second, batch of 10 000, whole `mintkiosk sync`", push_rate, "1/s",
      Better::kHigher);
  add("cli_pull", "check-ins pulled per second, batch of 10 000, whole `mintkiosk sync`", pull_rate, "1/s",
      Better::kHigher);
  add("cli_push_ratio", "whole `sync` push / baseline", cli_push_ratio, "ratio", Better::kHigher);
  add("cli_pull_ratio", "whole `sync` pull / baseline", cli_pull_ratio, "ratio", Better::kHigher);
  results.Add("first_sync_s_p50", "first sync of " + Count(people) + " people, median", Percentile(first_s, 50),
              "s", first_s.size(), Better::kLower);
  results.Add("first_sync_s_max", "first sync of " + Count(people) + " people, max", Percentile(first_s, 100),
              "s", first_s.size(), Better::kLower);
  results.Add("first_sync_rss_p50", "peak RSS of that first sync, median", Percentile(first_rss, 50), "MB",
              first_rss.size(), Better::kLower);
  results.Add("first_sync_rss_max", "peak RSS of that first sync, max", Percentile(first_rss, 100), "MB",
              first_rss.size(), Better::kLower);
  results.Note(Count(people) + " people in the centre, " + std::to_string(reps) +
               " repetitions (the 10 000-check-in rates alternate between engine and whole `sync`)");
  return results.Write() ? 0 : 1;
}
