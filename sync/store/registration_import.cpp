// Parses registration spreadsheets and applies them to the store in one transaction.
#include "registration_import.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "sync/common/csv_reader.h"
#include "sync/common/search_fold.h"
#include "sync/common/utf8.h"

namespace mk::store {
namespace {

enum class Column {
  kFirstName, kLastName, kSchool, kEmail, kSubjects, kCourseCode, kCourseTitle, kCourse, kStart, kEnd, kRoom,
  kDate, kConsent, kCount
};

// Header names are compared after folding and dropping spaces, '_', '-' and '.', so
// "E-Mail", "e_mail" and "EMAIL" are one name, as are "Fächer" and "Faecher".
constexpr std::array<std::pair<std::string_view, Column>, 58> kHeaderNames{{
    {"firstname", Column::kFirstName}, {"givenname", Column::kFirstName}, {"forename", Column::kFirstName},
    {"vorname", Column::kFirstName},
    {"lastname", Column::kLastName}, {"surname", Column::kLastName}, {"familyname", Column::kLastName},
    {"nachname", Column::kLastName}, {"familienname", Column::kLastName}, {"name", Column::kLastName},
    {"school", Column::kSchool}, {"schule", Column::kSchool}, {"schoolname", Column::kSchool},
    {"dienststelle", Column::kSchool}, {"institution", Column::kSchool}, {"einrichtung", Column::kSchool},
    {"email", Column::kEmail}, {"mail", Column::kEmail}, {"emailaddress", Column::kEmail},
    {"emailadresse", Column::kEmail},
    {"subjects", Column::kSubjects}, {"subject", Column::kSubjects}, {"facher", Column::kSubjects},
    {"faecher", Column::kSubjects}, {"fach", Column::kSubjects}, {"unterrichtsfacher", Column::kSubjects},
    {"unterrichtsfaecher", Column::kSubjects},
    {"coursecode", Column::kCourseCode}, {"code", Column::kCourseCode}, {"kursnummer", Column::kCourseCode},
    {"kursnr", Column::kCourseCode}, {"kurscode", Column::kCourseCode}, {"veranstaltungsnummer", Column::kCourseCode},
    {"coursetitle", Column::kCourseTitle}, {"title", Column::kCourseTitle}, {"kurstitel", Column::kCourseTitle},
    {"titel", Column::kCourseTitle}, {"veranstaltung", Column::kCourseTitle}, {"kursname", Column::kCourseTitle},
    {"course", Column::kCourse}, {"kurs", Column::kCourse},
    {"start", Column::kStart}, {"startsat", Column::kStart}, {"begin", Column::kStart}, {"beginn", Column::kStart},
    {"von", Column::kStart},
    {"end", Column::kEnd}, {"endsat", Column::kEnd}, {"ende", Column::kEnd}, {"bis", Column::kEnd},
    {"room", Column::kRoom}, {"raum", Column::kRoom}, {"ort", Column::kRoom},
    {"date", Column::kDate}, {"datum", Column::kDate},
    {"consent", Column::kConsent}, {"einwilligung", Column::kConsent}, {"datenschutz", Column::kConsent},
}};

std::string HeaderKey(std::string_view header) {
  std::string folded = FoldLatin(utf8::NormalizeSpaces(header));
  std::string key;
  for (char c : folded) {
    if (c == ' ' || c == '_' || c == '-' || c == '.') continue;
    key.push_back(c);
  }
  return key;
}

std::optional<Column> ColumnOfHeader(std::string_view header) {
  const std::string key = HeaderKey(header);
  for (const auto& [name, col] : kHeaderNames) {
    if (name == key) return col;
  }
  return std::nullopt;
}

const char* ColumnLabel(Column c) {
  switch (c) {
    case Column::kFirstName: return "first_name (Vorname)";
    case Column::kLastName: return "last_name (Nachname)";
    case Column::kSchool: return "school (Schule)";
    case Column::kEmail: return "email (E-Mail)";
    case Column::kSubjects: return "subjects (Fächer)";
    case Column::kCourseCode: return "course_code (Kursnummer)";
    case Column::kCourseTitle: return "course_title (Kurstitel)";
    case Column::kCourse: return "course (Kurs)";
    case Column::kStart: return "start (Beginn)";
    case Column::kEnd: return "end (Ende)";
    case Column::kRoom: return "room (Raum)";
    case Column::kDate: return "date (Datum)";
    case Column::kConsent: return "consent (Einwilligung)";
    case Column::kCount: break;
  }
  return "?";
}

// Collects problems as "file, line N, column 'X': message", stopping the import.
class Problems {
 public:
  explicit Problems(std::string file) : file_(std::move(file)) {}
  void Add(int line, const std::string& column, const std::string& message) {
    ++count_;
    if (lines_.size() < kMaxListed) {
      std::string where = file_ + ", line " + std::to_string(line);
      if (!column.empty()) where += ", column '" + column + "'";
      lines_.push_back(where + ": " + message);
    }
  }
  bool empty() const { return count_ == 0; }
  Status ToStatus() const {
    std::string msg = "nothing was imported; ";
    msg += count_ == 1 ? "1 problem" : std::to_string(count_) + " problems";
    msg += " to fix:";
    for (const auto& l : lines_) msg += "\n  " + l;
    if (count_ > lines_.size()) msg += "\n  ... and " + std::to_string(count_ - lines_.size()) + " more";
    return InvalidArgument(msg);
  }

