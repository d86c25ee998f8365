// Commands of mintkiosk-server: serve, centre, enroll, device, import, demo, erasure, bundles and files.
#include "server_cli.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "api_server.h"
#include "file_prune.h"
#include "platform/paths.h"
#include "secret.h"
#include "shutdown_signal.h"
#include "sqlite_server_storage.h"
#include "sync/common/cli_args.h"
#include "sync/common/time_zone.h"

#ifndef MK_VERSION
#define MK_VERSION "0.0.0"
#endif

namespace mk::server {
namespace {

constexpr const char* kUsage = R"(mintkiosk-server: the central server of a mintkiosk network.

Usage: mintkiosk-server --data DIR COMMAND [OPTIONS]

Commands:
  serve [--listen 127.0.0.1:8470] [--tls-cert FILE --tls-key FILE]
                                  serve the HTTP API until SIGTERM or SIGINT
  centre add --name NAME [--region R] [--country CC]
                                  add a centre and print its id
  centre list                     ID<TAB>name<TAB>region<TAB>country
  enroll --centre ID [--ttl 24h]  print a one-time code that enrols one device
  device list                     ID<TAB>centre<TAB>name<TAB>created<TAB>last seen<TAB>state
  device revoke ID                the device's token stops working at once
  import registrations FILE --centre ID
                                  import a registration spreadsheet (as 'mintkiosk import')
  demo [--teachers N]             seed the demo centre and print an enrolment code for it
  erase-person PERSON_ID [--centre ID]
                                  erase a person's personal data here and, at their next
                                  sync, on every device of the centre (GDPR)
  import-bundle FILE              apply a bundle a device wrote ('mintkiosk export-bundle')
  export-bundle --device ID FILE  write the centre's data for a device without a connection
  prune-files                     delete the files of course materials removed since

Options:
  --data DIR    the server's data directory (holds server.db)
  --help        help for mintkiosk-server or for a command
  --version     print the version

Exit status: 0 success, 1 the command failed (see the message), 2 the command line is wrong.
)";

const std::map<std::string, std::string> kCommandHelp = {
    {"serve", R"(Usage: mintkiosk-server --data DIR serve [OPTIONS]

Serves the API under /v1/ until SIGTERM or SIGINT; requests in flight are answered first.
The first line on stderr is "listening on http://HOST:PORT"; then one access-log line per
request (time, method, path, status, bytes, duration, device id).
  --listen HOST:PORT      address to listen on (default 127.0.0.1:8470; port 0: any free port)
  --port-file FILE        write the port there once listening
  --tls-cert FILE         serve HTTPS with this PEM certificate (chain)
  --tls-key FILE          and this PEM private key
  --max-connections N     connections served at once (default 64)
  --max-body BYTES        largest request body (default 65536)
  --max-push BYTES        largest sync push batch, compressed (default 4194304)
  --timeout S             read and write timeout against stalled clients (default 10)
  --keep-alive S          how long an idle connection stays open (default 5)
  --rate N                requests per second per device, 0 for no limit (default 50)
  --burst N               requests a device may send at once (default 200)
  --enroll-rate N         enrolment attempts per minute per client address (default 10)
)"},
    {"centre", R"(Usage: mintkiosk-server --data DIR centre add --name NAME [--region R] [--country CC]
       mintkiosk-server --data DIR centre list

'add' prints the new centre's id; 'list' prints ID<TAB>name<TAB>region<TAB>country.
)"},
    {"enroll", R"(Usage: mintkiosk-server --data DIR enroll --centre ID [--ttl 24h]

Prints a one-time enrolment code such as K7QX2-MHT9C for one device of the centre. Type it on
the device: mintkiosk enroll --server URL --code CODE. The code works once and expires after
--ttl (s, m, h or d; from 1m to 30d; default 24h). The server keeps only its hash.
)"},
    {"device", R"(Usage: mintkiosk-server --data DIR device list
       mintkiosk-server --data DIR device revoke ID

'list' prints ID<TAB>centre<TAB>name<TAB>created<TAB>last seen<TAB>active|revoked (times UTC).
'revoke' makes the device's token useless at once; the device must be enrolled again.
)"},
    {"import", R"(Usage: mintkiosk-server --data DIR import registrations FILE --centre ID

Imports a registration spreadsheet into the centre, with the rules of 'mintkiosk import'
(see docs/import.md): all rows or none, and importing the same file again changes nothing.
)"},
    {"demo", R"(Usage: mintkiosk-server --data DIR demo [--teachers N]

Seeds the demo centre (as 'mintkiosk demo') and prints a one-time enrolment code for it.
)"},
    {"erase-person", R"(Usage: mintkiosk-server --data DIR erase-person PERSON_ID [--centre ID]

Erases the person's personal fields (names, school, email, subjects, participant code, notes
on their attendance) for good: here at once, on every device of the centre at its next sync.
The server's sync log keeps no copy of them either, and a change made before the erasure that
a device sends later cannot bring them back. Attendance records stay, without the person.
  --centre ID   refuse unless the person belongs to this centre
)"},
    {"import-bundle", R"(Usage: mintkiosk-server --data DIR import-bundle FILE

Applies a bundle that a device without a connection wrote ('mintkiosk export-bundle'), exactly
as if the device had synced: the bundle must be signed by an enrolled device that is not
revoked, and hold data of that device's centre only; otherwise nothing of it is applied.
Importing the same bundle again changes nothing. Answer the device with 'export-bundle'.
)"},
    {"export-bundle", R"(Usage: mintkiosk-server --data DIR export-bundle --device ID FILE

Writes a bundle for one device: every change of its centre that did not come from the device,
and how far the server has applied the device's own changes. Import it on the device
('mintkiosk import-bundle'). The file is replaced atomically and only that device can use it.
)"},
    {"prune-files", R"(Usage: mintkiosk-server --data DIR prune-files

Deletes the server's copies of course-material files (DIR/files/CENTRE/) that no material of
their centre names any more: a material removed on a device and synced. Devices delete their
own copies at their next sync. Safe while the server serves: a file that arrives during the
run is kept. Prints how many files and bytes were deleted.
)"},
};

