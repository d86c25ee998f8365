// The name search index: folded keys per person, and ranked prefix search over them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "database.h"
#include "domain.h"

namespace mk::store {

// Replaces the index rows of one person. REQUIRES: inside a write transaction.
// Erased people must not be indexed (see RemoveFromSearchIndex).
Status IndexPerson(Database& db, const std::string& person_id, const std::string& centre_id,
                   std::string_view first_name, std::string_view last_name);
Status RemoveFromSearchIndex(Database& db, const std::string& person_id);

// Rebuilds the whole index from the people table. REQUIRES: inside a write transaction.
Status RebuildSearchIndex(Database& db);

struct SearchOptions {
  std::string centre_id;           // only people of this centre
  size_t limit = 20;               // at most this many hits
  std::string boost_session_id;    // people enrolled in this session rank first (optional)
};

// Finds people whose name words start with every typed word, after folding (search_fold.h):
// "mül" finds Müller, Mueller and Muller; "anna mü" finds Anna Müller but not Anna Schmidt.
// Queries with fewer than 2 letters give no hits (a shared kiosk never lists people for one
// tapped key). Ranked: enrolled in the boosted session, then exact word over prefix, last name
// over first name; ties by the matched word (shorter first), then last name, first name.
// Erased people are never found. Work is bounded: at most a few pages of candidates are read
// from the index, whatever the size of the centre.
Result<std::vector<PersonHit>> SearchPeople(Database& db, std::string_view query, const SearchOptions& options);

}  // namespace mk::store
