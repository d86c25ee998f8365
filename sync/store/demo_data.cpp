// Builds the demo centre from the embedded catalogue with a seeded generator.
#include "demo_data.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "sync/common/search_fold.h"

namespace mk::embedded {
extern const std::string_view DemoCatalogue;
}

namespace mk::store {
namespace {

// splitmix64: small, fast, and the same sequence on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Chance(int percent) { return static_cast<int>(Below(100)) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  uint64_t state_;
};

std::string AsciiLocalPart(std::string_view name) {
  std::string out;
  for (char c : FoldLatin(name)) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

std::string CollaborationKind(PartnerKind kind) {
  switch (kind) {
    case PartnerKind::kUniversity: return "research";
    case PartnerKind::kSchool: return "school_network";
    case PartnerKind::kCompany: return "sponsoring";
    case PartnerKind::kScienceCentre: return "venue";
    case PartnerKind::kMinistry: return "accreditation";
    case PartnerKind::kNgo: return "outreach";
    case PartnerKind::kMuseum: return "venue";
  }
  return "other";
}

}  // namespace

std::string DemoTimeZoneName() {
  auto j = nlohmann::json::parse(embedded::DemoCatalogue, nullptr, false);
  if (j.is_discarded()) return "Europe/Berlin";
  return j["centre"].value("time_zone", "Europe/Berlin");
}

Result<DemoSummary> SeedDemo(Store& store, const DemoOptions& options) {
  const nlohmann::json cat = nlohmann::json::parse(embedded::DemoCatalogue, nullptr, false);
  if (cat.is_discarded()) return Internal("the embedded demo catalogue is not valid JSON");

  DemoSummary summary;
  const uint64_t seed = options.seed;
  uint64_t counter = 0;
  auto next_id = [&] { return DeterministicUuid(seed ^ 0x6d696e746b696f73ULL, ++counter); };
  summary.centre_id = next_id();

  Rng rng(seed);
  Status s = store.Write([&](WriteContext& ctx) -> Status {
    MK_ASSIGN_OR_RETURN(Statement exists, ctx.db.Prepare("SELECT 1 FROM centres WHERE id = ?1"));
    exists.Bind(1, summary.centre_id);
    MK_ASSIGN_OR_RETURN(bool present, exists.Step());
    if (present) {
      summary.already_present = true;
      return Status::Ok();
    }
    try {
      // Centre.
      const auto& jc = cat.at("centre");
      Centre centre;
      centre.id = summary.centre_id;
      centre.name = jc.at("name").get<std::string>();
      centre.region = jc.value("region", "");
      centre.country = jc.value("country", "");
      centre.time_zone = jc.value("time_zone", "Europe/Berlin");
      centre.organisation_model =
          ParseOrganisationModel(jc.value("organisation_model", "")).value_or(OrganisationModel::kIndependentNgo);
      centre.funding = jc.value("funding", "");
      centre.dependence = jc.value("dependence", "");
      centre.contact_email = jc.value("contact_email", "");
      centre.contact_phone = jc.value("contact_phone", "");
      centre.address = jc.value("address", "");
      centre.min_attendance_share = jc.value("min_attendance_share", 0.5);
      centre.late_after_minutes = jc.value("late_after_minutes", 15);
      MK_RETURN_IF_ERROR(InsertCentre(ctx, centre).status());
      MK_ASSIGN_OR_RETURN(Statement home, ctx.db.Prepare(
          "INSERT INTO meta(key, value) VALUES ('home_centre_id', ?1) ON CONFLICT(key) DO UPDATE SET value = ?1"));
      home.Bind(1, summary.centre_id);
      MK_RETURN_IF_ERROR(home.Run());
      MK_ASSIGN_OR_RETURN(Statement dev, ctx.db.Prepare("UPDATE devices SET centre_id = ?1 WHERE id = ?2"));
      dev.Bind(1, summary.centre_id).Bind(2, ctx.device_id);
      MK_RETURN_IF_ERROR(dev.Run());

      // Partners and what the centre does with each.
      for (const auto& jp : cat.at("partners")) {
        Partner p;
        p.id = next_id();
        p.centre_id = summary.centre_id;
        p.name = jp.at("name").get<std::string>();
        p.kind = ParsePartnerKind(jp.value("kind", "")).value_or(PartnerKind::kNgo);
        MK_RETURN_IF_ERROR(InsertPartner(ctx, p).status());
        Collaboration c;
        c.id = next_id();
        c.centre_id = summary.centre_id;
        c.partner_id = p.id;
        c.kind = CollaborationKind(p.kind);
        c.description = jp.value("collaboration", "");
        MK_RETURN_IF_ERROR(InsertCollaboration(ctx, c).status());
        ++summary.partners;
      }

      const auto rooms = cat.at("rooms").get<std::vector<std::string>>();
      const auto first_names = cat.at("first_names").get<std::vector<std::string>>();
      const auto last_names = cat.at("last_names").get<std::vector<std::string>>();
      const auto school_types = cat.at("school_types").get<std::vector<std::string>>();
      const auto towns = cat.at("towns").get<std::vector<std::string>>();
      const auto patrons = cat.at("school_patrons").get<std::vector<std::string>>();

      // Schools: a few hundred, named as German schools are ("Lise-Meitner-Gymnasium Eschwege").
      std::vector<std::string> schools;
      std::set<std::string> school_set;
      for (int i = 0; schools.size() < 240 && i < 5000; ++i) {
        const std::string& type = rng.Pick(school_types);
        const std::string& town = rng.Pick(towns);
        // German school names hyphenate the patron into the type: "Lise-Meitner-Gymnasium".
        std::string patron = rng.Pick(patrons);
        std::replace(patron.begin(), patron.end(), ' ', '-');
        std::string name = rng.Chance(50) ? type + " " + town : patron + "-" + type + " " + town;
        if (school_set.insert(name).second) schools.push_back(name);
      }

      // People: trainers first, then teachers.
      std::vector<std::string> trainer_ids;
      std::vector<std::string> teacher_ids;
      std::vector<std::vector<Subject>> teacher_subjects;
      std::set<std::string> emails;
      const int total = options.trainers + options.teachers;
      for (int i = 0; i < total; ++i) {
        Person p;
        p.id = next_id();
        p.centre_id = summary.centre_id;
        p.kind = i < options.trainers ? PersonKind::kTrainer : PersonKind::kTeacher;
        p.first_name = rng.Pick(first_names);
        p.last_name = rng.Pick(last_names);
        p.school = p.kind == PersonKind::kTrainer ? centre.name : rng.Pick(schools);
        const int n_subjects = 1 + static_cast<int>(rng.Below(2));
        for (int k = 0; k < n_subjects; ++k) {
          Subject sub = static_cast<Subject>(rng.Below(7));
          if (std::find(p.subjects.begin(), p.subjects.end(), sub) == p.subjects.end()) p.subjects.push_back(sub);
        }
        if (rng.Chance(70)) {
          std::string email = AsciiLocalPart(p.first_name) + "." + AsciiLocalPart(p.last_name);
          if (!emails.insert(email).second) email += std::to_string(i);
          emails.insert(email);
          p.email = email + "@schule.example.org";
        }
        // Participant codes are deterministic too, so badges printed for the demo stay valid.
        std::string code;
        for (int k = 0; k < 8; ++k) code.push_back(kCodeAlphabet[rng.Below(kCodeAlphabet.size())]);
        p.participant_code = code;
        p.consent_data = true;
        p.consent_at = ctx.now_ms;
        MK_RETURN_IF_ERROR(InsertPerson(ctx, p).status());
        ++summary.people;
        if (p.kind == PersonKind::kTrainer) {
          trainer_ids.push_back(p.id);
        } else {
          teacher_ids.push_back(p.id);
          teacher_subjects.push_back(p.subjects);
        }
      }

      // The week of `now` in the centre's zone: Monday 00:00 local.
      const CivilTime today = options.time_zone.ToCivil(options.now_ms / 1000);
      const int64_t today_days = DaysFromCivil(today.year, today.month, today.day);
      const int weekday = Weekday(today.year, today.month, today.day);
      const int64_t monday_days = today_days - weekday;
      auto local_ms = [&](int64_t days, int hour, int minute) {
        CivilTime t;
        CivilFromDays(days, &t.year, &t.month, &t.day);
        t.hour = hour;
        t.minute = minute;
        return options.time_zone.FromCivil(t) * 1000;
      };
      static constexpr int kSlots[][2] = {{9, 0}, {9, 30}, {13, 0}, {14, 0}, {16, 30}};
      static constexpr int kSlotHours[] = {3, 3, 3, 2, 2};

      // Courses and their sessions.
      int course_index = 0;
      for (const auto& jk : cat.at("courses")) {
        Course c;
        c.id = next_id();
        c.centre_id = summary.centre_id;
        c.code = jk.value("code", "");
        c.title = jk.at("title").get<std::string>();
        c.description = jk.value("description", "");
        c.format = ParseCourseFormat(jk.value("format", "")).value_or(CourseFormat::kInPerson);
        c.hours = jk.value("hours", 6.0);
        c.accreditation = jk.value("accreditation", "");
        c.capacity = jk.value("capacity", 20);
        for (const auto& sj : jk.at("subjects")) {
          for (const auto& lj : jk.at("levels")) {
            for (const auto& rj : jk.at("roles")) {
              auto sub = ParseSubject(sj.get<std::string>());
              auto lvl = ParseSchoolLevel(lj.get<std::string>());
              auto role = ParseRole(rj.get<std::string>());
              if (sub && lvl && role) c.target_groups.push_back(TargetGroup{*sub, *lvl, *role});
            }
          }
        }
        MK_RETURN_IF_ERROR(InsertCourse(ctx, c).status());
        ++summary.courses;

        const int per_week = std::clamp(jk.value("sessions_per_week", 1), 1, 2);
        for (int k = 0; k < per_week; ++k) {
          Session session;
          session.id = next_id();
          session.course_id = c.id;
          // Spread over Monday..Friday; the first eight courses run today.
          int64_t day = monday_days + static_cast<int64_t>((course_index * 3 + k * 2) % 5);
          size_t slot = static_cast<size_t>((course_index + k) % 5);
          if (course_index < 8 && k == 0) day = today_days;
          session.starts_at = local_ms(day, kSlots[slot][0], kSlots[slot][1]);
          session.ends_at = session.starts_at + int64_t{kSlotHours[slot]} * 3600 * 1000;
          if (course_index == 0 && k == 0) {
            // One session runs right now, whatever the time of day, so the demo can check in.
            session.starts_at = (options.now_ms / (15 * 60 * 1000)) * (15 * 60 * 1000);
            session.ends_at = session.starts_at + 3 * 3600 * 1000;
          }
          session.room = rooms[static_cast<size_t>(course_index) % rooms.size()];
          MK_RETURN_IF_ERROR(InsertSession(ctx, session).status());
          MK_ASSIGN_OR_RETURN(Statement trainer, ctx.db.Prepare("UPDATE sessions SET trainer_id = ?1 WHERE id = ?2"));
          if (!trainer_ids.empty()) {
            trainer.Bind(1, trainer_ids[static_cast<size_t>(course_index) % trainer_ids.size()]).Bind(2, session.id);
            MK_RETURN_IF_ERROR(trainer.Run());
          }
          ++summary.sessions;
          if (day == today_days || (course_index == 0 && k == 0)) ++summary.sessions_today;

          // Enrol teachers, preferring those who teach one of the course's subjects.
          const int want = std::max(4, c.capacity - static_cast<int>(rng.Below(6)));
          std::set<size_t> chosen;
          for (int tries = 0; static_cast<int>(chosen.size()) < want && tries < want * 40 && !teacher_ids.empty(); ++tries) {
            size_t t = rng.Below(teacher_ids.size());
            bool fits = tries > want * 20;
            for (Subject sub : teacher_subjects[t]) {
              for (const auto& tg : c.target_groups) fits = fits || tg.subject == sub;
            }
            if (fits) chosen.insert(t);
          }
          MK_ASSIGN_OR_RETURN(Statement attend, ctx.db.Prepare(
              "INSERT INTO attendance(session_id, person_id, status, checked_in_at, method, device_id, note, updated_at, "
              "status_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, '', ?7, ?8)"));
          for (size_t t : chosen) {
            MK_ASSIGN_OR_RETURN(bool added, InsertEnrolment(ctx, session.id, teacher_ids[t], EnrolmentSource::kImport));
            if (added) ++summary.enrolments;
            if (!options.past_attendance || session.ends_at > options.now_ms) continue;
            const int roll = static_cast<int>(rng.Below(100));
            AttendanceStatus status = roll < 78 ? AttendanceStatus::kPresent
                                      : roll < 88 ? AttendanceStatus::kLate
                                      : roll < 94 ? AttendanceStatus::kExcused
                                                  : AttendanceStatus::kAbsent;
            std::optional<int64_t> at;
            CheckInMethod method = CheckInMethod::kTrainer;
            if (status == AttendanceStatus::kPresent || status == AttendanceStatus::kLate) {
              const int64_t offset_min = status == AttendanceStatus::kLate ? 16 + static_cast<int64_t>(rng.Below(40))
                                                                           : -static_cast<int64_t>(rng.Below(25));
              at = session.starts_at + offset_min * 60000;
              method = rng.Chance(80) ? CheckInMethod::kKioskSearch : CheckInMethod::kCode;
            }
            MK_RETURN_IF_ERROR(attend.Reset());
            attend.Bind(1, session.id).Bind(2, teacher_ids[t]).Bind(3, ToCode(status)).Bind(4, at)
                .Bind(5, ToCode(method)).Bind(6, ctx.device_id).Bind(7, ctx.now_ms)
                // Excused and absent are a trainer's decisions: the roster shows them as such.
                .Bind(8, method == CheckInMethod::kTrainer ? "trainer" : "kiosk");
            MK_RETURN_IF_ERROR(attend.Run());
          }
        }
        ++course_index;
      }
    } catch (const nlohmann::json::exception& e) {
      return Internal(std::string("the embedded demo catalogue is malformed: ") + e.what());
    }
    return Status::Ok();
  });
  if (!s.ok()) return s.WithContext("seeding the demo data");
  return summary;
}

}  // namespace mk::store
