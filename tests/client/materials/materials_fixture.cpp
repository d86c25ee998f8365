// The materials test fixture.
#include "materials_fixture.h"

#include <catch2/catch.hpp>

namespace mk::test {

MaterialsFixture::MaterialsFixture() {
  auto lib = sync::MaterialLibrary::Open(*store, files_dir());
  REQUIRE(lib.ok());
  library = std::make_unique<sync::MaterialLibrary>(std::move(*lib));
  REQUIRE(store->Write([&](store::WriteContext& ctx) -> Status {
    store::Course course;
    course.centre_id = centre_id;
    course.code = "CH-101";
    course.title = "Chemie im Alltag";
    course.hours = 2;
    MK_ASSIGN_OR_RETURN(const std::string course_id2, store::InsertCourse(ctx, course));
    store::Session s;
    s.course_id = course_id2;
    s.starts_at = kFixtureNowMs;
    s.ends_at = kFixtureNowMs + 2 * 3600 * 1000;
    s.room = "Labor 2";
    MK_ASSIGN_OR_RETURN(other_session_id, store::InsertSession(ctx, s));
    return Status::Ok();
  }).ok());
}

store::Material MaterialsFixture::Add(const std::string& session, const std::string& name, const std::string& bytes,
                                      const std::string& title, const std::string& licence) {
  const std::string path = dir.File(name);
  WriteFile(path, bytes);
  sync::AddMaterialRequest req;
  req.path = path;
  req.session_id = session;
  req.title = title;
  req.licence = licence;
  req.purpose = "Arbeitsblatt";
  req.description = "Für die Stunde danach";
  auto added = library->Add(req);
  INFO((added.ok() ? std::string() : added.status().message()));
  REQUIRE(added.ok());
  return *added;
}

void MaterialsFixture::CloseSession(const std::string& session) {
  REQUIRE(store->Write([&](store::WriteContext& ctx) -> Status {
    auto st = ctx.db.Prepare("UPDATE sessions SET closed_at = ?1, updated_at = ?1 WHERE id = ?2");
    MK_RETURN_IF_ERROR(st.status());
    st->Bind(1, ctx.now_ms).Bind(2, session);
    return st->Run();
  }).ok());
}

std::string Pattern(size_t n, unsigned seed) {
  std::string out(n, '\0');
  uint32_t x = 2463534242u ^ seed;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x);
  }
  return out;
}

}  // namespace mk::test
