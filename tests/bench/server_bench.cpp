// Benchmark of mintkiosk-server under a fleet of devices: many keep-alive clients on loopback,
// each one enrolled device with its own token, doing what a kiosk does between check-ins.
//
// Usage: mk_bench_server [--clients N[,N...]] [--requests N | --total N] [--mix D:P:U] [--compressed]
//                        [--json FILE]
//
// For each client count (a fresh server each time): centres of 10 devices each, every centre
// with a running session of 20 registered people; the devices are enrolled in the server's
// storage before it starts (one code and one token per device). The real `mintkiosk-server`
// then serves them (--max-connections N+8, so every client gets a worker; --rate 0, because the
// clients send as fast as they can). Each client on its own thread with its own libcurl
// connection first pulls its centre (the roster a new kiosk gets), then runs a schedule of
// requests in the ratio of --mix (default 8:1:1):
//   D  GET /v1/device          authenticated no-op (the heartbeat; ~150 bytes of JSON)
//   P  GET /v1/sync/pull       the centre's changes after the device's cursor, up to 100
//   U  POST /v1/sync/push      one check-in of a person of the centre (durable commit)
// Every request of the run is timed. Reports throughput, p50/p90/p99/max over all requests and
// per kind, failures (transport errors and every status but 200), and the server's RSS and
// threads. --requests is per client; --total splits a number of requests over the clients.
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sync/common/civil_time.h"
#include "sync/common/clock.h"
#include "sync/common/hybrid_clock.h"
#include "sync/protocol/wire.h"
#include "sync/server/secret.h"
#include "sync/server/sqlite_server_storage.h"
#include "sync/store/database.h"
#include "sync/transport/http_client.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/server_process.h"
#include "tests/support/test_support.h"

namespace {

using mk::bench::Better;
using mk::bench::Percentile;

using Clk = std::chrono::steady_clock;

constexpr int kDevicesPerCentre = 10;
constexpr int kPeoplePerCentre = 20;

// A "VmRSS:"-style field of /proc/PID/status (kB fields in MB; Threads as a count).
double ProcStatus(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      const double v = std::strtod(line.c_str() + field.size() + 1, nullptr);
      return field == "Threads" ? v : v / 1024.0;
    }
  }
  return 0;
}

// A number as letters (names take letters only): 0 -> "a", 27 -> "bb".
std::string Letters(int n) {
  std::string out(1, static_cast<char>('a' + n % 26));
  for (int v = n / 26; v > 0; v /= 26) out += static_cast<char>('a' + v % 26);
  return out;
}

std::string Iso(int64_t ms) {
  const mk::CivilTime t = mk::UnixToCivilAsUtc(ms / 1000);
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02dZ", t.year, t.month, t.day, t.hour, t.minute);
  return out;
}

// Raises the soft limit of open files to the hard limit: 1 000 clients need 1 000 sockets here
// and the server (which inherits the limit) as many.
void RaiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &lim);
  }
}

struct Device {
  std::string id;
  std::string token;
  std::string session;
  std::vector<std::string> people;  // of its centre, registered for the session
};

