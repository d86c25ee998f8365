// The sync commands of the CLI: thin wrappers around mk::sync's engine and bundle files.
#include "sync_command.h"
#include "command_support.h"

#include <nlohmann/json.hpp>

#include "platform/paths.h"
#include "sync/common/civil_time.h"
#include "sync/common/clock.h"
#include "sync/common/time_zone.h"
#include "sync/engine/bundle_files.h"
#include "sync/engine/sync_config.h"
#include "sync/engine/sync_engine.h"
#include "sync/engine/sync_status.h"
#include "sync/protocol/outbox.h"
#include "sync/store/store.h"

namespace mk::client {
namespace {

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string IsoUtc(int64_t ms) { return FormatCivilIso(UnixToCivilAsUtc(ms / 1000)) + "Z"; }

// Times for people: the home centre's zone where one is set up, else UTC.
TimeZone DisplayZone(store::Store& s) {
  auto centre = s.HomeCentre();
  if (!centre.ok()) return TimeZone::Utc();
  auto zone = TimeZone::Load(centre->time_zone, platform::ZoneInfoDir());
  return zone.ok() ? *zone : TimeZone::Utc();
}

}  // namespace

int RunSyncCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'sync' takes no words", "sync");
  auto config = sync::LoadSyncConfig(data_dir);
  if (!config.ok()) return Fail(err, config.status());
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  sync::SyncEngine engine(**st, *config);
  auto report = engine.RunOnce();
  if (!report.ok()) {
    std::string message = "sync failed: " + report.status().message();
    if (auto summary = sync::SummarizeOutbox((*st)->db()); summary.ok() && summary->waiting > 0) {
      message += " (" + Plural(summary->waiting, "change is", "changes are") + " still waiting on this device)";
    }
    return Fail(err, Status(report.status().code(), message));
  }
  out << "Synced with " << sync::HostOfServerUrl(config->server_url) << ": sent "
      << Plural(report->changes_sent, "change", "changes") << ", received "
      << Plural(report->changes_received, "change", "changes") << " (" << report->changes_applied << " new here).";
  if (report->files_uploaded > 0 || report->files_downloaded > 0) {
    out << " Files: " << report->files_uploaded << " sent, " << report->files_downloaded << " received.";
  }
  if (report->files_pruned > 0) {
    out << " " << Plural(report->files_pruned, "file", "files") << " of removed course materials deleted here ("
        << report->bytes_pruned << " bytes).";
  }
  if (report->files_waiting > 0) {
    out << " " << Plural(report->files_waiting, "file is", "files are")
        << " not complete on the server yet and will come with a later sync.";
  }
  if (report->waiting_after > 0) {
    out << " " << Plural(report->waiting_after, "change was", "changes were") << " made meanwhile and wait"
        << (report->waiting_after == 1 ? "s" : "") << " for the next sync.";
  }
  out << "\n";
  return 0;
}

// The device's clock against the server's, measured at the last sync (skew = server - device),
// in plain words; a clock more than two minutes off is worth fixing, not just reporting.
static std::string DescribeClock(const sync::SyncRecord& record) {
  if (!record.last_success_ms) return "not compared with the server yet";
  const int64_t skew = record.clock_skew_ms;
  const int64_t off = skew < 0 ? -skew : skew;
  if (off <= 2 * 60 * 1000) return "in step with the server";
  const char* way = skew < 0 ? "ahead of" : "behind";
  std::string amount;
  if (off >= 48LL * 3600 * 1000) {
    amount = std::to_string(off / (24LL * 3600 * 1000)) + " days";
  } else if (off >= 2LL * 3600 * 1000) {
    amount = std::to_string(off / (3600LL * 1000)) + " hours";
  } else {
    amount = std::to_string(off / (60LL * 1000)) + " minutes";
  }
  return amount + " " + way + " the server's clock; set this device's date and time (check-in times are kept as it shows them)";
}

int RunStatusCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 1) return Usage(err, "'status' takes no words", "status");
  const bool enrolled = sync::IsEnrolled(data_dir);
  sync::SyncConfig config;
  if (enrolled) {
    auto loaded = sync::LoadSyncConfig(data_dir);
    if (!loaded.ok()) return Fail(err, loaded.status());
    config = *loaded;
  }
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  store::Store& s = **st;
  auto record = sync::ReadSyncRecord(s.db());
  if (!record.ok()) return Fail(err, record.status());
  auto summary = sync::SummarizeOutbox(s.db());
  if (!summary.ok()) return Fail(err, summary.status());
  const std::string device_id = enrolled ? config.device_id : s.device_id();

  if (args.Has("json")) {
    using nlohmann::json;
    auto time = [](const std::optional<int64_t>& ms) { return ms ? json(IsoUtc(*ms)) : json(nullptr); };
    json doc = {
        {"enrolled", enrolled},
        {"server", enrolled ? json(config.server_url) : json(nullptr)},
        {"device_id", device_id},
        {"online", record->online ? json(*record->online) : json(nullptr)},
        {"waiting_changes", summary->waiting},
        {"last_success_at", time(record->last_success_ms)},
        {"last_attempt_at", time(record->last_attempt_ms)},
        {"last_error", record->last_error.empty() ? json(nullptr) : json(record->last_error)},
        {"pull_cursor", record->pull_cursor},
        {"clock_skew_ms", record->clock_skew_ms},
    };
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }

  const TimeZone zone = DisplayZone(s);
  auto local = [&](const std::optional<int64_t>& ms) { return ms ? zone.FormatIso(*ms / 1000) : std::string("never"); };
  out << "Server:               "
      << (enrolled ? config.server_url : std::string("none (not enrolled; run 'mintkiosk enroll')")) << "\n";
  out << "Device:               " << device_id << "\n";
  out << "Connection:           "
      << (!record->online ? "not tried yet"
                          : *record->online ? "online at the last attempt" : "offline at the last attempt")
      << "\n";
  out << "Changes waiting:      " << summary->waiting << "\n";
  out << "Last successful sync: " << local(record->last_success_ms) << "\n";
  out << "Last attempt:         " << local(record->last_attempt_ms) << "\n";
  out << "Last error:           " << (record->last_error.empty() ? "none" : record->last_error) << "\n";
  out << "Clock:                " << DescribeClock(*record) << "\n";
  return 0;
}

int RunExportBundleCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 2) return Usage(err, "'export-bundle' takes exactly one FILE", "export-bundle");
  auto config = sync::LoadSyncConfig(data_dir);
  if (!config.ok()) return Fail(err, config.status());
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  auto exported = sync::ExportDeviceBundle(**st, *config, args.words[1]);
  if (!exported.ok()) return Fail(err, exported.status());
  out << "Wrote " << Plural(exported->changes, "change", "changes") << " to " << args.words[1] << " ("
      << exported->bytes << " bytes) for the server: import it there with 'mintkiosk-server import-bundle'.\n";
  if (exported->remaining > 0) {
    out << Plural(exported->remaining, "more change waits", "more changes wait")
        << " for the next bundle (this one is full).\n";
  }
  return 0;
}

int RunImportBundleCommand(const std::string& data_dir, const cli::Args& args, std::ostream& out, std::ostream& err) {
  if (args.words.size() != 2) return Usage(err, "'import-bundle' takes exactly one FILE", "import-bundle");
  auto config = sync::LoadSyncConfig(data_dir);
  if (!config.ok()) return Fail(err, config.status());
  auto st = OpenDeviceStore(data_dir);
  if (!st.ok()) return Fail(err, st.status());
  auto imported = sync::ImportServerBundle(**st, *config, args.words[1]);
  if (!imported.ok()) return Fail(err, imported.status());
  auto summary = sync::SummarizeOutbox((*st)->db());
  out << "Imported " << args.words[1] << ": " << Plural(imported->changes, "change", "changes") << " ("
      << imported->applied << " new here)";
  if (summary.ok()) out << "; " << Plural(summary->waiting, "change waits", "changes wait") << " to be sent";
  out << ".\n";
  return 0;
}

}  // namespace mk::client
