// What every benchmark reports: percentiles of many repetitions and the machine they ran on.
#pragma once

#include <string>
#include <vector>

namespace mk::bench {

// The nearest-rank percentile (`percent` from 0 to 100) of `values`; 0 for no values.
double Percentile(std::vector<double> values, double percent);

// "CPU model, N cores, OS arch", for the benchmark tables in docs/benchmarks.md.
std::string MachineDescription();

}  // namespace mk::bench