// Centres, their sessions and people, and `devices` enrolled devices, written by the server's
// own storage code into `data_dir` (the server is not running yet).
std::vector<Device> SetUpFleet(const std::string& data_dir, int devices) {
  auto opened = mk::server::SqliteServerStorage::Open(data_dir, mk::SystemClock::Instance(), 1);
  if (!opened.ok()) {
    std::cerr << "cannot open the server's storage: " << opened.status().message() << "\n";
    std::exit(1);
  }
  mk::server::SqliteServerStorage& storage = **opened;
  const int64_t now = mk::SystemClock::Instance()->NowMs();
  const int centres = std::max(1, (devices + kDevicesPerCentre - 1) / kDevicesPerCentre);
  std::vector<std::string> centre_ids;
  for (int c = 0; c < centres; ++c) {
    mk::store::Centre centre;
    centre.name = "MINT-Zentrum " + std::to_string(c + 1);
    auto id = storage.AddCentre(centre);
    if (!id.ok()) std::exit(1);
    centre_ids.push_back(*id);
    std::string csv = "Vorname;Nachname;Schule;Kurs;Beginn;Ende;Einwilligung\n";
    for (int p = 0; p < kPeoplePerCentre; ++p) {
      csv += "Anna;M\xc3\xbcller-" + Letters(c) + "-" + Letters(p) + ";Schule " + std::to_string(c) +
             ";Optik im Sch\xc3\xbclerlabor;" + Iso(now - 10 * 60 * 1000) + ";" + Iso(now + 4 * 3600 * 1000) + ";ja\n";
    }
    const std::string csv_path = data_dir + "/roster.csv";
    mk::test::WriteFile(csv_path, csv);
    mk::store::ImportOptions options;
    options.centre_id = *id;
    auto imported = storage.ImportRegistrations(csv_path, options);
    if (!imported.ok()) {
      std::cerr << "import failed: " << imported.status().message() << "\n";
      std::exit(1);
    }
  }
  // The session and people of each centre.
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> by_centre;
  {
    auto db = mk::store::Database::Open(mk::server::SqliteServerStorage::DatabasePath(data_dir));
    if (!db.ok()) std::exit(1);
    auto st = db->Prepare(
        "SELECT p.centre_id, e.session_id, e.person_id FROM enrolments e JOIN people p ON p.id = e.person_id "
        "ORDER BY p.centre_id, e.person_id");
    if (!st.ok()) std::exit(1);
    while (*st->Step()) {
      auto& entry = by_centre[st->ColumnText(0)];
      entry.first = st->ColumnText(1);
      entry.second.push_back(st->ColumnText(2));
    }
  }
  std::vector<Device> fleet;
  for (int d = 0; d < devices; ++d) {
    const std::string& centre = centre_ids[static_cast<size_t>(d % centres)];
    const std::string code = mk::server::NewEnrolmentCode();
    Device device;
    device.token = mk::server::NewDeviceToken();
    if (!storage.AddEnrolmentCode(mk::server::HashSecret(code), centre, now, now + 3600 * 1000).ok()) std::exit(1);
    auto redeemed = storage.RedeemEnrolmentCode(mk::server::HashSecret(code), mk::server::HashSecret(device.token),
                                                "Kiosk " + std::to_string(d + 1), "", now);
    if (!redeemed.ok() || redeemed->outcome != mk::server::RedeemOutcome::kOk) {
      std::cerr << "enrolling device " << d << " failed\n";
      std::exit(1);
    }
    device.id = redeemed->device.id;
    device.session = by_centre[centre].first;
    device.people = by_centre[centre].second;
    if (device.people.empty()) {
      std::cerr << "centre " << centre << " has no registered people\n";
      std::exit(1);
    }
    fleet.push_back(std::move(device));
  }
  return fleet;
}

enum Kind { kDevice = 0, kPull = 1, kPush = 2 };
const char* const kKindNames[] = {"device", "pull", "push"};

// The request kinds in the ratio d:p:u, spread evenly over one cycle.
std::vector<Kind> Schedule(int d, int p, int u) {
  std::vector<Kind> out;
  const int n = d + p + u;
  int cd = 0, cp = 0, cu = 0;
  for (int i = 1; i <= n; ++i) {
    // The kind furthest behind its share after i requests goes next.
    const double ld = static_cast<double>(d) * i / n - cd, lp = static_cast<double>(p) * i / n - cp,
                 lu = static_cast<double>(u) * i / n - cu;
    if (ld >= lp && ld >= lu) {
      out.push_back(kDevice);
      ++cd;
    } else if (lp >= lu) {
      out.push_back(kPull);
      ++cp;
    } else {
      out.push_back(kPush);
      ++cu;
    }
  }
  return out;
}

struct Sample {
  float ms;
  Kind kind;
};

struct ClientState {
  std::vector<Sample> samples;
  long failures = 0;
  std::map<std::string, long> failure_kinds;  // "500", "429", "transport", ...
};