struct Context {
  std::string data_dir;
  std::ostream& out;
  std::ostream& err;
};

int Fail(std::ostream& err, const Status& s) { return cli::ReportFailure(err, "mintkiosk-server", s); }

int Usage(std::ostream& err, const std::string& message, const std::string& command) {
  return cli::ReportUsage(err, "mintkiosk-server", message, command);
}

Result<std::unique_ptr<SqliteServerStorage>> OpenStorage(const Context& ctx, int connections = 1) {
  MK_RETURN_IF_ERROR(platform::EnsureDirectory(ctx.data_dir));
  return SqliteServerStorage::Open(ctx.data_dir, SystemClock::Instance(), connections);
}

std::string UtcText(std::optional<int64_t> ms) {
  if (!ms) return "-";
  return TimeZone::Utc().FormatIso(*ms / 1000);
}

std::optional<long> ParseCount(const std::optional<std::string>& text, long min, long max) {
  if (!text) return std::nullopt;
  char* end = nullptr;
  const long n = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != 0 || n < min || n > max) return std::nullopt;
  return n;
}

// Prints a new code for the centre on `out`; how long it lasts on `err`.
int IssueCode(const Context& ctx, ServerStorage& storage, const std::string& centre_id, int64_t ttl_ms) {
  const std::string code = NewEnrolmentCode();
  const int64_t now = SystemClock::Instance()->NowMs();
  Status s = storage.AddEnrolmentCode(HashSecret(NormalizeEnrolmentCode(code)), centre_id, now, now + ttl_ms);
  if (!s.ok()) {
    if (s.code() == ErrorCode::kNotFound) {
      return Fail(ctx.err, NotFound("no centre with id " + centre_id + " (see 'mintkiosk-server centre list')"));
    }
    return Fail(ctx.err, s);
  }
  ctx.out << code << "\n";
  ctx.err << "mintkiosk-server: enrolment code for one device, valid until " << UtcText(now + ttl_ms) << "\n";
  return 0;
}

