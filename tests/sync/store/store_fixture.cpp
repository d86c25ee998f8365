// The store test fixture.
#include "store_fixture.h"

#include <catch2/catch.hpp>

#include "platform/paths.h"

namespace mk::test {

TimeZone Berlin() {
  auto tz = TimeZone::Load("Europe/Berlin", platform::ZoneInfoDir());
  REQUIRE(tz.ok());
  return *tz;
}

int64_t Count(store::Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->ColumnInt(0);
}

StoreFixture::StoreFixture() {
  auto opened = store::Store::Open(db_path(), &clock);
  REQUIRE(opened.ok());
  store = std::move(opened).value();
  store::Centre centre;
  centre.name = "MINT-Zentrum Ærøskøbing";
  centre.country = "DK";
  centre.time_zone = "Europe/Berlin";
  auto id = store->AddCentre(centre);
  REQUIRE(id.ok());
  centre_id = *id;
  REQUIRE(store->Write([&](store::WriteContext& ctx) -> Status {
    store::Course course;
    course.centre_id = centre_id;
    course.code = "PH-201";
    course.title = "Optik im Schülerlabor";
    course.hours = 3;
    course.target_groups.push_back({store::Subject::kPhysics, store::SchoolLevel::kLowerSecondary, store::Role::kTeacher});
    MK_ASSIGN_OR_RETURN(course_id, store::InsertCourse(ctx, course));
    store::Session session;
    session.course_id = course_id;
    session.starts_at = kFixtureNowMs;
    session.ends_at = kFixtureNowMs + 3 * 3600 * 1000;
    session.room = "Raum 1.12";
    MK_ASSIGN_OR_RETURN(session_id, store::InsertSession(ctx, session));
    return Status::Ok();
  }).ok());
}

std::string StoreFixture::AddPerson(const std::string& first, const std::string& last, const std::string& school,
                                    std::optional<std::string> email) {
  std::string id;
  Status s = store->Write([&](store::WriteContext& ctx) -> Status {
    store::Person p;
    p.centre_id = centre_id;
    p.first_name = first;
    p.last_name = last;
    p.school = school;
    p.email = std::move(email);
    MK_ASSIGN_OR_RETURN(id, store::InsertPerson(ctx, p));
    return Status::Ok();
  });
  INFO(s.message());
  REQUIRE(s.ok());
  return id;
}

std::string StoreFixture::Dump() {
  std::string out;
  const char* tables[] = {"centres", "partners", "collaborations", "target_groups", "courses", "course_target_groups",
                          "people", "sessions", "enrolments", "attendance", "person_search"};
  for (const char* t : tables) {
    auto st = store->db().Prepare(std::string("SELECT * FROM ") + t + " ORDER BY 1, 2");
    REQUIRE(st.ok());
    out += std::string("# ") + t + "\n";
    for (;;) {
      auto row = st->Step();
      REQUIRE(row.ok());
      if (!*row) break;
      for (int c = 0; c < st->ColumnCount(); ++c) out += (st->ColumnIsNull(c) ? "NULL" : st->ColumnText(c)) + "|";
      out += "\n";
    }
  }
  return out;
}

}  // namespace mk::test
