// Commands of the mintkiosk CLI: demo, import, sessions, find, checkin, export, enroll, sync, status, bundles, kiosk, pin.
#include "client_cli.h"
#include "kiosk_app.h"
#include "pin_command.h"
#include "enroll_command.h"
#include "sync_command.h"
#include "material_command.h"
#include "feedback_command.h"
#include "roster_command.h"

#include <cstdio>
#include <iostream>
#include <map>

#include "platform/paths.h"
#include "sync/common/cli_args.h"
#include "sync/common/time_zone.h"
#include "sync/store/attendance_export.h"
#include "sync/store/demo_data.h"
#include "sync/store/registration_import.h"
#include "sync/store/store.h"

#ifndef MK_VERSION
#define MK_VERSION "0.0.0"
#endif

namespace mk::client {
namespace {

constexpr const char* kUsage = R"(mintkiosk: check-in kiosk for STEM teacher professional-development centres.

Usage: mintkiosk [--data DIR] COMMAND [OPTIONS]
       mintkiosk [--data DIR]       open the kiosk (the same as 'kiosk')

Commands:
  kiosk [--windowed] [--size WxH] [--lang de|en] [--renderer auto|gl|sdl]
                                open the check-in kiosk (fullscreen; leaving needs the trainer PIN)
  pin set                       set the trainer PIN (4-12 digits)
  trainer list                  the centre's trainers: ID, name, whether they have a sign-in PIN
  trainer pin set --person ID   set a trainer's personal sign-in PIN (synced to the centre's devices)
  roster --session ID           the session's roster: ID, status, by, checked in, left, names, note
  mark --session ID --person ID [--status present|late|excused|absent] [--note TEXT] [--left-at HH:MM]
                                record the trainer's decision for one person
  close --session ID            close a session (people not marked become absent, as the centre says)
  reopen --session ID           open a closed session again
  demo                          seed the demo centre (courses, sessions this week, 2 000 teachers)
  import registrations FILE     import registrations from a CSV spreadsheet
  sessions [--today] [--open]   list sessions: ID, start, end, course title, room
  find TEXT                     find people by name: ID, name, school
  checkin --session ID --person ID
                                check a person in (again is fine: one record)
  export attendance [--session ID]
                                attendance as CSV for Excel (UTF-8 with BOM, ';')
  enroll --server URL --code CODE
                                enrol this device with its centre's server
  sync                          sync with the server once (send waiting changes, receive new ones)
  status [--json]               the sync status: server, changes waiting, last sync, last error
  export-bundle FILE            write the waiting changes into a file for the server (no network)
  import-bundle FILE            apply a file the server made for this device
  material add --session ID FILE...
                                add course materials (title, description, licence, purpose)
  material list [--session ID]  materials with their state on this device
  material export --session ID --to DIR
                                copy a session's materials to a folder (a USB stick)
  survey template show|set FILE [--kind end_of_session|follow_up]
                                the centre's anonymous survey (questions in German and English)
  survey follow-up --session ID [--at ID]
                                offer the follow-up survey at a later session of the course
  feedback --session ID         the anonymous feedback (shown from 5 answer sets on)
  certificate --session ID --out DIR [--person ID] [--lang de|en]
                                certificates of attendance as PDF files

Options:
  --data DIR    the device's data directory (default: $XDG_DATA_HOME/mintkiosk)
  --help        help for mintkiosk or for a command
  --version     print the version

Exit status: 0 success, 1 the command failed (see the message), 2 the command line is wrong.
)";

