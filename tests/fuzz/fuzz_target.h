// The one entry point every fuzz target defines, and what the targets share.
//
// Built with clang and MK_FUZZ=ON, each target links libFuzzer (-fsanitize=fuzzer,address,
// undefined) and explores inputs itself. In every other build it links replay_main.cpp, which
// feeds each file of the given corpus directories to the entry point once: ctest replays the
// seed corpora and every input that ever crashed a target, so a fixed crash stays fixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Runs one input. Returns 0 (the value libFuzzer expects); a bug shows as a crash or a failed
// MK_FUZZ_CHECK, never as a return value.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace mk::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Stops the run when an invariant of the code under test does not hold: refusing an input is
// fine, accepting it and then breaking a promise is the bug a target looks for.
[[noreturn]] void Violated(const char* what, const char* file, int line);

// Whether MK_FUZZ_VERBOSE is set: targets then say what became of each input (to check that a
// corpus reaches past the parsers into the code behind them).
bool Verbose();
void Note(const std::string& what);

// A directory of its own for the whole run (a target's databases live in it), removed at exit.
const std::string& ScratchDir();

}  // namespace mk::fuzz

#define MK_FUZZ_CHECK(cond) \
  ((cond) ? (void)0 : ::mk::fuzz::Violated(#cond, __FILE__, __LINE__))