int CmdCentre(const Context& ctx, const cli::Args& args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub == "add") {
    if (args.words.size() != 2) return Usage(ctx.err, "'centre add' takes options only", "centre");
    auto name = args.Get("name");
    if (!name) return Usage(ctx.err, "--name NAME is required", "centre");
    store::Centre c;
    c.name = *name;
    c.region = args.Get("region").value_or("");
    c.country = args.Get("country").value_or("");
    auto storage = OpenStorage(ctx);
    if (!storage.ok()) return Fail(ctx.err, storage.status());
    auto id = (*storage)->AddCentre(c);
    if (!id.ok()) return Fail(ctx.err, id.status());
    ctx.out << *id << "\n";
    return 0;
  }
  if (sub == "list") {
    if (args.words.size() != 2) return Usage(ctx.err, "'centre list' takes no words", "centre");
    auto storage = OpenStorage(ctx);
    if (!storage.ok()) return Fail(ctx.err, storage.status());
    auto centres = (*storage)->ListCentres();
    if (!centres.ok()) return Fail(ctx.err, centres.status());
    for (const auto& c : *centres) ctx.out << c.id << '\t' << c.name << '\t' << c.region << '\t' << c.country << '\n';
    return 0;
  }
  return Usage(ctx.err, "'centre add' or 'centre list'?", "centre");
}

int CmdEnroll(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 1) return Usage(ctx.err, "'enroll' takes options only", "enroll");
  auto centre = args.Get("centre");
  if (!centre) return Usage(ctx.err, "--centre ID is required", "enroll");
  const std::optional<int64_t> ttl = ParseDuration(args.Get("ttl").value_or("24h"));
  if (!ttl || *ttl < 60 * 1000 || *ttl > int64_t{30} * 24 * 3600 * 1000) {
    return Usage(ctx.err, "--ttl takes a duration from 1m to 30d, such as 30m, 24h or 7d", "enroll");
  }
  auto storage = OpenStorage(ctx);
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  return IssueCode(ctx, **storage, *centre, *ttl);
}

int CmdDevice(const Context& ctx, const cli::Args& args) {
  const std::string sub = args.words.size() > 1 ? args.words[1] : "";
  if (sub == "list" && args.words.size() == 2) {
    auto storage = OpenStorage(ctx);
    if (!storage.ok()) return Fail(ctx.err, storage.status());
    auto devices = (*storage)->ListDevices();
    if (!devices.ok()) return Fail(ctx.err, devices.status());
    for (const auto& d : *devices) {
      ctx.out << d.id << '\t' << d.centre_id << '\t' << (d.name.empty() ? "-" : d.name) << '\t' << UtcText(d.created_at)
              << '\t' << UtcText(d.last_seen_at) << '\t' << (d.revoked_at ? "revoked" : "active") << '\n';
    }
    return 0;
  }
  if (sub == "revoke") {
    if (args.words.size() != 3) return Usage(ctx.err, "'device revoke' takes exactly one device ID", "device");
    auto storage = OpenStorage(ctx);
    if (!storage.ok()) return Fail(ctx.err, storage.status());
    Status s = (*storage)->RevokeDevice(args.words[2], SystemClock::Instance()->NowMs());
    if (!s.ok()) return Fail(ctx.err, s);
    ctx.out << "Revoked device " << args.words[2] << "\n";
    return 0;
  }
  return Usage(ctx.err, "'device list' or 'device revoke ID'?", "device");
}

int CmdImport(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 3 || args.words[1] != "registrations") {
    return Usage(ctx.err, "'import registrations FILE --centre ID'", "import");
  }
  auto centre_id = args.Get("centre");
  if (!centre_id) return Usage(ctx.err, "--centre ID is required (the server holds many centres)", "import");
  auto storage = OpenStorage(ctx);
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  auto centre = (*storage)->FindCentre(*centre_id);
  if (!centre.ok()) return Fail(ctx.err, centre.status());
  if (!*centre) return Fail(ctx.err, NotFound("no centre with id " + *centre_id + " (see 'mintkiosk-server centre list')"));
  auto tz = TimeZone::Load((*centre)->time_zone, platform::ZoneInfoDir());
  if (!tz.ok()) return Fail(ctx.err, tz.status().WithContext("the time zone of centre '" + (*centre)->name + "'"));
  store::ImportOptions opt;
  opt.centre_id = *centre_id;
  opt.time_zone = *tz;
  auto summary = (*storage)->ImportRegistrations(args.words[2], opt);
  if (!summary.ok()) return Fail(ctx.err, summary.status());
  ctx.out << "Imported " << summary->rows << " registrations from " << args.words[2] << ": "
          << summary->people_created << " new people, " << summary->courses_created << " new courses, "
          << summary->sessions_created << " new sessions, " << summary->enrolments_created << " new enrolments\n";
  return 0;
}