const std::map<std::string, std::string> kCommandHelp = {
    {"demo", R"(Usage: mintkiosk [--data DIR] demo [--teachers N] [--seed N]

Seeds the demo centre "MINT-Fortbildungszentrum Nordhessen": partners, 40 courses across the
target groups, sessions Monday to Friday of this week (several today, one running now),
teachers with European names, enrolments, and attendance of sessions already over.
The same seed gives the same people and ids. Running it again changes nothing.
  --teachers N   how many teachers (default 2000)
  --seed N       the generator's seed (default 20261127)
)"},
    {"import", R"(Usage: mintkiosk [--data DIR] import registrations FILE [--centre ID]

Imports a spreadsheet saved as CSV: one row per person and session. A header row names the
columns, in English or German, in any order:
  first_name/Vorname, last_name/Nachname, school/Schule, email/E-Mail (optional),
  subjects/Fächer (optional), course/Kurs (code or title), course_code/Kursnummer,
  course_title/Kurstitel, start/Beginn, end/Ende, room/Raum (optional),
  date/Datum (optional: then Beginn/Ende may be times), consent/Einwilligung (optional).
Separator ; , or tab; UTF-8 (with or without BOM) or Windows-1252; dates like
2026-11-27T09:00 or 27.11.2026 09:00 in the centre's time zone.
Either every row is imported or none: errors name file, line and column. Importing the same
file twice changes nothing.
  --centre ID   the centre to import into (default: this device's centre)
)"},
    {"sessions", R"(Usage: mintkiosk [--data DIR] sessions [--today] [--open]

Prints one session per line: ID<TAB>start<TAB>end<TAB>course title<TAB>room, ordered by start.
Times are ISO 8601 in the centre's time zone (2026-11-27T09:00:00+01:00).
  --today   only sessions of today (in the centre's time zone)
  --open    only sessions open for check-in now (from an hour before the start to the end)
)"},
    {"find", R"(Usage: mintkiosk [--data DIR] find TEXT [--limit N] [--session ID]

Prints matching people, best first: ID<TAB>display name<TAB>school. Every word of TEXT must
start a word of the name; case, accents and umlauts do not matter (mül finds Müller, Mueller
and Muller). At least 2 letters.
  --limit N      at most N people (default 20)
  --session ID   people enrolled in this session first
)"},
    {"checkin", R"(Usage: mintkiosk [--data DIR] checkin --session ID (--person ID | --code CODE) [--method M]

Checks a person in to a session and prints the confirmation. The record is on disk (it
survives a crash or power loss) before this command reports success. Checking in the same
person again is not an error and keeps the one record. People not enrolled are enrolled.
  --session ID   the session
  --person ID    the person
  --code CODE    the person's participant code (badge or QR code) instead of --person
  --method M     kiosk_search, code, walk_in, trainer or admin (default admin)
)"},
    {"kiosk", R"(Usage: mintkiosk [--data DIR] kiosk [--windowed] [--size WxH] [--lang de|en] [--renderer auto|gl|sdl]

Opens the check-in kiosk, fullscreen. Leaving it or opening its settings needs the trainer PIN
(set with 'mintkiosk pin set'). The kiosk's settings are kept in DIR/kiosk.json.
  --windowed     a normal window that closes like any other (for trainers' laptops)
  --size WxH     the window size, e.g. 412x915, 1280x800, 1920x1080
  --lang de|en   the language for this run (the saved setting otherwise)
  --renderer R   how the window draws: sdl (SDL_Renderer, software: no GL driver, least memory),
                 gl (OpenGL 3 or GLES 3), or auto (the default: sdl, else gl; MINTKIOSK_RENDERER
                 may name one)
)"},
    {"pin", R"(Usage: mintkiosk [--data DIR] pin set

Sets the trainer PIN (4 to 12 digits), asked twice without echo on a terminal, or read as one
line from standard input otherwise. Only a salted Argon2 hash is kept (DIR/kiosk-pin, mode 0600).
)"},
    {"export", R"(Usage: mintkiosk [--data DIR] export attendance [--session ID] [--german]

Writes attendance as CSV to standard output: UTF-8 with BOM, ';' separated, CRLF, so German
Excel opens it as it is. One row per enrolled person and session.
  --session ID   only this session
  --german       German column headers
)"},
};

struct Context {
  std::string data_dir;
  std::ostream& out;
  std::ostream& err;
};

int Fail(std::ostream& err, const Status& s) { return cli::ReportFailure(err, "mintkiosk", s); }

int Usage(std::ostream& err, const std::string& message, const std::string& command) {
  return cli::ReportUsage(err, "mintkiosk", message, command);
}

Result<std::unique_ptr<store::Store>> OpenStore(const Context& ctx) {
  MK_RETURN_IF_ERROR(platform::EnsureDirectory(ctx.data_dir));
  return store::Store::Open(platform::JoinPath(ctx.data_dir, "mintkiosk.db"), SystemClock::Instance());
}

Result<TimeZone> CentreZone(const store::Centre& centre) {
  auto tz = TimeZone::Load(centre.time_zone, platform::ZoneInfoDir());
  if (!tz.ok()) return tz.status().WithContext("the time zone of centre '" + centre.name + "'");
  return tz;
}

std::string DisplayName(const std::string& first, const std::string& last) { return first + " " + last; }

int CmdDemo(const Context& ctx, const cli::Args& args) {
  store::DemoOptions opt;
  if (auto t = args.Get("teachers")) {
    char* end = nullptr;
    long n = std::strtol(t->c_str(), &end, 10);
    if (t->empty() || *end != 0 || n < 0 || n > 1000000) return Usage(ctx.err, "--teachers takes a number from 0 to 1000000", "demo");
    opt.teachers = static_cast<int>(n);
  }
  if (auto s = args.Get("seed")) {
    char* end = nullptr;
    unsigned long long n = std::strtoull(s->c_str(), &end, 10);
    if (*end != 0 || s->empty()) return Usage(ctx.err, "--seed takes a whole number", "demo");
    opt.seed = n;
  }
  auto tz = TimeZone::Load(store::DemoTimeZoneName(), platform::ZoneInfoDir());
  if (!tz.ok()) return Fail(ctx.err, tz.status());
  opt.time_zone = *tz;
  opt.now_ms = SystemClock::Instance()->NowMs();
  auto st = OpenStore(ctx);
  if (!st.ok()) return Fail(ctx.err, st.status());
  // The demo is local sample data, not this device's work: it is not queued for the server
  // (a server has its own demo: 'mintkiosk-server demo').
  store::ChangeCapture::Suppress not_for_sync((*st)->capture());
  auto summary = store::SeedDemo(**st, opt);
  if (!summary.ok()) return Fail(ctx.err, summary.status());
  if (summary->already_present) {
    ctx.out << "The demo centre is already in " << ctx.data_dir << "; nothing changed.\n";
    return 0;
  }
  ctx.out << "Seeded the demo centre " << summary->centre_id << " in " << ctx.data_dir << ":\n"
          << "  " << summary->courses << " courses, " << summary->sessions << " sessions this week ("
          << summary->sessions_today << " today), " << summary->people << " people, " << summary->enrolments
          << " enrolments, " << summary->partners << " partners\n";
  return 0;
}

int CmdImport(const Context& ctx, const cli::Args& args) {
  if (args.words.size() < 2 || args.words[1] != "registrations") {
    return Usage(ctx.err, "what to import? 'import registrations FILE'", "import");
  }
  if (args.words.size() != 3) return Usage(ctx.err, "'import registrations' takes exactly one FILE", "import");
  auto st = OpenStore(ctx);
  if (!st.ok()) return Fail(ctx.err, st.status());
  store::Store& s = **st;
  Result<store::Centre> centre = args.Get("centre") ? s.GetCentre(*args.Get("centre")) : s.HomeCentre();
  if (!centre.ok()) return Fail(ctx.err, centre.status());
  auto tz = CentreZone(*centre);
  if (!tz.ok()) return Fail(ctx.err, tz.status());
  store::ImportOptions opt;
  opt.centre_id = centre->id;
  opt.time_zone = *tz;
  auto summary = store::ImportRegistrationsFile(s, args.words[2], opt);
  if (!summary.ok()) return Fail(ctx.err, summary.status());
  ctx.out << "Imported " << summary->rows << " registrations from " << args.words[2] << " ("
          << SourceEncodingName(summary->encoding) << ", separator '"
          << (summary->separator == '\t' ? std::string("tab") : std::string(1, summary->separator)) << "'):\n"
          << "  " << summary->people_created << " new people, " << summary->people_matched << " rows of people already known, "
          << summary->courses_created << " new courses, " << summary->sessions_created << " new sessions, "
          << summary->enrolments_created << " new enrolments\n";
  for (const auto& c : summary->ignored_columns) ctx.err << "mintkiosk: note: column '" << c << "' was ignored\n";
  return 0;
}

int CmdSessions(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 1) return Usage(ctx.err, "'sessions' takes no words", "sessions");
  auto st = OpenStore(ctx);
  if (!st.ok()) return Fail(ctx.err, st.status());
  store::Store& s = **st;
  auto centre = s.HomeCentre();
  if (!centre.ok()) return Fail(ctx.err, centre.status());
  auto tz = CentreZone(*centre);
  if (!tz.ok()) return Fail(ctx.err, tz.status());
  int64_t from = INT64_MIN / 2;
  int64_t to = INT64_MAX / 2;
  if (args.Has("today")) {
    const CivilTime now = tz->ToCivil(s.clock().NowMs() / 1000);
    const int64_t days = DaysFromCivil(now.year, now.month, now.day);
    CivilTime start{now.year, now.month, now.day, 0, 0, 0};
    CivilTime next{};
    CivilFromDays(days + 1, &next.year, &next.month, &next.day);
    from = tz->FromCivil(start) * 1000;
    to = tz->FromCivil(next) * 1000;
  }
  const int64_t now_ms = s.clock().NowMs();
  const bool open_only = args.Has("open");
  if (open_only) {
    // Open for check-in: from the time check-in opens before the start until the end.
    from = std::max<int64_t>(from, now_ms - int64_t{7} * 24 * 3600 * 1000);
    to = std::min<int64_t>(to, now_ms + store::CheckInRequest{}.opens_before_start_ms + 1);
  }
  auto sessions = s.ListSessions(centre->id, from, to);
  if (!sessions.ok()) return Fail(ctx.err, sessions.status());
  for (const auto& v : *sessions) {
    if (open_only && !(v.session.starts_at - store::CheckInRequest{}.opens_before_start_ms <= now_ms &&
                       now_ms < v.session.ends_at)) {
      continue;
    }
    ctx.out << v.session.id << '\t' << tz->FormatIso(v.session.starts_at / 1000) << '\t'
            << tz->FormatIso(v.session.ends_at / 1000) << '\t' << v.course_title << '\t' << v.session.room << '\n';
  }
  return 0;
}

int CmdFind(const Context& ctx, const cli::Args& args) {
  if (args.words.size() < 2) return Usage(ctx.err, "find what? 'find TEXT'", "find");
  std::string text;
  for (size_t i = 1; i < args.words.size(); ++i) text += (i > 1 ? " " : "") + args.words[i];
  store::SearchOptions opt;
  if (auto l = args.Get("limit")) {
    char* end = nullptr;
    long n = std::strtol(l->c_str(), &end, 10);
    if (l->empty() || *end != 0 || n < 1 || n > 1000) return Usage(ctx.err, "--limit takes a number from 1 to 1000", "find");
    opt.limit = static_cast<size_t>(n);
  }
  if (auto sid = args.Get("session")) opt.boost_session_id = *sid;
  auto st = OpenStore(ctx);
  if (!st.ok()) return Fail(ctx.err, st.status());
  auto centre = (*st)->HomeCentre();
  if (!centre.ok()) return Fail(ctx.err, centre.status());
  opt.centre_id = centre->id;
  auto hits = (*st)->Search(text, opt);
  if (!hits.ok()) return Fail(ctx.err, hits.status());
  for (const auto& h : *hits) ctx.out << h.id << '\t' << DisplayName(h.first_name, h.last_name) << '\t' << h.school << '\n';
  return 0;
}

int CmdCheckin(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 1) return Usage(ctx.err, "'checkin' takes options only", "checkin");
  auto session_id = args.Get("session");
  auto person_id = args.Get("person");
  auto code = args.Get("code");
  if (!session_id) return Usage(ctx.err, "--session ID is required", "checkin");
  if (!person_id == !code) return Usage(ctx.err, "give either --person ID or --code CODE", "checkin");
  store::CheckInRequest req;
  req.session_id = *session_id;
  req.method = store::CheckInMethod::kAdmin;
  if (auto m = args.Get("method")) {
    auto parsed = store::ParseCheckInMethod(*m);
    if (!parsed) return Usage(ctx.err, "--method must be kiosk_search, code, walk_in, trainer or admin", "checkin");
    req.method = *parsed;
  }
  auto st = OpenStore(ctx);
  if (!st.ok()) return Fail(ctx.err, st.status());
  store::Store& s = **st;
  auto centre = s.HomeCentre();
  if (!centre.ok()) return Fail(ctx.err, centre.status());
  if (code) {
    auto person = s.FindByParticipantCode(centre->id, *code);
    if (!person.ok()) return Fail(ctx.err, person.status());
    if (!*person) return Fail(ctx.err, NotFound("no participant has the code '" + *code + "'"));
    req.person_id = (*person)->id;
  } else {
    req.person_id = *person_id;
  }
  auto tz = CentreZone(*centre);
  if (!tz.ok()) return Fail(ctx.err, tz.status());
  auto result = s.CheckIn(req);
  if (!result.ok()) return Fail(ctx.err, result.status());
  auto person = s.GetPerson(req.person_id);
  auto session = s.GetSession(req.session_id);
  if (!person.ok()) return Fail(ctx.err, person.status());
  if (!session.ok()) return Fail(ctx.err, session.status());
  const CivilTime at = tz->ToCivil(result->attendance.checked_in_at.value_or(0) / 1000);
  char time[16];
  std::snprintf(time, sizeof time, "%02d:%02d", at.hour, at.minute);
  ctx.out << (result->already_checked_in ? "Already checked in: " : "Checked in: ")
          << DisplayName(person->first_name, person->last_name) << " - " << session->course_title;
  if (!session->session.room.empty()) ctx.out << ", " << session->session.room;
  ctx.out << " - at " << time << " (" << store::ToCode(result->attendance.status) << ")\n";
  return 0;
}

int CmdExport(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 2 || args.words[1] != "attendance") {
    return Usage(ctx.err, "what to export? 'export attendance'", "export");
  }
  auto st = OpenStore(ctx);
  if (!st.ok()) return Fail(ctx.err, st.status());
  auto centre = (*st)->HomeCentre();
  if (!centre.ok()) return Fail(ctx.err, centre.status());
  auto tz = CentreZone(*centre);
  if (!tz.ok()) return Fail(ctx.err, tz.status());
  store::ExportOptions opt;
  opt.centre_id = centre->id;
  opt.session_id = args.Get("session").value_or("");
  opt.time_zone = *tz;
  opt.german_headers = args.Has("german");
  Status s = store::ExportAttendanceCsv(**st, opt, ctx.out);
  if (!s.ok()) return Fail(ctx.err, s);
  return 0;
}

