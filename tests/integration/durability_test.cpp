// Integration tests of check-in durability: SIGKILLed writers lose no acknowledged check-in; concurrent writers keep one record.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sqlite_probe.h"
#include "sync/common/clock.h"
#include "sync/store/store.h"
#include "tests/support/test_support.h"

namespace mk::itest {
namespace {

using test::TempDir;

// ---------------------------------------------------------------------------------------------
// A store with one session running now and `people` teachers of its centre.

struct Seeded {
  std::string session_id;
  std::vector<std::string> people;  // in creation order
};

// "Aa", "Ab", ... : names take letters only.
std::string LettersOf(size_t n) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return s;
}

Seeded SeedStore(const std::string& db_path, size_t people) {
  auto opened = store::Store::Open(db_path, SystemClock::Instance());
  INFO(opened.status().message());
  REQUIRE(opened.ok());
  store::Store& s = **opened;
  Seeded seeded;
  const Status written = s.Write([&](store::WriteContext& ctx) -> Status {
    store::Centre centre;
    centre.name = "Durability Test Centre";
    centre.country = "DE";
    MK_ASSIGN_OR_RETURN(std::string centre_id, store::InsertCentre(ctx, centre));
    store::Course course;
    course.centre_id = centre_id;
    course.code = "DUR-1";
    course.title = "Crash-sichere Anmeldung";
    MK_ASSIGN_OR_RETURN(std::string course_id, store::InsertCourse(ctx, course));
    store::Session session;
    session.course_id = course_id;
    // Open for check-in for the whole test, however long it takes.
    session.starts_at = ctx.now_ms - 60 * 1000;
    session.ends_at = ctx.now_ms + 24 * 3600 * 1000;
    session.room = "Raum D";
    MK_ASSIGN_OR_RETURN(seeded.session_id, store::InsertSession(ctx, session));
    for (size_t i = 0; i < people; ++i) {
      store::Person p;
      p.centre_id = centre_id;
      p.first_name = "Test";
      p.last_name = "Person" + LettersOf(i);
      p.school = "Schule am See";
      MK_ASSIGN_OR_RETURN(std::string id, store::InsertPerson(ctx, p));
      seeded.people.push_back(id);
    }
    return Status::Ok();
  });
  INFO(written.message());
  REQUIRE(written.ok());
  REQUIRE(s.SetHomeCentre(s.ListCentres()->at(0).id).ok());
  return seeded;
}

// ---------------------------------------------------------------------------------------------
// The child program: started with fork/exec, stdout read line by line through a pipe.

class Child {
 public:
  // Starts `argv` (argv[0] is the program's path) with stdout into a pipe; stderr goes to
  // `stderr_path` when given, else to ours (messages on failure).
  explicit Child(std::vector<std::string> argv, const std::string& stderr_path = "") {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      const int devnull = ::open("/dev/null", O_RDONLY);
      if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
      if (!stderr_path.empty()) {
        const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (err >= 0) ::dup2(err, STDERR_FILENO);
      }
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    if (fd_ >= 0) ::close(fd_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      Wait();
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  int fd() const { return fd_; }
  bool eof() const { return eof_; }

  // The next complete line (without '\n'), blocking until it arrives; nullopt at end of output.
  std::optional<std::string> ReadLine() {
    for (;;) {
      if (auto line = TakeLine()) return line;
      if (eof_) return std::nullopt;
      ReadSome();
    }
  }

  // Reads what is available once (for poll loops); sets eof() at the end of output.
  void ReadSome() {
    char buf[4096];
    ssize_t n;
    do {
      n = ::read(fd_, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
      eof_ = true;
    } else {
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

  // Complete lines received so far and not taken yet.
  std::vector<std::string> TakeLines() {
    std::vector<std::string> lines;
    while (auto line = TakeLine()) lines.push_back(*line);
    return lines;
  }

  void Kill() {
    if (pid_ > 0) ::kill(pid_, SIGKILL);
  }

  struct Exit {
    int code = -1;   // -1 when killed by a signal
    int signal = 0;
  };
  Exit Wait() {
    Exit exit;
    if (pid_ <= 0) return exit_;
    int status = 0;
    pid_t r;
    do {
      r = ::waitpid(pid_, &status, 0);
    } while (r < 0 && errno == EINTR);
    pid_ = -1;
    if (WIFEXITED(status)) exit.code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit.signal = WTERMSIG(status);
    exit_ = exit;
    return exit;
  }

 private:
  std::optional<std::string> TakeLine() {
    const size_t nl = buffer_.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    std::string line = buffer_.substr(0, nl);
    buffer_.erase(0, nl + 1);
    return line;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
  Exit exit_;
};

// mk_checkin_child DB SESSION ARGS...
std::vector<std::string> CheckinChildArgv(const std::string& db_path, const std::string& session_id,
                                          const std::vector<std::string>& args) {
  std::vector<std::string> argv = {MK_CHECKIN_CHILD, db_path, session_id};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// Reads the output of every child until all have closed it; returns their lines.
std::vector<std::vector<std::string>> DrainAll(std::vector<Child*> children) {
  std::vector<std::vector<std::string>> lines(children.size());
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<size_t> which;
    for (size_t i = 0; i < children.size(); ++i) {
      if (children[i]->eof()) continue;
      fds.push_back({children[i]->fd(), POLLIN, 0});
      which.push_back(i);
    }
    if (fds.empty()) break;
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Child& c = *children[which[k]];
      c.ReadSome();
      for (auto& l : c.TakeLines()) lines[which[k]].push_back(std::move(l));
    }
  }
  return lines;
}

void RequireSound(SqliteProbe& db) {
  CHECK(db.IntegrityCheck() == "ok");
  CHECK(db.Query("SELECT session_id, person_id, count(*) FROM attendance GROUP BY session_id, person_id "
                 "HAVING count(*) > 1").empty());
  // The enrolment a check-in adds is in the same transaction as the attendance record.
  CHECK(db.Count("SELECT count(*) FROM attendance a LEFT JOIN enrolments e "
                 "ON e.session_id = a.session_id AND e.person_id = a.person_id WHERE e.person_id IS NULL") == 0);
  CHECK(db.Query("PRAGMA foreign_key_check").empty());
}

// =============================================================================================

TEST_CASE("check-ins acknowledged before a SIGKILL are on disk", "[integration][durability]") {
  constexpr size_t kRounds = 50;
  constexpr size_t kPerRound = 20;
  TempDir dir;
  const std::string db_path = dir.File("kiosk.db");
  const Seeded seeded = SeedStore(db_path, kRounds * kPerRound);

  std::mt19937 rng(20261127);
  std::uniform_int_distribution<size_t> how_many(1, kPerRound);
  size_t recorded_total = 0;
  size_t acknowledged_total = 0;
  for (size_t round = 0; round < kRounds; ++round) {
    // Fresh people every round, so every round adds check-ins.
    const std::vector<std::string> ids(seeded.people.begin() + static_cast<std::ptrdiff_t>(round * kPerRound),
                                       seeded.people.begin() + static_cast<std::ptrdiff_t>((round + 1) * kPerRound));
    const size_t wanted = how_many(rng);
    INFO("round " << round << ", killing after " << wanted << " acknowledged check-ins");

    std::vector<std::string> acknowledged;
    Child::Exit exit;
    {
      Child child(CheckinChildArgv(db_path, seeded.session_id, ids));
      while (acknowledged.size() < wanted) {
        const std::optional<std::string> line = child.ReadLine();
        if (!line) break;
        REQUIRE(*line == "OK " + ids[acknowledged.size()]);
        acknowledged.push_back(ids[acknowledged.size()]);
      }
      child.Kill();
      exit = child.Wait();
    }
    INFO("child exit " << exit.code << " signal " << exit.signal);
    REQUIRE(acknowledged.size() == wanted);
    // Killed, or (rarely) done with its whole list before the kill arrived.
    CHECK((exit.signal == SIGKILL || exit.code == 0));
    acknowledged_total += wanted;

    SqliteProbe db(db_path);
    // Every acknowledged check-in survived...
    for (const std::string& id : acknowledged) {
      INFO("person " << id);
      CHECK(db.Count("SELECT count(*) FROM attendance WHERE session_id = ?1 AND person_id = ?2 "
                     "AND checked_in_at IS NOT NULL",
                     {seeded.session_id, id}) == 1);
    }
    // ...and what is on disk of this round is a prefix of the child's list (one check-in after
    // another, each all or nothing), at least as long as what was acknowledged.
    size_t prefix = 0;
    bool gap = false;
    for (const std::string& id : ids) {
      const bool present =
          db.Count("SELECT count(*) FROM attendance WHERE session_id = ?1 AND person_id = ?2", {seeded.session_id, id}) ==
          1;
      if (present && gap) FAIL_CHECK("person " << id << " has a record after one without");
      if (present && !gap) ++prefix;
      if (!present) gap = true;
    }
    CHECK(prefix >= wanted);
    recorded_total += prefix;
    CHECK(db.Count("SELECT count(*) FROM attendance WHERE session_id = ?1", {seeded.session_id}) ==
          static_cast<long long>(recorded_total));
  }

  SqliteProbe db(db_path);
  RequireSound(db);
  CHECK(recorded_total >= acknowledged_total);

  // The store still works after fifty crashes: a check-in recorded before says so, a new one is
  // written.
  auto reopened = store::Store::Open(db_path, SystemClock::Instance());
  REQUIRE(reopened.ok());
  store::CheckInRequest again;
  again.session_id = seeded.session_id;
  again.person_id = seeded.people.front();
  auto result = (*reopened)->CheckIn(again);
  INFO(result.status().message());
  REQUIRE(result.ok());
  CHECK(result->already_checked_in);
  std::optional<std::string> unrecorded;
  for (const std::string& id : seeded.people) {
    if (db.Count("SELECT count(*) FROM attendance WHERE person_id = ?1", {id}) == 0) {
      unrecorded = id;
      break;
    }
  }
  if (unrecorded) {
    store::CheckInRequest fresh;
    fresh.session_id = seeded.session_id;
    fresh.person_id = *unrecorded;
    auto fresh_result = (*reopened)->CheckIn(fresh);
    INFO(fresh_result.status().message());
    REQUIRE(fresh_result.ok());
    CHECK_FALSE(fresh_result->already_checked_in);
  }
}

TEST_CASE("two processes checking in to one database keep one record per person", "[integration][durability]") {
  TempDir dir;
  const std::string db_path = dir.File("kiosk.db");
  const Seeded seeded = SeedStore(db_path, 300);

  // A: people 0..199 in order, as arguments. B: people 100..299 from the end, from a file, so the
  // two meet in the overlap while both are writing.
  const std::vector<std::string> a_ids(seeded.people.begin(), seeded.people.begin() + 200);
  std::vector<std::string> b_ids(seeded.people.begin() + 100, seeded.people.end());
  std::reverse(b_ids.begin(), b_ids.end());
  std::string b_file_text;
  for (const auto& id : b_ids) b_file_text += id + "\n";
  test::WriteFile(dir.File("b_ids.txt"), b_file_text);

  std::vector<std::string> a_args = a_ids;
  a_args.insert(a_args.end(), {"--method", "kiosk_search"});
  Child a(CheckinChildArgv(db_path, seeded.session_id, a_args));
  Child b(CheckinChildArgv(db_path, seeded.session_id, {"--ids-file", dir.File("b_ids.txt"), "--method", "code"}));
  const auto lines = DrainAll({&a, &b});
  const Child::Exit a_exit = a.Wait();
  const Child::Exit b_exit = b.Wait();
  INFO("A exit " << a_exit.code << " signal " << a_exit.signal << ", B exit " << b_exit.code << " signal "
                 << b_exit.signal);
  CHECK(a_exit.code == 0);
  CHECK(b_exit.code == 0);

  // Each reported every person of its list, in order.
  std::vector<std::string> a_expected;
  for (const auto& id : a_ids) a_expected.push_back("OK " + id);
  std::vector<std::string> b_expected;
  for (const auto& id : b_ids) b_expected.push_back("OK " + id);
  CHECK(lines[0] == a_expected);
  CHECK(lines[1] == b_expected);

  SqliteProbe db(db_path);
  RequireSound(db);
  CHECK(db.Count("SELECT count(*) FROM attendance WHERE session_id = ?1", {seeded.session_id}) == 300);
  std::map<std::string, std::string> method_of;
  for (const auto& r : db.Query("SELECT person_id, method, count(*) FROM attendance WHERE session_id = ?1 "
                                "GROUP BY person_id", {seeded.session_id})) {
    CHECK(r[2] == "1");
    method_of[r[0]] = r[1];
  }
  REQUIRE(method_of.size() == 300);
  for (size_t i = 0; i < seeded.people.size(); ++i) {
    INFO("person " << i);
    REQUIRE(method_of.count(seeded.people[i]) == 1);
    // Only A saw 0..99 and only B saw 200..299; the overlap went to whoever came first.
    if (i < 100) CHECK(method_of[seeded.people[i]] == "kiosk_search");
    if (i >= 200) CHECK(method_of[seeded.people[i]] == "code");
  }
  CHECK(db.Count("SELECT count(*) FROM enrolments WHERE session_id = ?1", {seeded.session_id}) == 300);
}

// SQLite answers "PRAGMA journal_mode=WAL" on a new file with SQLITE_BUSY at once while another
// connection sets it up; Database::Open retries, so programs starting together all open it.
TEST_CASE("processes opening a new database at the same time all succeed", "[integration][durability]") {
  constexpr int kRounds = 50;
  constexpr int kProcesses = 4;
  TempDir dir;
  int failures = 0;
  std::string messages;
  for (int round = 0; round < kRounds; ++round) {
    const std::string data = dir.File("fresh" + std::to_string(round));
    const auto err_file = [&](int k) { return dir.File("err" + std::to_string(round) + "_" + std::to_string(k)); };
    std::vector<std::unique_ptr<Child>> children;
    for (int k = 0; k < kProcesses; ++k) {
      children.push_back(std::make_unique<Child>(
          std::vector<std::string>{test::BinPath("mintkiosk"), "--data", data, "demo", "--teachers", "5"},
          err_file(k)));
    }
    std::vector<Child*> raw;
    for (auto& c : children) raw.push_back(c.get());
    const auto outputs = DrainAll(raw);
    int seeded = 0;
    int failed = 0;
    for (int k = 0; k < kProcesses; ++k) {
      const Child::Exit exit = children[static_cast<size_t>(k)]->Wait();
      std::string out;
      for (const auto& l : outputs[static_cast<size_t>(k)]) out += l + "\n";
      if (out.rfind("Seeded", 0) == 0) ++seeded;
      if (exit.code != 0) {
        ++failed;
        messages += "round " + std::to_string(round) + ", process " + std::to_string(k) + ": exit " +
                    std::to_string(exit.code) + ": " + test::ReadFile(err_file(k));
      } else {
        CHECK((out.rfind("Seeded", 0) == 0 || out.find("nothing changed") != std::string::npos));
      }
    }
    // However the processes interleave, the centre is seeded exactly once.
    CHECK(seeded <= 1);
    if (failed == 0) CHECK(seeded == 1);
    failures += failed;
    SqliteProbe db(data + "/mintkiosk.db");
    CHECK(db.IntegrityCheck() == "ok");
  }
  INFO(messages);
  CHECK(failures == 0);
}

}  // namespace
}  // namespace mk::itest
