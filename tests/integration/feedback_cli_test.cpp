// The survey, feedback and certificate commands: the real mintkiosk binary on the demo centre.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace mk::itest {
namespace {

using test::ProcessResult;
using test::TempDir;

ProcessResult Mk(const std::string& data_dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {test::BinPath("mintkiosk"), "--data", data_dir};
  argv.insert(argv.end(), args.begin(), args.end());
  return test::Run(argv);
}

// The demo centre with 60 teachers; returns the sessions as "ID\tstart\tend\ttitle\troom" lines.
std::vector<std::string> SeedDemo(const std::string& data) {
  REQUIRE(Mk(data, {"demo", "--teachers", "60"}).exit_code == 0);
  const ProcessResult sessions = Mk(data, {"sessions"});
  REQUIRE(sessions.exit_code == 0);
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t nl = sessions.out.find('\n'); nl != std::string::npos; nl = sessions.out.find('\n', start)) {
    lines.push_back(sessions.out.substr(start, nl - start));
    start = nl + 1;
  }
  REQUIRE(lines.size() > 2);
  return lines;
}

std::string Field(const std::string& line, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = line.find('\t', start) + 1;
  return line.substr(start, line.find('\t', start) - start);
}

TEST_CASE("certificate writes one PDF per attendee and explains who gets none", "[integration][cli][certificates]") {
  TempDir dir;
  const std::string data = dir.File("data");
  const std::string first = Field(SeedDemo(data).front(), 0);  // Monday's first session: attendance recorded

  ProcessResult missing = Mk(data, {"certificate", "--session", first, "--out", dir.File("nowhere")});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "mintkiosk: the output folder " + dir.File("nowhere") + " does not exist (create it first)\n");

  std::filesystem::create_directory(dir.File("out"));
  ProcessResult written = Mk(data, {"certificate", "--session", first, "--out", dir.File("out")});
  INFO(written.err);
  REQUIRE(written.exit_code == 0);
  size_t pdfs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.File("out"))) {
    CHECK(entry.path().extension() == ".pdf");
    CHECK(entry.path().filename().string().rfind("Teilnahmebescheinigung - ", 0) == 0);
    ++pdfs;
  }
  CHECK(pdfs > 0);
  CHECK(static_cast<size_t>(std::count(written.out.begin(), written.out.end(), '\n')) == pdfs);
  CHECK_THAT(written.err, Catch::Contains(std::to_string(pdfs) + " certificates written to " + dir.File("out")));

  // Again, in English for one person: the same verification code.
  const std::string line = written.out.substr(0, written.out.find('\n'));
  const std::string person = Field(line, 0);
  const std::string code = Field(line, 1);
  ProcessResult again = Mk(data, {"certificate", "--session", first, "--person", person, "--lang", "en", "--out", dir.File("out")});
  REQUIRE(again.exit_code == 0);
  CHECK(Field(again.out, 1) == code);
  CHECK(Field(again.out, 2).find("/Certificate of attendance - ") != std::string::npos);

  ProcessResult bad_lang = Mk(data, {"certificate", "--session", first, "--out", dir.File("out"), "--lang", "fr"});
  CHECK(bad_lang.exit_code == 2);
  CHECK_THAT(bad_lang.err, Catch::Contains("--lang takes de or en"));
}

TEST_CASE("feedback shows nothing below 5 answers, survey templates are checked, follow-ups stay in the course", "[integration][cli][feedback]") {
  TempDir dir;
  const std::string data = dir.File("data");
  const std::vector<std::string> sessions = SeedDemo(data);
  const std::string first = Field(sessions.front(), 0);

  ProcessResult none = Mk(data, {"feedback", "--session", first});
  REQUIRE(none.exit_code == 0);
  CHECK(none.out ==
        "Not enough answers yet: the end_of_session feedback is shown from 5 answer sets on, so that no one's answers "
        "can be recognised.\n");

  ProcessResult shown = Mk(data, {"survey", "template", "show", "--kind", "follow_up"});
  REQUIRE(shown.exit_code == 0);
  CHECK_THAT(shown.out, Catch::Contains("\"What have you used in class since?\""));
  CHECK_THAT(shown.err, Catch::Contains("the built-in template"));

  // A broken template: the file and the field are named, nothing is stored.
  std::string broken = shown.out;
  broken.replace(broken.find("\"What have you used in class since?\""), 36, "\"\"");
  test::WriteFile(dir.File("follow_up.json"), broken);
  ProcessResult refused = Mk(data, {"survey", "template", "set", dir.File("follow_up.json")});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err == "mintkiosk: " + dir.File("follow_up.json") + ": free_text.text.en is empty\n");
  test::WriteFile(dir.File("follow_up.json"), shown.out);
  ProcessResult wrong_kind = Mk(data, {"survey", "template", "set", dir.File("follow_up.json"), "--kind", "end_of_session"});
  CHECK(wrong_kind.exit_code == 1);
  ProcessResult set = Mk(data, {"survey", "template", "set", dir.File("follow_up.json")});
  INFO(set.err);
  CHECK(set.exit_code == 0);
  CHECK_THAT(Mk(data, {"survey", "template", "show", "--kind", "follow_up"}).err, Catch::Contains("the centre's own"));

  // The follow-up goes to a later session of the same course; another course's is refused.
  std::string later;
  std::string other_course;
  for (const std::string& s : sessions) {
    if (Field(s, 3) == Field(sessions.front(), 3) && s != sessions.front() && later.empty()) later = Field(s, 0);
    if (Field(s, 3) != Field(sessions.front(), 3) && other_course.empty()) other_course = Field(s, 0);
  }
  ProcessResult other = Mk(data, {"survey", "follow-up", "--session", first, "--at", other_course});
  CHECK(other.exit_code == 1);
  CHECK_THAT(other.err, Catch::Contains("belongs to another course"));
  if (!later.empty()) {
    ProcessResult ok = Mk(data, {"survey", "follow-up", "--session", first, "--at", later});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out == later + "\n");
  }
  CHECK(Mk(data, {"feedback"}).exit_code == 2);
}

}  // namespace
}  // namespace mk::itest