int CmdEnroll(const Context& ctx, const cli::Args& args) { return RunEnrollCommand(ctx.data_dir, args, ctx.out, ctx.err); }

int CmdSync(const Context& ctx, const cli::Args& args) { return RunSyncCommand(ctx.data_dir, args, ctx.out, ctx.err); }
int CmdStatus(const Context& ctx, const cli::Args& args) { return RunStatusCommand(ctx.data_dir, args, ctx.out, ctx.err); }
int CmdExportBundle(const Context& ctx, const cli::Args& args) {
  return RunExportBundleCommand(ctx.data_dir, args, ctx.out, ctx.err);
}
int CmdImportBundle(const Context& ctx, const cli::Args& args) {
  return RunImportBundleCommand(ctx.data_dir, args, ctx.out, ctx.err);
}

int CmdSurvey(const Context& ctx, const cli::Args& args) { return RunSurveyCommand(ctx.data_dir, args, ctx.out, ctx.err); }
int CmdFeedback(const Context& ctx, const cli::Args& args) {
  return RunFeedbackCommand(ctx.data_dir, args, ctx.out, ctx.err);
}
int CmdCertificate(const Context& ctx, const cli::Args& args) {
  return RunCertificateCommand(ctx.data_dir, args, ctx.out, ctx.err);
}

