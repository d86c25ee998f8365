// mk_bench_client: the kiosk window's cold start to first frame, idle CPU and memory, against baselines.
//
// Usage: mk_bench_client [--people N] [--starts N] [--idle-seconds S] [--idle-runs N] [--renderers gl,sdl]
//                        [--json FILE]
// Starts its own Xvfb (software GL, Mesa llvmpipe), seeds a demo centre with N teachers, and
// measures, in one run, for each renderer (OpenGL and SDL_Renderer by default):
//   - cold start: process start to the first frame on screen (MINTKIOSK_FIRST_FRAME_FILE), for
//     the kiosk with the N-person store and for mk_window_probe --empty (an empty window drawn
//     with the same renderer; the baseline, started alternately with the kiosk);
//   - idle CPU: utime+stime from /proc/PID/stat over S seconds with nobody at the kiosk;
//   - RSS: VmRSS after the idle period, its private part RssAnon (heap, not the shared
//     libraries such as Mesa's LLVM), and VmHWM (peak).
// Prints medians and percentiles; see docs/benchmarks.md.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_support.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/test_support.h"

namespace {

using mk::bench::Percentile;

using mk::e2e::Child;
using mk::e2e::WaitUntil;

struct Program {
  std::string label;
  std::vector<std::string> argv;
  std::string key;  // "kiosk_sdl", "empty_gl": the figures' keys in the JSON results
};

int64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// utime + stime of a process in seconds.
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15; ++i) {  // fields 3.. after "pid (comm)"; utime is 14, stime 15
    fields >> field;
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A "VmRSS:"-style line of /proc/PID/status in MB.
double StatusMb(pid_t pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + key.size()) / 1024.0;
  }
  return -1;
}

struct Started {
  std::unique_ptr<Child> child;
  double first_frame_ms = -1;
};