 private:
  static constexpr size_t kMaxListed = 20;
  std::string file_;
  std::vector<std::string> lines_;
  size_t count_ = 0;
};

// One parsed, validated row, ready to apply.
struct Registration {
  int line = 0;
  Person person;
  std::string course_code;
  std::string course_title;
  bool course_code_or_title = false;  // only "Kurs" given: the value may be a code or a title
  int64_t starts_at_ms = 0;
  int64_t ends_at_ms = 0;
  std::string room;
};

std::optional<bool> ParseConsent(std::string_view text) {
  const std::string k = HeaderKey(text);
  if (k.empty()) return std::nullopt;
  if (k == "ja" || k == "yes" || k == "y" || k == "j" || k == "x" || k == "1" || k == "true" || k == "wahr") return true;
  if (k == "nein" || k == "no" || k == "n" || k == "0" || k == "false" || k == "falsch") return false;
  return std::nullopt;
}

}  // namespace

Result<ImportSummary> ImportRegistrations(Store& store, std::string_view bytes, const ImportOptions& options) {
  ImportSummary summary;
  const std::string& file = options.file_label;
  if (bytes.size() > kMaxImportBytes) {
    return InvalidArgument(file + ": the file is larger than " + std::to_string(kMaxImportBytes / (1024 * 1024)) +
                           " MB; split it into smaller files");
  }
  auto decoded = DecodeToUtf8(bytes);
  if (!decoded.ok()) return decoded.status().WithContext(file);
  summary.encoding = decoded->encoding;
  const std::string& text = decoded->utf8;

  const size_t header_end = text.find_first_of("\r\n");
  const std::string_view header_line = std::string_view(text).substr(0, header_end);
  if (utf8::NormalizeSpaces(header_line).empty()) {
    return InvalidArgument(file + ", line 1: no header row (the first line must name the columns, e.g. "
                                  "Vorname;Nachname;Schule;E-Mail;Kurs;Beginn;Ende;Raum)");
  }
  char sep = DetectSeparator(header_line);
  if (sep == 0) sep = ';';  // a single column: certainly missing columns, reported below
  summary.separator = sep;
  auto records = ParseCsv(text, sep);
  if (!records.ok()) return records.status().WithContext(file);
  if (records->empty()) return InvalidArgument(file + ", line 1: no header row");
  if (records->size() - 1 > kMaxImportRows) {
    return InvalidArgument(file + ": more than " + std::to_string(kMaxImportRows) + " rows; split the file");
  }

  // Header: map each column to its meaning; duplicates and missing required columns are errors.
  Problems problems(file);
  const CsvRecord& header = records->front();
  std::array<int, static_cast<size_t>(Column::kCount)> index;
  index.fill(-1);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name = utf8::NormalizeSpaces(header.fields[i]);
    auto col = ColumnOfHeader(name);
    if (!col) {
      if (!name.empty()) summary.ignored_columns.push_back(name);
      continue;
    }
    int& slot = index[static_cast<size_t>(*col)];
    if (slot >= 0) {
      problems.Add(header.line, name, "the column " + std::string(ColumnLabel(*col)) + " appears twice (columns " +
                                          std::to_string(slot + 1) + " and " + std::to_string(i + 1) + ")");
      continue;
    }
    slot = static_cast<int>(i);
  }
  auto has = [&](Column c) { return index[static_cast<size_t>(c)] >= 0; };
  for (Column c : {Column::kFirstName, Column::kLastName, Column::kSchool, Column::kStart, Column::kEnd}) {
    if (!has(c)) problems.Add(header.line, "", std::string("the required column ") + ColumnLabel(c) + " is missing");
  }
  if (!has(Column::kCourse) && !has(Column::kCourseCode) && !has(Column::kCourseTitle)) {
    problems.Add(header.line, "", "a course column is missing: course (Kurs), course_code (Kursnummer) or "
                                  "course_title (Kurstitel)");
  }
  if (!problems.empty()) return problems.ToStatus();

