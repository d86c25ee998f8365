// Test helper program: checks people in one by one and prints "OK <person_id>" after each commit.
//
// Usage: mk_checkin_child DB SESSION_ID (PERSON_ID... | --ids-file FILE) [--method M]
// Opens the store at DB with the system clock and calls Store::CheckIn for each person in order.
// After every successful CheckIn (which returns only once the transaction is committed) it
// writes "OK <person_id>\n" to stdout with write(2), unbuffered, so a parent that reads the line
// knows the check-in was acknowledged. Exit status: 0 all checked in, 1 a check-in or the store
// failed (message on stderr), 2 the command line is wrong.
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sync/common/clock.h"
#include "sync/store/store.h"

namespace {

// Writes all of `text` to `fd`, retrying on partial writes and EINTR.
bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

int UsageError(const std::string& message) {
  std::cerr << "mk_checkin_child: " << message << "\n"
            << "usage: mk_checkin_child DB SESSION_ID (PERSON_ID... | --ids-file FILE) [--method M]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return UsageError("a database path and a session id are required");
  const std::string db_path = argv[1];
  const std::string session_id = argv[2];
  std::vector<std::string> person_ids;
  mk::store::CheckInMethod method = mk::store::CheckInMethod::kKioskSearch;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--ids-file" || arg == "--method") {
      if (i + 1 >= argc) return UsageError(arg + " needs a value");
      const std::string value = argv[++i];
      if (arg == "--method") {
        auto parsed = mk::store::ParseCheckInMethod(value);
        if (!parsed) return UsageError("unknown method " + value);
        method = *parsed;
        continue;
      }
      std::ifstream in(value);
      if (!in) return UsageError("cannot read " + value);
      std::string line;
      while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) person_ids.push_back(line);
      }
      continue;
    }
    person_ids.push_back(arg);
  }
  if (person_ids.empty()) return UsageError("no person ids given");

  auto store = mk::store::Store::Open(db_path, mk::SystemClock::Instance());
  if (!store.ok()) {
    std::cerr << "mk_checkin_child: cannot open " << db_path << ": " << store.status().message() << "\n";
    return 1;
  }
  for (const std::string& person_id : person_ids) {
    mk::store::CheckInRequest request;
    request.session_id = session_id;
    request.person_id = person_id;
    request.method = method;
    auto result = (*store)->CheckIn(request);
    if (!result.ok()) {
      std::cerr << "mk_checkin_child: check-in of " << person_id << " failed: " << result.status().message() << "\n";
      return 1;
    }
    if (!WriteAll(STDOUT_FILENO, "OK " + person_id + "\n")) return 1;
  }
  return 0;
}
