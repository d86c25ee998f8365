// The trainer's side of the real kiosk under Xvfb: kiosk mode keeps the window until the trainer
// PIN is given, and enrolment with a server that does not answer leaves the kiosk usable.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <sstream>
#include <string>

#include "tests/e2e/e2e_support.h"
#include "tests/support/test_support.h"

using namespace mk::e2e;

namespace {

constexpr int kScreenWidth = 1024;  // not the kiosk's default window size: fullscreen must fill it
constexpr int kScreenHeight = 768;

// A seeded demo centre on a private X display, and the kiosk started on it.
class Kiosk {
 public:
  explicit Kiosk(int screen_width = kScreenWidth, int screen_height = kScreenHeight)
      : x_(screen_width, screen_height, dir_.File("xvfb.log")) {
    REQUIRE(x_.ok());
    const auto seeded = mk::test::Run({mk::test::BinPath("mintkiosk"), "--data", data(), "demo", "--teachers", "50"});
    INFO(seeded.err);
    REQUIRE(seeded.exit_code == 0);
  }

  void SetPin(const std::string& pin) {
    // 'pin set' reads one line from standard input when it is not a terminal.
    const auto set = mk::test::Run({"/bin/sh", "-c",
                                    "printf '%s\\n' \"$0\" | \"$1\" --data \"$2\" pin set", pin,
                                    mk::test::BinPath("mintkiosk"), data()});
    INFO(set.err);
    REQUIRE(set.exit_code == 0);
  }

  // Starts the kiosk with `options` after "kiosk" and waits for Home.
  void Start(const std::vector<std::string>& options) {
    std::vector<std::string> argv = {mk::test::BinPath("mintkiosk"), "--data", data(), "kiosk", "--lang", "de"};
    argv.insert(argv.end(), options.begin(), options.end());
    app_ = std::make_unique<Child>(argv,
                                   std::map<std::string, std::string>{{"DISPLAY", x_.display()},
                                                                      {"SDL_VIDEODRIVER", "x11"},
                                                                      {"MINTKIOSK_TEST_LAYOUT", dir_.File("layout.tsv")}},
                                   dir_.File("kiosk.log"));
    REQUIRE(app_->started());
    driver_ = std::make_unique<WindowDriver>(x_.display(), dir_.File("layout.tsv"));
    INFO(Log());
    REQUIRE(driver_->FindWindow("^mintkiosk$"));
    REQUIRE(driver_->WaitFor("home", "home.session.0"));
  }

  // The window's size as X has it.
  std::pair<int, int> WindowSize() {
    std::string out;
    if (!Xdotool(x_.display(), {"getwindowgeometry", "--shell", driver_->window_id()}, &out)) return {-1, -1};
    int w = -1;
    int h = -1;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("WIDTH=", 0) == 0) w = std::stoi(line.substr(6));
      if (line.rfind("HEIGHT=", 0) == 0) h = std::stoi(line.substr(7));
    }
    return {w, h};
  }

  // Taps the PIN on the keypad, then OK.
  void EnterPin(const std::string& pin) {
    for (char digit : pin) REQUIRE(driver_->Click(std::string("pin.") + digit));
    REQUIRE(driver_->Click("pin.ok"));
  }

  std::string data() const { return dir_.File("data"); }
  const std::string& display() const { return x_.display(); }
  std::string Log() const { return mk::test::ReadFile(dir_.File("kiosk.log")); }
  WindowDriver& driver() { return *driver_; }
  Child& app() { return *app_; }

 private:
  mk::test::TempDir dir_;
  XvfbServer x_;
  std::unique_ptr<Child> app_;
  std::unique_ptr<WindowDriver> driver_;
};

