// How fast one side takes in changes, without HTTP: decoding a batch of check-ins and merging
// it (validate, centre check, merge, in one transaction, through one sync::MergeSession), as
// the server does for a push and a device for a pull page; the same through the single-change
// functions; the server's storage taking the batch as a push (decode, ApplyPush with its log
// and durable commit) and serving it again as pull pages (ReadLog and encoding); and, as the
// baseline of the same run, inserting the same rows with plain SQL.
//
// Usage: mk_bench_merge [--changes N] [--reps R] [--json FILE]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sync/protocol/merge.h"
#include "sync/protocol/wire.h"
#include "sync/server/secret.h"
#include "sync/server/sqlite_server_storage.h"
#include "sync/store/store.h"
#include "tests/bench/bench_stats.h"
#include "tests/support/test_support.h"

namespace {

using namespace mk;
using Clk = std::chrono::steady_clock;
constexpr int64_t kNow = 1'795'766'400'000;

struct Setup {
  test::TempDir dir;
  FakeClock clock{kNow};
  std::unique_ptr<store::Store> store;
  std::string centre, session;
  std::vector<std::string> people;
};

std::unique_ptr<Setup> MakeSetup(int n) {
  auto s = std::make_unique<Setup>();
  s->store = std::move(store::Store::Open(s->dir.File("db"), &s->clock)).value();
  store::ChangeCapture::Suppress quiet(s->store->capture());
  store::Centre c;
  c.name = "Zentrum";
  s->centre = *s->store->AddCentre(c);
  Status st = s->store->Write([&](store::WriteContext& ctx) -> Status {
    store::Course course;
    course.centre_id = s->centre;
    course.title = "Optik";
    MK_ASSIGN_OR_RETURN(std::string course_id, store::InsertCourse(ctx, course));
    store::Session session;
    session.course_id = course_id;
    session.starts_at = kNow;
    session.ends_at = kNow + 3600000;
    MK_ASSIGN_OR_RETURN(s->session, store::InsertSession(ctx, session));
    for (int i = 0; i < n; ++i) {
      store::Person p;
      p.centre_id = s->centre;
      p.first_name = "Anna";
      p.last_name = "Müller";
      p.school = "Schule";
      MK_ASSIGN_OR_RETURN(std::string id, store::InsertPerson(ctx, p));
      s->people.push_back(id);
    }
    return Status::Ok();
  });
  if (!st.ok()) std::exit(1);
  return s;
}

std::vector<sync::Change> CheckIns(const Setup& s) {
  std::vector<sync::Change> out;
  HlcStamp hlc = MakeHlc(kNow, 0);
  for (size_t i = 0; i < s.people.size(); ++i) {
    sync::Change c;
    c.table = "attendance";
    c.key = s.session + "|" + s.people[i];
    c.hlc = ++hlc;
    c.device_time_ms = kNow + static_cast<int64_t>(i);
    c.fields = {{"session_id", s.session}, {"person_id", s.people[i]}, {"status", "present"},
                {"checked_in_at", c.device_time_ms}, {"method", "kiosk_search"}, {"device_id", "kiosk-1"},
                {"left_at", nullptr}, {"note", ""}, {"status_by", "kiosk"}, {"updated_at", c.device_time_ms}};
    out.push_back(std::move(c));
  }
  return out;
}

// The server's storage with one centre, one running session and `n` registered people, and an
// enrolled device: what a push of check-ins meets on a real server.
struct ServerSetup {
  test::TempDir dir;
  std::unique_ptr<server::SqliteServerStorage> storage;
  server::DeviceRecord device;
  std::string centre, session;
  std::vector<std::string> people;
};

std::unique_ptr<ServerSetup> MakeServerSetup(int n) {
  auto s = std::make_unique<ServerSetup>();
  s->storage = std::move(server::SqliteServerStorage::Open(s->dir.path(), SystemClock::Instance(), 1)).value();
  store::Centre c;
  c.name = "Zentrum";
  s->centre = s->storage->AddCentre(c).value();
  std::string csv = "Vorname;Nachname;Schule;Kurs;Beginn;Ende;Einwilligung\n";
  for (int i = 0; i < n; ++i) {
    std::string suffix;
    for (int v = i; v > 0; v /= 26) suffix += static_cast<char>('a' + v % 26);
    csv += "Anna;M\xc3\xbcller-" + suffix + ";Schule;Optik;2026-11-27T09:00Z;2026-11-27T13:00Z;ja\n";
  }
  test::WriteFile(s->dir.File("roster.csv"), csv);
  store::ImportOptions options;
  options.centre_id = s->centre;
  if (!s->storage->ImportRegistrations(s->dir.File("roster.csv"), options).ok()) std::exit(1);
  const int64_t now = SystemClock::Instance()->NowMs();
  if (!s->storage->AddEnrolmentCode(server::HashSecret("code"), s->centre, now, now + 60000).ok()) std::exit(1);
  auto redeemed = s->storage->RedeemEnrolmentCode(server::HashSecret("code"), server::HashSecret("token"), "kiosk", "",
                                                  now);
  if (!redeemed.ok() || redeemed->outcome != server::RedeemOutcome::kOk) std::exit(1);
  s->device = redeemed->device;
  auto db = std::move(store::Database::Open(server::SqliteServerStorage::DatabasePath(s->dir.path()))).value();
  auto st = std::move(db.Prepare("SELECT session_id, person_id FROM enrolments ORDER BY person_id")).value();
  while (*st.Step()) {
    s->session = st.ColumnText(0);
    s->people.push_back(st.ColumnText(1));
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  bench::Results results("merge", argc, argv);
  int n = 10000, reps = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--changes") == 0) n = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--reps") == 0) reps = std::atoi(argv[i + 1]);
  }
  std::vector<double> merge_rate, single_rate, sql_rate, decode_rate, push_rate, stream_rate, pull_rate;
  for (int r = 0; r < reps; ++r) {
    {
      auto s = MakeSetup(n);
      sync::PushBatch batch;
      batch.first_seq = 1;
      batch.changes = CheckIns(*s);
      const std::string wire = sync::EncodePushBatch(batch);
      auto t0 = Clk::now();
      auto decoded = sync::DecodePushBatch(wire);
      auto t1 = Clk::now();
      decode_rate.push_back(n / std::chrono::duration<double>(t1 - t0).count());
      store::ChangeCapture::Suppress quiet(s->store->capture());
      auto tx = store::Transaction::Begin(s->store->db());
      const bool centre = !std::getenv("MK_NO_CENTRE"), apply = !std::getenv("MK_NO_APPLY");
      {
        // As the server does for a push: one session for the batch.
        sync::MergeSession merge(s->store->db());
        for (const sync::Change& c : decoded->changes) {
          if (!sync::ValidateChange(c).ok()) return 1;
          if (centre && !merge.CentreOf(c).ok()) return 1;
          if (apply && !merge.Apply(c).ok()) return 1;
        }
      }
      if (!tx->Commit().ok()) return 1;
      merge_rate.push_back(n / std::chrono::duration<double>(Clk::now() - t1).count());
    }
    {
      // The same through the single-change functions (no session: nothing is remembered).
      auto s = MakeSetup(n);
      const std::vector<sync::Change> changes = CheckIns(*s);
      store::ChangeCapture::Suppress quiet(s->store->capture());
      auto t0 = Clk::now();
      auto tx = store::Transaction::Begin(s->store->db());
      for (const sync::Change& c : changes) {
        if (!sync::CentreOfChange(s->store->db(), c).ok()) return 1;
        if (!sync::ApplyChange(s->store->db(), c).ok()) return 1;
      }
      if (!tx->Commit().ok()) return 1;
      single_rate.push_back(n / std::chrono::duration<double>(Clk::now() - t0).count());
    }
    for (const bool streamed : {false, true}) {
      // The server's side of a push and of the pulls of another device, without HTTP: the batch
      // decoded whole, then merged (DecodePushBatch, ApplyPush); or decoded on another thread while
      // it is merged, as the server's push route does (PushBatchStream, ApplyPushStream).
      auto s = MakeServerSetup(n);
      const int64_t now = SystemClock::Instance()->NowMs();
      sync::PushBatch batch;
      batch.first_seq = 1;
      HlcStamp hlc = MakeHlc(now, 0);
      for (const std::string& person : s->people) {
        sync::Change c;
        c.table = "attendance";
        c.key = s->session + "|" + person;
        c.hlc = ++hlc;
        c.device_time_ms = now;
        c.fields = {{"session_id", s->session}, {"person_id", person}, {"status", "present"},
                    {"checked_in_at", now}, {"method", "kiosk_search"}, {"device_id", s->device.id},
                    {"left_at", nullptr}, {"note", ""}, {"status_by", "kiosk"}, {"updated_at", now}};
        batch.changes.push_back(std::move(c));
      }
      const std::string wire = sync::EncodePushBatch(batch);
      auto t0 = Clk::now();
      if (streamed) {
        auto stream = sync::PushBatchStream::Open(wire);
        if (!stream.ok()) return 1;
        auto pushed = s->storage->ApplyPushStream(s->device, **stream, now);
        if (!pushed.ok() || pushed->logged != n) return 1;
        stream_rate.push_back(n / std::chrono::duration<double>(Clk::now() - t0).count());
        continue;
      }
      auto decoded = sync::DecodePushBatch(wire);
      if (!decoded.ok()) return 1;
      auto pushed = s->storage->ApplyPush(s->device, *decoded, now);
      if (!pushed.ok() || pushed->logged != n) return 1;
      push_rate.push_back(n / std::chrono::duration<double>(Clk::now() - t0).count());
      // The log from the start, as another device of the centre pulls it (pages of 5 000).
      int64_t cursor = 0;
      int64_t pulled = 0;
      auto t1 = Clk::now();
      for (int page_no = 0; page_no < 1000; ++page_no) {
        auto page = s->storage->ReadLog(s->centre, cursor, 5000, "another-device", now);
        if (!page.ok()) return 1;
        pulled += page->changes;
        cursor = page->cursor;
        if (!page->more) break;
      }
      pull_rate.push_back(static_cast<double>(pulled) / std::chrono::duration<double>(Clk::now() - t1).count());
    }
    {
      auto s = MakeSetup(n);
      store::ChangeCapture::Suppress quiet(s->store->capture());
      auto t0 = Clk::now();
      auto tx = store::Transaction::Begin(s->store->db());
      auto st = s->store->db().Prepare(
          "INSERT INTO attendance(session_id, person_id, status, checked_in_at, method, device_id, updated_at) "
          "VALUES (?1, ?2, 'present', ?3, 'kiosk_search', 'kiosk-1', ?3)");
      for (size_t i = 0; i < s->people.size(); ++i) {
        st->Bind(1, s->session).Bind(2, s->people[i]).Bind(3, kNow + static_cast<int64_t>(i));
        if (!st->Run().ok() || !st->Reset().ok()) return 1;
      }
      if (!tx->Commit().ok()) return 1;
      sql_rate.push_back(n / std::chrono::duration<double>(Clk::now() - t0).count());
    }
  }
  std::printf("machine: %s; %d check-ins per run, %d runs\n", bench::MachineDescription().c_str(), n, reps);
  std::printf("| measure | median | p10 (slow end) |\n|---|---|---|\n");
  std::printf("| decode a push batch (check-ins/s) | %.0f | %.0f |\n", bench::Percentile(decode_rate, 50),
              bench::Percentile(decode_rate, 10));
  std::printf("| validate + centre check + merge, one transaction (check-ins/s) | %.0f | %.0f |\n",
              bench::Percentile(merge_rate, 50), bench::Percentile(merge_rate, 10));
  std::printf("| the same, one CentreOfChange + ApplyChange per change (check-ins/s) | %.0f | %.0f |\n",
              bench::Percentile(single_rate, 50), bench::Percentile(single_rate, 10));
  std::printf("| server: decode + ApplyPush (log, durable commit) (check-ins/s) | %.0f | %.0f |\n",
              bench::Percentile(push_rate, 50), bench::Percentile(push_rate, 10));
  std::printf("| server: the same, decoded while merged (check-ins/s) | %.0f | %.0f |\n",
              bench::Percentile(stream_rate, 50), bench::Percentile(stream_rate, 10));
  std::printf("| server: ReadLog + encode, pages of 5 000 (log entries/s, roster included) | %.0f | %.0f |\n",
              bench::Percentile(pull_rate, 50), bench::Percentile(pull_rate, 10));
  std::printf("| baseline: plain INSERT of the same rows (rows/s) | %.0f | %.0f |\n", bench::Percentile(sql_rate, 50),
              bench::Percentile(sql_rate, 10));
  const auto add = [&](const std::string& key, const std::string& label, const std::vector<double>& v,
                       bench::Better better) {
    results.Add(key + "_p50", label + ", median", bench::Percentile(v, 50), "1/s", v.size(), better);
    results.Add(key + "_p10", label + ", p10 (slow end)", bench::Percentile(v, 10), "1/s", v.size(), better);
  };
  add("decode", "decode a push batch (check-ins/s)", decode_rate, bench::Better::kHigher);
  add("merge", "validate + centre check + merge, one transaction (check-ins/s)", merge_rate, bench::Better::kHigher);
  add("single", "the same, one lookup per change, no session (check-ins/s)", single_rate, bench::Better::kHigher);
  add("apply_push", "server: decode + ApplyPush, durable commit (check-ins/s)", push_rate, bench::Better::kHigher);
  add("apply_push_stream", "server: the same, decoded while merged (PushBatchStream) (check-ins/s)", stream_rate,
      bench::Better::kHigher);
  add("read_log", "server: ReadLog + encode, pages of 5 000 (log entries/s)", pull_rate, bench::Better::kHigher);
  add("insert", "baseline: plain INSERT of the same rows (rows/s)", sql_rate, bench::Better::kNeither);
  results.Add("apply_push_ratio", "ApplyPush median / INSERT median",
              bench::Percentile(push_rate, 50) / bench::Percentile(sql_rate, 50), "ratio", push_rate.size(),
              bench::Better::kHigher);
  results.Note(std::to_string(n) + " check-ins per run, " + std::to_string(reps) + " runs");
  return results.Write() ? 0 : 1;
}
