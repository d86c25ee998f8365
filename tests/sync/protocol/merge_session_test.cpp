// A merge session decides every change exactly as the single-change functions do: the same
// rows, clocks, search index, outcomes and messages, also when its own changes move rows to
// another centre, delete a referenced row or erase a person in the middle of a batch.
#include <catch2/catch.hpp>

#include <random>

#include "sim.h"
#include "sync/protocol/merge.h"
#include "sync/protocol/outbox.h"
#include "sync/store/sync_tables.h"

namespace mk::test {
namespace {

using nlohmann::json;
using sync::Change;
using sync::ChangeOp;

// Every replicated row, every clock (an empty clock counts as none) and the name search index:
// what two databases that merged the same changes must share.
std::string FullDump(store::Database& db) {
  std::string out;
  auto add = [&](const std::string& sql) {
    auto st = db.Prepare(sql);
    REQUIRE(st.ok());
    while (true) {
      auto row = st->Step();
      REQUIRE(row.ok());
      if (!*row) break;
      out += st->ColumnText(0);
      out += '\n';
    }
  };
  for (const store::SyncTable& t : store::SyncTables()) {
    std::string cols, order;
    for (std::string_view c : t.columns) cols += (cols.empty() ? "" : ", ") + std::string(c);
    for (std::string_view k : t.key_columns) order += (order.empty() ? "" : ", ") + std::string(k);
    add("SELECT '" + std::string(t.name) + "' || json_array(" + cols + ") FROM " + std::string(t.name) +
        " ORDER BY " + order);
  }
  add("SELECT tbl || ' ' || key || ' ' || clocks FROM sync_clock WHERE clocks <> '{}' ORDER BY tbl, key");
  add("SELECT json_array(key, sort_name, person_id, field, centre_id) FROM person_search "
      "ORDER BY key, sort_name, person_id, field");
  return out;
}

std::string Describe(const Status& s) { return std::string(ErrorCodeName(s.code())) + ": " + s.message(); }

template <typename T>
std::string Describe(const Result<T>& r) {
  if (!r.ok()) return Describe(r.status());
  if constexpr (std::is_same_v<T, sync::ApplyOutcome>) {
    return *r == sync::ApplyOutcome::kApplied ? "applied" : "no effect";
  } else if constexpr (std::is_same_v<T, bool>) {
    return *r ? "true" : "false";
  } else {
    return *r;
  }
}

struct Db {
  TempDir dir;
  FakeClock clock{kSimNowMs};
  std::unique_ptr<store::Store> store;
  Db() {
    auto s = store::Store::Open(dir.File("db"), &clock);
    REQUIRE(s.ok());
    store = std::move(s).value();
  }
  store::Database& db() { return store->db(); }
};

// Runs `fn` in one write transaction with change capture suppressed, as a push or a pull does.
template <typename Fn>
void InTransaction(Db& d, Fn&& fn) {
  store::ChangeCapture::Suppress quiet(d.store->capture());
  auto tx = store::Transaction::Begin(d.db());
  REQUIRE(tx.ok());
  fn();
  REQUIRE(tx->Commit().ok());
}

Change Upsert(const std::string& table, const std::string& key, HlcStamp hlc, json fields) {
  Change c;
  c.table = table;
  c.key = key;
  c.hlc = hlc;
  c.device_time_ms = HlcMillis(hlc);
  c.fields = std::move(fields);
  return c;
}

Change Without(const std::string& table, const std::string& key, HlcStamp hlc, ChangeOp op) {
  Change c = Upsert(table, key, hlc, json::object());
  c.op = op;
  return c;
}

// A scripted batch, step by step: every step run on a database through one session and on another
// through the single-change functions gives the same answer.
struct Script {
  Db batched, single;
  std::unique_ptr<sync::MergeSession> session;
  std::vector<std::string> transcript;
  std::unique_ptr<store::ChangeCapture::Suppress> quiet_batched, quiet_single;
  std::optional<store::Transaction> tx_batched, tx_single;

