// People (teachers and trainers): validation, insertion with search indexing, look-ups.
#include <algorithm>

#include "store.h"
#include "sync/common/utf8.h"

namespace mk::store {
namespace {

constexpr const char* kPersonColumns =
    "id, centre_id, kind, first_name, last_name, school, email, subjects, participant_code, consent_data, "
    "consent_at, erased_at";

std::string JoinSubjects(const std::vector<Subject>& subjects) {
  std::string out;
  for (Subject s : subjects) {
    if (!out.empty()) out += ',';
    out += ToCode(s);
  }
  return out;
}

std::vector<Subject> SplitSubjects(std::string_view text) {
  std::vector<Subject> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    if (auto s = ParseSubject(text.substr(start, end - start))) out.push_back(*s);
    start = end + 1;
  }
  return out;
}

Person PersonFromRow(const Statement& st) {
  Person p;
  p.id = st.ColumnText(0);
  p.centre_id = st.ColumnText(1);
  p.kind = st.ColumnText(2) == "trainer" ? PersonKind::kTrainer : PersonKind::kTeacher;
  p.first_name = st.ColumnText(3);
  p.last_name = st.ColumnText(4);
  p.school = st.ColumnText(5);
  p.email = st.ColumnOptionalText(6);
  p.subjects = SplitSubjects(st.ColumnText(7));
  p.participant_code = st.ColumnText(8);
  p.consent_data = st.ColumnInt(9) != 0;
  p.consent_at = st.ColumnOptionalInt(10);
  p.erased_at = st.ColumnOptionalInt(11);
  return p;
}

// Characters a name may not contain: digits, symbols, emoji, invisible and private-use
// characters. Letters of every script (Latin, Greek, Cyrillic, Arabic, ...), spaces, hyphens,
// apostrophes and dots are fine.
bool IsNameChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == ' ' || cp == '-' || cp == '\'' || cp == '.';
  }
  if (cp < 0xC0) return cp == 0xA0 || cp == 0xB4;  // NBSP, acute accent used as apostrophe
  if (cp == 0xD7 || cp == 0xF7) return false;
  if (cp == 0x2019 || cp == 0x2010 || cp == 0x2011 || cp == 0x02BC) return true;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, symbols, arrows, shapes
  if (cp >= 0xE000 && cp <= 0xF8FF) return false;  // private use
  if (cp >= 0xFE00 && cp <= 0xFE0F) return false;  // variation selectors (emoji presentation)
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return false;
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
  return true;
}

Status CheckName(std::string_view field, std::string_view value, size_t max_chars) {
  const std::string normalized = utf8::NormalizeSpaces(value);
  if (normalized.empty()) return InvalidArgument(std::string(field) + " is empty");
  if (std::string p = utf8::ProblemWithText(normalized, max_chars); !p.empty()) {
    return InvalidArgument(std::string(field) + " " + p);
  }
  bool has_letter = false;
  for (size_t pos = 0; pos < normalized.size();) {
    char32_t cp = utf8::DecodeNext(normalized, &pos);
    if (!IsNameChar(cp)) {
      std::string ch;
      utf8::Append(&ch, cp);
      return InvalidArgument(std::string(field) + " contains '" + ch +
                             "', which is not a letter (names take letters, spaces, hyphens and apostrophes)");
    }
    if (cp >= 0xC0 || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) has_letter = true;
  }
  if (!has_letter) return InvalidArgument(std::string(field) + " has no letters");
  return Status::Ok();
}

}  // namespace

bool LooksLikeEmail(std::string_view e) {
  const size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view domain = e.substr(at + 1);
  const size_t dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 2 > domain.size()) return false;
  return std::none_of(e.begin(), e.end(), [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == ',' || c == ';' || c == '<' || c == '>' || c == '"';
  });
}

Status ValidatePerson(const Person& p) {
  MK_RETURN_IF_ERROR(CheckName("first name", p.first_name, 100));
  MK_RETURN_IF_ERROR(CheckName("last name", p.last_name, 100));
  if (std::string problem = utf8::ProblemWithText(p.school, 200); !problem.empty()) {
    return InvalidArgument("school " + problem);
  }
  if (p.email) {
    if (p.email->size() > 254 || !LooksLikeEmail(*p.email)) {
      return InvalidArgument("email '" + std::string(utf8::Truncate(*p.email, 60)) +
                             "' is not an email address (name@example.org)");
    }
  }
  return Status::Ok();
}

