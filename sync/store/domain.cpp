// Text codes of the domain enums, and the words spreadsheets use for subjects.
#include "domain.h"

#include <array>
#include <utility>

#include "sync/common/search_fold.h"

namespace mk::store {
namespace {

template <typename E, size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view code) {
  for (const auto& [value, text] : table) {
    if (text == code) return value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [value, text] : table) {
    if (value == v) return text;
  }
  return "unknown";
}

constexpr std::array<std::pair<OrganisationModel, std::string_view>, 5> kOrganisationModels{{
    {OrganisationModel::kUniversityBased, "university_based"},
    {OrganisationModel::kStateInstitute, "state_institute"},
    {OrganisationModel::kIndependentNgo, "independent_ngo"},
    {OrganisationModel::kFoundationFunded, "foundation_funded"},
    {OrganisationModel::kIndustryFunded, "industry_funded"},
}};
constexpr std::array<std::pair<PartnerKind, std::string_view>, 7> kPartnerKinds{{
    {PartnerKind::kUniversity, "university"},
    {PartnerKind::kSchool, "school"},
    {PartnerKind::kCompany, "company"},
    {PartnerKind::kScienceCentre, "science_centre"},
    {PartnerKind::kMinistry, "ministry"},
    {PartnerKind::kNgo, "ngo"},
    {PartnerKind::kMuseum, "museum"},
}};
constexpr std::array<std::pair<Subject, std::string_view>, 7> kSubjects{{
    {Subject::kMathematics, "mathematics"},
    {Subject::kComputerScience, "computer_science"},
    {Subject::kBiology, "biology"},
    {Subject::kChemistry, "chemistry"},
    {Subject::kPhysics, "physics"},
    {Subject::kTechnology, "technology"},
    {Subject::kInterdisciplinaryStem, "interdisciplinary_stem"},
}};
constexpr std::array<std::pair<SchoolLevel, std::string_view>, 4> kLevels{{
    {SchoolLevel::kPrimary, "primary"},
    {SchoolLevel::kLowerSecondary, "lower_secondary"},
    {SchoolLevel::kUpperSecondary, "upper_secondary"},
    {SchoolLevel::kVocational, "vocational"},
}};
constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles{{
    {Role::kTeacher, "teacher"},
    {Role::kTrainerMultiplier, "trainer_multiplier"},
    {Role::kSchoolLeader, "school_leader"},
}};
constexpr std::array<std::pair<CourseFormat, std::string_view>, 3> kFormats{{
    {CourseFormat::kInPerson, "in_person"},
    {CourseFormat::kBlended, "blended"},
    {CourseFormat::kOnline, "online"},
}};
constexpr std::array<std::pair<AttendanceStatus, std::string_view>, 4> kStatuses{{
    {AttendanceStatus::kPresent, "present"},
    {AttendanceStatus::kLate, "late"},
    {AttendanceStatus::kExcused, "excused"},
    {AttendanceStatus::kAbsent, "absent"},
}};
constexpr std::array<std::pair<CheckInMethod, std::string_view>, 5> kMethods{{
    {CheckInMethod::kKioskSearch, "kiosk_search"},
    {CheckInMethod::kCode, "code"},
    {CheckInMethod::kWalkIn, "walk_in"},
    {CheckInMethod::kTrainer, "trainer"},
    {CheckInMethod::kAdmin, "admin"},
}};
constexpr std::array<std::pair<PersonKind, std::string_view>, 2> kPersonKinds{{
    {PersonKind::kTeacher, "teacher"},
    {PersonKind::kTrainer, "trainer"},
}};
constexpr std::array<std::pair<EnrolmentSource, std::string_view>, 3> kSources{{
    {EnrolmentSource::kImport, "import"},
    {EnrolmentSource::kWalkIn, "walk_in"},
    {EnrolmentSource::kManual, "manual"},
}};

}  // namespace

std::string_view ToCode(OrganisationModel v) { return Name(kOrganisationModels, v); }
std::string_view ToCode(PartnerKind v) { return Name(kPartnerKinds, v); }
std::string_view ToCode(Subject v) { return Name(kSubjects, v); }
std::string_view ToCode(SchoolLevel v) { return Name(kLevels, v); }
std::string_view ToCode(Role v) { return Name(kRoles, v); }
std::string_view ToCode(CourseFormat v) { return Name(kFormats, v); }
std::string_view ToCode(AttendanceStatus v) { return Name(kStatuses, v); }
std::string_view ToCode(CheckInMethod v) { return Name(kMethods, v); }
std::string_view ToCode(PersonKind v) { return Name(kPersonKinds, v); }
std::string_view ToCode(EnrolmentSource v) { return Name(kSources, v); }

std::optional<OrganisationModel> ParseOrganisationModel(std::string_view c) { return Lookup(kOrganisationModels, c); }
std::optional<PartnerKind> ParsePartnerKind(std::string_view c) { return Lookup(kPartnerKinds, c); }
std::optional<Subject> ParseSubject(std::string_view c) { return Lookup(kSubjects, c); }
std::optional<SchoolLevel> ParseSchoolLevel(std::string_view c) { return Lookup(kLevels, c); }
std::optional<Role> ParseRole(std::string_view c) { return Lookup(kRoles, c); }
std::optional<CourseFormat> ParseCourseFormat(std::string_view c) { return Lookup(kFormats, c); }
std::optional<AttendanceStatus> ParseAttendanceStatus(std::string_view c) { return Lookup(kStatuses, c); }
std::optional<CheckInMethod> ParseCheckInMethod(std::string_view c) { return Lookup(kMethods, c); }

std::optional<Subject> SubjectFromWord(std::string_view word) {
  // Keys are folded (lower-case ASCII), so "Mathé", "MATHE" and "Mathe" all match.
  static constexpr std::pair<std::string_view, Subject> kWords[] = {
      {"mathematics", Subject::kMathematics}, {"mathematik", Subject::kMathematics},
      {"mathe", Subject::kMathematics},       {"maths", Subject::kMathematics},
      {"math", Subject::kMathematics},        {"computer_science", Subject::kComputerScience},
      {"computer science", Subject::kComputerScience}, {"informatik", Subject::kComputerScience},
      {"computing", Subject::kComputerScience}, {"biology", Subject::kBiology},
      {"biologie", Subject::kBiology},        {"bio", Subject::kBiology},
      {"chemistry", Subject::kChemistry},     {"chemie", Subject::kChemistry},
      {"physics", Subject::kPhysics},         {"physik", Subject::kPhysics},
      {"technology", Subject::kTechnology},   {"technik", Subject::kTechnology},
      {"interdisciplinary_stem", Subject::kInterdisciplinaryStem},
      {"interdisciplinary stem", Subject::kInterdisciplinaryStem}, {"stem", Subject::kInterdisciplinaryStem},
      {"mint", Subject::kInterdisciplinaryStem}, {"sachunterricht", Subject::kInterdisciplinaryStem},
      {"naturwissenschaften", Subject::kInterdisciplinaryStem}, {"nawi", Subject::kInterdisciplinaryStem},
      {"science", Subject::kInterdisciplinaryStem},
  };
  std::string folded = FoldLatin(word);
  while (!folded.empty() && folded.back() == ' ') folded.pop_back();
  while (!folded.empty() && folded.front() == ' ') folded.erase(folded.begin());
  for (const auto& [text, subject] : kWords) {
    if (folded == text) return subject;
  }
  return std::nullopt;
}

std::string TargetGroup::Id() const {
  std::string id(ToCode(subject));
  id += '/';
  id += ToCode(level);
  id += '/';
  id += ToCode(role);
  return id;
}

}  // namespace mk::store