  Script() {
    quiet_batched = std::make_unique<store::ChangeCapture::Suppress>(batched.store->capture());
    quiet_single = std::make_unique<store::ChangeCapture::Suppress>(single.store->capture());
    tx_batched.emplace(std::move(store::Transaction::Begin(batched.db())).value());
    tx_single.emplace(std::move(store::Transaction::Begin(single.db())).value());
    session = std::make_unique<sync::MergeSession>(batched.db());
  }
  std::string Apply(const Change& c) {
    REQUIRE(sync::ValidateChange(c).ok());
    const std::string a = Describe(session->Apply(c)), b = Describe(sync::ApplyChange(single.db(), c));
    INFO(c.table << " " << c.key);
    CHECK(a == b);
    transcript.push_back(a);
    return a;
  }
  std::string CentreOf(const Change& c) {
    const std::string a = Describe(session->CentreOf(c)), b = Describe(sync::CentreOfChange(single.db(), c));
    INFO(c.table << " " << c.key);
    CHECK(a == b);
    return a;
  }
  bool IsErased(const std::string& person) {
    auto a = session->IsErased(person);
    auto b = sync::IsErased(single.db(), person);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(*a == *b);
    return *a;
  }
  void Finish() {
    session.reset();
    REQUIRE(tx_batched->Commit().ok());
    REQUIRE(tx_single->Commit().ok());
    CHECK(FullDump(batched.db()) == FullDump(single.db()));
  }
};

HlcStamp At(int64_t seconds, uint16_t counter = 0) { return MakeHlc(kSimNowMs + seconds * 1000, counter); }

json Centre(const std::string& id) { return {{"id", id}, {"name", "Zentrum " + id}, {"created_at", 1}, {"updated_at", 1}}; }
json Course(const std::string& id, const std::string& centre) {
  return {{"id", id}, {"centre_id", centre}, {"title", "Optik " + id}, {"created_at", 1}, {"updated_at", 1}};
}
json Person(const std::string& id, const std::string& centre) {
  return {{"id", id},           {"centre_id", centre},       {"first_name", "Jürgen"},
          {"last_name", "Müller"}, {"participant_code", "code-" + id}, {"school", "Gymnasium Ærøskøbing"},
          {"created_at", 1},    {"updated_at", 1}};
}
json CheckIn(const std::string& session, const std::string& person, int64_t at, const std::string& note = "") {
  return {{"session_id", session}, {"person_id", person}, {"status", "present"}, {"checked_in_at", at},
          {"method", "kiosk_search"}, {"device_id", "kiosk-1"}, {"left_at", nullptr}, {"note", note},
          {"status_by", "kiosk"}, {"updated_at", at}};
}

TEST_CASE("A merge session sees what its own changes did to centres", "[protocol][merge][session]") {
  Script s;
  s.Apply(Upsert("centres", "A", At(1), Centre("A")));
  s.Apply(Upsert("centres", "B", At(1, 1), Centre("B")));
  s.Apply(Upsert("courses", "CA", At(2), Course("CA", "A")));
  s.Apply(Upsert("courses", "CB", At(2, 1), Course("CB", "B")));
  s.Apply(Upsert("sessions", "S", At(3),
                 {{"id", "S"}, {"course_id", "CA"}, {"starts_at", 10}, {"ends_at", 20}, {"created_at", 1}, {"updated_at", 1}}));
  s.Apply(Upsert("people", "P", At(4), Person("P", "A")));
  const Change check_in = Upsert("attendance", "S|P", At(5), CheckIn("S", "P", kSimNowMs));
  CHECK(s.CentreOf(check_in) == "A");
  CHECK(s.Apply(check_in) == "applied");

  // The session moves to a course of centre B: the person of A no longer fits.
  s.Apply(Upsert("sessions", "S", At(6), {{"course_id", "CB"}}));
  CHECK(s.CentreOf(check_in) == "permission_denied: attendance S|P: person_id belongs to another centre");
  // The course of B moves to A (the session's centre changes through its parent).
  s.Apply(Upsert("courses", "CB", At(7), {{"centre_id", "A"}}));
  CHECK(s.CentreOf(check_in) == "A");
  // An older move back changes nothing, and nothing of what the session remembers.
  CHECK(s.Apply(Upsert("sessions", "S", At(5, 9), {{"course_id", "CA"}})) == "no effect");
  CHECK(s.CentreOf(check_in) == "A");

  // A partner referenced by a collaboration is deleted, then comes back in another centre.
  const json partner = {{"id", "PA"}, {"centre_id", "A"}, {"name", "Uni"}, {"kind", "university"},
                        {"created_at", 1}, {"updated_at", 1}};
  s.Apply(Upsert("partners", "PA", At(8), partner));
  const Change collaboration = Upsert("collaborations", "K", At(9),
                                      {{"id", "K"}, {"centre_id", "A"}, {"partner_id", "PA"}, {"kind", "lab"},
                                       {"description", ""}, {"created_at", 1}, {"updated_at", 1}});
  CHECK(s.CentreOf(collaboration) == "A");
  CHECK(s.Apply(Without("partners", "PA", At(10), ChangeOp::kDelete)) == "applied");
  CHECK(s.CentreOf(collaboration) == "not_found: collaborations K: partner_id: partners PA is not known here");
  json moved = partner;
  moved["centre_id"] = "B";
  CHECK(s.Apply(Upsert("partners", "PA", At(11), moved)) == "applied");
  CHECK(s.CentreOf(collaboration) == "permission_denied: collaborations K: partner_id belongs to another centre");
  // A tombstone keeps an older upsert out.
  CHECK(s.Apply(Without("partners", "PA", At(12), ChangeOp::kDelete)) == "applied");
  CHECK(s.Apply(Upsert("partners", "PA", At(11, 5), partner)) == "no effect");
  s.Finish();
}

TEST_CASE("A merge session sees erasures made earlier in the same batch", "[protocol][merge][session][erasure]") {
  Script s;
  s.Apply(Upsert("centres", "A", At(1), Centre("A")));
  s.Apply(Upsert("courses", "C", At(2), Course("C", "A")));
  s.Apply(Upsert("sessions", "S", At(3),
                 {{"id", "S"}, {"course_id", "C"}, {"starts_at", 10}, {"ends_at", 20}, {"created_at", 1}, {"updated_at", 1}}));
  s.Apply(Upsert("people", "P", At(4), Person("P", "A")));
  const Change noted = Upsert("attendance", "S|P", At(5), CheckIn("S", "P", kSimNowMs, "Allergie: Nüsse"));
  CHECK(s.CentreOf(noted) == "A");
  CHECK_FALSE(s.IsErased("P"));
  auto kept = s.session->Scrubbed(noted);
  REQUIRE(kept.ok());
  CHECK_FALSE(kept->has_value());
  CHECK(s.Apply(noted) == "applied");

  CHECK(s.Apply(Without("people", "P", At(6), ChangeOp::kErase)) == "applied");
  CHECK(s.IsErased("P"));
  // A later change of the person in the same batch is blanked, and so is its copy for the log.
  const Change late = Upsert("attendance", "S|P", At(7), CheckIn("S", "P", kSimNowMs + 5, "noch eine Notiz"));
  auto blanked = s.session->Scrubbed(late);
  REQUIRE(blanked.ok());
  REQUIRE(blanked->has_value());
  CHECK((*blanked)->fields["note"] == "");
  s.Apply(late);
  s.Apply(Upsert("people", "P", At(8), {{"first_name", "Jürgen"}, {"email", "jm@example.org"}}));

  // Erased before the row arrives: only the clocks know, and the row then takes it over.
  CHECK_FALSE(s.IsErased("Q"));
  CHECK(s.Apply(Without("people", "Q", At(9), ChangeOp::kErase)) == "applied");
  CHECK(s.IsErased("Q"));
  CHECK(s.Apply(Upsert("people", "Q", At(3), Person("Q", "A"))) == "applied");
  CHECK(s.IsErased("Q"));
  CHECK(s.CentreOf(Upsert("attendance", "S|Q", At(10), CheckIn("S", "Q", kSimNowMs))) == "A");
  s.Finish();
  for (Db* d : {&s.batched, &s.single}) {
    CHECK(Count(d->db(), "SELECT count(*) FROM people WHERE erased_at IS NOT NULL AND first_name = '' AND "
                         "participant_code = id") == 2);
    CHECK(Count(d->db(), "SELECT count(*) FROM attendance WHERE note <> ''") == 0);
    CHECK(Count(d->db(), "SELECT count(*) FROM person_search") == 0);
  }
}

// The log of a randomized centre (check-ins on several kiosks, walk-ins, edits, un-enrolments,
// trainer decisions, an erasure), merged into fresh databases three ways.
TEST_CASE("A merge session merges a whole log as change-by-change merging does", "[protocol][merge][session]") {
  for (uint32_t seed : {7u, 8u}) {
    DYNAMIC_SECTION("seed " << seed) {
      std::mt19937 rng(seed);
      TempDir dir;
      SimServer server(dir.path());
      std::vector<std::unique_ptr<SimDevice>> devices;
      for (int i = 0; i < 3; ++i) {
        devices.push_back(NewDevice(dir.path(), "kiosk" + std::to_string(i)));
        REQUIRE(server.Pull(*devices.back()).ok());
      }
      const std::vector<std::string>& people = server.people();
      bool erased = false;
      for (int op = 0; op < 300; ++op) {
        SimDevice& d = *devices[rng() % devices.size()];
        d.clock.Advance(static_cast<int64_t>(rng() % 3000));
        const std::string p = people[rng() % people.size()];
        Status s = Status::Ok();
        auto exec = [&](const std::string& sql) {
          return d.store->Write([&](store::WriteContext& ctx) -> Status { return ctx.db.Exec(sql); });
        };
        switch (rng() % 8) {
          case 0:
          case 1: {
            store::CheckInRequest req;
            req.session_id = server.session_id();
            req.person_id = p;
            s = d.store->CheckIn(req).status();
            break;
          }
          case 2: {
            store::WalkInRequest walk;
            walk.session_id = server.session_id();
            std::string suffix;
            for (int v = op; v > 0; v /= 10) suffix += static_cast<char>('a' + v % 10);
            walk.person.first_name = "Gäst" + suffix;
            walk.person.last_name = "Ødegård";
            walk.consent = true;
            s = d.store->RegisterWalkIn(walk).status();
            break;
          }
          case 3: s = exec("UPDATE people SET school = 'Schule " + std::to_string(op) + "' WHERE id = '" + p + "'"); break;
          case 4: s = exec("DELETE FROM enrolments WHERE person_id = '" + p + "'"); break;
          case 5:
            s = exec("UPDATE attendance SET status = 'excused', status_by = 'trainer', note = 'n" + std::to_string(op) +
                     "' WHERE person_id = '" + p + "'");
            break;
          case 6:
            if (!erased && op > 150) {
              erased = true;
              s = d.store->Write([&](store::WriteContext& ctx) -> Status {
                return sync::RecordErasure(ctx.db, d.store->capture(), p);
              });
            }
            break;
          default:
            s = server.Push(d, 1 + rng() % 30);
            if (s.ok()) s = server.Pull(d, 1 + rng() % 30);
            break;
        }
        // What an erased person may no longer do is refused, as it should be.
        if (!s.ok() && erased) s = Status::Ok();
        INFO("op " << op << ": " << s.message());
        REQUIRE(s.ok());
      }
      for (auto& d : devices) REQUIRE(server.Push(*d).ok());
      REQUIRE(server.log().size() > 150);

      // One session for the whole log; a single-change merge per change; and a single-change
      // merge that is made to compare every change with stored clocks (an empty clock entry
      // beforehand), so no change takes the session's way for rows never seen.
      Db batched, single, compared;
      std::vector<std::string> outcomes_batched, outcomes_single, outcomes_compared;
      InTransaction(batched, [&] {
        sync::MergeSession merge(batched.db());
        for (const LogEntry& e : server.log()) {
          REQUIRE(sync::ValidateChange(e.change).ok());
          outcomes_batched.push_back(Describe(merge.Apply(e.change)));
        }
      });
      InTransaction(single, [&] {
        for (const LogEntry& e : server.log()) outcomes_single.push_back(Describe(sync::ApplyChange(single.db(), e.change)));
      });
      InTransaction(compared, [&] {
        auto seed_clock = compared.db().Prepare("INSERT OR IGNORE INTO sync_clock(tbl, key, clocks) VALUES (?1, ?2, '{}')");
        REQUIRE(seed_clock.ok());
        for (const LogEntry& e : server.log()) {
          seed_clock->Bind(1, e.change.table).Bind(2, e.change.key);
          REQUIRE(seed_clock->Run().ok());
          REQUIRE(seed_clock->Reset().ok());
          outcomes_compared.push_back(Describe(sync::ApplyChange(compared.db(), e.change)));
        }
      });
      CHECK(outcomes_batched == outcomes_single);
      CHECK(outcomes_batched == outcomes_compared);
      const std::string dump = FullDump(batched.db());
      CHECK(dump == FullDump(single.db()));
      CHECK(dump == FullDump(compared.db()));

      // The centre of every change, looked up by one session over the server's data, is the one
      // looked up change by change.
      store::Database& server_db = server.store().db();
      auto tx = store::Transaction::Begin(server_db);
      REQUIRE(tx.ok());
      {
        sync::MergeSession lookups(server_db);
        for (const LogEntry& e : server.log()) {
          INFO(e.change.table << " " << e.change.key);
          CHECK(Describe(lookups.CentreOf(e.change)) == Describe(sync::CentreOfChange(server_db, e.change)));
        }
      }
    }
  }
}

}  // namespace
}  // namespace mk::test
