// Helpers shared by the test suites: temporary directories, running the real binaries.
#pragma once

#include <string>
#include <vector>

namespace mk::test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& bytes);
std::string ReadFile(const std::string& path);

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program path) to completion, capturing stdout and stderr.
ProcessResult Run(const std::vector<std::string>& argv);

// Path of a built program in the build's bin directory (MK_BIN_DIR, set by CMake).
std::string BinPath(const std::string& name);

}  // namespace mk::test
