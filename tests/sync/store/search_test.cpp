// Name search over a real store: folding, prefixes, multi-word queries, ranking and privacy.
#include <catch2/catch.hpp>

#include <set>

#include "store_fixture.h"

using namespace mk;

namespace {

std::set<std::string> Ids(const std::vector<store::PersonHit>& hits) {
  std::set<std::string> ids;
  for (const auto& h : hits) ids.insert(h.id);
  return ids;
}

}  // namespace

TEST_CASE("Search folds case, accents, umlauts and transliterations", "[store][search]") {
  test::StoreFixture f;
  const std::string mueller = f.AddPerson("Jürgen", "Müller");
  const std::string mueller2 = f.AddPerson("Anna", "Mueller");
  const std::string muller = f.AddPerson("Lena", "Muller");
  const std::string gross = f.AddPerson("Karl", "Groß");
  const std::string soeren = f.AddPerson("Sören", "Weiß");
  const std::string lukasz = f.AddPerson("Łukasz", "Wiśniewski");
  const std::string orsted = f.AddPerson("Mette", "Ørsted");
  const std::string aero = f.AddPerson("Ida", "Ærøskøbing-Hansen");
  f.AddPerson("Maria", "Miller");

  store::SearchOptions opt;
  opt.centre_id = f.centre_id;
  auto find = [&](const std::string& q) {
    auto hits = f.store->Search(q, opt);
    REQUIRE(hits.ok());
    return Ids(*hits);
  };
  const std::set<std::string> muellers = {mueller, mueller2, muller};
  CHECK(find("Müller") == muellers);
  CHECK(find("mueller") == muellers);
  CHECK(find("MULLER") == muellers);
  CHECK(find("mül") == muellers);
  CHECK(find("Gross") == std::set<std::string>{gross});
  CHECK(find("groß") == std::set<std::string>{gross});
  CHECK(find("Soeren") == std::set<std::string>{soeren});
  CHECK(find("weiss") == std::set<std::string>{soeren});
  CHECK(find("lukasz") == std::set<std::string>{lukasz});
  CHECK(find("wisn") == std::set<std::string>{lukasz});
  CHECK(find("orsted") == std::set<std::string>{orsted});
  CHECK(find("Ørs") == std::set<std::string>{orsted});
  CHECK(find("aeroskobing") == std::set<std::string>{aero});
  CHECK(find("hansen") == std::set<std::string>{aero});
  CHECK(find("aeroskobinghansen") == std::set<std::string>{aero});
}

TEST_CASE("Search needs two characters and every typed word", "[store][search]") {
  test::StoreFixture f;
  const std::string anna_m = f.AddPerson("Anna", "Müller");
  const std::string anna_s = f.AddPerson("Anna", "Schmidt");
  f.AddPerson("Jonas", "Müller");
  store::SearchOptions opt;
  opt.centre_id = f.centre_id;
  CHECK(f.store->Search("", opt)->empty());
  CHECK(f.store->Search("a", opt)->empty());
  CHECK(f.store->Search("  m  ", opt)->empty());
  CHECK(f.store->Search("!!", opt)->empty());
  CHECK(Ids(*f.store->Search("anna mü", opt)) == std::set<std::string>{anna_m});
  CHECK(Ids(*f.store->Search("mü anna", opt)) == std::set<std::string>{anna_m});
  CHECK(Ids(*f.store->Search("an", opt)) == std::set<std::string>{anna_m, anna_s});
  CHECK(f.store->Search("anna zzz", opt)->empty());
  // A 1 000-character paste or emoji is a query like any other: no crash, no hits.
  CHECK(f.store->Search(std::string(1000, 'x'), opt)->empty());
  CHECK(f.store->Search("😀😀", opt)->empty());
}

TEST_CASE("Search ranks whole words over prefixes and last names over first names", "[store][search]") {
  test::StoreFixture f;
  const std::string lang_first = f.AddPerson("Lang", "Schulz");       // first name = query
  const std::string lang_last = f.AddPerson("Maria", "Lang");         // last name = query
  const std::string lange = f.AddPerson("Otto", "Lange");             // last name prefix
  const std::string langer_first = f.AddPerson("Langston", "Berg");   // first name prefix
  store::SearchOptions opt;
  opt.centre_id = f.centre_id;
  auto hits = f.store->Search("lang", opt);
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 4);
  CHECK((*hits)[0].id == lang_last);
  CHECK((*hits)[1].id == lang_first);
  CHECK((*hits)[2].id == lange);
  CHECK((*hits)[3].id == langer_first);

  opt.limit = 2;
  CHECK(f.store->Search("lang", opt)->size() == 2);
}

TEST_CASE("Search puts people enrolled in the session first", "[store][search]") {
  test::StoreFixture f;
  const std::string a = f.AddPerson("Anna", "Bauer");
  const std::string b = f.AddPerson("Anna", "Bäcker");
  REQUIRE(f.store->Write([&](store::WriteContext& ctx) -> Status {
    return store::InsertEnrolment(ctx, f.session_id, b, store::EnrolmentSource::kImport).status();
  }).ok());
  store::SearchOptions opt;
  opt.centre_id = f.centre_id;
  opt.boost_session_id = f.session_id;
  auto hits = f.store->Search("anna", opt);
  REQUIRE(hits->size() == 2);
  CHECK((*hits)[0].id == b);
  CHECK((*hits)[1].id == a);
}

TEST_CASE("Search never finds erased people or other centres' people", "[store][search]") {
  test::StoreFixture f;
  const std::string erased = f.AddPerson("Erika", "Mustermann");
  const std::string kept = f.AddPerson("Max", "Mustermann");
  REQUIRE(f.store->db().Exec("UPDATE people SET erased_at = 1 WHERE id = '" + erased + "'").ok());
  store::SearchOptions opt;
  opt.centre_id = f.centre_id;
  CHECK(Ids(*f.store->Search("muster", opt)) == std::set<std::string>{kept});
  opt.centre_id = "another-centre";
  CHECK(f.store->Search("muster", opt)->empty());
}
