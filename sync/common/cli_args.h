// Command-line parsing for mintkiosk and mintkiosk-server: words, --options and --flags.
#pragma once

#include <map>
#include <ostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sync/common/status.h"

namespace mk::cli {

// argv split into positional words and options. "--name value" and "--name=value" are options,
// "--flag" alone is a flag when `flags` says so; "--" ends option parsing.
struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> options;
  std::set<std::string> flags;

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::optional<std::string> Get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
};

// `value_options` take a value; `flag_options` do not. Anything else starting with "--" is an
// error naming the option.
Result<Args> Parse(const std::vector<std::string>& argv, const std::set<std::string>& value_options,
                   const std::set<std::string>& flag_options);

// Checks that only `allowed` options/flags were given to `command`.
Status OnlyOptions(const Args& args, const std::string& command, const std::set<std::string>& allowed);

// Prints "PROGRAM: message" on `err` and returns exit status 1 (the command failed).
int ReportFailure(std::ostream& err, const std::string& program, const Status& status);

// Prints "PROGRAM: message" and where to find help on `err`, and returns exit status 2 (the
// command line is wrong). `command` may be empty.
int ReportUsage(std::ostream& err, const std::string& program, const std::string& message,
                const std::string& command);

}  // namespace mk::cli