  // Rows.
  std::vector<Registration> rows;
  rows.reserve(records->size() - 1);
  for (size_t r = 1; r < records->size(); ++r) {
    const CsvRecord& rec = (*records)[r];
    auto cell = [&](Column c) -> std::string {
      const int i = index[static_cast<size_t>(c)];
      if (i < 0 || static_cast<size_t>(i) >= rec.fields.size()) return {};
      return utf8::NormalizeSpaces(rec.fields[static_cast<size_t>(i)]);
    };
    auto label = [&](Column c) { return utf8::NormalizeSpaces(header.fields[static_cast<size_t>(index[static_cast<size_t>(c)])]); };
    bool all_empty = true;
    for (const auto& f : rec.fields) {
      if (!utf8::NormalizeSpaces(f).empty()) all_empty = false;
    }
    if (all_empty) continue;  // rows of separators only (";;;;") as Excel leaves them
    if (rec.fields.size() > header.fields.size()) {
      problems.Add(rec.line, "", "the row has " + std::to_string(rec.fields.size()) + " fields but the header has " +
                                     std::to_string(header.fields.size()) + " (a separator inside an unquoted value?)");
      continue;
    }

    Registration reg;
    reg.line = rec.line;
    reg.person.centre_id = options.centre_id;
    reg.person.first_name = cell(Column::kFirstName);
    reg.person.last_name = cell(Column::kLastName);
    reg.person.school = cell(Column::kSchool);
    const std::string email = cell(Column::kEmail);
    if (!email.empty()) reg.person.email = email;
    Status person_ok = ValidatePerson(reg.person);
    if (!person_ok.ok()) {
      // Name the column the problem is in.
      const std::string& m = person_ok.message();
      Column c = m.rfind("first name", 0) == 0 ? Column::kFirstName
                 : m.rfind("last name", 0) == 0 ? Column::kLastName
                 : m.rfind("school", 0) == 0    ? Column::kSchool
                                                : Column::kEmail;
      problems.Add(rec.line, label(c), m);
    }
    if (has(Column::kSubjects)) {
      const std::string subjects = cell(Column::kSubjects);
      size_t start = 0;
      while (start < subjects.size()) {
        size_t end = subjects.find_first_of(",/|+", start);
        if (end == std::string::npos) end = subjects.size();
        const std::string word = utf8::NormalizeSpaces(std::string_view(subjects).substr(start, end - start));
        if (!word.empty()) {
          if (auto s = SubjectFromWord(word)) {
            reg.person.subjects.push_back(*s);
          } else {
            problems.Add(rec.line, label(Column::kSubjects),
                         "'" + word + "' is not a subject (Mathematik, Informatik, Biologie, Chemie, Physik, Technik, "
                                      "MINT; or the English names)");
          }
        }
        start = end + 1;
      }
    }
    if (has(Column::kConsent)) {
      const std::string consent = cell(Column::kConsent);
      auto c = ParseConsent(consent);
      if (!consent.empty() && !c) {
        problems.Add(rec.line, label(Column::kConsent), "'" + consent + "' is not yes/no (ja/nein, x, 1/0)");
      }
      reg.person.consent_data = c.value_or(false);
    }

    reg.course_code = has(Column::kCourseCode) ? cell(Column::kCourseCode) : "";
    reg.course_title = has(Column::kCourseTitle) ? cell(Column::kCourseTitle) : "";
    if (has(Column::kCourse)) {
      const std::string course = cell(Column::kCourse);
      // "Kurs" holds a code or a title; resolved against the store when applying.
      if (reg.course_code.empty() && reg.course_title.empty()) {
        reg.course_title = course;
        reg.course_code_or_title = true;
      } else if (reg.course_code.empty()) reg.course_code = course;
      else if (reg.course_title.empty()) reg.course_title = course;
    }
    if (reg.course_code.empty() && reg.course_title.empty()) {
      problems.Add(rec.line, label(has(Column::kCourse) ? Column::kCourse
                                   : has(Column::kCourseCode) ? Column::kCourseCode
                                                              : Column::kCourseTitle),
                   "no course given");
    }
    if (std::string p = utf8::ProblemWithText(reg.course_title, 300); !p.empty()) {
      problems.Add(rec.line, "", "the course title " + p);
    }

    // Times: "start"/"end" are full date-times, or times of day with a separate date column.
    const std::string date = has(Column::kDate) ? cell(Column::kDate) : "";
    std::optional<ParsedDateTime> day;
    if (!date.empty()) {
      auto d = ParseDateTime(date);
      if (!d.ok()) problems.Add(rec.line, label(Column::kDate), d.status().message());
      else day = *d;
    }
    auto parse_time = [&](Column c, int64_t* out_ms) -> bool {
      std::string value = cell(c);
      if (value.empty()) {
        problems.Add(rec.line, label(c), "empty; a date and time is needed, e.g. 27.11.2026 09:00 or 2026-11-27T09:00");
        return false;
      }
      auto parsed = ParseDateTime(value);
      if (!parsed.ok() && day) {
        // A time of day ("09:00", "9:00") on the row's date.
        parsed = ParseDateTime(FormatCivilIso(day->civil).substr(0, 10) + "T" + (value.size() == 4 ? "0" + value : value));
      }
      if (!parsed.ok()) {
        problems.Add(rec.line, label(c), parsed.status().message());
        return false;
      }
      if (!parsed->has_time) {
        problems.Add(rec.line, label(c), "'" + value + "' has a date but no time of day");
        return false;
      }
      *out_ms = options.time_zone.Resolve(*parsed) * 1000;
      return true;
    };
    const bool start_ok = parse_time(Column::kStart, &reg.starts_at_ms);
    const bool end_ok = parse_time(Column::kEnd, &reg.ends_at_ms);
    if (start_ok && end_ok && reg.ends_at_ms <= reg.starts_at_ms) {
      problems.Add(rec.line, label(Column::kEnd), "the session ends before it starts");
    }
    reg.room = has(Column::kRoom) ? cell(Column::kRoom) : "";
    if (std::string p = utf8::ProblemWithText(reg.room, 120); !p.empty()) {
      problems.Add(rec.line, label(Column::kRoom), "the room " + p);
    }
    rows.push_back(std::move(reg));
  }
  if (!problems.empty()) return problems.ToStatus();
  if (rows.empty()) return InvalidArgument(file + ": the file has a header but no registrations");

