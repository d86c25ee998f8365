// Forward migrations of the local store; each entry takes the schema from version N-1 to N.
#include "schema.h"

#include <string>

#include "search_index.h"

namespace mk::store {
namespace {

// Version 1: the domain of a PD centre.
// Conventions: ids are UUIDv7 text, except natural keys where two devices must agree without
// talking (target groups, enrolments, attendance); times are INTEGER UTC milliseconds; enums
// are text codes checked by CHECK constraints; personal columns are listed in
// schema_personal_columns so that erasure, retention and export find them.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE centres (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  region               TEXT NOT NULL DEFAULT '',
  country              TEXT NOT NULL DEFAULT '',
  time_zone            TEXT NOT NULL DEFAULT 'Europe/Berlin',
  organisation_model   TEXT NOT NULL DEFAULT 'independent_ngo' CHECK (organisation_model IN
                         ('university_based','state_institute','independent_ngo','foundation_funded','industry_funded')),
  funding              TEXT NOT NULL DEFAULT '',
  dependence           TEXT NOT NULL DEFAULT '',
  contact_email        TEXT NOT NULL DEFAULT '',
  contact_phone        TEXT NOT NULL DEFAULT '',
  address              TEXT NOT NULL DEFAULT '',
  min_attendance_share REAL NOT NULL DEFAULT 0.5 CHECK (min_attendance_share BETWEEN 0 AND 1),
  late_after_minutes   INTEGER NOT NULL DEFAULT 15 CHECK (late_after_minutes >= 0),
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);

CREATE TABLE partners (
  id         TEXT PRIMARY KEY,
  centre_id  TEXT NOT NULL REFERENCES centres(id),
  name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind       TEXT NOT NULL CHECK (kind IN ('university','school','company','science_centre','ministry','ngo','museum')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX partners_by_centre ON partners(centre_id);

CREATE TABLE collaborations (
  id          TEXT PRIMARY KEY,
  centre_id   TEXT NOT NULL REFERENCES centres(id),
  partner_id  TEXT NOT NULL REFERENCES partners(id),
  kind        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX collaborations_by_partner ON collaborations(partner_id);

CREATE TABLE target_groups (
  id           TEXT PRIMARY KEY,  -- 'subject/level/role'
  subject      TEXT NOT NULL CHECK (subject IN ('mathematics','computer_science','biology','chemistry','physics','technology','interdisciplinary_stem')),
  school_level TEXT NOT NULL CHECK (school_level IN ('primary','lower_secondary','upper_secondary','vocational')),
  role         TEXT NOT NULL CHECK (role IN ('teacher','trainer_multiplier','school_leader')),
  UNIQUE (subject, school_level, role)
);

CREATE TABLE courses (
  id            TEXT PRIMARY KEY,
  centre_id     TEXT NOT NULL REFERENCES centres(id),
  code          TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description   TEXT NOT NULL DEFAULT '',
  format        TEXT NOT NULL DEFAULT 'in_person' CHECK (format IN ('in_person','blended','online')),
  hours         REAL NOT NULL DEFAULT 0 CHECK (hours >= 0),
  accreditation TEXT NOT NULL DEFAULT '',
  capacity      INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX courses_by_code ON courses(centre_id, code) WHERE code <> '';
CREATE INDEX courses_by_title ON courses(centre_id, title);

CREATE TABLE course_target_groups (
  course_id       TEXT NOT NULL REFERENCES courses(id) ON DELETE CASCADE,
  target_group_id TEXT NOT NULL REFERENCES target_groups(id),
  PRIMARY KEY (course_id, target_group_id)
) WITHOUT ROWID;

CREATE TABLE people (
  id               TEXT PRIMARY KEY,
  centre_id        TEXT NOT NULL REFERENCES centres(id),
  kind             TEXT NOT NULL DEFAULT 'teacher' CHECK (kind IN ('teacher','trainer')),
  first_name       TEXT NOT NULL,
  last_name        TEXT NOT NULL,
  school           TEXT NOT NULL DEFAULT '',
  email            TEXT,
  subjects         TEXT NOT NULL DEFAULT '',   -- comma-separated subject codes
  participant_code TEXT NOT NULL,
  consent_data     INTEGER NOT NULL DEFAULT 0 CHECK (consent_data IN (0,1)),
  consent_at       INTEGER,
  erased_at        INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX people_by_code ON people(participant_code);
CREATE INDEX people_by_email ON people(centre_id, email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX people_by_name ON people(centre_id, last_name, first_name);

CREATE TABLE sessions (
  id         TEXT PRIMARY KEY,
  course_id  TEXT NOT NULL REFERENCES courses(id),
  starts_at  INTEGER NOT NULL,
  ends_at    INTEGER NOT NULL,
  room       TEXT NOT NULL DEFAULT '',
  trainer_id TEXT REFERENCES people(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_by_start ON sessions(starts_at);
CREATE INDEX sessions_by_course ON sessions(course_id, starts_at);

CREATE TABLE enrolments (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  person_id  TEXT NOT NULL REFERENCES people(id),
  source     TEXT NOT NULL DEFAULT 'import' CHECK (source IN ('import','walk_in','manual')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, person_id)
) WITHOUT ROWID;
CREATE INDEX enrolments_by_person ON enrolments(person_id);

CREATE TABLE attendance (
  session_id    TEXT NOT NULL REFERENCES sessions(id),
  person_id     TEXT NOT NULL REFERENCES people(id),
  status        TEXT NOT NULL CHECK (status IN ('present','late','excused','absent')),
  checked_in_at INTEGER,          -- the checking-in device's clock, kept as data
  method        TEXT NOT NULL CHECK (method IN ('kiosk_search','code','walk_in','trainer','admin')),
  device_id     TEXT NOT NULL,
  left_at       INTEGER,          -- early leave
  note          TEXT NOT NULL DEFAULT '',
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (session_id, person_id)
) WITHOUT ROWID;
CREATE INDEX attendance_by_person ON attendance(person_id);

CREATE TABLE materials (
  id          TEXT PRIMARY KEY,
  centre_id   TEXT NOT NULL REFERENCES centres(id),
  course_id   TEXT REFERENCES courses(id),
  session_id  TEXT REFERENCES sessions(id),
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  licence     TEXT NOT NULL DEFAULT '',
  purpose     TEXT NOT NULL DEFAULT '',
  file_name   TEXT NOT NULL,
  media_type  TEXT NOT NULL DEFAULT 'application/octet-stream',
  size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX materials_by_session ON materials(session_id);
CREATE INDEX materials_by_course ON materials(course_id);

-- Anonymous by design: no person column, and no time finer than the session.
CREATE TABLE feedback (
  id           TEXT PRIMARY KEY,
  session_id   TEXT NOT NULL REFERENCES sessions(id),
  kind         TEXT NOT NULL CHECK (kind IN ('end_of_session','follow_up')),
  answers_json TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX feedback_by_session ON feedback(session_id);

CREATE TABLE certificates (
  id                TEXT PRIMARY KEY,
  session_id        TEXT NOT NULL REFERENCES sessions(id),
  person_id         TEXT NOT NULL REFERENCES people(id),
  hours_attended    REAL NOT NULL,
  language          TEXT NOT NULL DEFAULT 'de',
  verification_code TEXT NOT NULL UNIQUE,
  issued_at         INTEGER NOT NULL
);
CREATE INDEX certificates_by_person ON certificates(person_id);

CREATE TABLE devices (
  id           TEXT PRIMARY KEY,
  centre_id    TEXT REFERENCES centres(id),
  name         TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL DEFAULT 'kiosk' CHECK (kind IN ('kiosk','trainer','server')),
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER
);

-- Which columns hold personal data (GDPR): erasure blanks them, exports mark them.
CREATE TABLE schema_personal_columns (
  table_name  TEXT NOT NULL,
  column_name TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  PRIMARY KEY (table_name, column_name)
) WITHOUT ROWID;
INSERT INTO schema_personal_columns VALUES
  ('people','first_name','identify the participant at check-in and on the certificate'),
  ('people','last_name','identify the participant at check-in and on the certificate'),
  ('people','school','tell apart participants with the same name; printed on the certificate'),
  ('people','email','optional: send the certificate and the follow-up survey'),
  ('people','subjects','optional: offer fitting courses'),
  ('people','participant_code','check in by badge or QR code'),
  ('attendance','note','a trainer''s note on one participant');
)sql";

// Version 2: the name search index. Keys are computed in C++ (search_fold.h), so the rows
// are filled by code after the table exists.
constexpr const char* kVersion2 = R"sql(
-- Ordered by key, then by the folded "last first" name, so a prefix scan meets people in the
-- order a list shows them and can stop after a page.
CREATE TABLE person_search (
  key       TEXT NOT NULL,
  sort_name TEXT NOT NULL,
  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  field     INTEGER NOT NULL,  -- 0 first name, 1 last name
  centre_id TEXT NOT NULL,     -- copied from people, so a scan needs no join
  PRIMARY KEY (key, sort_name, person_id, field)
) WITHOUT ROWID;
CREATE INDEX person_search_by_person ON person_search(person_id, key);
)sql";

// Version 3: sync bookkeeping. The outbox holds this device's changes until the server
// acknowledges them (seq never reused: AUTOINCREMENT); sync_clock holds, per replicated row,
// the clocks its merge needs (per column, or "_row"/"_del" for whole rows, "_erased").
// attendance.status_by tells a trainer's decision from a kiosk's check-in (the merge prefers it).
constexpr const char* kVersion3 = R"sql(
CREATE TABLE sync_outbox (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl         TEXT NOT NULL,
  key         TEXT NOT NULL,
  op          TEXT NOT NULL CHECK (op IN ('u','d','e')),
  hlc         INTEGER NOT NULL,
  device_time INTEGER NOT NULL,
  fields      TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE sync_clock (
  tbl    TEXT NOT NULL,
  key    TEXT NOT NULL,
  clocks TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
ALTER TABLE attendance ADD COLUMN status_by TEXT NOT NULL DEFAULT 'kiosk' CHECK (status_by IN ('kiosk','trainer'));

-- Erasure is for good: once a person is erased, no write stores their personal data again,
-- whichever code path tries.
CREATE TRIGGER people_stay_erased BEFORE UPDATE ON people
WHEN OLD.erased_at IS NOT NULL AND (NEW.first_name <> '' OR NEW.last_name <> '' OR NEW.school <> ''
  OR NEW.email IS NOT NULL OR NEW.subjects <> '' OR NEW.participant_code <> OLD.id)
BEGIN
  SELECT RAISE(ABORT, 'this person has been erased; their personal data cannot be stored again');
END;
CREATE TRIGGER attendance_note_stays_erased BEFORE UPDATE OF note ON attendance
WHEN NEW.note <> '' AND EXISTS (SELECT 1 FROM people WHERE id = NEW.person_id AND erased_at IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'this person has been erased; no note about them can be stored');
END;
CREATE TRIGGER attendance_note_erased_insert BEFORE INSERT ON attendance
WHEN NEW.note <> '' AND EXISTS (SELECT 1 FROM people WHERE id = NEW.person_id AND erased_at IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'this person has been erased; no note about them can be stored');
END;
)sql";

// Version 4: the trainer's side. A session can be closed by its trainer (unmarked people then
// count as absent when the centre says so) and can offer the follow-up survey; trainers sign in
// with a personal PIN (a crypto_pwhash string, replicated so a trainer can sign in at any kiosk
// of the centre); the centre's survey templates replicate like other centre data; a certificate
// keeps the note printed on it (late arrival, early leave).
constexpr const char* kVersion4 = R"sql(
ALTER TABLE sessions ADD COLUMN closed_at INTEGER;
ALTER TABLE sessions ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0 CHECK (follow_up IN (0,1));
ALTER TABLE centres ADD COLUMN close_marks_absent INTEGER NOT NULL DEFAULT 1 CHECK (close_marks_absent IN (0,1));
ALTER TABLE certificates ADD COLUMN note TEXT NOT NULL DEFAULT '';
CREATE TABLE trainer_pins (
  person_id  TEXT PRIMARY KEY REFERENCES people(id),
  pin_hash   TEXT NOT NULL CHECK (length(pin_hash) BETWEEN 1 AND 200),
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE survey_templates (
  id            TEXT PRIMARY KEY,
  centre_id     TEXT NOT NULL REFERENCES centres(id),
  kind          TEXT NOT NULL CHECK (kind IN ('end_of_session','follow_up')),
  template_json TEXT NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX survey_templates_by_centre ON survey_templates(centre_id, kind);
)sql";

// Version 5: cheaper writes of the rows every check-in and every sync writes.
// - The name index compares as the duplicate check of an import does (ignoring ASCII case), so
//   finding a person by name and school is a lookup, not a scan of the centre: an import of a
//   spreadsheet without e-mail addresses took time growing with the square of its rows.
// - SQLite evaluates a CHECK of the form "x IN (three or more values)" by building a temporary
//   B-tree of the values for every row written. attendance, enrolments and sync_outbox are
//   rebuilt with the same checks as OR chains (same rows accepted and refused), their indexes
//   and triggers recreated; the outbox keeps its AUTOINCREMENT counter, so a seq is never reused.
constexpr const char* kVersion5 = R"sql(
DROP INDEX people_by_name;
CREATE INDEX people_by_name ON people(centre_id, last_name COLLATE NOCASE, first_name COLLATE NOCASE);

CREATE TABLE enrolments_v5 (
  session_id TEXT NOT NULL REFERENCES sessions(id),
  person_id  TEXT NOT NULL REFERENCES people(id),
  source     TEXT NOT NULL DEFAULT 'import' CHECK (source = 'import' OR source = 'walk_in' OR source = 'manual'),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, person_id)
) WITHOUT ROWID;
INSERT INTO enrolments_v5(session_id, person_id, source, created_at)
  SELECT session_id, person_id, source, created_at FROM enrolments;
DROP TABLE enrolments;
ALTER TABLE enrolments_v5 RENAME TO enrolments;
CREATE INDEX enrolments_by_person ON enrolments(person_id);

CREATE TABLE attendance_v5 (
  session_id    TEXT NOT NULL REFERENCES sessions(id),
  person_id     TEXT NOT NULL REFERENCES people(id),
  status        TEXT NOT NULL
                CHECK (status = 'present' OR status = 'late' OR status = 'excused' OR status = 'absent'),
  checked_in_at INTEGER,          -- the checking-in device's clock, kept as data
  method        TEXT NOT NULL
                CHECK (method = 'kiosk_search' OR method = 'code' OR method = 'walk_in' OR method = 'trainer'
                       OR method = 'admin'),
  device_id     TEXT NOT NULL,
  left_at       INTEGER,          -- early leave
  note          TEXT NOT NULL DEFAULT '',
  updated_at    INTEGER NOT NULL,
  status_by     TEXT NOT NULL DEFAULT 'kiosk' CHECK (status_by IN ('kiosk','trainer')),
  PRIMARY KEY (session_id, person_id)
) WITHOUT ROWID;
INSERT INTO attendance_v5(session_id, person_id, status, checked_in_at, method, device_id, left_at, note,
                          updated_at, status_by)
  SELECT session_id, person_id, status, checked_in_at, method, device_id, left_at, note, updated_at, status_by
  FROM attendance;
DROP TABLE attendance;
ALTER TABLE attendance_v5 RENAME TO attendance;
CREATE INDEX attendance_by_person ON attendance(person_id);
CREATE TRIGGER attendance_note_stays_erased BEFORE UPDATE OF note ON attendance
WHEN NEW.note <> '' AND EXISTS (SELECT 1 FROM people WHERE id = NEW.person_id AND erased_at IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'this person has been erased; no note about them can be stored');
END;
CREATE TRIGGER attendance_note_erased_insert BEFORE INSERT ON attendance
WHEN NEW.note <> '' AND EXISTS (SELECT 1 FROM people WHERE id = NEW.person_id AND erased_at IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'this person has been erased; no note about them can be stored');
END;

CREATE TABLE sync_outbox_v5 (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  tbl         TEXT NOT NULL,
  key         TEXT NOT NULL,
  op          TEXT NOT NULL CHECK (op = 'u' OR op = 'd' OR op = 'e'),
  hlc         INTEGER NOT NULL,
  device_time INTEGER NOT NULL,
  fields      TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO sync_outbox_v5(seq, tbl, key, op, hlc, device_time, fields)
  SELECT seq, tbl, key, op, hlc, device_time, fields FROM sync_outbox;
DELETE FROM sqlite_sequence WHERE name = 'sync_outbox_v5';
INSERT INTO sqlite_sequence(name, seq) SELECT 'sync_outbox_v5', seq FROM sqlite_sequence WHERE name = 'sync_outbox';
DROP TABLE sync_outbox;
ALTER TABLE sync_outbox_v5 RENAME TO sync_outbox;
)sql";

struct Migration {
  int version;
  const char* sql;
  Status (*after)(Database& db);
};

Status FillSearchIndex(Database& db) { return RebuildSearchIndex(db); }

constexpr Migration kMigrations[] = {
    {1, kVersion1, nullptr},
    {2, kVersion2, FillSearchIndex},
    {3, kVersion3, nullptr},
    {4, kVersion4, nullptr},
    {5, kVersion5, nullptr},
};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion,
              "every schema version needs exactly one migration");

}  // namespace

Result<int> SchemaVersion(Database& db) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare("PRAGMA user_version"));
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Internal("PRAGMA user_version returned no row");
  return static_cast<int>(st.ColumnInt(0));
}

Status Migrate(Database& db, int target) {
  assert(target >= 0 && target <= kSchemaVersion && "migration target out of range");
  MK_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current > kSchemaVersion) {
    return Corrupt("the database " + db.path() + " has schema version " + std::to_string(current) +
                   ", written by a newer mintkiosk than this one (which knows up to version " +
                   std::to_string(kSchemaVersion) + "); update mintkiosk");
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= current || m.version > target) continue;
    MK_ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(db));
    // Re-read inside the write lock: another process may have migrated meanwhile.
    MK_ASSIGN_OR_RETURN(int now, SchemaVersion(db));
    if (now >= m.version) continue;
    const std::string context = "upgrading the database to schema version " + std::to_string(m.version);
    MK_RETURN_IF_ERROR(db.Exec(m.sql).WithContext(context));
    if (m.after) MK_RETURN_IF_ERROR(m.after(db).WithContext(context));
    MK_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=" + std::to_string(m.version)).WithContext(context));
    MK_RETURN_IF_ERROR(tx.Commit());
  }
  return Status::Ok();
}

}  // namespace mk::store
