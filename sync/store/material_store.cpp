// Course materials as records: validation, insert, delete and the lists a session and a centre show.
#include "material_store.h"

#include <algorithm>
#include <cctype>

#include "sync/common/utf8.h"

namespace mk::store {
namespace {

constexpr const char* kMaterialColumns =
    "m.id, m.centre_id, m.course_id, m.session_id, m.title, m.description, m.licence, m.purpose, m.file_name, "
    "m.media_type, m.size_bytes, m.sha256, m.created_at, m.updated_at";

Material MaterialFromRow(const Statement& st) {
  Material m;
  m.id = st.ColumnText(0);
  m.centre_id = st.ColumnText(1);
  m.course_id = st.ColumnOptionalText(2);
  m.session_id = st.ColumnOptionalText(3);
  m.title = st.ColumnText(4);
  m.description = st.ColumnText(5);
  m.licence = st.ColumnText(6);
  m.purpose = st.ColumnText(7);
  m.file_name = st.ColumnText(8);
  m.media_type = st.ColumnText(9);
  m.size_bytes = st.ColumnInt(10);
  m.sha256 = st.ColumnText(11);
  m.created_at = st.ColumnInt(12);
  m.updated_at = st.ColumnInt(13);
  return m;
}

Result<std::vector<Material>> Collect(Statement& st) {
  std::vector<Material> out;
  for (;;) {
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    out.push_back(MaterialFromRow(st));
  }
  return out;
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string Quoted(std::string_view text) {
  // Names in messages: cut, so a very long one does not flood the message.
  std::string out = "'";
  out += utf8::Truncate(text, 80);
  if (utf8::Length(text) > 80) out += "…";
  out += "'";
  return out;
}

}  // namespace

std::string ProblemWithFileName(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name == "." || name == "..") return "is '" + std::string(name) + "', which names a folder, not a file";
  if (name.size() > kMaxFileNameBytes) {
    return "is too long (" + std::to_string(name.size()) + " bytes, at most " + std::to_string(kMaxFileNameBytes) + ")";
  }
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
    return "contains a path separator ('/' or '\\')";
  }
  return utf8::ProblemWithText(name, kMaxFileNameBytes);
}

std::string MediaTypeForFileName(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == name.size()) return "application/octet-stream";
  std::string ext;
  for (char c : name.substr(dot + 1)) ext.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static const std::pair<const char*, const char*> kTypes[] = {
      {"pdf", "application/pdf"},
      {"txt", "text/plain; charset=utf-8"},
      {"md", "text/markdown; charset=utf-8"},
      {"csv", "text/csv; charset=utf-8"},
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"svg", "image/svg+xml"},
      {"webp", "image/webp"},
      {"mp4", "video/mp4"},
      {"webm", "video/webm"},
      {"mp3", "audio/mpeg"},
      {"ogg", "audio/ogg"},
      {"zip", "application/zip"},
      {"odt", "application/vnd.oasis.opendocument.text"},
      {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
      {"odp", "application/vnd.oasis.opendocument.presentation"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"ggb", "application/vnd.geogebra.file"},
      {"sb3", "application/x.scratch.sb3"},
      {"py", "text/x-python; charset=utf-8"},
      {"ino", "text/plain; charset=utf-8"},
  };
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

Status ValidateMaterial(const Material& m) {
  if (utf8::NormalizeSpaces(m.title).empty()) return InvalidArgument("title is empty");
  if (std::string p = utf8::ProblemWithText(m.title, kMaxMaterialTitle); !p.empty()) {
    return InvalidArgument("title " + p);
  }
  // A description may have line breaks; every other control character is refused.
  std::string description = m.description;
  std::replace(description.begin(), description.end(), '\n', ' ');
  if (std::string p = utf8::ProblemWithText(description, kMaxMaterialDescription); !p.empty()) {
    return InvalidArgument("description " + p);
  }
  if (std::string p = utf8::ProblemWithText(m.licence, kMaxMaterialLicence); !p.empty()) {
    return InvalidArgument("licence " + p);
  }
  if (std::string p = utf8::ProblemWithText(m.purpose, kMaxMaterialPurpose); !p.empty()) {
    return InvalidArgument("purpose " + p);
  }
  if (std::string p = ProblemWithFileName(m.file_name); !p.empty()) {
    return InvalidArgument("file name " + Quoted(m.file_name) + " " + p);
  }
  if (std::string p = utf8::ProblemWithText(m.media_type, 200); !p.empty() || m.media_type.empty()) {
    return InvalidArgument("media type " + (p.empty() ? std::string("is empty") : p));
  }
  if (m.size_bytes < 0) return InvalidArgument("size cannot be negative");
  if (!IsLowerHex64(m.sha256)) return InvalidArgument("sha256 must be 64 lower-case hex digits");
  if (!m.course_id && !m.session_id) return InvalidArgument("course or session: a material belongs to one of them");
  return Status::Ok();
}

