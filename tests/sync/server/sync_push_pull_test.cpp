// Push and pull through the real server: delivery across devices, replays, gaps, scope, bad batches, paging.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include "sync/common/uuid.h"
#include "sync_helpers.h"
#include "tests/integration/sqlite_probe.h"

namespace mk::server_test {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

int64_t AckedSeq(const sync::HttpResponse& r) {
  INFO(Describe(r));
  REQUIRE(r.status == 200);
  REQUIRE(Contains(r.content_type, "application/json"));
  auto ack = sync::DecodePushAck(r.body);
  REQUIRE(ack.ok());
  CHECK(ack->server_time_ms > 0);
  CHECK(ack->server_hlc != 0);
  return ack->acked_seq;
}

// A centre with a roster imported on the server, and what a first device pulled of it.
struct Roster {
  std::string session;
  std::vector<std::string> people;
};

Roster ImportAndPull(ServerFixture& f, const std::string& centre, const EnrolledDevice& device) {
  ImportRoster(f, centre, "Robotik", {{"Jan", "Kowalski"}, {"Eva", "Lindqvist"}, {"Ana", "Horvat"}});
  auto changes = PullAll(f, device.token);
  Roster r;
  auto sessions = KeysOf(changes, "sessions");
  REQUIRE(sessions.size() == 1);
  r.session = sessions[0];
  r.people = KeysOf(changes, "people");
  REQUIRE(r.people.size() == 3);
  return r;
}

TEST_CASE("sync: an imported roster appears in a device's pull, with the server as origin", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  ImportRoster(f, f.centre_a(), "Robotik", {{"Jan", "Kowalski"}, {"Łukasz", "Müller"}});
  int64_t cursor = 0;
  auto changes = PullAll(f, a1.token, 0, &cursor);
  std::set<std::string> names;
  for (const auto& c : changes) {
    if (c.table == "people") names.insert(c.fields.value("last_name", ""));
  }
  CHECK(names == std::set<std::string>{"Kowalski", "Müller"});
  CHECK(KeysOf(changes, "sessions").size() == 1);
  CHECK(KeysOf(changes, "courses").size() == 1);
  CHECK(KeysOf(changes, "enrolments").size() == 2);
  CHECK(cursor == LogCount(f));
  // Nothing new: an empty page at the same cursor.
  CHECK(PullAll(f, a1.token, cursor).empty());

  // The server's log names the server as origin, under the centre.
  itest::SqliteProbe db(f.data_dir() + "/server.db");
  auto origins = db.Query("SELECT DISTINCT origin FROM sync_log WHERE tbl = 'people'");
  REQUIRE(origins.size() == 1);
  CHECK(origins[0][0] == db.Query("SELECT value FROM meta WHERE key = 'device_id'")[0][0]);
  CHECK(db.Query("SELECT count(*) FROM sync_outbox")[0][0] == "0");
}

TEST_CASE("sync: a push reaches the other device of the centre, not the pusher, not another centre", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a(), "Kiosk 1");
  EnrolledDevice a2 = f.Enroll(f.centre_a(), "Kiosk 2");
  EnrolledDevice b1 = f.Enroll(f.centre_b(), "Kiosk Sud");
  Roster roster = ImportAndPull(f, f.centre_a(), a1);
  int64_t a1_cursor = 0;
  PullAll(f, a1.token, 0, &a1_cursor);

  UuidGenerator ids;
  const std::string walk_in = ids.Next(HlcMillis(Stamp()));
  const sync::PushBatch batch = Batch(1, {CheckIn(roster.session, roster.people[0], a1.id, Stamp(0, 1)),
                                          NewPerson(f.centre_a(), walk_in, "Zofia", "Nowak", Stamp(0, 2)),
                                          CheckIn(roster.session, walk_in, a1.id, Stamp(0, 3)),
                                          EditPerson(roster.people[1], {{"school", "Gymnasium Nord"}}, Stamp(0, 4))});
  CHECK(AckedSeq(Push(f, a1.token, batch)) == 4);

