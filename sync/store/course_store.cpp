// Courses, their target groups, and sessions.
#include "store.h"
#include "sync/common/utf8.h"

namespace mk::store {
namespace {

constexpr const char* kSessionViewSelect =
    "SELECT s.id, s.course_id, s.starts_at, s.ends_at, s.room, c.title, c.code "
    "FROM sessions s JOIN courses c ON c.id = s.course_id ";

SessionView SessionViewFromRow(const Statement& st) {
  SessionView v;
  v.session.id = st.ColumnText(0);
  v.session.course_id = st.ColumnText(1);
  v.session.starts_at = st.ColumnInt(2);
  v.session.ends_at = st.ColumnInt(3);
  v.session.room = st.ColumnText(4);
  v.course_title = st.ColumnText(5);
  v.course_code = st.ColumnText(6);
  return v;
}

}  // namespace

Result<std::string> InsertCourse(WriteContext& ctx, const Course& c) {
  if (utf8::NormalizeSpaces(c.title).empty()) return InvalidArgument("the course title is empty");
  if (std::string p = utf8::ProblemWithText(c.title, 300); !p.empty()) return InvalidArgument("the course title " + p);
  if (std::string p = utf8::ProblemWithText(c.code, 40); !p.empty()) return InvalidArgument("the course code " + p);
  if (c.hours < 0 || c.hours > 1000) return InvalidArgument("course hours must be between 0 and 1000");
  if (c.capacity < 0) return InvalidArgument("course capacity cannot be negative");
  const std::string id = c.id.empty() ? ctx.NewId() : c.id;
  MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
      "INSERT INTO courses(id, centre_id, code, title, description, format, hours, accreditation, capacity, "
      "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)"));
  st.Bind(1, id).Bind(2, c.centre_id).Bind(3, c.code).Bind(4, utf8::NormalizeSpaces(c.title)).Bind(5, c.description)
      .Bind(6, ToCode(c.format)).Bind(7, c.hours).Bind(8, c.accreditation).Bind(9, c.capacity).Bind(10, ctx.now_ms);
  MK_RETURN_IF_ERROR(st.Run().WithContext("adding course '" + c.title + "'"));

  MK_ASSIGN_OR_RETURN(Statement group, ctx.db.Prepare(
      "INSERT OR IGNORE INTO target_groups(id, subject, school_level, role) VALUES (?1, ?2, ?3, ?4)"));
  MK_ASSIGN_OR_RETURN(Statement link, ctx.db.Prepare(
      "INSERT OR IGNORE INTO course_target_groups(course_id, target_group_id) VALUES (?1, ?2)"));
  for (const TargetGroup& tg : c.target_groups) {
    MK_RETURN_IF_ERROR(group.Reset());
    group.Bind(1, tg.Id()).Bind(2, ToCode(tg.subject)).Bind(3, ToCode(tg.level)).Bind(4, ToCode(tg.role));
    MK_RETURN_IF_ERROR(group.Run());
    MK_RETURN_IF_ERROR(link.Reset());
    link.Bind(1, id).Bind(2, tg.Id());
    MK_RETURN_IF_ERROR(link.Run());
  }
  return id;
}

Result<std::string> InsertSession(WriteContext& ctx, const Session& s) {
  if (s.ends_at <= s.starts_at) return InvalidArgument("a session must end after it starts");
  if (std::string p = utf8::ProblemWithText(s.room, 120); !p.empty()) return InvalidArgument("the room " + p);
  const std::string id = s.id.empty() ? ctx.NewId() : s.id;
  MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
      "INSERT INTO sessions(id, course_id, starts_at, ends_at, room, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)"));
  st.Bind(1, id).Bind(2, s.course_id).Bind(3, s.starts_at).Bind(4, s.ends_at).Bind(5, utf8::NormalizeSpaces(s.room))
      .Bind(6, ctx.now_ms);
  MK_RETURN_IF_ERROR(st.Run().WithContext("adding a session"));
  return id;
}

Result<std::optional<std::string>> FindCourseId(Database& db, const std::string& centre_id, std::string_view code,
                                                std::string_view title) {
  if (!code.empty()) {
    MK_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT id FROM courses WHERE centre_id = ?1 AND code = ?2"));
    st.Bind(1, centre_id).Bind(2, code);
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) return std::optional<std::string>(st.ColumnText(0));
  }
  if (!title.empty()) {
    // Titles compare without regard to case (ASCII) and surrounding spaces.
    MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
        "SELECT id FROM courses WHERE centre_id = ?1 AND title = ?2 COLLATE NOCASE ORDER BY created_at, id LIMIT 1"));
    st.Bind(1, centre_id).Bind(2, utf8::NormalizeSpaces(title));
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) return std::optional<std::string>(st.ColumnText(0));
  }
  return std::optional<std::string>();
}

Result<std::optional<std::string>> FindSessionId(Database& db, const std::string& course_id, int64_t starts_at) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(
      "SELECT id FROM sessions WHERE course_id = ?1 AND starts_at = ?2 ORDER BY id LIMIT 1"));
  st.Bind(1, course_id).Bind(2, starts_at);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) return std::optional<std::string>(st.ColumnText(0));
  return std::optional<std::string>();
}

Result<std::vector<SessionView>> Store::ListSessions(const std::string& centre_id, int64_t from_ms, int64_t to_ms) {
  // Sessions that overlap [from, to): still running at `from` counts.
  MK_ASSIGN_OR_RETURN(Statement st, db_.Prepare(std::string(kSessionViewSelect) +
      "WHERE c.centre_id = ?1 AND s.ends_at > ?2 AND s.starts_at < ?3 ORDER BY s.starts_at, c.title, s.id"));
  st.Bind(1, centre_id).Bind(2, from_ms).Bind(3, to_ms);
  std::vector<SessionView> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(SessionViewFromRow(st));
  }
  return out;
}

Result<SessionView> Store::GetSession(const std::string& id) { return ReadSession(db_, id); }

Result<SessionView> ReadSession(Database& db, const std::string& id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string(kSessionViewSelect) + "WHERE s.id = ?1"));
  st.Bind(1, id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("no session with id " + id);
  return SessionViewFromRow(st);
}

}  // namespace mk::store
