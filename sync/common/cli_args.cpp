// Parses argv into words, options and flags with messages that name the offending argument.
#include "cli_args.h"

namespace mk::cli {

Result<Args> Parse(const std::vector<std::string>& argv, const std::set<std::string>& value_options,
                   const std::set<std::string>& flag_options) {
  Args args;
  bool only_words = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_words || a.size() < 2 || a.compare(0, 2, "--") != 0) {
      args.words.push_back(a);
      continue;
    }
    if (a == "--") {
      only_words = true;
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flag_options.count(name)) {
      if (inline_value) return InvalidArgument("--" + name + " takes no value");
      args.flags.insert(name);
    } else if (value_options.count(name)) {
      if (args.options.count(name)) return InvalidArgument("--" + name + " is given twice");
      if (inline_value) {
        args.options[name] = *inline_value;
      } else if (i + 1 < argv.size()) {
        args.options[name] = argv[++i];
      } else {
        return InvalidArgument("--" + name + " needs a value");
      }
    } else {
      return InvalidArgument("unknown option --" + name);
    }
  }
  return args;
}

Status OnlyOptions(const Args& args, const std::string& command, const std::set<std::string>& allowed) {
  for (const auto& [name, value] : args.options) {
    if (!allowed.count(name)) return InvalidArgument("'" + command + "' does not take --" + name);
  }
  for (const auto& name : args.flags) {
    if (!allowed.count(name)) return InvalidArgument("'" + command + "' does not take --" + name);
  }
  return Status::Ok();
}

int ReportFailure(std::ostream& err, const std::string& program, const Status& status) {
  err << program << ": " << status.message() << "\n";
  return 1;
}

int ReportUsage(std::ostream& err, const std::string& program, const std::string& message,
                const std::string& command) {
  err << program << ": " << message << "\n";
  err << "Try '" << program << " " << (command.empty() ? "" : command + " ") << "--help'.\n";
  return 2;
}

}  // namespace mk::cli
