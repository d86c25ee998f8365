// The table registry of sync (see sync_tables.h).
#include "sync_tables.h"

#include <algorithm>

namespace mk::store {

const std::vector<SyncTable>& SyncTables() {
  using S = SyncTable::Scope;
  static const std::vector<SyncTable> kTables = {
      {"centres", {"id"},
       {"id", "name", "region", "country", "time_zone", "organisation_model", "funding", "dependence",
        "contact_email", "contact_phone", "address", "min_attendance_share", "late_after_minutes", "created_at",
        "updated_at", "close_marks_absent"},
       MergeKind::kFields, S::kIsCentre, {}, {}},
      {"target_groups", {"id"}, {"id", "subject", "school_level", "role"}, MergeKind::kInsertOnly, S::kGlobal, {}, {}},
      {"partners", {"id"}, {"id", "centre_id", "name", "kind", "created_at", "updated_at"}, MergeKind::kRow,
       S::kOwnColumn, {}, {}},
      {"collaborations", {"id"},
       {"id", "centre_id", "partner_id", "kind", "description", "created_at", "updated_at"}, MergeKind::kRow,
       S::kOwnColumn, {}, {{"partner_id", "partners"}}},
      {"courses", {"id"},
       {"id", "centre_id", "code", "title", "description", "format", "hours", "accreditation", "capacity",
        "created_at", "updated_at"},
       MergeKind::kFields, S::kOwnColumn, {}, {}},
      {"course_target_groups", {"course_id", "target_group_id"}, {"course_id", "target_group_id"}, MergeKind::kRow,
       S::kParent, {"course_id", "courses"}, {}},
      {"people", {"id"},
       {"id", "centre_id", "kind", "first_name", "last_name", "school", "email", "subjects", "participant_code",
        "consent_data", "consent_at", "erased_at", "created_at", "updated_at"},
       MergeKind::kFields, S::kOwnColumn, {}, {}},
      {"trainer_pins", {"person_id"}, {"person_id", "pin_hash", "updated_at"}, MergeKind::kRow, S::kParent,
       {"person_id", "people"}, {}},
      {"survey_templates", {"id"}, {"id", "centre_id", "kind", "template_json", "updated_at"}, MergeKind::kFields,
       S::kOwnColumn, {}, {}},
      {"sessions", {"id"},
       {"id", "course_id", "starts_at", "ends_at", "room", "trainer_id", "created_at", "updated_at", "closed_at",
        "follow_up"},
       MergeKind::kFields, S::kParent, {"course_id", "courses"}, {{"trainer_id", "people"}}},
      {"enrolments", {"session_id", "person_id"}, {"session_id", "person_id", "source", "created_at"},
       MergeKind::kRow, S::kParent, {"session_id", "sessions"}, {{"person_id", "people"}}},
      {"attendance", {"session_id", "person_id"},
       {"session_id", "person_id", "status", "checked_in_at", "method", "device_id", "left_at", "note",
        "status_by", "updated_at"},
       MergeKind::kAttendance, S::kParent, {"session_id", "sessions"}, {{"person_id", "people"}}},
      {"materials", {"id"},
       {"id", "centre_id", "course_id", "session_id", "title", "description", "licence", "purpose", "file_name",
        "media_type", "size_bytes", "sha256", "created_at", "updated_at"},
       MergeKind::kRow, S::kOwnColumn, {}, {{"course_id", "courses"}, {"session_id", "sessions"}}},
      {"feedback", {"id"}, {"id", "session_id", "kind", "answers_json", "created_at"}, MergeKind::kInsertOnly,
       S::kParent, {"session_id", "sessions"}, {}},
      {"certificates", {"id"},
       {"id", "session_id", "person_id", "hours_attended", "language", "verification_code", "issued_at", "note"},
       MergeKind::kInsertOnly, S::kParent, {"session_id", "sessions"}, {{"person_id", "people"}}},
  };
  return kTables;
}

const SyncTable* FindSyncTable(std::string_view name) {
  for (const SyncTable& t : SyncTables()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const std::vector<std::string_view>& PersonalColumns(std::string_view table) {
  static const std::vector<std::string_view> kPeople = {"first_name", "last_name", "school",
                                                        "email",      "subjects",  "participant_code"};
  static const std::vector<std::string_view> kAttendance = {"note"};
  static const std::vector<std::string_view> kNone;
  if (table == "people") return kPeople;
  if (table == "attendance") return kAttendance;
  return kNone;
}

bool IsPersonalColumn(std::string_view table, std::string_view column) {
  const std::vector<std::string_view>& cols = PersonalColumns(table);
  return std::find(cols.begin(), cols.end(), column) != cols.end();
}

bool IsAttendanceWithdrawal(std::string_view status_by, bool has_checked_in_at, int64_t checked_in_at,
                            int64_t updated_at) {
  return status_by == "kiosk" && (!has_checked_in_at || checked_in_at != updated_at);
}

}  // namespace mk::store