  // The other kiosk gets all four, after the roster.
  auto a2_changes = PullAll(f, a2.token);
  const sync::Change* checkin = Find(a2_changes, "attendance", roster.session + "|" + roster.people[0]);
  REQUIRE(checkin != nullptr);
  CHECK(checkin->fields["device_id"] == a1.id);
  CHECK(checkin->hlc == batch.changes[0].hlc);
  REQUIRE(Find(a2_changes, "people", walk_in) != nullptr);
  CHECK(Find(a2_changes, "people", walk_in)->fields["last_name"] == "Nowak");
  REQUIRE(Find(a2_changes, "attendance", roster.session + "|" + walk_in) != nullptr);
  const sync::Change* edit = nullptr;
  for (const auto& c : a2_changes) {
    if (c.table == "people" && c.key == roster.people[1] && c.fields.contains("school") && c.fields.size() == 1) edit = &c;
  }
  REQUIRE(edit != nullptr);
  CHECK(edit->fields["school"] == "Gymnasium Nord");

  // The pusher is not sent its own changes back; its cursor still moves past them.
  int64_t a1_after = 0;
  CHECK(PullAll(f, a1.token, a1_cursor, &a1_after).empty());
  CHECK(a1_after == LogCount(f));

  // The other centre sees nothing of it.
  std::string b_plain;
  auto b_changes = PullAll(f, b1.token, 0, nullptr, &b_plain);
  for (const auto& c : b_changes) CHECK(c.table == "centres");
  CHECK(!Contains(b_plain, roster.session));
  CHECK(!Contains(b_plain, "Nowak"));

  // The server's own data has the check-ins.
  itest::SqliteProbe db(f.data_dir() + "/server.db");
  CHECK(db.Query("SELECT count(*) FROM attendance")[0][0] == "2");
  CHECK(db.Query("SELECT school FROM people WHERE id = ?1", {roster.people[1]})[0][0] == "Gymnasium Nord");
  CHECK(db.Query("SELECT acked_seq, clock_skew_ms FROM sync_devices WHERE device_id = ?1", {a1.id})[0] ==
        itest::SqliteProbe::Row{"4", "12"});
}

TEST_CASE("sync: a replayed or overlapping batch is acknowledged and applied once", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  EnrolledDevice a2 = f.Enroll(f.centre_a());
  Roster roster = ImportAndPull(f, f.centre_a(), a1);
  int64_t a2_cursor = 0;
  PullAll(f, a2.token, 0, &a2_cursor);

  const sync::PushBatch first = Batch(1, {CheckIn(roster.session, roster.people[0], a1.id, Stamp(0, 1)),
                                          CheckIn(roster.session, roster.people[1], a1.id, Stamp(0, 2))});
  CHECK(AckedSeq(Push(f, a1.token, first)) == 2);
  const std::string state = SyncState(f);
  const int64_t logged = LogCount(f);

  // The answer was lost, so the device sends the same batch again: same ack, nothing new.
  CHECK(AckedSeq(Push(f, a1.token, first)) == 2);
  CHECK(SyncState(f) == state);
  CHECK(LogCount(f) == logged);

  // A batch overlapping what was applied: only the new change counts.
  const sync::PushBatch overlap = Batch(2, {first.changes[1], CheckIn(roster.session, roster.people[2], a1.id, Stamp(0, 3))});
  CHECK(AckedSeq(Push(f, a1.token, overlap)) == 3);
  CHECK(LogCount(f) == logged + 1);

  // The other device got each check-in once.
  auto changes = PullAll(f, a2.token, a2_cursor);
  CHECK(changes.size() == 3);
  CHECK(KeysOf(changes, "attendance").size() == 3);

  // An empty batch asks for the ack and changes nothing.
  CHECK(AckedSeq(Push(f, a1.token, Batch(4, {}))) == 3);
}

TEST_CASE("sync: a batch after a gap is refused with the seq the server expects", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  Roster roster = ImportAndPull(f, f.centre_a(), a1);
  CHECK(AckedSeq(Push(f, a1.token, Batch(1, {CheckIn(roster.session, roster.people[0], a1.id, Stamp(0, 1))}))) == 1);
  const std::string state = SyncState(f);

  auto r = Push(f, a1.token, Batch(5, {CheckIn(roster.session, roster.people[1], a1.id, Stamp(0, 2))}));
  INFO(Describe(r));
  CHECK(r.status == 409);
  CHECK(ErrorCode(r) == "sequence_gap");
  CHECK(Contains(ErrorMessage(r), "send again from seq 2"));
  CHECK(nlohmann::json::parse(r.body)["error"]["expected_seq"] == 2);
  CHECK(SyncState(f) == state);

  // From the expected seq on, it goes through.
  CHECK(AckedSeq(Push(f, a1.token, Batch(2, {CheckIn(roster.session, roster.people[1], a1.id, Stamp(0, 2))}))) == 2);
}

