// Benchmark of mintkiosk-server: authenticated no-op requests from many keep-alive clients on loopback.
#include <nlohmann/json.hpp>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "sync/transport/http_client.h"
#include "tests/support/server_process.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/test_support.h"

namespace {

using mk::bench::Percentile;

using Clk = std::chrono::steady_clock;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// VmRSS / VmHWM of a process in MB.
double ProcStatusMb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::strtod(line.c_str() + field.size() + 1, nullptr) / 1024.0;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 200;
  int requests = 200;  // per client, after a warm-up of 10
  bool compressed = false;  // --compressed: ask for gzip/brotli answers as well
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--compressed") compressed = true;
    else if (name == "--clients" && i + 1 < argc) clients = std::atoi(argv[++i]);
    else if (name == "--requests" && i + 1 < argc) requests = std::atoi(argv[++i]);
    else clients = 0;
  }
  if (clients < 1 || requests < 1) {
    std::cerr << "usage: mk_bench_server [--clients N] [--requests N] [--compressed]\n";
    return 2;
  }

  mk::test::TempDir dir;
  auto centre = mk::test::ServerCli(dir.path(), {"centre", "add", "--name", "Benchmark-Zentrum", "--country", "DE"});
  auto code = mk::test::ServerCli(dir.path(), {"enroll", "--centre", Trim(centre.out)});
  if (centre.exit_code != 0 || code.exit_code != 0) {
    std::cerr << "setup failed: " << centre.err << code.err;
    return 1;
  }
  // Every client connection gets a worker; the per-device limit is off because all clients share
  // one device token here (a real centre has a handful of devices, each far below the limit).
  mk::test::ServerProcess server(dir.path(), {"--max-connections", std::to_string(clients + 8), "--rate", "0"});
  std::string token;
  {
    mk::sync::HttpClient enrol({server.url(), "", ""});
    mk::sync::HttpRequest post{"POST", "/v1/enroll", nlohmann::json{{"code", Trim(code.out)}}.dump(),
                               "application/json", {}};
    auto r = enrol.Send(post);
    if (!r.ok() || r->status != 201) {
      std::cerr << "enrolment failed\n";
      return 1;
    }
    token = nlohmann::json::parse(r->body)["token"];
  }
  const double rss_idle = ProcStatusMb(server.pid(), "VmRSS");

  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<long> failures{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      mk::sync::HttpClientOptions options;
      options.base_url = server.url();
      options.bearer_token = token;
      options.accept_compressed = compressed;
      mk::sync::HttpClient http(options);
      mk::sync::HttpRequest get;
      get.path = "/v1/device";
      for (int i = 0; i < 10; ++i) (void)http.Send(get);  // connect and warm up
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      auto& mine = latencies[static_cast<size_t>(c)];
      mine.reserve(static_cast<size_t>(requests));
      for (int i = 0; i < requests; ++i) {
        const auto t0 = Clk::now();
        auto r = http.Send(get);
        mine.push_back(std::chrono::duration<double, std::milli>(Clk::now() - t0).count());
        if (!r.ok() || r->status != 200) failures.fetch_add(1);
      }
    });
  }
  const auto warm_start = Clk::now();
  while (ready.load() < clients) std::this_thread::yield();
  std::printf("warm-up (connect and 10 requests per client) %.2f s\n",
              std::chrono::duration<double>(Clk::now() - warm_start).count());
  const auto start = Clk::now();
  go.store(true);
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clk::now() - start).count();
  const double rss_loaded = ProcStatusMb(server.pid(), "VmRSS");
  const double rss_peak = ProcStatusMb(server.pid(), "VmHWM");
  server.Stop(SIGTERM);

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  const double total = static_cast<double>(all.size());
  std::printf("machine: %s\n", mk::bench::MachineDescription().c_str());
  std::printf("compressed answers %s\n", compressed ? "on" : "off");
  std::printf("clients %d, requests %zu in %.2f s, failures %ld\n", clients, all.size(), seconds, failures.load());
  std::printf("throughput %.0f requests/s\n", total / seconds);
  std::printf("latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", Percentile(all, 50),
              Percentile(all, 90), Percentile(all, 99), all.empty() ? 0.0 : all.back());
  std::printf("server RSS idle %.1f MB, after the run %.1f MB, peak %.1f MB\n", rss_idle, rss_loaded, rss_peak);
  return failures.load() == 0 ? 0 : 1;
}