int CmdTrainer(const Context& ctx, const cli::Args& args) {
  return RunTrainerCommand(ctx.data_dir, args, std::cin, ctx.out, ctx.err);
}
int CmdRoster(const Context& ctx, const cli::Args& args) { return RunRosterCommand(ctx.data_dir, args, ctx.out, ctx.err); }
int CmdMark(const Context& ctx, const cli::Args& args) { return RunMarkCommand(ctx.data_dir, args, ctx.out, ctx.err); }
int CmdClose(const Context& ctx, const cli::Args& args) { return RunCloseCommand(ctx.data_dir, args, ctx.out, ctx.err); }
int CmdReopen(const Context& ctx, const cli::Args& args) { return RunReopenCommand(ctx.data_dir, args, ctx.out, ctx.err); }

int CmdMaterial(const Context& ctx, const cli::Args& args) {
  return RunMaterialCommand(ctx.data_dir, args, ctx.out, ctx.err);
}

int CmdKiosk(const Context& ctx, const cli::Args& args) {
  if (args.words.size() > 1) return Usage(ctx.err, "'kiosk' takes options only", "kiosk");
  KioskLaunch launch;
  launch.data_dir = ctx.data_dir;
  launch.windowed = args.Has("windowed");
  if (auto size = args.Get("size")) {
    auto parsed = ParseWindowSize(*size);
    if (!parsed) return Usage(ctx.err, "--size takes WIDTHxHEIGHT, e.g. 1280x800", "kiosk");
    launch.width = parsed->first;
    launch.height = parsed->second;
  }
  if (auto lang = args.Get("lang")) {
    launch.language = i18n::ParseLanguage(*lang);
    if (!launch.language) return Usage(ctx.err, "--lang takes de or en", "kiosk");
  }
  if (auto renderer = args.Get("renderer")) {
    const std::optional<platform::Renderer> parsed = platform::ParseRenderer(*renderer);
    if (!parsed) return Usage(ctx.err, "--renderer takes auto, gl or sdl", "kiosk");
    if (!platform::RendererAvailable(*parsed)) {
      return Usage(ctx.err, "this build cannot draw with --renderer " + *renderer + "; use gl", "kiosk");
    }
    launch.renderer = *parsed;
  }
  return RunKioskApp(launch, ctx.err);
}