TEST_CASE("sync: a device's first push sets where its numbering starts", "[server][sync]") {
  // A device enrolled again gets a new server id while its outbox numbers go on.
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  Roster roster = ImportAndPull(f, f.centre_a(), a1);
  CHECK(AckedSeq(Push(f, a1.token, Batch(40, {CheckIn(roster.session, roster.people[0], a1.id, Stamp(0, 1))}))) == 40);
  auto gap = Push(f, a1.token, Batch(42, {CheckIn(roster.session, roster.people[1], a1.id, Stamp(0, 2))}));
  CHECK(gap.status == 409);
  CHECK(AckedSeq(Push(f, a1.token, Batch(41, {CheckIn(roster.session, roster.people[1], a1.id, Stamp(0, 2))}))) == 41);
}

TEST_CASE("sync: a change of another centre refuses the whole batch with 403", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  EnrolledDevice b1 = f.Enroll(f.centre_b());
  Roster roster_a = ImportAndPull(f, f.centre_a(), a1);
  ImportRoster(f, f.centre_b(), "Astronomie", {{"Marie", "Dubois"}});
  auto b_changes = PullAll(f, b1.token);
  const std::string session_b = KeysOf(b_changes, "sessions").at(0);
  const std::string person_b = KeysOf(b_changes, "people").at(0);
  const std::string state = SyncState(f);

  UuidGenerator ids;
  const sync::Change valid = CheckIn(roster_a.session, roster_a.people[0], a1.id, Stamp(0, 1));
  sync::Change profile = EditPerson(f.centre_b(), {{"name", "Taken over"}}, Stamp(0, 2));
  profile.table = "centres";
  struct Case {
    const char* name;
    sync::Change foreign;
  };
  const std::vector<Case> cases = {
      {"a new person of the other centre", NewPerson(f.centre_b(), ids.Next(HlcMillis(Stamp())), "Eve", "Spy", Stamp(0, 2))},
      {"an edit of the other centre's person", EditPerson(person_b, {{"school", "Nowhere"}}, Stamp(0, 2))},
      {"moving the other centre's person here", EditPerson(person_b, {{"centre_id", f.centre_a()}}, Stamp(0, 2))},
      {"a check-in into the other centre's session", CheckIn(session_b, person_b, a1.id, Stamp(0, 2))},
      {"the other centre's person in this centre's session", CheckIn(roster_a.session, person_b, a1.id, Stamp(0, 2))},
      {"an erasure of the other centre's person", Erase(person_b, Stamp(0, 2))},
      {"an edit of the other centre's profile", profile},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto r = Push(f, a1.token, Batch(1, {valid, c.foreign}));
    INFO(Describe(r));
    CHECK(r.status == 403);
    CHECK(ErrorCode(r) == "foreign_centre");
    CHECK(Contains(ErrorMessage(r), "change 1"));
    CHECK(Contains(ErrorMessage(r), "nothing of the batch was applied"));
    CHECK(SyncState(f) == state);
  }
  // The centre B device still pulls its data untouched.
  auto again = PullAll(f, b1.token);
  CHECK(again.size() == b_changes.size());
}