Result<std::string> InsertMaterial(WriteContext& ctx, const Material& given) {
  Material m = given;
  m.title = utf8::NormalizeSpaces(m.title);
  m.licence = utf8::NormalizeSpaces(m.licence);
  m.purpose = utf8::NormalizeSpaces(m.purpose);
  MK_RETURN_IF_ERROR(ValidateMaterial(m));
  if (m.session_id) {
    MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare("SELECT course_id FROM sessions WHERE id = ?1"));
    st.Bind(1, *m.session_id);
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("session " + Quoted(*m.session_id) + " does not exist on this device");
    const std::string course = st.ColumnText(0);
    if (m.course_id && *m.course_id != course) {
      return InvalidArgument("course " + Quoted(*m.course_id) + " is not the course of session " +
                             Quoted(*m.session_id));
    }
    m.course_id = course;
  }
  {
    MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare("SELECT centre_id FROM courses WHERE id = ?1"));
    st.Bind(1, *m.course_id);
    MK_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("course " + Quoted(*m.course_id) + " does not exist on this device");
    m.centre_id = st.ColumnText(0);
  }
  const std::string id = m.id.empty() ? ctx.NewId() : m.id;
  MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare(
      "INSERT INTO materials(id, centre_id, course_id, session_id, title, description, licence, purpose, file_name, "
      "media_type, size_bytes, sha256, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)"));
  st.Bind(1, id).Bind(2, m.centre_id).Bind(3, m.course_id).Bind(4, m.session_id).Bind(5, m.title)
      .Bind(6, m.description).Bind(7, m.licence).Bind(8, m.purpose).Bind(9, m.file_name).Bind(10, m.media_type)
      .Bind(11, m.size_bytes).Bind(12, m.sha256).Bind(13, ctx.now_ms);
  MK_RETURN_IF_ERROR(st.Run().WithContext("adding material " + Quoted(m.title)));
  return id;
}

Status DeleteMaterial(WriteContext& ctx, const std::string& id) {
  MK_ASSIGN_OR_RETURN(Statement st, ctx.db.Prepare("DELETE FROM materials WHERE id = ?1"));
  st.Bind(1, id);
  MK_RETURN_IF_ERROR(st.Run());
  if (ctx.db.Changes() == 0) return NotFound("material " + Quoted(id) + " does not exist on this device");
  return Status::Ok();
}

Result<std::optional<Material>> ReadMaterial(Database& db, const std::string& id) {
  MK_ASSIGN_OR_RETURN(Statement st,
                      db.Prepare(std::string("SELECT ") + kMaterialColumns + " FROM materials m WHERE m.id = ?1"));
  st.Bind(1, id);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<Material>();
  return std::optional<Material>(MaterialFromRow(st));
}

Result<std::vector<Material>> ListSessionMaterials(Database& db, const std::string& session_id) {
  MK_ASSIGN_OR_RETURN(Statement session, db.Prepare("SELECT course_id FROM sessions WHERE id = ?1"));
  session.Bind(1, session_id);
  MK_ASSIGN_OR_RETURN(bool found, session.Step());
  if (!found) return NotFound("session " + Quoted(session_id) + " does not exist on this device");
  const std::string course_id = session.ColumnText(0);
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kMaterialColumns +
                                               " FROM materials m WHERE m.session_id = ?1 OR "
                                               "(m.session_id IS NULL AND m.course_id = ?2) "
                                               "ORDER BY m.title COLLATE NOCASE, m.created_at, m.id"));
  st.Bind(1, session_id).Bind(2, course_id);
  return Collect(st);
}

Result<std::vector<Material>> ListCentreMaterials(Database& db, const std::string& centre_id) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare(std::string("SELECT ") + kMaterialColumns +
                                               " FROM materials m WHERE m.centre_id = ?1 "
                                               "ORDER BY m.title COLLATE NOCASE, m.created_at, m.id"));
  st.Bind(1, centre_id);
  return Collect(st);
}

Result<int64_t> CountMaterialsWithFile(Database& db, const std::string& sha256) {
  MK_ASSIGN_OR_RETURN(Statement st, db.Prepare("SELECT count(*) FROM materials WHERE sha256 = ?1"));
  st.Bind(1, sha256);
  MK_ASSIGN_OR_RETURN(bool row, st.Step());
  (void)row;
  return st.ColumnInt(0);
}

}  // namespace mk::store