int CmdPin(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 2 || args.words[1] != "set") return Usage(ctx.err, "what to do? 'pin set'", "pin");
  return RunPinSetCommand(ctx.data_dir, std::cin, ctx.out, ctx.err);
}

struct Command {
  int (*run)(const Context&, const cli::Args&);
  std::set<std::string> options;
};

const std::map<std::string, Command>& Commands() {
  static const std::map<std::string, Command> kCommands = {
      {"demo", {CmdDemo, {"teachers", "seed"}}},
      {"import", {CmdImport, {"centre"}}},
      {"sessions", {CmdSessions, {"today", "open"}}},
      {"find", {CmdFind, {"limit", "session"}}},
      {"checkin", {CmdCheckin, {"session", "person", "code", "method"}}},
      {"export", {CmdExport, {"session", "german"}}},
      {"kiosk", {CmdKiosk, {"windowed", "size", "lang", "renderer"}}},
      {"pin", {CmdPin, {}}},
      {"trainer", {CmdTrainer, {"person"}}},
      {"roster", {CmdRoster, {"session"}}},
      {"mark", {CmdMark, {"session", "person", "status", "note", "left-at"}}},
      {"close", {CmdClose, {"session"}}},
      {"reopen", {CmdReopen, {"session"}}},
      {"enroll", {CmdEnroll, {std::begin(kEnrollOptions), std::end(kEnrollOptions)}}},
      {"sync", {CmdSync, {}}},
      {"status", {CmdStatus, {"json"}}},
      {"export-bundle", {CmdExportBundle, {}}},
      {"import-bundle", {CmdImportBundle, {}}},
      {"material", {CmdMaterial, {"session", "course", "title", "description", "licence", "purpose", "to"}}},
      {"survey", {CmdSurvey, {"kind", "session", "at"}}},
      {"feedback", {CmdFeedback, {"session", "course", "kind"}}},
      {"certificate", {CmdCertificate, {"session", "out", "person", "lang"}}},
  };
  return kCommands;
}

}  // namespace

