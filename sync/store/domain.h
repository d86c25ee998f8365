// The domain of a PD centre as plain value types: what the store keeps, with no SQL in sight.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mk::store {

// Every enum is stored as its text code (stable, readable in exports and sync payloads).
// ParseX returns nullopt for an unknown code.

enum class OrganisationModel { kUniversityBased, kStateInstitute, kIndependentNgo, kFoundationFunded, kIndustryFunded };
enum class PartnerKind { kUniversity, kSchool, kCompany, kScienceCentre, kMinistry, kNgo, kMuseum };
enum class Subject { kMathematics, kComputerScience, kBiology, kChemistry, kPhysics, kTechnology, kInterdisciplinaryStem };
enum class SchoolLevel { kPrimary, kLowerSecondary, kUpperSecondary, kVocational };
enum class Role { kTeacher, kTrainerMultiplier, kSchoolLeader };
enum class CourseFormat { kInPerson, kBlended, kOnline };
enum class AttendanceStatus { kPresent, kLate, kExcused, kAbsent };
enum class CheckInMethod { kKioskSearch, kCode, kWalkIn, kTrainer, kAdmin };
enum class PersonKind { kTeacher, kTrainer };
enum class EnrolmentSource { kImport, kWalkIn, kManual };

std::string_view ToCode(OrganisationModel v);
std::string_view ToCode(PartnerKind v);
std::string_view ToCode(Subject v);
std::string_view ToCode(SchoolLevel v);
std::string_view ToCode(Role v);
std::string_view ToCode(CourseFormat v);
std::string_view ToCode(AttendanceStatus v);
std::string_view ToCode(CheckInMethod v);
std::string_view ToCode(PersonKind v);
std::string_view ToCode(EnrolmentSource v);

std::optional<OrganisationModel> ParseOrganisationModel(std::string_view code);
std::optional<PartnerKind> ParsePartnerKind(std::string_view code);
std::optional<Subject> ParseSubject(std::string_view code);
std::optional<SchoolLevel> ParseSchoolLevel(std::string_view code);
std::optional<Role> ParseRole(std::string_view code);
std::optional<CourseFormat> ParseCourseFormat(std::string_view code);
std::optional<AttendanceStatus> ParseAttendanceStatus(std::string_view code);
std::optional<CheckInMethod> ParseCheckInMethod(std::string_view code);

// Subject names as people write them in spreadsheets ("Mathe", "Informatik", "physics", "Bio")
// mapped onto the subject codes; nullopt when the word is not a known subject.
std::optional<Subject> SubjectFromWord(std::string_view word);

// All times are UTC instants in milliseconds since the Unix epoch.
using UtcMs = int64_t;

struct Centre {
  std::string id;
  std::string name;
  std::string region;
  std::string country;  // ISO 3166-1 alpha-2
  std::string time_zone = "Europe/Berlin";
  OrganisationModel organisation_model = OrganisationModel::kIndependentNgo;
  std::string funding;
  std::string dependence;
  std::string contact_email;
  std::string contact_phone;
  std::string address;
  double min_attendance_share = 0.5;
  int late_after_minutes = 15;
};

struct Partner {
  std::string id;
  std::string centre_id;
  std::string name;
  PartnerKind kind = PartnerKind::kSchool;
};

struct Collaboration {
  std::string id;
  std::string centre_id;
  std::string partner_id;
  std::string kind;  // free code such as "co_design", "venue", "funding", "research", "evaluation"
  std::string description;
};

struct TargetGroup {
  Subject subject = Subject::kMathematics;
  SchoolLevel level = SchoolLevel::kPrimary;
  Role role = Role::kTeacher;
  // Natural key, the same on every device: "mathematics/primary/teacher".
  std::string Id() const;
};

struct Course {
  std::string id;
  std::string centre_id;
  std::string code;  // may be empty for courses known only by title
  std::string title;
  std::string description;
  CourseFormat format = CourseFormat::kInPerson;
  double hours = 0;
  std::string accreditation;
  int capacity = 0;  // 0 = no limit
  std::vector<TargetGroup> target_groups;
};

struct Session {
  std::string id;
  std::string course_id;
  UtcMs starts_at = 0;
  UtcMs ends_at = 0;
  std::string room;
};

// A session joined with what a list of sessions shows.
struct SessionView {
  Session session;
  std::string course_title;
  std::string course_code;
};

struct Person {
  std::string id;
  std::string centre_id;
  PersonKind kind = PersonKind::kTeacher;
  std::string first_name;
  std::string last_name;
  std::string school;
  std::optional<std::string> email;
  std::vector<Subject> subjects;
  std::string participant_code;  // printed on badges and QR codes
  bool consent_data = false;     // consented to storage of the personal fields
  std::optional<UtcMs> consent_at;
  std::optional<UtcMs> erased_at;
};

// What a search result may show at a shared kiosk: first name, last initial, school.
struct PersonHit {
  std::string id;
  std::string first_name;
  std::string last_name;
  std::string school;
  int rank = 0;  // higher is better
};

struct Attendance {
  std::string session_id;
  std::string person_id;
  AttendanceStatus status = AttendanceStatus::kPresent;
  std::optional<UtcMs> checked_in_at;  // the checking-in device's clock, kept as data
  CheckInMethod method = CheckInMethod::kKioskSearch;
  std::string device_id;
  std::optional<UtcMs> left_at;  // early leave
  std::string note;
};

}  // namespace mk::store
