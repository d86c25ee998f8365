// Percentiles, the machine description and the machine-readable results shared by the benchmark
// programs.
#include "bench_stats.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

namespace mk::bench {
namespace {

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

double Percentile(std::vector<double> values, double percent) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(percent / 100.0 * static_cast<double>(values.size()));
  const size_t index = rank < 1 ? 0 : std::min(values.size() - 1, static_cast<size_t>(rank) - 1);
  return values[index];
}

std::string MachineDescription() {
  std::string cpu = "unknown CPU";
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  }
  struct utsname u {};
  uname(&u);
  return cpu + ", " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores, " + u.sysname + " " + u.machine;
}

std::string Count(long long n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

Results::Results(std::string benchmark, int& argc, char** argv) : benchmark_(std::move(benchmark)) {
  started_ = WallSeconds();
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
      path_ = argv[++i];
      continue;
    }
    argv[out++] = argv[i];
  }
  argc = out;
  argv[argc] = nullptr;
  const char* slash = std::strrchr(argv[0], '/');
  command_ = slash ? slash + 1 : argv[0];
  for (int i = 1; i < argc; ++i) command_ += std::string(" ") + argv[i];
}

void Results::Add(const std::string& key, const std::string& label, double value, const std::string& unit,
                  size_t samples, Better better) {
  figures_.push_back({key, label, unit, std::isfinite(value) ? value : 0.0, samples, better});
}

void Results::AddPercentiles(const std::string& key, const std::string& label, const std::vector<double>& values,
                             const std::string& unit, Better better, const std::vector<double>& percents) {
  for (double p : percents) {
    const std::string name = p >= 100 ? "max" : "p" + std::to_string(static_cast<int>(p));
    Add(key + "_" + name, label + " " + name, Percentile(values, p), unit, values.size(), better);
  }
}

void Results::Note(const std::string& text) { notes_.push_back(text); }

bool Results::Write() const {
  if (path_.empty()) return true;
  nlohmann::json doc;
  doc["benchmark"] = benchmark_;
  doc["command"] = command_;
  doc["seconds"] = std::round((WallSeconds() - started_) * 10) / 10;
  doc["figures"] = nlohmann::json::array();
  for (const Figure& f : figures_) {
    doc["figures"].push_back({{"key", f.key},
                              {"label", f.label},
                              {"value", f.value},
                              {"unit", f.unit},
                              {"samples", f.samples},
                              {"better", f.better == Better::kLower    ? "lower"
                                         : f.better == Better::kHigher ? "higher"
                                                                       : ""}});
  }
  doc["notes"] = notes_;
  std::ofstream out(path_);
  out << doc.dump(1) << '\n';
  return static_cast<bool>(out);
}

}  // namespace mk::bench
