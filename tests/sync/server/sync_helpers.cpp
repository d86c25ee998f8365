// Helpers of the server's sync tests (see sync_helpers.h).
#include "sync_helpers.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "tests/integration/sqlite_probe.h"

namespace mk::server_test {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HlcStamp Stamp(int64_t offset_ms, uint32_t counter) { return MakeHlc(NowMs() + offset_ms, counter); }

sync::Change NewPerson(const std::string& centre_id, const std::string& id, const std::string& first,
                       const std::string& last, HlcStamp hlc) {
  sync::Change c;
  c.table = "people";
  c.key = id;
  c.hlc = hlc;
  c.device_time_ms = HlcMillis(hlc);
  c.fields = {{"id", id},
              {"centre_id", centre_id},
              {"kind", "teacher"},
              {"first_name", first},
              {"last_name", last},
              {"school", "Schule am See"},
              {"email", nullptr},
              {"subjects", ""},
              {"participant_code", "T" + id.substr(id.size() - 8)},
              {"consent_data", 1},
              {"consent_at", HlcMillis(hlc)},
              {"erased_at", nullptr},
              {"created_at", HlcMillis(hlc)},
              {"updated_at", HlcMillis(hlc)}};
  return c;
}

sync::Change EditPerson(const std::string& id, nlohmann::json fields, HlcStamp hlc) {
  sync::Change c;
  c.table = "people";
  c.key = id;
  c.hlc = hlc;
  c.device_time_ms = HlcMillis(hlc);
  c.fields = std::move(fields);
  return c;
}

sync::Change CheckIn(const std::string& session_id, const std::string& person_id, const std::string& device_id,
                     HlcStamp hlc) {
  sync::Change c;
  c.table = "attendance";
  c.key = session_id + sync::kKeySeparator + person_id;
  c.hlc = hlc;
  c.device_time_ms = HlcMillis(hlc);
  c.fields = {{"session_id", session_id},
              {"person_id", person_id},
              {"status", "present"},
              {"checked_in_at", HlcMillis(hlc)},
              {"method", "kiosk_search"},
              {"device_id", device_id},
              {"left_at", nullptr},
              {"note", ""},
              {"status_by", "kiosk"},
              {"updated_at", HlcMillis(hlc)}};
  return c;
}

sync::Change Erase(const std::string& person_id, HlcStamp hlc) {
  sync::Change c;
  c.table = "people";
  c.key = person_id;
  c.op = sync::ChangeOp::kErase;
  c.hlc = hlc;
  c.device_time_ms = HlcMillis(hlc);
  return c;
}

sync::PushBatch Batch(int64_t first_seq, std::vector<sync::Change> changes) {
  sync::PushBatch b;
  b.first_seq = first_seq;
  b.clock_skew_ms = 12;
  b.changes = std::move(changes);
  return b;
}

sync::HttpResponse Push(ServerFixture& f, const std::string& token, const sync::PushBatch& batch) {
  sync::HttpRequest request;
  request.method = "POST";
  request.path = "/v1/sync/push";
  request.content_type = sync::kSyncContentType;
  request.body = sync::EncodePushBatch(batch);
  return f.Send(request, token);
}

sync::HttpResponse Pull(ServerFixture& f, const std::string& token, int64_t after, int limit) {
  return f.Get("/v1/sync/pull?after=" + std::to_string(after) + "&limit=" + std::to_string(limit), token);
}

std::vector<sync::Change> PullAll(ServerFixture& f, const std::string& token, int64_t after, int64_t* cursor,
                                  std::string* plain, int limit) {
  std::vector<sync::Change> out;
  for (int page = 0; page < 100; ++page) {
    auto r = Pull(f, token, after, limit);
    INFO(Describe(r));
    REQUIRE(r.status == 200);
    REQUIRE(r.content_type == sync::kSyncContentType);
    if (plain) {
      auto text = sync::Decompress(r.body);
      REQUIRE(text.ok());
      *plain += *text;
    }
    auto decoded = sync::DecodePullPage(r.body);
    INFO(decoded.status().message());
    REQUIRE(decoded.ok());
    REQUIRE(decoded->cursor >= after);
    for (auto& c : decoded->changes) out.push_back(std::move(c));
    after = decoded->cursor;
    if (!decoded->more) {
      if (cursor) *cursor = after;
      return out;
    }
  }
  FAIL("the pull did not end within 100 pages");
  return out;
}

void ImportRoster(ServerFixture& f, const std::string& centre_id, const std::string& course,
                  const std::vector<std::pair<std::string, std::string>>& names) {
  std::string csv = "first_name;last_name;school;course;start;end\n";
  for (const auto& [first, last] : names) {
    csv += first + ";" + last + ";Schule am See;" + course + ";2030-12-01T09:00;2030-12-01T12:00\n";
  }
  const std::string file = f.dir().File(course + "-" + std::to_string(names.size()) + ".csv");
  test::WriteFile(file, csv);
  auto r = test::ServerCli(f.data_dir(), {"import", "registrations", file, "--centre", centre_id});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

std::vector<std::string> KeysOf(const std::vector<sync::Change>& changes, const std::string& table) {
  std::vector<std::string> keys;
  for (const auto& c : changes) {
    if (c.table == table && std::find(keys.begin(), keys.end(), c.key) == keys.end()) keys.push_back(c.key);
  }
  return keys;
}

const sync::Change* Find(const std::vector<sync::Change>& changes, const std::string& table, const std::string& key) {
  for (const auto& c : changes) {
    if (c.table == table && c.key == key) return &c;
  }
  return nullptr;
}

std::string SyncState(ServerFixture& f) {
  itest::SqliteProbe db(f.data_dir() + "/server.db");
  std::string out;
  for (const char* sql : {"SELECT * FROM sync_log ORDER BY seq", "SELECT device_id, acked_seq FROM sync_devices ORDER BY 1",
                          "SELECT * FROM people ORDER BY id", "SELECT * FROM attendance ORDER BY 1, 2",
                          "SELECT * FROM sync_clock ORDER BY 1, 2"}) {
    for (const auto& row : db.Query(sql)) {
      for (const auto& v : row) out += v + "|";
      out += "\n";
    }
  }
  return out;
}

int64_t LogCount(ServerFixture& f) {
  itest::SqliteProbe db(f.data_dir() + "/server.db");
  return std::stoll(db.Query("SELECT count(*) FROM sync_log")[0][0]);
}

}  // namespace mk::server_test