TEST_CASE("sync: a batch with one invalid change is refused with 422 naming it, and nothing is applied", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  Roster roster = ImportAndPull(f, f.centre_a(), a1);
  const std::string state = SyncState(f);
  const sync::Change valid = CheckIn(roster.session, roster.people[0], a1.id, Stamp(0, 1));
  UuidGenerator ids;
  const std::string nobody = ids.Next(HlcMillis(Stamp()));

  struct Case {
    const char* name;
    sync::Change bad;
    std::string message;  // a part of the message
  };
  sync::Change wrong_status = CheckIn(roster.session, roster.people[1], a1.id, Stamp(0, 2));
  wrong_status.fields["status"] = "flying";
  sync::Change wrong_key = CheckIn(roster.session, roster.people[1], a1.id, Stamp(0, 2));
  wrong_key.key = roster.session;
  sync::Change delete_person = EditPerson(roster.people[1], nlohmann::json::object(), Stamp(0, 2));
  delete_person.op = sync::ChangeOp::kDelete;
  const std::vector<Case> cases = {
      {"unknown column", EditPerson(roster.people[1], {{"salary", 5000}}, Stamp(0, 2)), "unknown field 'salary'"},
      {"wrong type", EditPerson(roster.people[1], {{"first_name", {{"nested", true}}}}, Stamp(0, 2)), "'first_name'"},
      {"a boolean", EditPerson(roster.people[1], {{"school", true}}, Stamp(0, 2)), "'school'"},
      {"oversized text", EditPerson(roster.people[1], {{"school", std::string(9000, 'x')}}, Stamp(0, 2)), "longer than"},
      {"a status the schema does not know", wrong_status, "attendance"},
      {"a key with the wrong number of parts", wrong_key, "part"},
      {"a check-in of a person nobody knows", CheckIn(roster.session, nobody, a1.id, Stamp(0, 2)), nobody},
      {"an edit of a person nobody knows", EditPerson(nobody, {{"school", "x"}}, Stamp(0, 2)), nobody},
      {"a delete of a row never deleted", delete_person, "never deleted"},
      {"no clock", EditPerson(roster.people[1], {{"school", "x"}}, 0), "clock"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto r = Push(f, a1.token, Batch(1, {valid, c.bad}));
    INFO(Describe(r));
    CHECK(r.status == 422);
    CHECK(ErrorCode(r) == "invalid_change");
    CHECK(Contains(ErrorMessage(r), "change 1 (seq 2"));
    CHECK(Contains(ErrorMessage(r), c.bad.table));
    CHECK(Contains(ErrorMessage(r), c.message));
    CHECK(SyncState(f) == state);
  }
  // The valid change alone goes through.
  CHECK(AckedSeq(Push(f, a1.token, Batch(1, {valid}))) == 1);
}

TEST_CASE("sync: corrupt, truncated and mislabelled bodies get a 4xx with a clear message", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  Roster roster = ImportAndPull(f, f.centre_a(), a1);
  const std::string good = sync::EncodePushBatch(Batch(1, {CheckIn(roster.session, roster.people[0], a1.id, Stamp())}));
  std::string flipped = good;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x20);
  struct Case {
    const char* name;
    std::string body;
    std::string content_type;
    std::string token;
    long status;
    const char* code;
    const char* message;
  };
  const std::string type = sync::kSyncContentType;
  const std::vector<Case> cases = {
      {"garbage", "this is not a batch", type, a1.token, 400, "malformed_batch", "cannot be read"},
      {"truncated", good.substr(0, good.size() / 2), type, a1.token, 400, "malformed_batch", "cannot be read"},
      {"one byte flipped", flipped, type, a1.token, 400, "malformed_batch", "cannot be read"},
      {"empty", "", type, a1.token, 400, "malformed_batch", "cannot be read"},
      {"compressed, but not a batch", sync::Compress("[1,2,3]"), type, a1.token, 400, "malformed_batch", "cannot be read"},
      {"plain JSON", "{\"first_seq\":1}", "application/json", a1.token, 415, "unsupported_media_type", type.c_str()},
      {"no token", good, type, "", 401, "unauthorized", "Authorization"},
  };
  const std::string state = SyncState(f);
  for (const Case& c : cases) {
    INFO(c.name);
    sync::HttpRequest request;
    request.method = "POST";
    request.path = "/v1/sync/push";
    request.content_type = c.content_type;
    request.body = c.body;
    auto r = f.Send(request, c.token);
    INFO(Describe(r));
    CHECK(r.status == c.status);
    CHECK(ErrorCode(r) == c.code);
    CHECK(Contains(ErrorMessage(r), c.message));
    CHECK(SyncState(f) == state);
  }
  // A GET with a body never pushes; pull takes no body either.
  sync::HttpRequest get_push;
  get_push.path = "/v1/sync/push";
  get_push.content_type = type;
  get_push.body = good;
  CHECK(f.Send(get_push, a1.token).status == 405);
  CHECK(SyncState(f) == state);

  // Larger than the API's small-body limit is fine for a push; larger than the push limit is 413.
  sync::HttpRequest huge;
  huge.method = "POST";
  huge.path = "/v1/sync/push";
  huge.content_type = type;
  huge.body = std::string(5 * 1024 * 1024, 'x');
  auto r = f.Send(huge, a1.token);
  CHECK(r.status == 413);
  CHECK(ErrorCode(r) == "body_too_large");
  CHECK(AckedSeq(Push(f, a1.token, sync::PushBatch{1, 0, {CheckIn(roster.session, roster.people[0], a1.id, Stamp())}})) == 1);
}

