// End-to-end harness: Xvfb, child processes, xdotool and the layout file (see e2e_support.h).
#include "tests/e2e/e2e_support.h"

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/test_support.h"

extern char** environ;

namespace mk::e2e {
namespace {

// Forks and execs argv with `env` added to this process's environment and output to `log_path`.
pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const std::string& log_path, int keep_fd = -1) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    if (env.count(name) == 0) env_strings.push_back(entry);
  }
  for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
  // Run by hand in a sanitizer build (no ASAN_OPTIONS), leak checking is off for the programs:
  // without tests/sanitizers/lsan.supp, the caches the X and font libraries keep to the end of
  // the process would fail them at exit. packaging/run-sanitizers.sh sets ASAN_OPTIONS with leak
  // checking on and the suppressions, which the programs inherit. Without ASan the variable is ignored.
  if (env.count("ASAN_OPTIONS") == 0 && std::getenv("ASAN_OPTIONS") == nullptr) {
    env_strings.push_back("ASAN_OPTIONS=detect_leaks=0");
  }
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (std::string& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  const pid_t pid = fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls from here on.
  const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (log >= 0) {
    dup2(log, 1);
    dup2(log, 2);
  }
  const int null_in = open("/dev/null", O_RDONLY);
  if (null_in >= 0) dup2(null_in, 0);
  for (int fd = 3; fd < 256; ++fd) {
    if (fd != keep_fd) close(fd);
  }
  execve(argp[0], argp.data(), envp.data());
  _exit(127);
}

void Pause(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

bool WaitUntil(const std::function<bool()>& done, int cap_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(cap_ms);
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    Pause(20);
  }
}

// [SECTION] Child

Child::Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
             const std::string& log_path) {
  pid_ = Spawn(argv, env, log_path);
}

Child::~Child() { Stop(); }

bool Child::Running() {
  if (pid_ <= 0 || exit_code_) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_code_ = (r == pid_ && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return false;
}

int Child::Stop(int grace_ms) {
  if (pid_ <= 0) return -1;
  if (Running()) {
    kill(pid_, SIGTERM);
    if (!WaitUntil([&] { return !Running(); }, grace_ms)) {
      kill(pid_, SIGKILL);
      WaitUntil([&] { return !Running(); }, 5000);
    }
  }
  return exit_code_.value_or(-1);
}

// [SECTION] Xvfb

XvfbServer::XvfbServer(int width, int height, const std::string& log_path, const std::string& xkb_layout) {
  int fds[2];
  if (pipe(fds) != 0) return;
  const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
  pid_ = Spawn({"/usr/bin/Xvfb", "-displayfd", std::to_string(fds[1]), "-screen", "0", screen, "-nolisten", "tcp",
                "-noreset"},
               {}, log_path, fds[1]);
  close(fds[1]);
  // Xvfb writes the display number once it accepts clients; a bounded read (poll) for it.
  std::string number;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  while (std::chrono::steady_clock::now() < deadline) {
    char c = 0;
    const ssize_t n = read(fds[0], &c, 1);
    if (n == 1) {
      if (c == '\n') break;
      number += c;
      continue;
    }
    if (n == 0) break;  // Xvfb exited
    Pause(10);
  }
  close(fds[0]);
  if (number.empty()) return;
  if (!xkb_layout.empty()) {
    const auto r = mk::test::Run({"/usr/bin/setxkbmap", "-display", ":" + number, xkb_layout});
    if (r.exit_code != 0) return;
  }
  display_ = ":" + number;
}

XvfbServer::~XvfbServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  if (!WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) != 0; }, 5000)) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
  }
}

// [SECTION] xdotool

bool Xdotool(const std::string& display, const std::vector<std::string>& args, std::string* out) {
  std::vector<std::string> argv = {"/usr/bin/env", "DISPLAY=" + display, "/usr/bin/xdotool"};
  argv.insert(argv.end(), args.begin(), args.end());
  const mk::test::ProcessResult r = mk::test::Run(argv);
  if (out != nullptr) *out = r.out;
  return r.exit_code == 0;
}

// [SECTION] Layout file

std::optional<LayoutSnapshot> ReadLayout(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  LayoutSnapshot snap;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string name;
    if (!std::getline(fields, name, '\t')) continue;
    if (name == "frame") {
      fields >> snap.frame;
    } else if (name == "screen") {
      std::getline(fields, snap.screen);
    } else {
      WidgetBox box;
      if (fields >> box.x >> box.y >> box.w >> box.h) {
        if (!(fields >> box.vx >> box.vy >> box.vw >> box.vh)) {
          box.vx = box.x, box.vy = box.y, box.vw = box.w, box.vh = box.h;
        }
        snap.widgets[name] = box;
      }
    }
  }
  if (snap.frame < 0) return std::nullopt;
  return snap;
}