int CmdDemo(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 1) return Usage(ctx.err, "'demo' takes options only", "demo");
  store::DemoOptions opt;
  if (args.Get("teachers")) {
    auto n = ParseCount(args.Get("teachers"), 0, 1000000);
    if (!n) return Usage(ctx.err, "--teachers takes a number from 0 to 1000000", "demo");
    opt.teachers = static_cast<int>(*n);
  }
  auto tz = TimeZone::Load(store::DemoTimeZoneName(), platform::ZoneInfoDir());
  if (!tz.ok()) return Fail(ctx.err, tz.status());
  opt.time_zone = *tz;
  opt.now_ms = SystemClock::Instance()->NowMs();
  auto storage = OpenStorage(ctx);
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  auto summary = (*storage)->SeedDemo(opt);
  if (!summary.ok()) return Fail(ctx.err, summary.status());
  ctx.err << "mintkiosk-server: demo centre " << summary->centre_id
          << (summary->already_present ? " (already present)" : " seeded") << "\n";
  return IssueCode(ctx, **storage, summary->centre_id, int64_t{24} * 3600 * 1000);
}

int CmdPruneFiles(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 1) return Usage(ctx.err, "'prune-files' takes no words", "prune-files");
  // Opening the storage first migrates a database that an older server left.
  auto storage = OpenStorage(ctx);
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  storage->reset();
  auto pruned = PruneMaterialFiles(ctx.data_dir);
  if (!pruned.ok()) return Fail(ctx.err, pruned.status());
  ctx.out << "Deleted " << pruned->files << (pruned->files == 1 ? " file" : " files") << " of removed course materials ("
          << pruned->bytes << " bytes) in " << pruned->centres << (pruned->centres == 1 ? " centre" : " centres")
          << "\n";
  return 0;
}

int CmdErasePerson(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 2) return Usage(ctx.err, "'erase-person' takes exactly one PERSON_ID", "erase-person");
  const std::string& person_id = args.words[1];
  const std::string centre_id = args.Get("centre").value_or("");
  auto storage = OpenStorage(ctx);
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  auto erased = (*storage)->ErasePerson(centre_id, person_id);
  if (!erased.ok()) return Fail(ctx.err, erased.status());
  if (erased->already_erased) {
    ctx.out << "Person " << person_id << " of centre " << erased->centre_id << " was erased before; nothing changed\n";
    return 0;
  }
  ctx.out << "Erased person " << person_id << " of centre " << erased->centre_id
          << ": personal fields blanked here, " << erased->log_entries_scrubbed
          << " older sync log entries scrubbed; every device of the centre erases the person at its next sync\n";
  return 0;
}

// The largest bundle file read (a device writes at most a few MB of compressed changes).
constexpr int64_t kMaxBundleFileBytes = 64 * 1024 * 1024;

Result<std::string> ReadBundleFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return NotFound("cannot open " + path + " (does the file exist and is it readable?)");
  const std::streamoff size = f.tellg();
  if (size < 0) return IoError("cannot read " + path);
  if (size > kMaxBundleFileBytes) {
    return InvalidArgument(path + " is " + std::to_string(size) + " bytes, larger than any bundle (at most " +
                           std::to_string(kMaxBundleFileBytes) + "); is it the right file?");
  }
  std::string bytes(static_cast<size_t>(size), '\0');
  f.seekg(0);
  f.read(bytes.data(), size);
  if (!f) return IoError("cannot read " + path);
  return bytes;
}

// Writes through a temporary file beside `path`, flushed to disk, then renamed over `path`: a
// crash or a pulled USB stick leaves the old file or the new one, never half of one.
Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write " + tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return IoError("cannot flush " + tmp + " to disk: " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return IoError("cannot replace " + path + ": " + why);
  }
  return Status::Ok();
}

int CmdImportBundle(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 2) return Usage(ctx.err, "'import-bundle' takes exactly one FILE", "import-bundle");
  const std::string& path = args.words[1];
  auto bytes = ReadBundleFile(path);
  if (!bytes.ok()) return Fail(ctx.err, bytes.status());
  auto storage = OpenStorage(ctx);
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  auto imported = (*storage)->ImportBundle(*bytes, SystemClock::Instance()->NowMs());
  if (!imported.ok()) return Fail(ctx.err, imported.status().WithContext(path));
  const PushResult& push = imported->push;
  switch (push.refusal) {
    case PushRefusal::kNone:
      break;
    case PushRefusal::kSequenceGap:
      return Fail(ctx.err, FailedPrecondition(path + ": nothing was applied: " + push.message +
                                              " (import the device's earlier bundle first)"));
    case PushRefusal::kInvalidChange:
    case PushRefusal::kForeignCentre:
    case PushRefusal::kMalformed:
      return Fail(ctx.err, InvalidArgument(path + ": nothing was applied: " + push.message));
  }
  ctx.out << "Imported " << path << " from device " << imported->device_id << " (centre " << imported->centre_id
          << "): " << push.applied << " changes applied, " << push.skipped
          << " skipped (applied before); the device's changes are applied up to " << push.ack.acked_seq << "\n";
  return 0;
}

