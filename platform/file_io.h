// Small files the programs keep beside the store (settings, the PIN hash, tokens): read, replace durably, check.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "sync/common/status.h"

namespace mk::platform {

// Who may read a file written by WriteFileDurably.
enum class FileAccess {
  kOwnerOnly,  // mode 0600: secrets (PIN hash, device token) and anything personal
  kShared,     // mode 0644 (minus the umask): plain settings
};

// Replaces `path` with `bytes` so that after a crash or a power cut the file holds either its
// old content or all of the new one, never a mix, and the new content is on disk when OK comes
// back: a temporary file beside it (created with `access`), written, fsync'ed, renamed over
// `path`, then the directory fsync'ed so the rename itself is durable. On any error `path` is
// unchanged and the temporary file is gone; the message names the file and the reason.
// Thread safety: safe to call from any thread; two writers of the same path race (the last
// rename wins), so callers keep one writer per file.
Status WriteFileDurably(const std::string& path, std::string_view bytes, FileAccess access = FileAccess::kOwnerOnly);

// The whole content of `path`; NotFound when it does not exist, Io when it cannot be read, and
// Corrupt when it is larger than `max_bytes` (these files are small: a bigger one is not ours).
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes = 1 << 20);

// Whether `path` exists (as anything).
bool FileExists(const std::string& path);

// Whether standard input is a terminal (a person typing) rather than a pipe or a file.
bool StdinIsTerminal();

// Writes `prompt` to `out` and reads one line from `in`; when standard input is a terminal the
// typed characters are not echoed (the terminal's mode is restored afterwards). False at the
// end of the input.
bool ReadSecretLine(std::istream& in, std::ostream& out, std::string_view prompt, std::string* line);

}  // namespace mk::platform