// One device: its connection, its sync cursor and outbox sequence.
class DeviceClient {
 public:
  DeviceClient(const std::string& url, const Device& device, bool compressed, int index)
      : device_(device), index_(index) {
    mk::sync::HttpClientOptions options;
    options.base_url = url;
    options.bearer_token = device.token;
    options.accept_compressed = compressed;
    http_ = std::make_unique<mk::sync::HttpClient>(options);
  }

  // Sends one request of `kind`; false with `why` when it failed.
  bool Run(Kind kind, std::string* why) {
    mk::sync::HttpRequest req;
    switch (kind) {
      case kDevice:
        req.path = "/v1/device";
        break;
      case kPull:
        req.path = "/v1/sync/pull?after=" + std::to_string(cursor_) + "&limit=100";
        break;
      case kPush: {
        const int64_t now = mk::SystemClock::Instance()->NowMs();
        const std::string& person = device_.people[static_cast<size_t>(index_ + pushes_) % device_.people.size()];
        mk::sync::Change c;
        c.table = "attendance";
        c.key = device_.session + "|" + person;
        hlc_ = std::max(hlc_ + 1, mk::MakeHlc(now, 0));
        c.hlc = hlc_;
        c.device_time_ms = now;
        c.fields = {{"session_id", device_.session}, {"person_id", person}, {"status", "present"},
                    {"checked_in_at", now}, {"method", "kiosk_search"}, {"device_id", device_.id},
                    {"left_at", nullptr}, {"note", ""}, {"status_by", "kiosk"}, {"updated_at", now}};
        mk::sync::PushBatch batch;
        batch.first_seq = seq_ + 1;
        batch.changes.push_back(std::move(c));
        req.method = "POST";
        req.path = "/v1/sync/push";
        req.body = mk::sync::EncodePushBatch(batch);
        req.content_type = mk::sync::kSyncContentType;
        break;
      }
    }
    auto r = http_->Send(req);
    if (!r.ok()) {
      *why = "transport: " + r.status().message();
      return false;
    }
    if (r->status != 200) {
      *why = std::to_string(r->status);
      return false;
    }
    if (kind == kPull) {
      auto page = mk::sync::DecodePullPage(r->body);
      if (!page.ok()) {
        *why = "bad page";
        return false;
      }
      cursor_ = page->cursor;
    } else if (kind == kPush) {
      ++seq_;
      ++pushes_;
    }
    return true;
  }

  // The first sync of the device: pull its centre until nothing more waits.
  bool PullAll(std::string* why) {
    mk::sync::HttpRequest req;
    for (int page_no = 0; page_no < 1000; ++page_no) {
      req.path = "/v1/sync/pull?after=" + std::to_string(cursor_) + "&limit=1000";
      auto r = http_->Send(req);
      if (!r.ok() || r->status != 200) {
        *why = "first pull " + (r.ok() ? std::to_string(r->status) : r.status().message());
        return false;
      }
      auto page = mk::sync::DecodePullPage(r->body);
      if (!page.ok()) {
        *why = "first pull: bad page";
        return false;
      }
      cursor_ = page->cursor;
      if (!page->more) return true;
    }
    return false;
  }

 private:
  const Device& device_;
  int index_;
  std::unique_ptr<mk::sync::HttpClient> http_;
  int64_t cursor_ = 0;
  int64_t seq_ = 0;
  int pushes_ = 0;
  mk::HlcStamp hlc_ = 0;
};