int RunClientCli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  std::set<std::string> value_options = {"data", "teachers", "seed", "centre", "limit", "session",
                                               "person", "code", "method"};
  value_options.insert(std::begin(kEnrollOptions), std::end(kEnrollOptions));
  value_options.insert({"size", "lang", "renderer"});
  value_options.insert(std::begin(kMaterialOptions), std::end(kMaterialOptions));
  value_options.insert(std::begin(kRosterOptions), std::end(kRosterOptions));
  value_options.insert(std::begin(kFeedbackOptions), std::end(kFeedbackOptions));
  const std::set<std::string> flag_options = {"help", "version", "today", "open", "german", "windowed", "json"};
  auto args = cli::Parse(argv, value_options, flag_options);
  const std::string command = (args.ok() && !args->words.empty()) ? args->words[0] : "";
  if (!args.ok()) return Usage(err, args.status().message(), command);
  if (args->Has("version")) {
    out << "mintkiosk " << MK_VERSION << "\n";
    return 0;
  }
  if (command.empty()) {
    if (args->Has("help")) {
      out << kUsage;
      return 0;
    }
    // No command opens the kiosk, as on the kiosk's own screen.
    if (Status s = cli::OnlyOptions(*args, "mintkiosk", {"data"}); !s.ok()) return Usage(err, s.message(), "");
    KioskLaunch launch;
    launch.data_dir = args->Get("data").value_or(platform::DefaultDataDir());
    return RunKioskApp(launch, err);
  }
  auto it = Commands().find(command);
  if (it == Commands().end()) return Usage(err, "unknown command '" + command + "'", "");
  if (args->Has("help")) {
    static const std::map<std::string, const char*> kSyncHelps = {{"enroll", kEnrollHelp},
                                                                  {"sync", kSyncHelp},
                                                                  {"status", kStatusHelp},
                                                                  {"export-bundle", kExportBundleHelp},
                                                                  {"import-bundle", kImportBundleHelp},
                                                                  {"material", kMaterialHelp},
                                                                  {"trainer", kTrainerHelp},
                                                                  {"roster", kRosterHelp},
                                                                  {"mark", kMarkHelp},
                                                                  {"close", kCloseHelp},
                                                                  {"reopen", kCloseHelp},
                                                                  {"survey", kSurveyHelp},
                                                                  {"feedback", kFeedbackHelp},
                                                                  {"certificate", kCertificateHelp}};
    auto help = kSyncHelps.find(command);
    out << (help != kSyncHelps.end() ? std::string(help->second) : kCommandHelp.at(command));
    return 0;
  }
  std::set<std::string> allowed = it->second.options;
  allowed.insert("data");
  if (Status s = cli::OnlyOptions(*args, command, allowed); !s.ok()) return Usage(err, s.message(), command);
  Context ctx{args->Get("data").value_or(platform::DefaultDataDir()), out, err};
  return it->second.run(ctx, *args);
}

}  // namespace mk::client
