// `mintkiosk survey|feedback|certificate`: survey templates, the follow-up, aggregates and certificates from the command line.
#pragma once

#include <ostream>
#include <string>

#include "sync/common/cli_args.h"

namespace mk::client {

inline constexpr const char* kFeedbackOptions[] = {"kind", "at", "out", "course"};

inline constexpr const char* kSurveyHelp = R"(Usage: mintkiosk [--data DIR] survey template show [--kind K]
       mintkiosk [--data DIR] survey template set FILE [--kind K]
       mintkiosk [--data DIR] survey follow-up --session ID [--at ID]

template show   prints the survey template in force as JSON: the centre's own, or the
                built-in one (a note on stderr says which).
template set    checks FILE and makes it the centre's template of its kind; it reaches the
                other devices with the next sync. Errors name the place: "line 3, column 7"
                or the field ("items[2].text.en is empty"). Format: a few questions rated 1-5
                and one free-text question, every text in German and English:
                  {"format": 1, "kind": "end_of_session",
                   "title": {"de": "...", "en": "..."},
                   "scale": {"de": ["trifft gar nicht zu", "trifft voll zu"], "en": [..., ...]},
                   "items": [{"id": "useful", "text": {"de": "...", "en": "..."}}, ...],
                   "free_text": {"id": "comment", "text": {"de": "...", "en": "..."}}}
  --kind K      end_of_session (the default) or follow_up
follow-up       offers the follow-up survey ("what have you used in class since?") at a later
                session of the same course as --session: the one given with --at, or the
                course's next session. Prints its ID.
)";

inline constexpr const char* kFeedbackHelp = R"(Usage: mintkiosk [--data DIR] feedback (--session ID | --course ID) [--kind K]

Prints the anonymous feedback of a session (or of every session of a course): per question the
mean, the distribution of the ratings 1-5 and the number of ratings, then the free texts in
alphabetical order. Results are shown only once at least 5 answer sets exist; before that it
says so and shows nothing else.
  --kind K   end_of_session (the default) or follow_up
)";

inline constexpr const char* kCertificateHelp = R"(Usage: mintkiosk [--data DIR] certificate --session ID --out DIR [--person ID] [--lang de|en]

Writes a certificate of attendance (PDF, A4) for every attendee of the session, or for one
person, into the folder DIR (which must exist). Prints ID<TAB>verification code<TAB>file per
certificate; people who get none are listed on stderr with the reason: no check-in, marked
absent or excused, attended less than the centre's minimum share (50 % unless set), erased.
Hours are those actually attended (late arrival and early leave reduce them, with a note on the
certificate). Issuing again for the same person and session keeps the verification code and
replaces the file. Each file is written under a temporary name and renamed when complete.
  --person ID    only this person
  --lang de|en   the language of the certificate (default de)
)";

// Exit code: 0 success, 1 failed (the reason on `err`), 2 usage.
int RunSurveyCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunFeedbackCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);
int RunCertificateCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err);

}  // namespace mk::client