// One client count against a fresh server; adds its figures to `results` under "dN_".
bool RunFleet(int clients, int requests, const std::vector<Kind>& schedule, bool compressed,
              mk::bench::Results& results) {
  mk::test::TempDir dir;
  const auto setup_start = Clk::now();
  const std::vector<Device> fleet = SetUpFleet(dir.path(), clients);
  const double setup_s = std::chrono::duration<double>(Clk::now() - setup_start).count();
  mk::test::ServerProcess server(dir.path(), {"--max-connections", std::to_string(clients + 8), "--rate", "0"});
  const double rss_idle = ProcStatus(server.pid(), "VmRSS");

  std::vector<ClientState> states(static_cast<size_t>(clients));
  std::atomic<int> ready{0};
  std::atomic<int> warm_failed{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(clients));
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      DeviceClient device(server.url(), fleet[static_cast<size_t>(c)], compressed, c);
      std::string why;
      // Connect and catch up with the centre, then warm up with a few requests of every kind.
      ClientState& mine = states[static_cast<size_t>(c)];
      bool warm = device.PullAll(&why);
      for (int i = 0; i < 3 && warm; ++i) {
        warm = device.Run(kDevice, &why) && device.Run(kPull, &why) && device.Run(kPush, &why);
      }
      if (!warm) {
        warm_failed.fetch_add(1);
        ++mine.failure_kinds["warm-up " + why];
      }
      ready.fetch_add(1);
      go.wait(false);
      mine.samples.reserve(static_cast<size_t>(requests));
      for (int i = 0; i < requests; ++i) {
        // Clients start at different places of the schedule, so the kinds mix at every moment.
        const Kind kind = schedule[static_cast<size_t>(i + c) % schedule.size()];
        const auto t0 = Clk::now();
        const bool ok = device.Run(kind, &why);
        mine.samples.push_back({std::chrono::duration<float, std::milli>(Clk::now() - t0).count(), kind});
        if (!ok) {
          ++mine.failures;
          ++mine.failure_kinds[std::string(kKindNames[kind]) + " " + why];
        }
      }
    });
  }
  const auto warm_start = Clk::now();
  while (ready.load() < clients) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const double warm_s = std::chrono::duration<double>(Clk::now() - warm_start).count();
  const double threads_before = ProcStatus(server.pid(), "Threads");
  const auto start = Clk::now();
  go.store(true);
  go.notify_all();
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clk::now() - start).count();
  const double rss_after = ProcStatus(server.pid(), "VmRSS");
  const double rss_peak = ProcStatus(server.pid(), "VmHWM");
  const int exit_code = server.Stop(SIGTERM);

  std::vector<double> all;
  std::vector<double> by_kind[3];
  long failures = 0;
  std::map<std::string, long> failure_kinds;
  for (const ClientState& s : states) {
    failures += s.failures;
    for (const auto& [k, n] : s.failure_kinds) failure_kinds[k] += n;
    for (const Sample& x : s.samples) {
      all.push_back(x.ms);
      by_kind[x.kind].push_back(x.ms);
    }
  }
  const double throughput = static_cast<double>(all.size()) / seconds;
  const std::string pre = "d" + std::to_string(clients) + "_";
  const std::string who = mk::bench::Count(clients) + " devices: ";
  std::printf("\n== %d devices (%d centres), %d requests each, mix device:pull:push by schedule of %zu\n", clients,
              std::max(1, (clients + kDevicesPerCentre - 1) / kDevicesPerCentre), requests, schedule.size());
  std::printf("setup %.1f s; warm-up (connect, first pull, 9 requests per device) %.2f s, %d devices failed it\n",
              setup_s, warm_s, warm_failed.load());
  std::printf("requests %zu in %.2f s: %.0f requests/s, failures %ld\n", all.size(), seconds, throughput, failures);
  for (const auto& [what, n] : failure_kinds) std::printf("  failed: %s x %ld\n", what.c_str(), n);
  if (!failure_kinds.empty()) {
    std::string text;
    for (const auto& [what, n] : failure_kinds) text += (text.empty() ? "" : "; ") + what + " x " + std::to_string(n);
    results.Note(who + "failures: " + text);
  }
  std::printf("latency all:    p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", Percentile(all, 50),
              Percentile(all, 90), Percentile(all, 99), Percentile(all, 100));
  for (int kind = 0; kind < 3; ++kind) {
    const std::vector<double>& v = by_kind[kind];
    std::printf("latency %-7s p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%zu)\n", kKindNames[kind],
                Percentile(v, 50), Percentile(v, 90), Percentile(v, 99), Percentile(v, 100), v.size());
  }
  std::printf("server RSS idle %.1f MB, after %.1f MB, peak %.1f MB; threads %.0f; exit code %d\n", rss_idle,
              rss_after, rss_peak, threads_before, exit_code);

  results.Add(pre + "rps", who + "throughput", throughput, "req/s", all.size(), Better::kHigher);
  results.AddPercentiles(pre + "latency", who + "latency", all, "ms", Better::kLower);
  for (int kind = 0; kind < 3; ++kind) {
    results.AddPercentiles(pre + kKindNames[kind], who + kKindNames[kind] + " latency", by_kind[kind], "ms",
                           Better::kLower, {50, 99});
  }
  results.Add(pre + "failures", who + "failed requests (not 200)", static_cast<double>(failures), "", all.size(),
              Better::kLower);
  results.Add(pre + "rss_idle", who + "server RSS idle", rss_idle, "MB", 1, Better::kLower);
  results.Add(pre + "rss_after", who + "server RSS after the run", rss_after, "MB", 1, Better::kLower);
  results.Add(pre + "rss_peak", who + "server peak RSS (VmHWM)", rss_peak, "MB", 1, Better::kLower);
  results.Add(pre + "threads", who + "server threads", threads_before, "", 1, Better::kNeither);
  results.Add(pre + "warmup_s", who + "warm-up: connect, first pull, 9 requests each", warm_s, "s", 1, Better::kLower);
  if (exit_code != 0) results.Note(who + "the server exited with " + std::to_string(exit_code) + " on SIGTERM");
  return failures == 0 && warm_failed.load() == 0 && exit_code == 0;
}

}  // namespace

