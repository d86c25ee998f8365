// `mintkiosk trainer|roster|mark|close|reopen`: the trainer's roster from the command line.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "sync/common/cli_args.h"

namespace mk::client {

// Options these commands take besides --data (they also use --session and --person).
inline constexpr const char* kRosterOptions[] = {"status", "note", "left-at"};

inline constexpr const char* kTrainerHelp = R"(Usage: mintkiosk [--data DIR] trainer list
       mintkiosk [--data DIR] trainer pin set --person ID

list     the centre's trainers: ID<TAB>name<TAB>pin (has a sign-in PIN) or no-pin
pin set  sets a trainer's personal sign-in PIN (4-12 digits), asked twice on a terminal or one
         line on standard input otherwise. Only a salted Argon2 hash is stored, in the store, and
         it syncs to every device of the centre: the trainer signs in at any of its kiosks.
)";

inline constexpr const char* kRosterHelp = R"(Usage: mintkiosk [--data DIR] roster --session ID

The session's roster, one line per enrolled person (walk-ins too), by last name:
  person ID<TAB>status<TAB>by<TAB>checked in<TAB>left at<TAB>enrolment<TAB>last name<TAB>first name<TAB>school<TAB>note
status is not_marked, present, late, excused or absent; by is kiosk or trainer (empty when
nothing is recorded); times are ISO 8601 in the centre's time zone (empty when none);
enrolment is registered or walk_in. The last line counts: "#<TAB>expected N<TAB>walk_ins N<TAB>
present N<TAB>late N<TAB>excused N<TAB>absent N<TAB>not_marked N".
)";

inline constexpr const char* kMarkHelp = R"(Usage: mintkiosk [--data DIR] mark --session ID --person ID [--status S] [--note TEXT] [--left-at HH:MM]

Records the trainer's decision for one person, all given parts in one transaction (or none):
  --status S       present, late, excused or absent (stored as the trainer's decision, which
                   wins over any kiosk check-in when devices sync)
  --note TEXT      the trainer's note on this person (at most 500 characters; "" clears it)
  --left-at HH:MM  left early at this time of the session's day (centre's time zone); it must
                   lie inside the session and after the check-in; "" clears it
A closed session is refused: reopen it first.
)";

inline constexpr const char* kCloseHelp = R"(Usage: mintkiosk [--data DIR] close --session ID
       mintkiosk [--data DIR] reopen --session ID

close   closes the session. When the centre says so (close_marks_absent, the default), everyone
        not marked yet is recorded as absent in the same transaction. Prints how many.
reopen  opens a closed session again for changes (absences recorded by the close stay).
)";

// Exit code of each: 0 success, 1 failed (the reason on `err`), 2 usage.
int RunTrainerCommand(const std::string& data_dir, const cli::Args& args, std::istream& in, std::ostream& out,
                      std::ostream& err);
int RunRosterCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunMarkCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunCloseCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunReopenCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);

}  // namespace mk::client