TEST_CASE("sync: a batch unreadable behind many good changes is refused whole, before any other refusal",
          "[server][sync]") {
  // The server merges a batch while it is still being decoded: a fault late in the body must
  // still undo everything, and must still be reported as what it is.
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  Roster roster = ImportAndPull(f, f.centre_a(), a1);
  const std::string state = SyncState(f);
  UuidGenerator ids;
  const std::string nobody = ids.Next(HlcMillis(Stamp()));
  constexpr int kChanges = 1000;  // a body large enough to be decoded on its own thread
  for (const bool earlier_refusal : {false, true}) {
    INFO((earlier_refusal ? "change 3 is also invalid" : "every change before the fault is valid"));
    std::vector<sync::Change> changes;
    for (int i = 0; i < kChanges; ++i) {
      changes.push_back(EditPerson(roster.people[i % 3], {{"school", "Gymnasium Ærøskøbing " + std::to_string(i)}},
                                   Stamp(0, static_cast<uint32_t>(i + 1))));
    }
    if (earlier_refusal) changes[3] = EditPerson(nobody, {{"school", "x"}}, Stamp(0, 4));
    auto plain = sync::Decompress(sync::EncodePushBatch(Batch(1, changes)));
    REQUIRE(plain.ok());
    const std::string broken = plain->substr(0, plain->size() - 2) + R"(,["people","p9"]]})";
    sync::HttpRequest request;
    request.method = "POST";
    request.path = "/v1/sync/push";
    request.content_type = sync::kSyncContentType;
    request.body = sync::Compress(broken);
    auto r = f.Send(request, a1.token);
    INFO(Describe(r));
    CHECK(r.status == 400);
    CHECK(ErrorCode(r) == "malformed_batch");
    CHECK(Contains(ErrorMessage(r), "change " + std::to_string(kChanges)));
    CHECK(SyncState(f) == state);
  }
  // The same changes, readable, go through.
  std::vector<sync::Change> changes;
  for (int i = 0; i < kChanges; ++i) {
    changes.push_back(EditPerson(roster.people[i % 3], {{"school", "Gymnasium Ærøskøbing " + std::to_string(i)}},
                                 Stamp(0, static_cast<uint32_t>(i + 1))));
  }
  CHECK(AckedSeq(Push(f, a1.token, Batch(1, changes))) == kChanges);
}

TEST_CASE("sync: --max-push bounds a push, the API's small-body limit does not", "[server][sync]") {
  ServerFixture f({"--max-body", "4096", "--max-push", "65536"});
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  UuidGenerator ids;
  uint64_t noise = 0x9E3779B97F4A7C15ull;
  // Schools of random letters: what zstd cannot shrink.
  auto people = [&](int n, int64_t first_seq) {
    std::vector<sync::Change> changes;
    for (int i = 0; i < n; ++i) {
      std::string school;
      for (int k = 0; k < 1000; ++k) {
        noise = noise * 6364136223846793005ull + 1442695040888963407ull;
        school.push_back(static_cast<char>('a' + (noise >> 33) % 26));
      }
      sync::Change c = NewPerson(f.centre_a(), ids.Next(HlcMillis(Stamp())), "Anna", "Berg", Stamp(0, static_cast<uint32_t>(i)));
      c.fields["school"] = school;
      changes.push_back(std::move(c));
    }
    return Batch(first_seq, std::move(changes));
  };
  const sync::PushBatch medium = people(10, 1);
  REQUIRE(sync::EncodePushBatch(medium).size() > 4096);
  CHECK(AckedSeq(Push(f, a1.token, medium)) == 10);
  const sync::PushBatch large = people(200, 11);
  REQUIRE(sync::EncodePushBatch(large).size() > 65536);
  auto r = Push(f, a1.token, large);
  CHECK(r.status == 413);
  CHECK(ErrorCode(r) == "body_too_large");
  CHECK(Contains(ErrorMessage(r), "larger than"));
  CHECK(LogCount(f) == 2 + 10);  // the two centres, the ten people
}