int main(int argc, char** argv) {
  mk::bench::Results results("server", argc, argv);
  std::vector<int> client_counts = {200};
  int requests = 200;  // per client
  long total = 0;      // or in all, split over the clients
  int mix[3] = {8, 1, 1};
  bool compressed = false;
  bool ok_args = true;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    const bool has_value = i + 1 < argc;
    if (name == "--compressed") {
      compressed = true;
    } else if (name == "--clients" && has_value) {
      client_counts.clear();
      std::istringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) client_counts.push_back(std::atoi(n.c_str()));
    } else if (name == "--requests" && has_value) {
      requests = std::atoi(argv[++i]);
    } else if (name == "--total" && has_value) {
      total = std::atol(argv[++i]);
    } else if (name == "--mix" && has_value) {
      if (std::sscanf(argv[++i], "%d:%d:%d", &mix[0], &mix[1], &mix[2]) != 3) ok_args = false;
    } else {
      ok_args = false;
    }
  }
  for (int c : client_counts) ok_args = ok_args && c >= 1 && c <= 5000;
  if (!ok_args || requests < 1 || total < 0 || mix[0] < 0 || mix[1] < 0 || mix[2] < 0 ||
      mix[0] + mix[1] + mix[2] < 1) {
    std::cerr << "usage: mk_bench_server [--clients N[,N...]] [--requests N | --total N] [--mix D:P:U] "
                 "[--compressed] [--json FILE]\n";
    return 2;
  }
  RaiseFileLimit();
  const std::vector<Kind> schedule = Schedule(mix[0], mix[1], mix[2]);
  std::printf("machine: %s\ncompressed answers %s; mix device:pull:push %d:%d:%d\n",
              mk::bench::MachineDescription().c_str(), compressed ? "on" : "off", mix[0], mix[1], mix[2]);
  bool all_ok = true;
  for (int clients : client_counts) {
    const int per_client = total > 0 ? static_cast<int>(std::max<long>(1, total / clients)) : requests;
    all_ok = RunFleet(clients, per_client, schedule, compressed, results) && all_ok;
  }
  results.Note("mix device:pull:push " + std::to_string(mix[0]) + ":" + std::to_string(mix[1]) + ":" +
               std::to_string(mix[2]) + (compressed ? ", compressed answers" : ""));
  if (!all_ok) results.Note("FAILED: some requests failed or the server did not exit cleanly");
  const bool written = results.Write();
  return all_ok && written ? 0 : 1;
}