  // Apply, all or nothing.
  Status applied = store.Write([&](WriteContext& ctx) -> Status {
    MK_RETURN_IF_ERROR(ReadCentre(ctx.db, options.centre_id).status());
    std::map<std::string, std::string> course_by_key;  // code or title -> id, for rows of this file
    for (const Registration& reg : rows) {
      auto where = [&](const Status& s) { return s.WithContext(file + ", line " + std::to_string(reg.line)); };
      ++summary.rows;
      // Course.
      const std::string key = reg.course_code.empty() ? "title:" + reg.course_title : "code:" + reg.course_code;
      std::string course_id;
      if (auto it = course_by_key.find(key); it != course_by_key.end()) {
        course_id = it->second;
      } else {
        // A bare "Kurs" value is looked up as a code first, then as a title.
        const std::string& lookup_code = reg.course_code_or_title ? reg.course_title : reg.course_code;
        auto found = FindCourseId(ctx.db, options.centre_id, lookup_code, reg.course_title);
        if (!found.ok()) return where(found.status());
        if (*found) {
          course_id = **found;
        } else if (!reg.course_title.empty() && !(reg.course_code.empty() && has(Column::kCourseCode))) {
          Course c;
          c.centre_id = options.centre_id;
          c.code = reg.course_code;
          c.title = reg.course_title;
          auto id = InsertCourse(ctx, c);
          if (!id.ok()) return where(id.status());
          course_id = *id;
          ++summary.courses_created;
        } else {
          problems.Add(reg.line, "", "unknown course code '" + reg.course_code +
                                         "' (add a course_title/Kurstitel column to create new courses)");
          continue;
        }
        course_by_key[key] = course_id;
      }
      // Session.
      auto session = FindSessionId(ctx.db, course_id, reg.starts_at_ms);
      if (!session.ok()) return where(session.status());
      std::string session_id;
      if (*session) {
        session_id = **session;
      } else {
        Session s;
        s.course_id = course_id;
        s.starts_at = reg.starts_at_ms;
        s.ends_at = reg.ends_at_ms;
        s.room = reg.room;
        auto id = InsertSession(ctx, s);
        if (!id.ok()) return where(id.status());
        session_id = *id;
        ++summary.sessions_created;
      }
      // Person.
      auto person = FindPersonId(ctx.db, options.centre_id, reg.person.email, reg.person.first_name,
                                 reg.person.last_name, reg.person.school);
      if (!person.ok()) return where(person.status());
      std::string person_id;
      if (*person) {
        person_id = **person;
        ++summary.people_matched;
      } else {
        Person p = reg.person;
        if (p.consent_data) p.consent_at = ctx.now_ms;
        auto id = InsertPerson(ctx, p);
        if (!id.ok()) return where(id.status());
        person_id = *id;
        ++summary.people_created;
      }
      auto enrolled = InsertEnrolment(ctx, session_id, person_id, EnrolmentSource::kImport);
      if (!enrolled.ok()) return where(enrolled.status());
      if (*enrolled) ++summary.enrolments_created;
    }
    if (!problems.empty()) return problems.ToStatus();
    return Status::Ok();
  });
  if (!applied.ok()) return applied;
  return summary;
}

Result<ImportSummary> ImportRegistrationsFile(Store& store, const std::string& path, ImportOptions options) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    return InvalidArgument(path + " is not a file (a directory or device?); give the path of the CSV file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open " + path + " for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return IoError("cannot read " + path);
  if (static_cast<size_t>(size) > kMaxImportBytes) {
    return InvalidArgument(path + ": the file is larger than " + std::to_string(kMaxImportBytes / (1024 * 1024)) +
                           " MB; split it into smaller files");
  }
  in.seekg(0);
  std::string bytes(static_cast<size_t>(size), '\0');
  if (size > 0 && !in.read(bytes.data(), size)) return IoError("cannot read " + path);
  if (options.file_label == "input") options.file_label = path;
  return ImportRegistrations(store, bytes, options);
}

}  // namespace mk::store
