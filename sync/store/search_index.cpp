// Name search: maintains person_search and answers ranked prefix queries with bounded work.
#include "search_index.h"

#include <algorithm>
#include <unordered_set>

#include "sync/common/search_fold.h"
#include "sync/common/utf8.h"

namespace mk::store {
namespace {

// Bounds the work per query. The index is ordered by key and then by name, so a prefix scan
// meets whole-word matches first and people in list order; a page of candidates a few times
// the limit is enough to rank the first page.
constexpr size_t kCandidatesPerHit = 3;
constexpr size_t kMinCandidates = 60;
constexpr size_t kMaxScannedRows = 2000;

constexpr const char* kInsertKey =
    "INSERT OR IGNORE INTO person_search(key, sort_name, person_id, field, centre_id) VALUES (?1, ?2, ?3, ?4, ?5)";

// The smallest string greater than every string that starts with `prefix`.
std::string PrefixEnd(std::string prefix) {
  while (!prefix.empty()) {
    unsigned char last = static_cast<unsigned char>(prefix.back());
    if (last < 0xFF) {
      prefix.back() = static_cast<char>(last + 1);
      return prefix;
    }
    prefix.pop_back();
  }
  return std::string(1, '\x7F');  // unreachable for non-empty keys of valid UTF-8
}

std::string SortName(std::string_view first_name, std::string_view last_name) {
  return FoldLatin(last_name) + "\x01" + FoldLatin(first_name);
}

Status InsertKeys(Statement& insert, const std::string& person_id, const std::string& centre_id,
                  const std::string& sort_name, std::string_view name, int field) {
  for (const std::string& key : SearchKeysOfName(name)) {
    MK_RETURN_IF_ERROR(insert.Reset());
    insert.Bind(1, key).Bind(2, sort_name).Bind(3, person_id).Bind(4, field).Bind(5, centre_id);
    MK_RETURN_IF_ERROR(insert.Run());
  }
  return Status::Ok();
}

int WordScore(int field, bool exact) {
  // Last names are what people type first at a door; a whole word beats a prefix.
  if (field == 1) return exact ? 40 : 20;
  return exact ? 30 : 10;
}

struct Candidate {
  std::string person_id;
  std::string sort_name;
  std::string key;  // the driving key it was found under
  int rank = 0;
};

// Scores a person found under the driving key against the other typed words; false when a
// word starts none of the person's name words. Works on the folded sort name of the index row
// ("last\x01first"), so no further query is needed per candidate.
bool MatchOthers(const std::vector<std::string>& keys, size_t drive, std::string_view sort_name, int* rank) {
  if (keys.size() == 1) return true;
  const size_t split = sort_name.find('\x01');
  const std::vector<std::string> last = SearchKeysOfName(sort_name.substr(0, split));
  const std::vector<std::string> first =
      split == std::string_view::npos ? std::vector<std::string>() : SearchKeysOfName(sort_name.substr(split + 1));
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i == drive) continue;
    int best = 0;
    for (int field = 0; field < 2; ++field) {
      for (const std::string& word : field == 1 ? last : first) {
        if (word.compare(0, keys[i].size(), keys[i]) == 0) best = std::max(best, WordScore(field, word == keys[i]));
      }
    }
    if (best == 0) return false;
    *rank += best;
  }
  return true;
}

}  // namespace

Status RemoveFromSearchIndex(Database& db, const std::string& person_id) {
  MK_ASSIGN_OR_RETURN(Statement * del, db.Cached("DELETE FROM person_search WHERE person_id = ?1"));
  del->Bind(1, person_id);
  return del->Run();
}

Status IndexPerson(Database& db, const std::string& person_id, const std::string& centre_id,
                   std::string_view first_name, std::string_view last_name) {
  MK_RETURN_IF_ERROR(RemoveFromSearchIndex(db, person_id));
  MK_ASSIGN_OR_RETURN(Statement * insert, db.Cached(kInsertKey));
  const std::string sort_name = SortName(first_name, last_name);
  MK_RETURN_IF_ERROR(InsertKeys(*insert, person_id, centre_id, sort_name, first_name, 0));
  return InsertKeys(*insert, person_id, centre_id, sort_name, last_name, 1);
}

