// `mintkiosk material add|list|remove|export`: a device's course materials from the command line.
#pragma once

#include <ostream>
#include <string>

#include "sync/common/cli_args.h"

namespace mk::client {

inline constexpr const char* kMaterialOptions[] = {"course", "title", "description", "licence", "purpose", "to"};

inline constexpr const char* kMaterialHelp = R"help(Usage: mintkiosk [--data DIR] material add --session ID FILE... [--course ID] [--title T]
                                       [--description D] [--licence L] [--purpose P]
       mintkiosk [--data DIR] material list [--session ID]
       mintkiosk [--data DIR] material remove ID
       mintkiosk [--data DIR] material export --session ID --to DIR

add      adds files as materials of a session (or, with --course and no --session, of every
         session of a course). Each file is copied into the device's store under its SHA-256
         (the same content twice is kept once) and its record syncs to every device of the
         centre, which then download the file. Every file is checked before any is added: it
         must be an ordinary, readable file of at most 2 GiB whose name has no path separator
         or control character. Prints ID<TAB>SHA-256<TAB>file name<TAB>title per file.
           --title T        the title (default: the file name without extension; one FILE only)
           --description D  what it is
           --licence L      e.g. "CC BY 4.0", "CC BY-SA 4.0", "CC0 1.0", "all rights reserved"
           --purpose P      what it is for: worksheet, slides, further reading, ...
list     one material per line: ID<TAB>state<TAB>percent<TAB>bytes<TAB>SHA-256<TAB>file name
         <TAB>title<TAB>licence<TAB>purpose<TAB>problem. The state is this device's: ready (the
         verified file is here), downloading, waiting (for the next sync) or failed (the
         problem says why). Without --session: every material of the centre.
remove   removes a material everywhere (at the next sync) and its file here.
export   copies every ready material of the session into the folder (a USB stick): each file
         is written under a temporary name, flushed to the drive and renamed, so a full drive or
         a stick pulled out leaves no half file under a material's name. Files already there
         with the same content are kept; a different file of the same name gets "name (2)".
)help";

// Exit code: 0 success, 1 failed (the reason on `err`), 2 usage.
int RunMaterialCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);

}  // namespace mk::client