bool WindowDriver::FindWindow(const std::string& title_regex, int cap_ms) {
  return WaitUntil(
      [&] {
        std::string out;
        if (!Xdotool(display_, {"search", "--onlyvisible", "--name", title_regex}, &out)) return false;
        std::istringstream ids(out);
        return static_cast<bool>(ids >> window_);
      },
      cap_ms);
}

std::optional<LayoutSnapshot> WindowDriver::WaitFor(const std::string& screen, const std::string& name, int cap_ms) {
  std::optional<LayoutSnapshot> found;
  WaitUntil(
      [&] {
        auto snap = ReadLayout(layout_);
        if (!snap) return false;
        if (!screen.empty() && snap->screen != screen) return false;
        if (!name.empty() && !snap->Has(name)) return false;
        found = std::move(snap);
        return true;
      },
      cap_ms);
  return found;
}

bool WindowDriver::Click(const std::string& name, int cap_ms) {
  auto snap = WaitFor("", name, cap_ms);
  if (!snap) return false;
  // Out of view: wheel over a visible sibling (same prefix, so the same form or list) towards it.
  const std::string prefix = name.substr(0, name.find('.') + 1);
  for (int i = 0; i < 20 && !snap->widgets.at(name).reachable(); ++i) {
    const WidgetBox target = snap->widgets.at(name);
    const WidgetBox* anchor = nullptr;
    for (const auto& [other, box] : snap->widgets) {
      if (other.rfind(prefix, 0) == 0 && box.reachable()) anchor = &box;
    }
    if (anchor == nullptr) return false;
    const std::string button = target.y > anchor->y ? "5" : "4";  // X wheel: 4 up, 5 down
    if (!Xdotool(display_, {"mousemove", "--window", window_, std::to_string(anchor->cx()),
                            std::to_string(anchor->cy()), "click", button})) {
      return false;
    }
    const long long before = snap->frame;
    WaitUntil([&] {
      auto next = ReadLayout(layout_);
      if (next && next->frame != before && next->Has(name)) snap = std::move(next);
      return snap->frame != before;
    }, 2000);
  }
  // Lists may still glide after a scroll or a screen change: click once the widget stays put.
  WidgetBox box = snap->widgets.at(name);
  int still = 0;
  WaitUntil([&] {
    const auto now = ReadLayout(layout_);
    if (!now || !now->Has(name)) return false;
    const WidgetBox& b = now->widgets.at(name);
    const bool same = b.vx == box.vx && b.vy == box.vy && b.vw == box.vw && b.vh == box.vh;
    box = b;
    still = same ? still + 1 : 0;
    return still >= 5;  // 5 polls, 100 ms
  }, 3000);
  if (!box.reachable()) return false;
  return Xdotool(display_, {"mousemove", "--window", window_, std::to_string(box.cx()), std::to_string(box.cy()),
                            "click", "1"});
}

bool WindowDriver::ClickField(const std::string& name, int cap_ms) {
  return Click(name, cap_ms) && WaitFor("", name + ".focused", cap_ms).has_value();
}

bool WindowDriver::Type(const std::string& text, int delay_ms) {
  return Xdotool(display_, {"type", "--delay", std::to_string(delay_ms), "--", text});
}

bool WindowDriver::Key(const std::string& keysym) { return Xdotool(display_, {"key", keysym}); }

std::string WindowDriver::last_screen() const {
  const auto snap = ReadLayout(layout_);
  return snap ? snap->screen : std::string();
}

// [SECTION] SQLite

namespace {
template <typename F>
void QueryRow(const std::string& db_path, const std::string& sql, F&& on_row) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
    on_row(stmt);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}
}  // namespace

long long QueryInt(const std::string& db_path, const std::string& sql) {
  long long value = -1;
  QueryRow(db_path, sql, [&](sqlite3_stmt* stmt) {
    if (sqlite3_column_type(stmt, 0) != SQLITE_NULL) value = sqlite3_column_int64(stmt, 0);
  });
  return value;
}

std::string QueryText(const std::string& db_path, const std::string& sql) {
  std::string value;
  QueryRow(db_path, sql, [&](sqlite3_stmt* stmt) {
    if (const unsigned char* text = sqlite3_column_text(stmt, 0)) value = reinterpret_cast<const char*>(text);
  });
  return value;
}

}  // namespace mk::e2e
