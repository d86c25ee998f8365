// End-to-end harness: a private Xvfb display, the real programs in it, xdotool input, the layout file.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mk::e2e {

// Polls `done` every 20 ms until it holds or `cap_ms` passed; true when it held. The only way
// these tests wait: bounded, and as fast as the condition allows.
bool WaitUntil(const std::function<bool()>& done, int cap_ms = 30000);

// A program started by a test, with extra environment variables; stdout and stderr go to
// `log_path`. Stop() (and the destructor) sends SIGTERM, waits a bounded time, then SIGKILL.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
        const std::string& log_path);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }
  // True while the process has not exited. Reaps it when it has.
  bool Running();
  // SIGTERM (SDL turns it into a quit request), then SIGKILL after `grace_ms`. Returns the exit
  // status (-1 when killed by a signal or not started).
  int Stop(int grace_ms = 5000);
  std::optional<int> exit_code() const { return exit_code_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// An Xvfb server on a display number it picks itself (-displayfd), so parallel tests never
// collide. Sets nothing globally; pass display() to the programs. The keyboard layout is German
// (setxkbmap de) as on the centres' kiosks: xdotool then types ä ö ü ß with real keys. Letters
// outside the layout (ł, ø) xdotool types through a keycode it remaps for a moment, and a
// window may read that key after the mapping is gone: such letters get lost now and then, so
// tests type only what the layout has.
class XvfbServer {
 public:
  XvfbServer(int width, int height, const std::string& log_path, const std::string& xkb_layout = "de");
  ~XvfbServer();
  bool ok() const { return !display_.empty(); }
  const std::string& display() const { return display_; }  // ":N"

 private:
  pid_t pid_ = -1;
  std::string display_;
};

// Runs xdotool with DISPLAY set; true on exit status 0. `out` receives stdout when not null.
bool Xdotool(const std::string& display, const std::vector<std::string>& args, std::string* out = nullptr);

// Asks window `window_id` (decimal, as xdotool prints it) to close, as a window manager does
// when its close button is pressed: a WM_DELETE_WINDOW message. True when it was sent.
// (xdotool has no such command: its windowclose destroys the window.)
bool RequestWindowClose(const std::string& display, const std::string& window_id);

// The layout file written by the app when MINTKIOSK_TEST_LAYOUT is set (platform/test_layout.h).
struct WidgetBox {
  int x = 0, y = 0, w = 0, h = 0;      // the whole item
  int vx = 0, vy = 0, vw = 0, vh = 0;  // its part inside the window's clip rectangle
  // Mostly visible: a finger can hit it without scrolling.
  bool reachable() const { return vw > 0 && vh * 2 >= h; }
  int cx() const { return vx + vw / 2; }
  int cy() const { return vy + vh / 2; }
};
struct LayoutSnapshot {
  long long frame = -1;
  std::string screen;
  std::map<std::string, WidgetBox> widgets;
  bool Has(const std::string& name) const { return widgets.count(name) != 0; }
};
std::optional<LayoutSnapshot> ReadLayout(const std::string& path);

// Drives one window of a program under test by the names in its layout file.
class WindowDriver {
 public:
  WindowDriver(std::string display, std::string layout_path) : display_(std::move(display)), layout_(std::move(layout_path)) {}

  // Waits for a top-level window whose title matches `title_regex` and remembers its id.
  bool FindWindow(const std::string& title_regex, int cap_ms = 30000);
  // Waits until the layout shows `screen` (empty: any) with widget `name` (empty: any).
  std::optional<LayoutSnapshot> WaitFor(const std::string& screen, const std::string& name, int cap_ms = 30000);
  // Waits for widget `name` and clicks the centre of its visible part as a finger or mouse
  // would, scrolling the list or form it is in with the mouse wheel when it is out of view.
  bool Click(const std::string& name, int cap_ms = 30000);
  // Clicks text field `name` and waits until the app shows it has the keys (the layout's
  // "NAME.focused"), so that what is typed next goes to it.
  bool ClickField(const std::string& name, int cap_ms = 30000);
  // Types text as a keyboard would (`delay_ms` between keys: 1 is a barcode scanner).
  bool Type(const std::string& text, int delay_ms = 12);
  bool Key(const std::string& keysym);  // "Return", "BackSpace", ...
  const std::string& window_id() const { return window_; }
  std::string last_screen() const;

 private:
  std::string display_;
  std::string layout_;
  std::string window_;
};

// One integer from the SQLite database at `db_path` (opened read-only; NULL and errors give -1).
long long QueryInt(const std::string& db_path, const std::string& sql);
// One text value, empty when there is no row.
std::string QueryText(const std::string& db_path, const std::string& sql);

}  // namespace mk::e2e