int CmdExportBundle(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 2) return Usage(ctx.err, "'export-bundle' takes exactly one FILE", "export-bundle");
  auto device = args.Get("device");
  if (!device || device->empty()) return Usage(ctx.err, "--device ID is required (see 'device list')", "export-bundle");
  const std::string& path = args.words[1];
  auto storage = OpenStorage(ctx);
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  auto bundle = (*storage)->ExportBundleFor(*device, SystemClock::Instance()->NowMs());
  if (!bundle.ok()) return Fail(ctx.err, bundle.status());
  if (Status s = WriteFileAtomically(path, bundle->bytes); !s.ok()) return Fail(ctx.err, s);
  ctx.out << "Wrote " << path << " for device " << *device << " (centre " << bundle->centre_id
          << "): " << bundle->changes << " changes up to log position " << bundle->cursor
          << "; the device's own changes are applied up to " << bundle->acked_seq << "\n";
  return 0;
}

Result<ApiOptions> ServeOptions(const cli::Args& args) {
  ApiOptions o;
  o.version = MK_VERSION;
  const std::string listen = args.Get("listen").value_or("127.0.0.1:8470");
  const size_t colon = listen.rfind(':');
  auto port = ParseCount(colon == std::string::npos ? std::nullopt : std::optional(listen.substr(colon + 1)), 0, 65535);
  if (colon == std::string::npos || colon == 0 || !port) {
    return InvalidArgument("--listen takes HOST:PORT, such as 127.0.0.1:8470 or 0.0.0.0:8470");
  }
  o.host = listen.substr(0, colon);
  o.port = static_cast<int>(*port);
  o.tls_cert_file = args.Get("tls-cert").value_or("");
  o.tls_key_file = args.Get("tls-key").value_or("");
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return InvalidArgument("--tls-cert and --tls-key go together");
  }
  struct Limit {
    const char* name;
    long min, max;
    std::function<void(long)> set;
  };
  const Limit limits[] = {
      {"max-connections", 1, 10000, [&](long n) { o.max_connections = static_cast<int>(n); }},
      {"max-body", 1024, 64L * 1024 * 1024, [&](long n) { o.max_body_bytes = static_cast<size_t>(n); }},
      {"max-push", 1024, 64L * 1024 * 1024, [&](long n) { o.max_sync_body_bytes = static_cast<size_t>(n); }},
      {"timeout", 1, 3600, [&](long n) { o.read_timeout_s = o.write_timeout_s = static_cast<int>(n); }},
      {"keep-alive", 1, 3600, [&](long n) { o.keep_alive_timeout_s = static_cast<int>(n); }},
      {"rate", 0, 1000000, [&](long n) { o.device_rate_per_s = static_cast<double>(n); }},
      {"burst", 1, 1000000, [&](long n) { o.device_burst = static_cast<double>(n); }},
      {"enroll-rate", 1, 100000, [&](long n) { o.enrol_rate_per_min = o.enrol_burst = static_cast<double>(n); }},
  };
  for (const Limit& l : limits) {
    if (!args.Get(l.name)) continue;
    auto n = ParseCount(args.Get(l.name), l.min, l.max);
    if (!n) {
      return InvalidArgument(std::string("--") + l.name + " takes a number from " + std::to_string(l.min) + " to " +
                             std::to_string(l.max));
    }
    l.set(*n);
  }
  return o;
}

