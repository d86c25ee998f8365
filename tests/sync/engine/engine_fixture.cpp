// The sync-engine test fixture: real server processes, real enrolment, real stores.
#include "engine_fixture.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "sync/common/clock.h"
#include "sync/protocol/canonical_dump.h"
#include "sync/protocol/outbox.h"

namespace mk::engine_test {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string LetterName(int n) {
  return std::string(1, static_cast<char>('A' + n / 26 % 26)) + static_cast<char>('a' + n % 26);
}

bool Contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

int64_t QueryInt(store::Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  INFO(sql << ": " << st.status().message());
  REQUIRE(st.ok());
  auto row = st->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  return st->ColumnInt(0);
}

// --- FixedPortServer ------------------------------------------------------------------------

FixedPortServer::FixedPortServer(const std::string& data_dir, int port) {
  const std::string log_path = data_dir + "/serve-" + std::to_string(port) + ".log";
  std::vector<std::string> argv = {test::BinPath("mintkiosk-server"), "--data", data_dir, "serve",
                                   "--listen", "127.0.0.1:" + std::to_string(port)};
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) throw std::runtime_error("cannot create " + log_path);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(log_fd, 2);
    const int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
  // Bounded wait for "listening on" in the log (or the server's exit).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Contains(test::ReadFile(log_path), "listening on ")) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("mintkiosk-server did not start on port " + std::to_string(port) + ":\n" +
                               test::ReadFile(log_path));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // The destructor does not run when the constructor throws: the process must not outlive the test.
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
  throw std::runtime_error("mintkiosk-server said nothing for 30 s:\n" + test::ReadFile(log_path));
}

FixedPortServer::~FixedPortServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

int FixedPortServer::Stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// --- SyncServer -----------------------------------------------------------------------------

SyncServer::SyncServer() {
  auto r = test::ServerCli(dir_.path(), {"centre", "add", "--name", "Zentrum Nord", "--country", "DE"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  centre_id_ = Trim(r.out);
  process_ = std::make_unique<test::ServerProcess>(dir_.path());
  port_ = process_->port();
}

std::string SyncServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string SyncServer::NewCode() {
  auto r = test::ServerCli(dir_.path(), {"enroll", "--centre", centre_id_});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return Trim(r.out);
}

void SyncServer::Stop() {
  if (process_) REQUIRE(process_->Stop(SIGTERM) == 0);
  if (fixed_) REQUIRE(fixed_->Stop() == 0);
  process_.reset();
  fixed_.reset();
}

void SyncServer::Start() {
  REQUIRE(!running());
  fixed_ = std::make_unique<FixedPortServer>(dir_.path(), port_);
}

std::string SyncServer::Hash() {
  auto db = store::Database::Open(dir_.File("server.db"));
  REQUIRE(db.ok());
  auto hash = sync::CanonicalHash(*db, centre_id_);
  INFO(hash.status().message());
  REQUIRE(hash.ok());
  return *hash;
}

int64_t SyncServer::Count(const std::string& sql) {
  auto db = store::Database::Open(dir_.File("server.db"));
  REQUIRE(db.ok());
  return QueryInt(*db, sql);
}

// --- Device ---------------------------------------------------------------------------------

Device::Device(SyncServer& server, const std::string& server_url) {
  auto r = test::ClientCli(dir_.path(), {"enroll", "--server", server_url.empty() ? server.url() : server_url, "--code",
                                         server.NewCode(), "--name", "Kiosk"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto config = nlohmann::json::parse(test::ReadFile(dir_.File("server.json")));
  device_id_ = config["device_id"];
  centre_id_ = server.centre_id();
}

sync::SyncConfig Device::Config() {
  auto config = sync::LoadSyncConfig(dir_.path());
  INFO(config.status().message());
  REQUIRE(config.ok());
  return *config;
}

store::Store& Device::store() {
  if (!store_) {
    auto opened = store::Store::Open(dir_.File("mintkiosk.db"), SystemClock::Instance());
    INFO(opened.status().message());
    REQUIRE(opened.ok());
    store_ = std::move(opened).value();
  }
  return *store_;
}

std::string Device::AddRunningSession(const std::string& title) {
  std::string session_id;
  Status s = store().Write([&](store::WriteContext& ctx) -> Status {
    store::Course course;
    course.centre_id = centre_id_;
    course.title = title;
    course.hours = 3;
    course.target_groups.push_back({store::Subject::kPhysics, store::SchoolLevel::kLowerSecondary, store::Role::kTeacher});
    MK_ASSIGN_OR_RETURN(const std::string course_id, store::InsertCourse(ctx, course));
    store::Session session;
    session.course_id = course_id;
    session.starts_at = ctx.now_ms - 30 * 60 * 1000;
    session.ends_at = ctx.now_ms + 3 * 3600 * 1000;
    session.room = "Raum 1.12";
    MK_ASSIGN_OR_RETURN(session_id, store::InsertSession(ctx, session));
    return Status::Ok();
  });
  INFO(s.message());
  REQUIRE(s.ok());
  return session_id;
}

std::string Device::AddPerson(const std::string& first, const std::string& last) {
  std::string id;
  Status s = store().Write([&](store::WriteContext& ctx) -> Status {
    store::Person p;
    p.centre_id = centre_id_;
    p.first_name = first;
    p.last_name = last;
    p.school = "Gymnasium Eschwege";
    p.consent_data = true;
    p.consent_at = ctx.now_ms;
    MK_ASSIGN_OR_RETURN(id, store::InsertPerson(ctx, p));
    return Status::Ok();
  });
  INFO(s.message());
  REQUIRE(s.ok());
  return id;
}

void Device::CheckIn(const std::string& session_id, const std::string& person_id) {
  store::CheckInRequest request;
  request.session_id = session_id;
  request.person_id = person_id;
  auto r = store().CheckIn(request);
  INFO(r.status().message());
  REQUIRE(r.ok());
}

test::ProcessResult Device::Cli(const std::vector<std::string>& args) { return test::ClientCli(dir_.path(), args); }

std::string Device::Hash() {
  auto hash = sync::CanonicalHash(store().db(), centre_id_);
  INFO(hash.status().message());
  REQUIRE(hash.ok());
  return *hash;
}

int64_t Device::Count(const std::string& sql) { return QueryInt(store().db(), sql); }

int64_t Device::Waiting() {
  auto summary = sync::SummarizeOutbox(store().db());
  REQUIRE(summary.ok());
  return summary->waiting;
}

}  // namespace mk::engine_test