TEST_CASE("sync: pull pages by limit and resumes from any cursor", "[server][sync]") {
  ServerFixture f;
  EnrolledDevice a1 = f.Enroll(f.centre_a());
  std::vector<std::pair<std::string, std::string>> names;
  for (int i = 0; i < 25; ++i) {
    const std::string suffix(1, static_cast<char>('a' + i));  // names take letters only
    names.push_back({"Vorname" + suffix, "Nachname" + suffix});
  }
  ImportRoster(f, f.centre_a(), "Chemie", names);

  int64_t end = 0;
  const auto all = PullAll(f, a1.token, 0, &end, nullptr, 5000);
  REQUIRE(all.size() > 50);

  // Pages of 7: each at most 7, "more" until the end, the same changes in the same order.
  std::vector<sync::Change> paged;
  std::vector<int64_t> cursors;
  int64_t cursor = 0;
  for (int page = 0; page < 100; ++page) {
    auto r = Pull(f, a1.token, cursor, 7);
    REQUIRE(r.status == 200);
    auto decoded = sync::DecodePullPage(r.body);
    REQUIRE(decoded.ok());
    CHECK(decoded->changes.size() <= 7);
    CHECK(decoded->cursor > cursor);
    if (decoded->more) CHECK(decoded->changes.size() == 7);
    for (auto& c : decoded->changes) paged.push_back(c);
    cursor = decoded->cursor;
    cursors.push_back(cursor);
    if (!decoded->more) break;
  }
  CHECK(cursor == end);
  CHECK(paged == all);

  // An interrupted pull resumes from the cursor it stored: the rest, once.
  const int64_t middle = cursors[cursors.size() / 2];
  const auto rest = PullAll(f, a1.token, middle);
  const size_t done = (cursors.size() / 2 + 1) * 7;
  REQUIRE(done < all.size());
  CHECK(rest == std::vector<sync::Change>(all.begin() + static_cast<long>(done), all.end()));

  for (const char* query : {"after=-1", "after=abc", "limit=0", "limit=10001", "limit=x", "after=1&after=2",
                                   "centre_id=x"}) {
    INFO(query);
    auto r = f.Get(std::string("/v1/sync/pull?") + query, a1.token);
    CHECK(r.status == 400);
    CHECK((ErrorCode(r) == "invalid_parameter" || ErrorCode(r) == "unknown_parameter"));
  }
  CHECK(f.Get("/v1/sync/pull").status == 401);
}

TEST_CASE("sync: enrolment adopts the id the device proposes, once", "[server][sync]") {
  ServerFixture f;
  UuidGenerator ids;
  const std::string own = ids.Next(HlcMillis(Stamp()));
  auto first = f.PostJson("/v1/enroll", nlohmann::json{{"code", f.NewCode(f.centre_a())}, {"device_id", own}}.dump());
  REQUIRE(first.status == 201);
  CHECK(nlohmann::json::parse(first.body)["device_id"] == own);
  // Another device with the same id (a copied data dir) gets an id of its own.
  auto second = f.PostJson("/v1/enroll", nlohmann::json{{"code", f.NewCode(f.centre_a())}, {"device_id", own}}.dump());
  REQUIRE(second.status == 201);
  const std::string other = nlohmann::json::parse(second.body)["device_id"];
  CHECK(other != own);
  CHECK(IsUuid(other));

  // mintkiosk enroll proposes the id of its store.
  test::TempDir device;
  auto r = test::ClientCli(device.path(), {"enroll", "--server", f.server().url(), "--code", f.NewCode(f.centre_b())});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto config = nlohmann::json::parse(test::ReadFile(device.File("server.json")));
  itest::SqliteProbe local(device.File("mintkiosk.db"));
  CHECK(config["device_id"] == local.Query("SELECT value FROM meta WHERE key = 'device_id'")[0][0]);
}

}  // namespace
}  // namespace mk::server_test