int CmdServe(const Context& ctx, const cli::Args& args) {
  if (args.words.size() != 1) return Usage(ctx.err, "'serve' takes options only", "serve");
  auto options = ServeOptions(args);
  if (!options.ok()) return Usage(ctx.err, options.status().message(), "serve");
  options->data_dir = ctx.data_dir;  // material files live under DIR/files
  // Before any thread exists, so that every thread inherits the blocked signals.
  ShutdownSignal signals;
  auto storage = OpenStorage(ctx, std::min(options->max_connections, 8));
  if (!storage.ok()) return Fail(ctx.err, storage.status());
  ApiServer server(**storage, *SystemClock::Instance(), *options, ctx.err);
  if (Status s = server.Bind(); !s.ok()) return Fail(ctx.err, s);
  const std::string url =
      std::string(server.tls() ? "https" : "http") + "://" + options->host + ":" + std::to_string(server.port());
  ctx.err << "mintkiosk-server: listening on " << url << std::endl;
  if (auto port_file = args.Get("port-file")) {
    std::ofstream f(*port_file + ".tmp", std::ios::trunc);
    f << server.port() << "\n";
    f.close();
    if (!f || std::rename((*port_file + ".tmp").c_str(), port_file->c_str()) != 0) {
      server.Stop();
      return Fail(ctx.err, IoError("cannot write the port file " + *port_file));
    }
  }
  signals.Start([&](const char* name) {
    ctx.err << "mintkiosk-server: " << name << ": shutting down after the requests in flight" << std::endl;
    server.Stop();
  });
  Status served = server.Serve();
  signals.Cancel();  // before `server` goes away: the handler uses it
  if (!served.ok()) return Fail(ctx.err, served);
  ctx.err << "mintkiosk-server: stopped" << std::endl;
  return 0;
}

struct Command {
  int (*run)(const Context&, const cli::Args&);
  std::set<std::string> options;
};

const std::map<std::string, Command>& Commands() {
  static const std::map<std::string, Command> kCommands = {
      {"serve", {CmdServe, {"listen", "port-file", "tls-cert", "tls-key", "max-connections", "max-body", "max-push",
                            "timeout", "keep-alive", "rate", "burst", "enroll-rate"}}},
      {"centre", {CmdCentre, {"name", "region", "country"}}},
      {"enroll", {CmdEnroll, {"centre", "ttl"}}},
      {"device", {CmdDevice, {}}},
      {"import", {CmdImport, {"centre"}}},
      {"demo", {CmdDemo, {"teachers"}}},
      {"erase-person", {CmdErasePerson, {"centre"}}},
      {"import-bundle", {CmdImportBundle, {}}},
      {"export-bundle", {CmdExportBundle, {"device"}}},
      {"prune-files", {CmdPruneFiles, {}}},
  };
  return kCommands;
}

}  // namespace

std::optional<int64_t> ParseDuration(const std::string& text) {
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  const char unit = text.back();
  int64_t factor = 0;
  switch (unit) {
    case 's': factor = 1000; break;
    case 'm': factor = 60 * 1000; break;
    case 'h': factor = 3600 * 1000; break;
    case 'd': factor = 24 * 3600 * 1000; break;
    default: return std::nullopt;
  }
  int64_t n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  return n * factor;
}

int RunServerCli(const std::vector<std::string>& argv, std::ostream& out, std::ostream& err) {
  std::set<std::string> value_options = {"data", "name", "region", "country", "centre", "ttl", "teachers", "device"};
  for (const auto& o : Commands().at("serve").options) value_options.insert(o);
  auto args = cli::Parse(argv, value_options, {"help", "version"});
  const std::string command = (args.ok() && !args->words.empty()) ? args->words[0] : "";
  if (!args.ok()) return Usage(err, args.status().message(), command);
  if (args->Has("version")) {
    out << "mintkiosk-server " << MK_VERSION << "\n";
    return 0;
  }
  if (command.empty()) {
    if (args->Has("help")) {
      out << kUsage;
      return 0;
    }
    err << kUsage;
    return 2;
  }
  auto it = Commands().find(command);
  if (it == Commands().end()) return Usage(err, "unknown command '" + command + "'", "");
  if (args->Has("help")) {
    out << kCommandHelp.at(command);
    return 0;
  }
  std::set<std::string> allowed = it->second.options;
  allowed.insert("data");
  if (Status s = cli::OnlyOptions(*args, command, allowed); !s.ok()) return Usage(err, s.message(), command);
  auto data = args->Get("data");
  if (!data || data->empty()) return Usage(err, "--data DIR is required: the directory of the server's database", command);
  Context ctx{*data, out, err};
  return it->second.run(ctx, *args);
}

}  // namespace mk::server
