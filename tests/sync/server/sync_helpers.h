// Helpers of the server's sync tests: changes made by hand, pushes and pulls over real HTTP, rosters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "server_fixture.h"
#include "sync/protocol/change.h"
#include "sync/protocol/wire.h"

namespace mk::server_test {

// A clock stamp near the real time, so the server's hybrid clock accepts it; `counter` orders
// stamps of the same millisecond.
HlcStamp Stamp(int64_t offset_ms = 0, uint32_t counter = 0);

// A new person of `centre_id` with every required field.
sync::Change NewPerson(const std::string& centre_id, const std::string& id, const std::string& first,
                       const std::string& last, HlcStamp hlc);
// An edit of some fields of a person (people merge per field).
sync::Change EditPerson(const std::string& id, nlohmann::json fields, HlcStamp hlc);
// A kiosk check-in of the person for the session, by `device_id`.
sync::Change CheckIn(const std::string& session_id, const std::string& person_id, const std::string& device_id,
                     HlcStamp hlc);
sync::Change Erase(const std::string& person_id, HlcStamp hlc);

sync::PushBatch Batch(int64_t first_seq, std::vector<sync::Change> changes);

// POST /v1/sync/push with the batch encoded as the protocol says.
sync::HttpResponse Push(ServerFixture& f, const std::string& token, const sync::PushBatch& batch);
// GET /v1/sync/pull?after=&limit=.
sync::HttpResponse Pull(ServerFixture& f, const std::string& token, int64_t after, int limit = 2000);

// Every change the device gets from `after` on, page by page (at most 100 pages); `cursor` gets
// the final cursor, `plain` (if given) the decompressed bytes of every page.
std::vector<sync::Change> PullAll(ServerFixture& f, const std::string& token, int64_t after = 0,
                                  int64_t* cursor = nullptr, std::string* plain = nullptr, int limit = 2000);

// Imports a registration file with `names` (first, last) into one course with one session of
// the centre, through the admin CLI of the running server's data dir.
void ImportRoster(ServerFixture& f, const std::string& centre_id, const std::string& course,
                  const std::vector<std::pair<std::string, std::string>>& names);

// The ids of the pulled rows of one table.
std::vector<std::string> KeysOf(const std::vector<sync::Change>& changes, const std::string& table);
// The pulled change of the row, or nullptr.
const sync::Change* Find(const std::vector<sync::Change>& changes, const std::string& table, const std::string& key);

// Rows of the server's sync tables and replicated data, to show that a refused push stored nothing.
std::string SyncState(ServerFixture& f);
int64_t LogCount(ServerFixture& f);

}  // namespace mk::server_test
