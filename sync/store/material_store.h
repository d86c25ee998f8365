// Course materials as records: the rows of the replicated table `materials` (their files live in sync/files).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store.h"

namespace mk::store {

// One material: a file with its description, attached to a course (for every session of it) or
// to one session. The file itself is content-addressed: `sha256` and `size_bytes` name it.
struct Material {
  std::string id;
  std::string centre_id;
  std::optional<std::string> course_id;
  std::optional<std::string> session_id;
  std::string title;
  std::string description;
  std::string licence;      // "CC BY 4.0", "CC0 1.0", "all rights reserved", ...
  std::string purpose;      // what it is for: worksheet, slides, further reading, ...
  std::string file_name;    // the name it is handed out under: no path, no control characters
  std::string media_type = "application/octet-stream";
  int64_t size_bytes = 0;
  std::string sha256;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// Limits of the text fields (code points).
inline constexpr size_t kMaxMaterialTitle = 200;
inline constexpr size_t kMaxMaterialDescription = 2000;
inline constexpr size_t kMaxMaterialLicence = 100;
inline constexpr size_t kMaxMaterialPurpose = 200;
inline constexpr size_t kMaxFileNameBytes = 255;  // what every common file system takes

// Why `name` cannot be a material's file name; empty when it can. Refused: empty, "." and "..",
// longer than kMaxFileNameBytes bytes, invalid UTF-8, control characters or bidirectional
// overrides, and path separators ('/' and '\\'): a name never leads anywhere but into the one
// folder it is written to.
std::string ProblemWithFileName(std::string_view name);

// The media type handed out with a file, from its extension (case-insensitive);
// application/octet-stream when unknown.
std::string MediaTypeForFileName(std::string_view name);

// Checks every field; the message starts with the field ("title ...", "file name ...").
Status ValidateMaterial(const Material& material);

// Inserts a material (a new id unless one is given; created_at and updated_at are the
// context's time). Exactly one of course_id and session_id may be empty; a session given
// without a course takes the session's course; the centre is the course's. The row goes
// through the store's write path, so change capture queues it for the server.
Result<std::string> InsertMaterial(WriteContext& ctx, const Material& material);

// Deletes a material row (a tombstone for sync). kNotFound when there is no such material.
Status DeleteMaterial(WriteContext& ctx, const std::string& id);

Result<std::optional<Material>> ReadMaterial(Database& db, const std::string& id);

// The materials a session hands out: those attached to it and those attached to its course,
// ordered by title. kNotFound when the session does not exist.
Result<std::vector<Material>> ListSessionMaterials(Database& db, const std::string& session_id);
// Every material of a centre, ordered by title.
Result<std::vector<Material>> ListCentreMaterials(Database& db, const std::string& centre_id);
// How many materials name the file `sha256` (any centre).
Result<int64_t> CountMaterialsWithFile(Database& db, const std::string& sha256);

}  // namespace mk::store