// A server that takes connections and never answers.
class SilentServer {
 public:
  SilentServer() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (listener_ >= 0 && bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        listen(listener_, 8) == 0 && getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~SilentServer() {
    if (client_ >= 0) close(client_);
    if (listener_ >= 0) close(listener_);
  }
  int port() const { return port_; }

  // Takes the next connection once one waits (bounded poll); true when there was one.
  bool Accept() {
    if (!WaitUntil([&] {
          pollfd p{listener_, POLLIN, 0};
          return poll(&p, 1, 0) == 1;
        })) {
      return false;
    }
    client_ = accept(listener_, nullptr, nullptr);
    return client_ >= 0;
  }
  // True while the client keeps the connection open (its request is still waiting).
  bool ClientConnected() {
    char buffer[4096];
    for (;;) {
      const ssize_t n = recv(client_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) continue;  // the request itself
      return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }

 private:
  int listener_ = -1;
  int client_ = -1;
  int port_ = 0;
};

}  // namespace

TEST_CASE("in kiosk mode the window fills the screen and closing it asks for the trainer PIN", "[e2e][ui]") {
  Kiosk kiosk;
  kiosk.SetPin("2468");
  kiosk.Start({});  // no --windowed: kiosk mode
  WindowDriver& d = kiosk.driver();
  // Fullscreen, even with no window manager on the display.
  CHECK(WaitUntil([&] { return kiosk.WindowSize() == std::make_pair(kScreenWidth, kScreenHeight); }, 10000));

  // The close button (a window manager's close request) brings the PIN prompt, not the end.
  REQUIRE(RequestWindowClose(kiosk.display(), d.window_id()));
  INFO(kiosk.Log());
  REQUIRE(d.WaitFor("pin", "pin.ok"));
  CHECK(kiosk.app().Running());

  // A wrong PIN says so and keeps the kiosk open.
  kiosk.EnterPin("1357");
  REQUIRE(d.WaitFor("pin", "notice"));
  CHECK(kiosk.app().Running());
  CHECK(d.last_screen() == "pin");

  // Cancel goes back to Home; closing again asks again.
  REQUIRE(d.Click("pin.cancel"));
  REQUIRE(d.WaitFor("home", "home.session.0"));
  CHECK(kiosk.app().Running());
  REQUIRE(RequestWindowClose(kiosk.display(), d.window_id()));
  REQUIRE(d.WaitFor("pin", "pin.ok"));

  // The right PIN ends the kiosk, normally.
  kiosk.EnterPin("2468");
  CHECK(WaitUntil([&] { return !kiosk.app().Running(); }));
  CHECK(kiosk.app().exit_code() == 0);
}

TEST_CASE("in kiosk mode with no PIN set, closing asks to choose one first and stores it like 'pin set'", "[e2e][ui]") {
  Kiosk kiosk;
  kiosk.Start({});
  WindowDriver& d = kiosk.driver();
  REQUIRE(RequestWindowClose(kiosk.display(), d.window_id()));
  INFO(kiosk.Log());
  // Nobody gets through without a PIN: OK alone asks again.
  REQUIRE(d.WaitFor("pin", "pin.choose"));
  REQUIRE(d.Click("pin.ok"));
  REQUIRE(d.WaitFor("pin", "notice"));
  CHECK(kiosk.app().Running());
  kiosk.EnterPin("97531");
  REQUIRE(d.WaitFor("pin", "pin.confirm"));
  CHECK(kiosk.app().Running());
  kiosk.EnterPin("97531");
  CHECK(WaitUntil([&] { return !kiosk.app().Running(); }));
  CHECK(kiosk.app().exit_code() == 0);
  // The same file `mintkiosk pin set` writes: an Argon2id hash, readable by its owner only.
  const std::string pin_file = kiosk.data() + "/kiosk-pin";
  CHECK(mk::test::ReadFile(pin_file).rfind("$argon2id$", 0) == 0);
  struct stat st {};
  REQUIRE(stat(pin_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a windowed kiosk closes like any window, without the PIN", "[e2e][ui]") {
  Kiosk kiosk;
  kiosk.SetPin("2468");
  kiosk.Start({"--windowed", "--size", "800x600"});
  CHECK(kiosk.WindowSize() == std::make_pair(800, 600));
  REQUIRE(RequestWindowClose(kiosk.display(), kiosk.driver().window_id()));
  CHECK(WaitUntil([&] { return !kiosk.app().Running(); }));
  CHECK(kiosk.app().exit_code() == 0);
}

TEST_CASE("while the server does not answer an enrolment, the kiosk keeps working and still ends at once", "[e2e][ui]") {
  SilentServer server;
  REQUIRE(server.port() > 0);
  // A tall screen: the settings form and the keyboard fit without scrolling.
  Kiosk kiosk(1080, 1920);
  kiosk.Start({"--windowed", "--size", "1080x1920"});
  WindowDriver& d = kiosk.driver();
  REQUIRE(d.Click("home.trainer"));
  REQUIRE(d.WaitFor("trainer", "trainer.kiosk_settings"));
  REQUIRE(d.Click("trainer.kiosk_settings"));
  // No PIN set yet: one is chosen on the keypad, typed twice, then the settings open.
  REQUIRE(d.WaitFor("pin", "pin.choose"));
  kiosk.EnterPin("2468");
  REQUIRE(d.WaitFor("pin", "pin.confirm"));
  kiosk.EnterPin("2468");
  REQUIRE(d.WaitFor("settings", "settings.server"));
  REQUIRE(d.ClickField("settings.server"));
  REQUIRE(d.Type("http://127.0.0.1:" + std::to_string(server.port())));
  REQUIRE(d.ClickField("settings.enrol_code"));
  REQUIRE(d.Type("K7QX2-MHT9C"));
  REQUIRE(d.Click("settings.enrol"));
  INFO(kiosk.Log());
  // The request reached the server, which holds it without an answer.
  REQUIRE(server.Accept());
  // Meanwhile the kiosk answers taps: the settings close and Home comes back.
  REQUIRE(d.Click("settings.close"));
  REQUIRE(d.WaitFor("home", "home.session.0"));
  REQUIRE(d.Click("home.session.0"));
  REQUIRE(d.WaitFor("checkin", "checkin.search"));
  // ...and the enrolment was still waiting all along.
  CHECK(server.ClientConnected());
  // A service stop ends the kiosk normally: the waiting request is abandoned, not waited out.
  CHECK(kiosk.app().Stop() == 0);
  CHECK_FALSE(server.ClientConnected());
}
