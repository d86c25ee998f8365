// What the fuzz targets share (fuzz_target.h).
#include "fuzz_target.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace mk::fuzz {

void Violated(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  std::abort();
}

bool Verbose() {
  static const bool verbose = std::getenv("MK_FUZZ_VERBOSE") != nullptr;
  return verbose;
}

void Note(const std::string& what) {
  if (Verbose()) std::fprintf(stderr, "%s\n", what.c_str());
}

namespace {

struct Scratch {
  std::string path;
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/mk-fuzz-XXXXXX";
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    path = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

const std::string& ScratchDir() {
  static Scratch scratch;
  return scratch.path;
}

}  // namespace mk::fuzz
