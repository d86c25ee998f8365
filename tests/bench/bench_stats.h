// What every benchmark reports: percentiles of many repetitions and the machine they ran on, and
// the figures in machine-readable form (--json FILE) for docs/benchmarks.md (mk_bench_report).
#pragma once

#include <string>
#include <vector>

namespace mk::bench {

// The nearest-rank percentile (`percent` from 0 to 100) of `values`; 0 for no values.
double Percentile(std::vector<double> values, double percent);

// "CPU model, N cores, OS arch", for the benchmark tables in docs/benchmarks.md.
std::string MachineDescription();

// A count with its digits grouped for labels: 100000 -> "100 000".
std::string Count(long long n);

// Which way a figure improves; the report marks a change the other way as a regression.
enum class Better { kLower, kHigher, kNeither };

// The figures of one benchmark run, written as JSON with --json FILE:
//   {"benchmark": NAME, "command": "mk_bench_x ARGS", "seconds": WALL TIME,
//    "figures": [{"key", "label", "value", "unit", "samples", "better"}...]}
// Keys are stable across runs (the report compares a figure with the previous run's figure of
// the same key); labels say what the figure is in words.
class Results {
 public:
  // Takes "--json FILE" out of argv (argc shrinks) and remembers the rest as the command.
  Results(std::string benchmark, int& argc, char** argv);

  void Add(const std::string& key, const std::string& label, double value, const std::string& unit, size_t samples,
           Better better);
  // Adds p50, p90, p99 and max of `values` as KEY_p50 ... with LABEL p50 ...
  void AddPercentiles(const std::string& key, const std::string& label, const std::vector<double>& values,
                      const std::string& unit, Better better, const std::vector<double>& percents = {50, 90, 99, 100});
  // A line of text the report prints under the figures (what was special about this run).
  void Note(const std::string& text);

  // Writes the JSON file when --json was given (a no-op otherwise); false when writing failed.
  bool Write() const;
  bool enabled() const { return !path_.empty(); }

 private:
  struct Figure {
    std::string key, label, unit;
    double value = 0;
    size_t samples = 0;
    Better better = Better::kNeither;
  };
  std::string benchmark_;
  std::string command_;
  std::string path_;
  double started_ = 0;
  std::vector<Figure> figures_;
  std::vector<std::string> notes_;
};

}  // namespace mk::bench
