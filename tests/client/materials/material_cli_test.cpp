// `mintkiosk material ...` end to end with the real binary: the contract's spellings, and bad input refused clearly.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "tests/support/test_support.h"

namespace mk {
namespace {

using test::Run;

struct CliFixture {
  CliFixture() {
    const auto demo = Mk({"demo", "--teachers", "20"});
    INFO(demo.err);
    REQUIRE(demo.exit_code == 0);
    const auto sessions = Mk({"sessions"});
    REQUIRE(sessions.exit_code == 0);
    session = sessions.out.substr(0, sessions.out.find('\t'));
    REQUIRE_FALSE(session.empty());
  }
  test::ProcessResult Mk(std::vector<std::string> args) {
    args.insert(args.begin(), {test::BinPath("mintkiosk"), "--data", dir.File("data")});
    return Run(args);
  }
  std::string File(const std::string& name, const std::string& bytes) {
    test::WriteFile(dir.File(name), bytes);
    return dir.File(name);
  }
  test::TempDir dir;
  std::string session;
};

TEST_CASE("material add, list and export with the contract's spellings", "[materials][cli]") {
  CliFixture f;
  const std::string a = f.File("Ørsted – Arbeitsblatt.pdf", "PDF Ørsted");
  const std::string b = f.File("Müller Folien.odp", "ODP");
  auto added = f.Mk({"material", "add", "--session", f.session, a, b, "--description", "Für die Stunde",
                     "--licence", "CC BY 4.0", "--purpose", "Arbeitsblatt"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  CHECK(std::count(added.out.begin(), added.out.end(), '\n') == 2);
  auto list = f.Mk({"material", "list", "--session", f.session});
  REQUIRE(list.exit_code == 0);
  CHECK_THAT(list.out, Catch::Contains("\tready\t100\t11\t") && Catch::Contains("\tØrsted – Arbeitsblatt.pdf\tØrsted – Arbeitsblatt\tCC BY 4.0\tArbeitsblatt\t\n"));
  CHECK_THAT(list.out, Catch::Contains("\tMüller Folien.odp\tMüller Folien\t"));
  auto all = f.Mk({"material", "list"});
  REQUIRE(all.exit_code == 0);
  CHECK(all.out == list.out);
  const std::string stick = f.dir.File("STICK");
  REQUIRE(::mkdir(stick.c_str(), 0700) == 0);
  auto exported = f.Mk({"material", "export", "--session", f.session, "--to", stick});
  INFO(exported.err);
  REQUIRE(exported.exit_code == 0);
  CHECK(test::ReadFile(stick + "/Ørsted – Arbeitsblatt.pdf") == "PDF Ørsted");
  CHECK(test::ReadFile(stick + "/Müller Folien.odp") == "ODP");
  auto help = f.Mk({"material", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("material export --session ID --to DIR"));
}

TEST_CASE("material: bad input gets a clear message and adds nothing", "[materials][cli]") {
  CliFixture f;
  const std::string ok = f.File("gut.pdf", "gut");
  const std::string folder = f.dir.File("Ordner");
  REQUIRE(::mkdir(folder.c_str(), 0700) == 0);
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    const char* says;
  };
  const std::vector<Case> cases = {
      {{"material"}, 2, "add"},
      {{"material", "frobnicate"}, 2, "unknown 'material frobnicate'"},
      {{"material", "add", "--session", f.session}, 2, "which files"},
      {{"material", "add", ok}, 2, "--session ID is required"},
      {{"material", "add", "--session", f.session, f.dir.File("fehlt.pdf")}, 1, "fehlt.pdf' does not exist"},
      {{"material", "add", "--session", f.session, ok, folder}, 1, "Ordner' is a folder"},
      {{"material", "add", "--session", "keine-sitzung", ok}, 1, "session 'keine-sitzung' does not exist"},
      {{"material", "add", "--session", f.session, ok, ok, "--title", "T"}, 2, "--title names one material"},
      {{"material", "add", "--session", f.session, ok, "--title", std::string(201, 'x')}, 1, "title is too long"},
      {{"material", "add", "--session", f.session, ok, "--to", "x"}, 2, "--to"},
      {{"material", "list", "--title", "x"}, 2, "--title"},
      {{"material", "list", "--session", "keine-sitzung"}, 1, "does not exist"},
      {{"material", "export", "--session", f.session}, 2, "--to DIR is required"},
      {{"material", "export", "--to", f.dir.path()}, 2, "--session ID is required"},
      {{"material", "export", "--session", f.session, "--to", f.dir.File("kein-stick")}, 1, "kein-stick does not exist"},
      {{"material", "remove"}, 2, "which material"},
      {{"material", "remove", "kein-material"}, 1, "does not exist"},
  };
  for (const Case& c : cases) {
    std::string line;
    for (const auto& a : c.args) line += a + " ";
    INFO("mintkiosk " << line);
    const auto r = f.Mk(c.args);
    INFO(r.err);
    CHECK(r.exit_code == c.exit_code);
    CHECK_THAT(r.err, Catch::Contains(c.says));
    CHECK_THAT(r.err, Catch::StartsWith("mintkiosk: "));
  }
  // Nothing was added by any of them.
  auto list = f.Mk({"material", "list"});
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.empty());
}

}  // namespace
}  // namespace mk
