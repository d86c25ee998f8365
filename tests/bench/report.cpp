// mk_bench_report: renders docs/benchmarks.md from its skeleton, the figures of this run and the
// figures of the previous run, and writes the machine-readable record the next run compares with.
//
// Usage: mk_bench_report --template docs/benchmarks.in.md --results DIR --previous docs/benchmarks.json
//                        --out docs/benchmarks.md --out-json docs/benchmarks.json
//                        [--bin-dir build-bench/bin] [--mode full|quick] [--build-type T] [--compiler TEXT]
//                        [--started ISO] [--load-start "1m 5m 15m"] [--failed NAME...]
//                        [--finished ISO] [--load-end "1m 5m 15m"]
// (--finished and --load-end render a run's results again later with what was true at its end;
// by default they are read from the clock and /proc/loadavg.)
//
// DIR holds one NAME.json per benchmark (bench_stats.h's Results). A benchmark without a file
// in DIR keeps its figures from the previous record, marked with the date they were measured.
// The skeleton is Markdown with directive lines:
//   @HEADER@              date, machine, load, build, the previous run and the regressions
//   @COMMAND NAME@        the exact command of benchmark NAME in a code block
//   @RESULTS NAME@        the table of NAME's figures: this run, previous run, change
//   @SUMMARY ... @END     lines "NAME KEY" between them: one table of the headline figures
// A comment opening with "<!-- skeleton:" is left out of the page.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nlohmann::json;

// A figure that changed by more than this (in the direction it should not) is a regression.
constexpr double kRegressionPercent = 10.0;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\t')) ++start;
  return s.substr(start);
}

// The value of "key : value" in a /proc-style file; empty if absent.
std::string ProcField(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return Trim(line.substr(colon + 1));
    }
  }
  return "";
}

std::string NowUtc(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, format, &tm);
  return out;
}

json Machine() {
  json m;
  m["cpu"] = ProcField("/proc/cpuinfo", "model name");
  m["nproc"] = sysconf(_SC_NPROCESSORS_ONLN);
  const std::string mem = ProcField("/proc/meminfo", "MemTotal");
  m["ram_gb"] = std::round(std::strtod(mem.c_str(), nullptr) / 1024.0 / 1024.0 * 10) / 10;
  std::string os = Trim(ReadText("/etc/debian_version"));
  m["os"] = os.empty() ? "unknown" : "Debian " + os;
  struct utsname u {};
  uname(&u);
  m["kernel"] = std::string(u.sysname) + " " + u.release + " " + u.machine;
  return m;
}

std::string MachineText(const json& m) {
  std::ostringstream s;
  s << m.value("cpu", "unknown CPU") << ", " << m.value("nproc", 0) << " cores (nproc)";
  if (m.contains("ram_gb")) s << ", " << m.value("ram_gb", 0.0) << " GB RAM";
  for (const char* key : {"os", "kernel"}) {
    if (!m.value(key, "").empty()) s << ", " << m.value(key, "");
  }
  return s.str();
}