Started Start(const Program& p, const std::string& display, const std::string& dir, int run) {
  const std::string stamp = dir + "/first-frame-" + std::to_string(run);
  std::remove(stamp.c_str());
  Started s;
  const int64_t t0 = MonotonicNanos();
  s.child = std::make_unique<Child>(
      p.argv,
      std::map<std::string, std::string>{{"DISPLAY", display}, {"SDL_VIDEODRIVER", "x11"}, {"MINTKIOSK_FIRST_FRAME_FILE", stamp}},
      dir + "/program.log");
  long long t1 = 0;
  WaitUntil([&] {
    std::ifstream in(stamp);
    return static_cast<bool>(in >> t1);
  }, 60000);
  if (t1 > 0) s.first_frame_ms = static_cast<double>(t1 - t0) / 1e6;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  mk::bench::Results results("client", argc, argv);
  int people = 100000;
  int starts = 15;
  int idle_seconds = 20;
  int idle_runs = 3;
  std::vector<std::string> renderers = {"gl", "sdl"};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--people") people = value;
    else if (flag == "--starts") starts = value;
    else if (flag == "--idle-seconds") idle_seconds = value;
    else if (flag == "--idle-runs") idle_runs = value;
    else if (flag == "--renderers") {
      renderers.clear();
      std::istringstream list(argv[i + 1]);
      for (std::string r; std::getline(list, r, ',');) renderers.push_back(r);
    } else {
      std::fprintf(stderr,
                   "usage: mk_bench_client [--people N] [--starts N] [--idle-seconds S] [--idle-runs N] "
                   "[--renderers gl,sdl]\n");
      return 2;
    }
  }
  mk::test::TempDir dir;
  mk::e2e::XvfbServer x(1920, 1080, dir.File("xvfb.log"), "");
  if (!x.ok()) {
    std::fprintf(stderr, "mk_bench_client: Xvfb did not start\n");
    return 1;
  }
  const std::string data = dir.File("data");
  std::printf("machine: %s\n", mk::bench::MachineDescription().c_str());
  std::printf("seeding %d teachers...\n", people);
  std::fflush(stdout);
  const auto seeded = mk::test::Run(
      {mk::test::BinPath("mintkiosk"), "--data", data, "demo", "--teachers", std::to_string(people)});
  if (seeded.exit_code != 0) {
    std::fprintf(stderr, "mk_bench_client: seeding failed: %s\n", seeded.err.c_str());
    return 1;
  }
  std::vector<Program> programs;
  for (const std::string& r : renderers) {
    programs.push_back({"empty window, " + r + " (baseline)",
                        {mk::test::BinPath("mk_window_probe"), dir.File("probe.txt"), "--empty", "--size", "1280x800",
                         "--renderer", r},
                        "empty_" + r});
    programs.push_back({"kiosk, " + r + ", " + mk::bench::Count(people) + " people",
                        {mk::test::BinPath("mintkiosk"), "--data", data, "kiosk", "--windowed", "--size", "1280x800",
                         "--lang", "de", "--renderer", r},
                        "kiosk_" + r});
  }

  // Starts take turns between the programs, so a burst of load on the shared machine falls on
  // all of them alike instead of on one program's series.
  std::vector<std::vector<double>> start_ms(programs.size());
  for (int r = 0; r < starts; ++r) {
    for (size_t i = 0; i < programs.size(); ++i) {
      Started s = Start(programs[i], x.display(), dir.path(), r);
      if (s.first_frame_ms >= 0) start_ms[i].push_back(s.first_frame_ms);
      s.child->Stop();
    }
  }
  std::printf("\n%-34s %10s %10s %10s %10s\n", "cold start to first frame", "p50 ms", "p90 ms", "max ms", "runs");
  for (size_t i = 0; i < programs.size(); ++i) {
    const std::vector<double>& ms = start_ms[i];
    std::printf("%-34s %10.0f %10.0f %10.0f %10zu\n", programs[i].label.c_str(), Percentile(ms, 50),
                Percentile(ms, 90), Percentile(ms, 100), ms.size());
    results.AddPercentiles(programs[i].key + "_start", programs[i].label + ": cold start to first frame", ms, "ms",
                           mk::bench::Better::kLower, {50, 90, 100});
    if (static_cast<int>(ms.size()) < starts) {
      results.Note(programs[i].label + ": " + std::to_string(starts - static_cast<int>(ms.size())) + " of " +
                   std::to_string(starts) + " starts showed no first frame within 60 s");
    }
  }

  std::printf("\n%-34s %10s %10s %10s %10s %10s\n", "idle", "CPU % p50", "CPU % max", "RSS MB", "anon MB", "peak MB");
  std::vector<double> rss_p50(programs.size(), -1);
  for (size_t i = 0; i < programs.size(); ++i) {
    const Program& p = programs[i];
    std::vector<double> cpu;
    std::vector<double> rss;
    std::vector<double> peak;
    std::vector<double> anon;
    for (int r = 0; r < idle_runs; ++r) {
      Started s = Start(p, x.display(), dir.path(), 1000 + r);
      if (s.first_frame_ms < 0) continue;
      // Let the settle frames and any start-up work finish, then leave the kiosk alone.
      std::this_thread::sleep_for(std::chrono::seconds(2));
      const double c0 = CpuSeconds(s.child->pid());
      const auto w0 = std::chrono::steady_clock::now();
      std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));
      const double c1 = CpuSeconds(s.child->pid());
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      cpu.push_back(100.0 * (c1 - c0) / wall);
      rss.push_back(StatusMb(s.child->pid(), "VmRSS:"));
      anon.push_back(StatusMb(s.child->pid(), "RssAnon:"));
      peak.push_back(StatusMb(s.child->pid(), "VmHWM:"));
      s.child->Stop();
    }
    std::printf("%-34s %10.2f %10.2f %10.1f %10.1f %10.1f\n", p.label.c_str(), Percentile(cpu, 50),
                Percentile(cpu, 100), Percentile(rss, 50), Percentile(anon, 50), Percentile(peak, 100));
    rss_p50[i] = Percentile(rss, 50);
    using mk::bench::Better;
    const std::string& k = p.key;
    results.Add(k + "_idle_cpu_p50", p.label + ": idle CPU p50", Percentile(cpu, 50), "%", cpu.size(), Better::kLower);
    results.Add(k + "_idle_cpu_max", p.label + ": idle CPU max", Percentile(cpu, 100), "%", cpu.size(), Better::kLower);
    results.Add(k + "_rss", p.label + ": RSS after idle (p50)", Percentile(rss, 50), "MB", rss.size(), Better::kLower);
    results.Add(k + "_rss_anon", p.label + ": RssAnon after idle (p50)", Percentile(anon, 50), "MB", anon.size(),
                Better::kLower);
    results.Add(k + "_rss_peak", p.label + ": peak RSS (VmHWM, max)", Percentile(peak, 100), "MB", peak.size(),
                Better::kLower);
  }

  // Each kiosk against the empty window of its renderer, and each against the first renderer's
  // empty window (the baseline the earlier measurements used).
  std::printf("\n%-34s %14s %14s %14s\n", "ratios (p50)", "start/empty", "RSS/empty", ("RSS/empty " + renderers[0]).c_str());
  for (size_t i = 1; i < programs.size(); i += 2) {
    const double start_ratio = Percentile(start_ms[i], 50) / Percentile(start_ms[i - 1], 50);
    std::printf("%-34s %14.2f %14.2f %14.2f\n", programs[i].label.c_str(), start_ratio, rss_p50[i] / rss_p50[i - 1],
                rss_p50[i] / rss_p50[0]);
    const std::string r = renderers[i / 2];
    results.Add("kiosk_" + r + "_start_ratio", "kiosk, " + r + ": start p50 / its empty window", start_ratio, "ratio",
                start_ms[i].size(), mk::bench::Better::kLower);
    results.Add("kiosk_" + r + "_rss_ratio", "kiosk, " + r + ": RSS / its empty window", rss_p50[i] / rss_p50[i - 1],
                "ratio", static_cast<size_t>(idle_runs), mk::bench::Better::kLower);
  }
  results.Note(mk::bench::Count(people) + " people; " + std::to_string(starts) + " starts per program; idle " +
               std::to_string(idle_seconds) + " s x " + std::to_string(idle_runs) + " runs per program");
  return results.Write() ? 0 : 1;
}