Result<std::string> InsertPerson(WriteContext& ctx, const Person& p) {
  MK_RETURN_IF_ERROR(ValidatePerson(p));
  const std::string id = p.id.empty() ? ctx.NewId() : p.id;
  std::string code = p.participant_code;
  MK_ASSIGN_OR_RETURN(Statement* code_taken, ctx.db.Cached("SELECT 1 FROM people WHERE participant_code = ?1"));
  if (code.empty()) {
    // 31^8 codes: a clash is rare, but a badge must never open someone else's record.
    for (int attempt = 0; attempt < 16; ++attempt) {
      std::string candidate = RandomCode(8);
      MK_RETURN_IF_ERROR(code_taken->Reset());
      code_taken->Bind(1, candidate);
      MK_ASSIGN_OR_RETURN(bool taken, code_taken->Step());
      if (!taken) {
        code = std::move(candidate);
        break;
      }
    }
    if (code.empty()) return Internal("could not find a free participant code");
  }
  const std::string first = utf8::NormalizeSpaces(p.first_name);
  const std::string last = utf8::NormalizeSpaces(p.last_name);
  std::optional<std::string> email;
  if (p.email) email = utf8::NormalizeSpaces(*p.email);
  MK_RETURN_IF_ERROR(code_taken->Reset());
  MK_ASSIGN_OR_RETURN(Statement* st, ctx.db.Cached(
      "INSERT INTO people(id, centre_id, kind, first_name, last_name, school, email, subjects, participant_code, "
      "consent_data, consent_at, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)"));
  st->Bind(1, id).Bind(2, p.centre_id).Bind(3, ToCode(p.kind)).Bind(4, first).Bind(5, last)
      .Bind(6, utf8::NormalizeSpaces(p.school)).Bind(7, email).Bind(8, JoinSubjects(p.subjects)).Bind(9, code)
      .Bind(10, p.consent_data).Bind(11, p.consent_at).Bind(12, ctx.now_ms);
  MK_RETURN_IF_ERROR(st->Run().WithContext("adding " + first + " " + last));
  MK_RETURN_IF_ERROR(IndexPerson(ctx.db, id, p.centre_id, first, last));
  return id;
}

Result<Person> ReadPerson(Database& db, const std::string& id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kPersonColumns + " FROM people WHERE id = ?1"));
  st.Bind(1, id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("no person with id " + id);
  return PersonFromRow(st);
}

Result<std::optional<std::string>> FindPersonId(Database& db, const std::string& centre_id,
                                                const std::optional<std::string>& email, std::string_view first_name,
                                                std::string_view last_name, std::string_view school) {
  if (email && !email->empty()) {
    MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
        "SELECT id FROM people WHERE centre_id = ?1 AND email = ?2 COLLATE NOCASE AND erased_at IS NULL "
        "ORDER BY created_at, id LIMIT 1"));
    st.Bind(1, centre_id).Bind(2, utf8::NormalizeSpaces(*email));
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) return std::optional<std::string>(st.ColumnText(0));
    return std::optional<std::string>();
  }
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT id FROM people WHERE centre_id = ?1 AND last_name = ?2 COLLATE NOCASE AND first_name = ?3 COLLATE NOCASE "
      "AND school = ?4 COLLATE NOCASE AND email IS NULL AND erased_at IS NULL ORDER BY created_at, id LIMIT 1"));
  st.Bind(1, centre_id).Bind(2, utf8::NormalizeSpaces(last_name)).Bind(3, utf8::NormalizeSpaces(first_name))
      .Bind(4, utf8::NormalizeSpaces(school));
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) return std::optional<std::string>(st.ColumnText(0));
  return std::optional<std::string>();
}

Result<Person> Store::GetPerson(const std::string& id) { return ReadPerson(db_, id); }

Result<std::optional<Person>> Store::FindByParticipantCode(const std::string& centre_id, std::string_view code) {
  // Codes are typed by people and scanners alike: ignore case and surrounding spaces.
  std::string normalized = utf8::NormalizeSpaces(code);
  std::transform(normalized.begin(), normalized.end(), normalized.begin(),
                 [](char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; });
  MK_ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string("SELECT ") + kPersonColumns +
      " FROM people WHERE participant_code = ?1 AND centre_id = ?2 AND erased_at IS NULL"));
  st.Bind(1, normalized).Bind(2, centre_id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Person>();
  return std::optional<Person>(PersonFromRow(st));
}

Result<std::vector<PersonHit>> Store::Search(std::string_view query, const SearchOptions& options) {
  return SearchPeople(db_, query, options);
}

}  // namespace mk::store