// Digits grouped by thin spaces as in the prose: 12 345.
std::string Group(long long v) {
  std::string digits = std::to_string(std::llabs(v));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

// About three significant digits, whole numbers grouped.
std::string Number(double v) {
  const double a = std::fabs(v);
  char buf[64];
  if (a >= 100 || (a == std::floor(a) && a < 1e15)) return Group(std::llround(v));
  if (a >= 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else if (a >= 1) std::snprintf(buf, sizeof buf, "%.2f", v);
  else if (a >= 0.1) std::snprintf(buf, sizeof buf, "%.3f", v);
  else std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string WithUnit(double v, const std::string& unit) {
  if (unit == "ratio" && std::fabs(v) >= 1 && std::fabs(v) < 10) {
    // Ratios near 1 (bytes on the wire / file size) need the third decimal.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
  }
  if (unit.empty() || unit == "ratio") return Number(v);
  if (unit == "%") return Number(v) + " %";
  if (unit == "1/s") return Number(v) + " /s";
  return Number(v) + " " + unit;
}

struct Change {
  std::string text;
  bool regression = false;
};

Change Compare(const json& now, const json* before) {
  if (!before) return {"new", false};
  const double a = now.value("value", 0.0);
  const double b = before->value("value", 0.0);
  if (a == b) return {"0 %", false};
  if (b == 0) return {"from 0", now.value("better", "") == "lower"};
  const double pct = (a - b) / std::fabs(b) * 100.0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.1f %%", pct);
  std::string text = buf;
  const std::string better = now.value("better", "");
  const bool worse = (better == "lower" && pct > 0) || (better == "higher" && pct < 0);
  const bool improved = (better == "lower" && pct < 0) || (better == "higher" && pct > 0);
  if (std::fabs(pct) >= kRegressionPercent && worse) return {"**" + text + " worse**", true};
  if (std::fabs(pct) >= kRegressionPercent && improved) return {text + " better", false};
  return {text, false};
}

const json* FindFigure(const json& bench, const std::string& key) {
  if (!bench.is_object() || !bench.contains("figures")) return nullptr;
  for (const json& f : bench["figures"]) {
    if (f.value("key", "") == key) return &f;
  }
  return nullptr;
}

struct Options {
  std::string template_path, results_dir, previous_path, out_md, out_json;
  std::string bin_dir = "build-bench/bin";
  std::string mode = "full";
  std::string build_type = "RelWithDebInfo";
  std::string compiler;
  std::string started;
  std::string load_start;
  std::string finished;
  std::string load_end;
  std::set<std::string> failed;
};

class Renderer {
 public:
  Renderer(const Options& o, json current, json previous) : o_(o), cur_(std::move(current)), prev_(std::move(previous)) {}

  std::string Header() const {
    std::ostringstream s;
    const json& run = cur_["run"];
    s << "| | |\n|---|---|\n";
    s << "| date (UTC) | " << run.value("started", "") << " to " << run.value("finished", "") << " |\n";
    s << "| machine | " << MachineText(run["machine"]) << " |\n";
    s << "| load average (1, 5, 15 min) | at the start " << run.value("load_start", "?") << "; at the end "
      << run.value("load_end", "?") << " |\n";
    s << "| build | " << run.value("build_type", "")
      << (run.value("compiler", "").empty() ? "" : ", " + run.value("compiler", "")) << " |\n";
    s << "| mode | " << run.value("mode", "")
      << (run.value("mode", "") == "quick" ? " (MK_BENCH_QUICK=1: few repetitions and smaller sizes, for trying the "
                                              "suite out; not comparable with a full run)"
                                            : " (the documented commands)")
      << " |\n";
    if (run.value("busy", false)) {
      s << "| note | other builds running: the load average exceeded the number of cores during the run, so the "
           "figures are pessimistic and noisier than on a quiet machine |\n";
    }
    if (prev_.contains("run")) {
      const json& p = prev_["run"];
      s << "| previous run | " << p.value("started", "?") << ", " << p.value("mode", "?") << " mode, "
        << MachineText(p.value("machine", json::object()));
      if (p.contains("source")) s << " (" << p.value("source", "") << ")";
      s << " |\n";
    } else {
      s << "| previous run | none recorded (no docs/benchmarks.json): the change columns are empty |\n";
    }
    s << "\n";
    if (prev_.contains("run") && (prev_["run"].value("mode", "") != run.value("mode", "") ||
                                  prev_["run"].value("machine", json::object()).value("cpu", "") !=
                                      run["machine"].value("cpu", ""))) {
      s << "The previous run used another mode or machine: read the changes with care.\n\n";
    }
    // Regressions of the benchmarks measured in this run.
    std::vector<std::string> worse;
    for (const auto& [name, bench] : cur_["benchmarks"].items()) {
      if (bench.value("carried", false)) continue;
      const json* before = prev_.contains("benchmarks") && prev_["benchmarks"].contains(name)
                               ? &prev_["benchmarks"][name]
                               : nullptr;
      if (!before) continue;
      for (const json& f : bench["figures"]) {
        const json* pf = FindFigure(*before, f.value("key", ""));
        Change c = Compare(f, pf);
        if (c.regression) {
          worse.push_back(name + ": " + f.value("label", "") + " " + WithUnit(pf->value("value", 0.0), f.value("unit", "")) +
                          " -> " + WithUnit(f.value("value", 0.0), f.value("unit", "")) + " (" + c.text + ")");
        }
      }
    }
    s << "Regressions against the previous run (worse by " << kRegressionPercent << " % or more): ";
    if (worse.empty()) {
      s << "none.\n";
    } else {
      s << worse.size() << " (in bold in the tables below).\n\n";
      constexpr size_t kListed = 12;
      for (size_t i = 0; i < worse.size() && i < kListed; ++i) s << "- " << worse[i] << "\n";
      if (worse.size() > kListed) s << "- and " << worse.size() - kListed << " more\n";
    }
    std::vector<std::string> missing;
    for (const auto& [name, bench] : cur_["benchmarks"].items()) {
      if (bench.value("carried", false)) missing.push_back(name);
    }
    if (!missing.empty()) {
      s << "\nNot measured in this run (figures below are from an earlier run, with its date): ";
      for (size_t i = 0; i < missing.size(); ++i) s << (i ? ", " : "") << missing[i];
      s << ".\n";
    }
    return s.str();
  }

  std::string Command(const std::string& name) const {
    const json* b = Bench(name);
    if (!b) return "```sh\n# " + name + ": no results recorded yet\n```\n";
    return "```sh\n" + o_.bin_dir + "/" + b->value("command", "") + "\n```\n";
  }

  std::string Results(const std::string& name) const {
    const json* b = Bench(name);
    std::ostringstream s;
    if (!b) return "No results for this benchmark yet.\n";
    const json* before = PrevBench(name);
    const bool carried = b->value("carried", false);
    if (o_.failed.count(name)) {
      s << "**This benchmark failed in the run of " << cur_["run"].value("started", "")
        << "** (see its log in the results directory); ";
      s << (carried ? "the figures below are from the run before.\n\n" : "the figures it wrote are below.\n\n");
    }
    s << "| figure | " << (carried ? "run of " + b->value("date", std::string("?")) : "this run") << " | previous | change | samples |\n";
    s << "|---|---:|---:|---:|---:|\n";
    for (const json& f : (*b)["figures"]) {
      const json* pf = carried ? nullptr : (before ? FindFigure(*before, f.value("key", "")) : nullptr);
      const std::string unit = f.value("unit", "");
      s << "| " << f.value("label", "") << " | " << WithUnit(f.value("value", 0.0), unit) << " | "
        << (pf ? WithUnit(pf->value("value", 0.0), unit) : "-") << " | "
        << (carried ? "-" : (before ? Compare(f, pf).text : "-")) << " | " << (f.contains("samples") ? Group(f.value("samples", 0LL)) : "-") << " |\n";
    }
    s << "\n";
    s << "Measured " << b->value("date", std::string("?")) << " UTC (" << b->value("mode", std::string("?"))
      << " mode) in " << Number(b->value("seconds", 0.0)) << " s";
    if (before) s << "; previous: " << before->value("date", std::string("?")) << " (" << before->value("mode", std::string("?")) << " mode)";
    s << ".";
    for (const json& n : b->value("notes", json::array())) s << " " << n.get<std::string>() << ".";
    s << "\n";
    return s.str();
  }

  std::string Summary(const std::vector<std::pair<std::string, std::string>>& keys) const {
    std::ostringstream s;
    s << "| benchmark | figure | this run | previous | change |\n|---|---|---:|---:|---:|\n";
    for (const auto& [name, key] : keys) {
      const json* b = Bench(name);
      const json* f = b ? FindFigure(*b, key) : nullptr;
      if (!f) {
        s << "| " << name << " | " << key << " | not measured | - | - |\n";
        continue;
      }
      const bool carried = b->value("carried", false);
      const json* before = PrevBench(name);
      const json* pf = (!carried && before) ? FindFigure(*before, key) : nullptr;
      const std::string unit = f->value("unit", "");
      s << "| " << name << " | " << f->value("label", "") << " | " << WithUnit(f->value("value", 0.0), unit)
        << (carried ? " (" + b->value("date", std::string("?")) + ")" : "") << " | "
        << (pf ? WithUnit(pf->value("value", 0.0), unit) : "-") << " | "
        << (carried ? "-" : (before ? Compare(*f, pf).text : "-")) << " |\n";
    }
    return s.str();
  }

 private:
  const json* Bench(const std::string& name) const {
    if (!cur_["benchmarks"].contains(name)) return nullptr;
    return &cur_["benchmarks"][name];
  }
  const json* PrevBench(const std::string& name) const {
    if (!prev_.contains("benchmarks") || !prev_["benchmarks"].contains(name)) return nullptr;
    return &prev_["benchmarks"][name];
  }

  const Options& o_;
  json cur_;
  json prev_;
};

std::vector<std::string> JsonFiles(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 5 && name.substr(name.size() - 5) == ".json") out.push_back(dir + "/" + name);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

int Usage() {
  std::cerr << "usage: mk_bench_report --template FILE --results DIR --previous FILE --out FILE --out-json FILE\n"
               "       [--bin-dir DIR] [--mode full|quick] [--build-type T] [--compiler TEXT] [--started ISO]\n"
               "       [--load-start TEXT] [--failed NAME]... [--finished ISO] [--load-end TEXT]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    const std::string v = argv[++i];
    if (a == "--template") o.template_path = v;
    else if (a == "--results") o.results_dir = v;
    else if (a == "--previous") o.previous_path = v;
    else if (a == "--out") o.out_md = v;
    else if (a == "--out-json") o.out_json = v;
    else if (a == "--bin-dir") o.bin_dir = v;
    else if (a == "--mode") o.mode = v;
    else if (a == "--build-type") o.build_type = v;
    else if (a == "--compiler") o.compiler = v;
    else if (a == "--started") o.started = v;
    else if (a == "--load-start") o.load_start = v;
    else if (a == "--finished") o.finished = v;
    else if (a == "--load-end") o.load_end = v;
    else if (a == "--failed") o.failed.insert(v);
    else return Usage();
  }
  if (o.template_path.empty() || o.results_dir.empty() || o.out_md.empty() || o.out_json.empty()) return Usage();
  const std::string skeleton = ReadText(o.template_path);
  if (skeleton.empty()) {
    std::cerr << "mk_bench_report: cannot read " << o.template_path << "\n";
    return 1;
  }
  json previous = json::object();
  if (!o.previous_path.empty()) {
    const std::string text = ReadText(o.previous_path);
    if (!text.empty()) {
      previous = json::parse(text, nullptr, false);
      if (previous.is_discarded()) {
        std::cerr << "mk_bench_report: " << o.previous_path << " is not JSON; comparing with nothing\n";
        previous = json::object();
      }
    }
  }

  const std::string today = NowUtc("%Y-%m-%d %H:%M");
  json current;
  json& run = current["run"];
  run["started"] = o.started.empty() ? today : o.started;
  run["finished"] = o.finished.empty() ? today : o.finished;
  run["mode"] = o.mode;
  run["machine"] = Machine();
  run["build_type"] = o.build_type;
  run["compiler"] = o.compiler;
  run["load_start"] = o.load_start;
  if (!o.load_end.empty()) {
    run["load_end"] = o.load_end;
  } else {
    std::istringstream load(ReadText("/proc/loadavg"));
    std::string one, five, fifteen;
    load >> one >> five >> fifteen;
    run["load_end"] = one + " " + five + " " + fifteen;
  }
  const double nproc = run["machine"].value("nproc", 1.0);
  bool busy = false;
  for (const std::string& load : {o.load_start, run["load_end"].get<std::string>()}) {
    if (!load.empty() && std::strtod(load.c_str(), nullptr) > nproc) busy = true;
  }
  run["busy"] = busy;
  current["benchmarks"] = json::object();
  for (const std::string& path : JsonFiles(o.results_dir)) {
    json b = json::parse(ReadText(path), nullptr, false);
    if (b.is_discarded() || !b.contains("benchmark")) {
      std::cerr << "mk_bench_report: skipping " << path << " (not a benchmark's results)\n";
      continue;
    }
    b["date"] = run["started"];  // when its figures were measured: this run
    b["mode"] = o.mode;
    current["benchmarks"][b["benchmark"].get<std::string>()] = b;
  }
  // Benchmarks not run this time keep their last figures.
  if (previous.contains("benchmarks")) {
    for (const auto& [name, b] : previous["benchmarks"].items()) {
      if (current["benchmarks"].contains(name)) continue;
      json kept = b;
      kept["carried"] = true;
      current["benchmarks"][name] = kept;
    }
  }

  Renderer r(o, current, previous);
  std::istringstream in(skeleton);
  std::ostringstream out;
  std::string line;
  bool in_summary = false;
  bool in_skeleton_note = false;
  std::vector<std::pair<std::string, std::string>> summary;
  out << "<!-- Generated by packaging/run-benchmarks.sh (tests/bench/report.cpp) from docs/benchmarks.in.md: edit the "
         "prose there. -->\n";
  while (std::getline(in, line)) {
    const std::string t = Trim(line);
    // The skeleton's own comment ("<!-- skeleton: ... -->") is not copied.
    if (in_skeleton_note || t.rfind("<!-- skeleton:", 0) == 0) {
      in_skeleton_note = t.find("-->") == std::string::npos;
      continue;
    }
    if (in_summary) {
      if (t == "@END") {
        out << r.Summary(summary);
        in_summary = false;
        summary.clear();
      } else if (!t.empty()) {
        std::istringstream words(t);
        std::string name, key;
        words >> name >> key;
        summary.emplace_back(name, key);
      }
      continue;
    }
    if (t == "@HEADER@") {
      out << r.Header();
    } else if (t == "@SUMMARY") {
      in_summary = true;
    } else if (t.rfind("@COMMAND ", 0) == 0 && t.back() == '@') {
      out << r.Command(Trim(t.substr(9, t.size() - 10)));
    } else if (t.rfind("@RESULTS ", 0) == 0 && t.back() == '@') {
      out << r.Results(Trim(t.substr(9, t.size() - 10)));
    } else {
      out << line << "\n";
    }
  }
  std::ofstream md(o.out_md);
  md << out.str();
  std::ofstream js(o.out_json);
  js << current.dump(1) << "\n";
  if (!md || !js) {
    std::cerr << "mk_bench_report: cannot write " << o.out_md << " or " << o.out_json << "\n";
    return 1;
  }
  std::cout << "mk_bench_report: wrote " << o.out_md << " and " << o.out_json << " ("
            << current["benchmarks"].size() << " benchmarks)\n";
  return 0;
}