Status RebuildSearchIndex(Database& db) {
  MK_RETURN_IF_ERROR(db.Exec("DELETE FROM person_search"));
  MK_ASSIGN_OR_RETURN(Statement people,
                      db.Prepare("SELECT id, first_name, last_name, centre_id FROM people WHERE erased_at IS NULL"));
  MK_ASSIGN_OR_RETURN(Statement insert, db.Prepare(kInsertKey));
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, people.Step());
    if (!row) break;
    const std::string id = people.ColumnText(0);
    const std::string first = people.ColumnText(1);
    const std::string last = people.ColumnText(2);
    const std::string centre = people.ColumnText(3);
    const std::string sort_name = SortName(first, last);
    MK_RETURN_IF_ERROR(InsertKeys(insert, id, centre, sort_name, first, 0));
    MK_RETURN_IF_ERROR(InsertKeys(insert, id, centre, sort_name, last, 1));
  }
  return Status::Ok();
}

Result<std::vector<PersonHit>> SearchPeople(Database& db, std::string_view query, const SearchOptions& options) {
  std::vector<PersonHit> hits;
  const std::string trimmed = utf8::NormalizeSpaces(query);
  if (utf8::Length(trimmed) < 2) return hits;
  const std::vector<std::string> keys = SearchKeysOfQuery(trimmed);
  if (keys.empty() || options.limit == 0) return hits;

  // The longest key drives the scan (fewest rows); the others are checked per candidate.
  size_t drive = 0;
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i].size() > keys[drive].size()) drive = i;
  }
  const std::string& dkey = keys[drive];
  const std::string dend = PrefixEnd(dkey);

  std::vector<Candidate> candidates;
  std::unordered_set<std::string> seen;
  auto consider = [&](std::string person_id, std::string sort_name, std::string key, int field, int bonus) -> Status {
    if (!seen.insert(person_id).second) return Status::Ok();
    int rank = WordScore(field, key == dkey) + bonus;
    if (MatchOthers(keys, drive, sort_name, &rank)) candidates.push_back(Candidate{std::move(person_id), std::move(sort_name), std::move(key), rank});
    return Status::Ok();
  };

  // People enrolled in the session come first whatever their place in the index: the roster
  // of one session is small, so check it directly.
  if (!options.boost_session_id.empty()) {
    MK_ASSIGN_OR_RETURN(Statement * enrolled, db.Cached(
        "SELECT s.person_id, s.sort_name, s.key, s.field FROM enrolments e "
        "CROSS JOIN person_search s ON s.person_id = e.person_id AND s.key >= ?2 AND s.key < ?3 "
        "WHERE e.session_id = ?1 AND s.centre_id = ?4 ORDER BY s.key, s.field DESC"));
    enrolled->Bind(1, options.boost_session_id).Bind(2, dkey).Bind(3, dend).Bind(4, options.centre_id);
    for (;;) {
      MK_ASSIGN_OR_RETURN(bool row, enrolled->Step());
      if (!row) break;
      MK_RETURN_IF_ERROR(consider(enrolled->ColumnText(0), enrolled->ColumnText(1), enrolled->ColumnText(2),
                                  static_cast<int>(enrolled->ColumnInt(3)), 1000));
    }
  }

  // One range scan of the index, no join: erased people have no index rows, and the centre
  // is kept beside each key.
  MK_ASSIGN_OR_RETURN(Statement * scan, db.Cached(
      "SELECT person_id, sort_name, key, field FROM person_search WHERE key >= ?1 AND key < ?2 AND centre_id = ?3"));
  scan->Bind(1, dkey).Bind(2, dend).Bind(3, options.centre_id);
  const size_t want = std::max(kMinCandidates, options.limit * kCandidatesPerHit) + candidates.size();
  for (size_t scanned = 0; candidates.size() < want && scanned < kMaxScannedRows; ++scanned) {
    MK_ASSIGN_OR_RETURN(bool row, scan->Step());
    if (!row) break;
    MK_RETURN_IF_ERROR(consider(scan->ColumnText(0), scan->ColumnText(1), scan->ColumnText(2),
                                static_cast<int>(scan->ColumnInt(3)), 0));
  }
  MK_RETURN_IF_ERROR(scan->Reset());

  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.rank != b.rank) return a.rank > b.rank;
    if (a.key != b.key) return a.key < b.key;
    if (a.sort_name != b.sort_name) return a.sort_name < b.sort_name;
    return a.person_id < b.person_id;
  });
  if (candidates.size() > options.limit) candidates.resize(options.limit);

  hits.reserve(candidates.size());
  for (const Candidate& c : candidates) {
    MK_ASSIGN_OR_RETURN(Statement * person, db.Cached(
        "SELECT first_name, last_name, school FROM people WHERE id = ?1 AND erased_at IS NULL"));
    person->Bind(1, c.person_id);
    MK_ASSIGN_OR_RETURN(bool row, person->Step());
    if (!row) continue;
    hits.push_back(PersonHit{c.person_id, person->ColumnText(0), person->ColumnText(1), person->ColumnText(2), c.rank});
  }
  return hits;
}

}  // namespace mk::store
